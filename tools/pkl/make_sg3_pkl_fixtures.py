"""
Writes NVIDIA-structured StyleGAN3 network pickles for the importer's tests, without NVIDIA's
code: the persistent-object structure of make_pkl_fixtures.py with the classes and attributes
of stylegan3's `training/networks_stylegan3.py` (Generator, MappingNetwork, SynthesisNetwork,
SynthesisInput, SynthesisLayer, FullyConnectedLayer), including the numpy scalars and arrays
NVIDIA's modules keep as attributes (sampling rates, cutoffs, sizes). The weights are those of
the fidelity fixtures packages/ops-gpu/fixtures/sg3t and sg3r (tools/sg3ref/make_fixtures.py),
so their cases.safetensors hold the expected images.

  sg3t.pkl  StyleGAN3-T, unconditional, no fp16 layers (num_fp16_res 0)
  sg3r.pkl  StyleGAN3-R, class-conditional, fp16 layers (num_fp16_res 4), with a (StyleGAN2) discriminator
            whose weights and config are sg3r.discriminator.safetensors / .json

Run from the repository root:  /usr/bin/python3 tools/pkl/make_sg3_pkl_fixtures.py
"""
import json
import os
import pickle
import sys

import numpy as np
import torch

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
import make_pkl_fixtures as pk  # noqa: E402 - also puts tools/sg2ref on the path
import safetensors_io as st  # noqa: E402


