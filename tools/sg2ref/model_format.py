"""
stylegraph's model folder format for the reference networks:

  config.json                 {"format": "stylegraph.model", "formatVersion": 1, "name", "generator",
                              "discriminator" (or null)} — see generator_config / discriminator_config
  generator.safetensors       G_ema's state dict, NVIDIA's names, F32
  discriminator.safetensors   D's state dict, NVIDIA's names, F32 (absent for generator-only models)

save_model() writes a folder from Generator / Discriminator modules, load_model() rebuilds them.
"""
import json
import os

import numpy as np
import torch

import safetensors_io as st
from networks import Discriminator, Generator


def _clamp_json(v):
    """conv_clamp as JSON: null, or an integer when integral (256), else a float."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def generator_config(G):
    s, m = G.synthesis, G.mapping
    return {
        "zDim": G.z_dim, "cDim": G.c_dim, "wDim": G.w_dim, "numWs": G.num_ws, "resolution": G.img_resolution,
        "imgChannels": G.img_channels,
        "mapping": {"numLayers": m.num_layers, "lrMultiplier": m.lr_multiplier},
        "channels": {str(r): s.channels[r] for r in s.block_resolutions},
        "convClamp": _clamp_json(s.conv_clamp), "architecture": "skip",
    }


def discriminator_config(D):
    m = D.mapping if D.c_dim > 0 else None
    return {
        "architecture": "resnet", "cDim": D.c_dim, "resolution": D.img_resolution, "imgChannels": D.img_channels,
        "channels": {str(r): D.channels[r] for r in D.block_resolutions + [4]},
        "cmapDim": D.cmap_dim if D.c_dim > 0 else None,
        "mbstdGroupSize": D.mbstd_group_size, "mbstdNumChannels": D.mbstd_num_channels,
        "convClamp": _clamp_json(D.conv_clamp),
        "mapping": {"numLayers": m.num_layers, "lrMultiplier": m.lr_multiplier} if m is not None else None,
    }


def model_config(name, G, D=None):
    return {"format": "stylegraph.model", "formatVersion": 1, "name": name, "generator": generator_config(G),
            "discriminator": discriminator_config(D) if D is not None else None}


def build_generator(g):
    """A Generator (float32, NVIDIA-default init) from a config's "generator" object."""
    assert g.get("architecture", "skip") == "skip"
    return Generator(g["zDim"], g["cDim"], g["wDim"], g["resolution"], g["imgChannels"],
                     mapping_kwargs={"num_layers": g["mapping"]["numLayers"], "lr_multiplier": g["mapping"]["lrMultiplier"]},
                     synthesis_kwargs={"channels": {int(k): v for k, v in g["channels"].items()}, "conv_clamp": g["convClamp"]})


def build_discriminator(d):
    """A Discriminator (float32, NVIDIA-default init) from a config's "discriminator" object."""
    assert d.get("architecture", "resnet") == "resnet"
    mapping_kwargs = {"num_layers": d["mapping"]["numLayers"], "lr_multiplier": d["mapping"]["lrMultiplier"]} if d["cDim"] > 0 else {}
    return Discriminator(d["cDim"], d["resolution"], d["imgChannels"], conv_clamp=d["convClamp"], cmap_dim=d["cmapDim"],
                         channels={int(k): v for k, v in d["channels"].items()}, mapping_kwargs=mapping_kwargs,
                         epilogue_kwargs={"mbstd_group_size": d["mbstdGroupSize"], "mbstd_num_channels": d["mbstdNumChannels"]})


def state_dict_f32(net):
    """{name: float32 numpy array} of a module's state dict (parameters and persistent buffers)."""
    return {k: v.detach().cpu().to(torch.float32).numpy() for k, v in net.state_dict().items()}


def save_model(folder, name, G, D=None, metadata=None):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(model_config(name, G, D), f, indent=2)
        f.write("\n")
    st.write(os.path.join(folder, "generator.safetensors"), state_dict_f32(G), metadata)
    if D is not None:
        st.write(os.path.join(folder, "discriminator.safetensors"), state_dict_f32(D), metadata)


def load_model(folder):
    """-> (config, G, D or None), modules in float32 eval mode with the stored weights."""
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    assert cfg.get("format") == "stylegraph.model" and cfg.get("formatVersion") == 1
    G = build_generator(cfg["generator"])
    G.load_state_dict({k: torch.from_numpy(v) for k, v in st.read(os.path.join(folder, "generator.safetensors")).items()})
    D = None
    if cfg.get("discriminator") is not None:
        D = build_discriminator(cfg["discriminator"])
        D.load_state_dict({k: torch.from_numpy(v) for k, v in st.read(os.path.join(folder, "discriminator.safetensors")).items()})
    return cfg, G.eval(), (D.eval() if D is not None else None)