def _sg3_schedule():
    import importlib.util
    spec = importlib.util.spec_from_file_location("sg3ref", os.path.join(HERE, "..", "sg3ref", "reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.schedule


schedule = _sg3_schedule()

FIX = os.path.join(HERE, "..", "..", "packages", "ops-gpu", "fixtures")


def module(class_name, init_kwargs, **attrs):
    m = pk.Persistent(class_name)
    m._init_kwargs = init_kwargs
    for k, v in attrs.items():
        setattr(m, k, v)
    return m


def tensors(m, sd, prefix, params=(), buffers=()):
    for name in params:
        m.register_parameter(name, torch.nn.Parameter(torch.from_numpy(np.array(sd[f"{prefix}.{name}"]))))
    for name in buffers:
        key = f"{prefix}.{name}"
        m.register_buffer(name, torch.from_numpy(np.array(sd[key])) if key in sd else None)


def fc(sd, prefix, lr=1.0, activation="linear"):
    o, i = sd[f"{prefix}.weight"].shape
    m = module("FullyConnectedLayer", dict(in_features=i, out_features=o, activation=activation, lr_multiplier=lr),
               activation=activation, in_features=i, out_features=o, weight_gain=lr / np.sqrt(i), bias_gain=lr)
    tensors(m, sd, prefix, ("weight", "bias"))
    return m


def generator(cfg, sd, fp16_res):
    g, p = cfg["generator"], cfg["generator"]["synthesis"]
    radial = g["architecture"] == "stylegan3-r"
    res, L = g["resolution"], p["numLayers"]
    inp, layers = schedule(res, g["imgChannels"], p, radial)
    beta = 0.5 ** (32 / (20 * 1e3))
    # What train.py passes (flat synthesis kwargs next to mapping_kwargs).
    syn_kwargs = dict(channel_base=p["channelBase"], channel_max=p["channelMax"], num_fp16_res=fp16_res, conv_clamp=int(g["convClamp"]),
                      magnitude_ema_beta=beta, num_layers=L, num_critical=p["numCritical"], margin_size=p["marginSize"])
    if radial:
        syn_kwargs.update(conv_kernel=1, use_radial_filters=True)
    G = module("Generator", dict(z_dim=g["zDim"], c_dim=g["cDim"], w_dim=g["wDim"], img_resolution=res, img_channels=g["imgChannels"],
                                 mapping_kwargs=pk.EasyDict(), **syn_kwargs),
               z_dim=g["zDim"], c_dim=g["cDim"], w_dim=g["wDim"], img_resolution=res, img_channels=g["imgChannels"], num_ws=g["numWs"])

    mapping = module("MappingNetwork", dict(z_dim=g["zDim"], c_dim=g["cDim"], w_dim=g["wDim"], num_ws=g["numWs"]),
                     z_dim=g["zDim"], c_dim=g["cDim"], w_dim=g["wDim"], num_ws=g["numWs"], num_layers=g["mapping"]["numLayers"], w_avg_beta=0.998)
    if g["cDim"] > 0:
        mapping.add_module("embed", fc(sd, "mapping.embed"))
    for i in range(g["mapping"]["numLayers"]):
        mapping.add_module(f"fc{i}", fc(sd, f"mapping.fc{i}", lr=0.01, activation="lrelu"))
    tensors(mapping, sd, "mapping", buffers=("w_avg",))
    G.add_module("mapping", mapping)

    syn = module("SynthesisNetwork", dict(w_dim=g["wDim"], img_resolution=res, img_channels=g["imgChannels"], **syn_kwargs),
                 w_dim=g["wDim"], num_ws=g["numWs"], img_resolution=res, img_channels=g["imgChannels"], num_layers=L,
                 num_critical=p["numCritical"], margin_size=p["marginSize"], output_scale=p["outputScale"], num_fp16_res=fp16_res,
                 layer_names=[l["name"] for l in layers])
    f64 = np.float64
    size = lambda s: np.broadcast_to(np.asarray(s), [2])  # noqa: E731 - as NVIDIA stores sizes
    si = module("SynthesisInput", dict(w_dim=g["wDim"], channels=inp["channels"], size=int(inp["size"]), sampling_rate=f64(inp["rate"]),
                                       bandwidth=f64(inp["bandwidth"])),
                w_dim=g["wDim"], channels=inp["channels"], size=size(inp["size"]), sampling_rate=f64(inp["rate"]), bandwidth=f64(inp["bandwidth"]))
    si.add_module("affine", fc(sd, "synthesis.input.affine"))
    tensors(si, sd, "synthesis.input", ("weight",), ("transform", "freqs", "phases"))
    syn.add_module("input", si)
    for l in layers:
        prefix = f"synthesis.{l['name']}"
        use_fp16 = np.bool_(l["in_rate"] * 2 ** fp16_res > res)
        attrs = dict(w_dim=g["wDim"], is_torgb=l["torgb"], is_critically_sampled=l["critical"], use_fp16=use_fp16, in_channels=l["ci"],
                     out_channels=l["co"], in_size=size(l["in_size"]), out_size=size(l["out_size"]), in_sampling_rate=f64(l["in_rate"]),
                     out_sampling_rate=f64(l["out_rate"]), tmp_sampling_rate=f64(l["tmp_rate"]), in_cutoff=f64(l["in_cut"]),
                     out_cutoff=f64(l["out_cut"]), in_half_width=f64(l["in_hw"]), out_half_width=f64(l["out_hw"]),
                     conv_kernel=l["k"], conv_clamp=int(g["convClamp"]), magnitude_ema_beta=beta, up_factor=l["up"], up_taps=l["up_taps"],
                     down_factor=l["down"], down_taps=l["down_taps"], down_radial=l["radial"],
                     padding=[int(l["pad"][0]), int(l["pad"][1]), int(l["pad"][0]), int(l["pad"][1])])
        kw = {k: attrs[k] for k in ("w_dim", "is_torgb", "is_critically_sampled", "use_fp16", "in_channels", "out_channels", "in_size",
                                     "out_size", "in_sampling_rate", "out_sampling_rate", "in_cutoff", "out_cutoff", "in_half_width",
                                     "out_half_width")}
        m = module("SynthesisLayer", kw, **attrs)
        m.add_module("affine", fc(sd, f"{prefix}.affine"))
        tensors(m, sd, prefix, ("weight", "bias"), ("magnitude_ema", "up_filter", "down_filter"))
        syn.add_module(l["name"], m)
    G.add_module("synthesis", syn)
    return G


def discriminator(name, g):
    """StyleGAN3 trains with StyleGAN2's discriminator: a random one matching the generator."""
    cfg = pk.mf.config(name, g["zDim"], g["wDim"], g["cDim"], 2, g["resolution"], {4: 16, 8: 16, 16: 8, 32: 4}, g["convClamp"])
    _, D = pk.mf.state_dicts(cfg, np.random.RandomState(sum(map(ord, name))))
    d = cfg["discriminator"]
    d_kwargs = dict(c_dim=d["cDim"], img_resolution=d["resolution"], img_channels=3, architecture="resnet", channel_base=64, channel_max=16,
                    num_fp16_res=4, conv_clamp=d["convClamp"], mapping_kwargs=pk.EasyDict(), epilogue_kwargs=pk.EasyDict(mbstd_group_size=4))
    d_attrs = {"b4.mbstd": {"group_size": d["mbstdGroupSize"], "num_channels": d["mbstdNumChannels"]}}
    d_attrs.update({f"mapping.fc{i}": {"lr_multiplier": 0.01, "bias_gain": 0.01} for i in range(d["mapping"]["numLayers"] if d["mapping"] else 0)})
    return pk.build(D, "D", d_kwargs, d_attrs), D, d


def main():
    out = os.path.join(FIX, "pkl")
    for name, fp16_res, with_d in (("sg3t", 0, False), ("sg3r", 4, True)):
        cfg = json.load(open(os.path.join(FIX, name, "config.json")))
        sd = st.read(os.path.join(FIX, name, "generator.safetensors"))
        G_ema = generator(cfg, sd, fp16_res)
        D = None
        if with_d:
            D, dsd, dcfg = discriminator(f"{name}-d", cfg["generator"])
            st.write(os.path.join(out, f"{name}.discriminator.safetensors"), dsd)
            with open(os.path.join(out, f"{name}.discriminator.json"), "w") as f:
                json.dump(dcfg, f, indent=2)
                f.write("\n")
        data = dict(G=generator(cfg, sd, fp16_res), D=D, G_ema=G_ema, augment_pipe=None,
                    training_set_kwargs=pk.EasyDict(path="faces.zip", resolution=cfg["generator"]["resolution"],
                                                    use_labels=cfg["generator"]["cDim"] > 0, xflip=np.bool_(False), max_size=np.int64(1000)))
        path = os.path.join(out, f"{name}.pkl")
        with open(path, "wb") as f:
            f.write(pickle.dumps(data, protocol=4))
        print(f"{name}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
