"""
Writes NVIDIA-structured StyleGAN2-ADA network pickles for the importer's tests, without
NVIDIA's code: stand-in `torch_utils.persistence` and `dnnlib` modules reproduce the
structure (persistent objects rebuilt through `_reconstruct_persistent_obj(meta)`, module
state with `_parameters` / `_buffers` / `_modules`, `_init_kwargs`, tensors through
`torch._utils._rebuild_tensor_v2` with storages in torch's legacy `torch.save` format).
Also writes hostile and broken pickles. Weights come from tools/sg2ref/make_fixtures.py's
random initializer; expected images come from the float64 reference.

Run from the repository root:  /usr/bin/python3 tools/pkl/make_pkl_fixtures.py
"""
import copy
import io
import math
import os
import pickle
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "sg2ref"))
import make_fixtures as mf  # noqa: E402
import reference as ref  # noqa: E402
import safetensors_io as st  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "packages", "ops-gpu", "fixtures", "pkl")

# --- stand-ins for the modules NVIDIA's pickles refer to -------------------------------------
persistence = types.ModuleType("torch_utils.persistence")
torch_utils = types.ModuleType("torch_utils")
torch_utils.persistence = persistence
dnnlib = types.ModuleType("dnnlib")
dnnlib_util = types.ModuleType("dnnlib.util")


class EasyDict(dict):
    """Attribute-access dict, as pickled by NVIDIA's dnnlib.util."""


EasyDict.__module__ = "dnnlib.util"
dnnlib_util.EasyDict = EasyDict
dnnlib.util = dnnlib_util
dnnlib.EasyDict = EasyDict


def _reconstruct_persistent_obj(meta):  # noqa: D401 - mirrors the name the importer expects
    raise RuntimeError("fixtures are only written here, never loaded")


_reconstruct_persistent_obj.__module__ = "torch_utils.persistence"
persistence._reconstruct_persistent_obj = _reconstruct_persistent_obj
sys.modules.update({"torch_utils": torch_utils, "torch_utils.persistence": persistence, "dnnlib": dnnlib, "dnnlib.util": dnnlib_util})

MODULE_SRC = "# source of the network module (ignored by readers that never execute it)\n"


class Persistent(torch.nn.Module):
    """A module pickled the way NVIDIA's persistent classes are."""

    def __init__(self, class_name, **init_kwargs):
        super().__init__()
        self._orig_class_name = class_name
        self._init_args = ()
        self._init_kwargs = copy.deepcopy(init_kwargs)
        for k, v in init_kwargs.items():
            if not isinstance(v, dict):
                setattr(self, k, v)

    def __reduce__(self):
        state = dict(self.__dict__)
        del state["_orig_class_name"]
        meta = dict(type="class", version=4, module_src=MODULE_SRC, class_name=self._orig_class_name, state=state)
        return (_reconstruct_persistent_obj, (meta,))


BUFFERS = ("w_avg", "noise_const", "resample_filter")


def class_of(path, net):
    """NVIDIA's class name for the module at `path` ('' = the network)."""
    last = path.split(".")[-1]
    if path == "":
        return "Generator" if net == "G" else "Discriminator"
    if last == "mapping":
        return "MappingNetwork"
    if last == "synthesis":
        return "SynthesisNetwork"
    if last in ("affine", "fc", "out", "embed") or last.startswith("fc"):
        return "FullyConnectedLayer"
    if last == "torgb":
        return "ToRGBLayer"
    if last == "mbstd":
        return "MinibatchStdLayer"
    if net == "G" and last in ("conv0", "conv1"):
        return "SynthesisLayer"
    if last.startswith("b"):
        if net == "G":
            return "SynthesisBlock"
        return "DiscriminatorEpilogue" if last == "b4" else "DiscriminatorBlock"
    return "Conv2dLayer"


def build(sd, net, root_kwargs, attrs):
    """A tree of Persistent modules holding `sd` under NVIDIA's names."""
    root = Persistent(class_of("", net), **root_kwargs)
    mods = {"": root}

    def module(path):
        if path not in mods:
            parent, _, name = path.rpartition(".")
            m = Persistent(class_of(path, net), **attrs.get(path, {}))
            module(parent).add_module(name, m)
            mods[path] = m
        return mods[path]

    for name in sorted(sd):
        path, _, leaf = name.rpartition(".")
        m = module(path)
        t = torch.from_numpy(np.array(sd[name]))
        if leaf in BUFFERS:
            m.register_buffer(leaf, t)
        else:
            m.register_parameter(leaf, torch.nn.Parameter(t))
    if net == "D":
        module("b4.mbstd")  # no parameters, but present in NVIDIA's D
    return root


def network_pickle(cfg, G, D, protocol):
    g, d = cfg["generator"], cfg["discriminator"]
    cbase, cmax = 64, 16
    clamp = g["convClamp"]
    g_kwargs = dict(z_dim=g["zDim"], c_dim=g["cDim"], w_dim=g["wDim"], img_resolution=g["resolution"], img_channels=3,
                    mapping_kwargs=EasyDict(num_layers=g["mapping"]["numLayers"]),
                    synthesis_kwargs=EasyDict(channel_base=cbase, channel_max=cmax, num_fp16_res=4, conv_clamp=clamp))
    d_kwargs = dict(c_dim=d["cDim"], img_resolution=d["resolution"], img_channels=3, architecture="resnet", channel_base=cbase,
                    channel_max=cmax, num_fp16_res=4, conv_clamp=clamp, mapping_kwargs=EasyDict(),
                    epilogue_kwargs=EasyDict(mbstd_group_size=d["mbstdGroupSize"]))
    # Attributes the importer reads besides tensors: lr multipliers, clamps, mbstd settings.
    g_attrs = {f"mapping.fc{i}": {"lr_multiplier": 0.01, "bias_gain": 0.01} for i in range(g["mapping"]["numLayers"])}
    for name, res, kind, _ in ref.synthesis_layers(g):
        g_attrs[f"synthesis.{name}"] = {"conv_clamp": clamp, "resolution": res}
    d_attrs = {"b4.mbstd": {"group_size": d["mbstdGroupSize"], "num_channels": d["mbstdNumChannels"]}}
    if d["cDim"] > 0:
        d_attrs.update({f"mapping.fc{i}": {"lr_multiplier": 0.01, "bias_gain": 0.01} for i in range(d["mapping"]["numLayers"])})
    G_mod = build(G, "G", g_kwargs, g_attrs)
    D_mod = build(D, "D", d_kwargs, d_attrs)
    G_ema = build(G, "G", g_kwargs, g_attrs)  # a separate copy, as in real snapshots
    data = dict(G=G_mod, D=D_mod, G_ema=G_ema, augment_pipe=None,
                training_set_kwargs=EasyDict(path="faces.zip", resolution=g["resolution"], use_labels=g["cDim"] > 0, xflip=np.bool_(True),
                                             max_size=np.int64(70000)))
    return pickle.dumps(data, protocol=protocol)


def expected(cfg, G, seed):
    """W+ and its const-noise image from the float64 reference."""
    g = cfg["generator"]
    rng = np.random.RandomState(seed)
    sd = ref.to_torch(G)
    ws = torch.from_numpy(rng.standard_normal((2, g["numWs"], g["wDim"])))
    names = ref.noise_layer_names(g)
    const = {nm: sd[f"synthesis.{nm}.noise_const"][None, None].repeat(2, 1, 1, 1) for nm in names}
    with torch.no_grad():
        img, _ = ref.synthesis(sd, g, ws, const, torch.ones(len(names), dtype=torch.float64))
    return {"ws": ws.numpy().astype(np.float32), "img_const": img.numpy().astype(np.float32)}


def hostile(path, module, name, arg):
    """A protocol-2 pickle that calls module.name(arg) when loaded by a plain unpickler."""
    body = b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"X" + len(arg).to_bytes(4, "little") + arg.encode() + b"\x85R."
    with open(path, "wb") as f:
        f.write(body)


def main():
    os.makedirs(OUT, exist_ok=True)
    configs = [
        # 2 mapping layers, no clamp, unconditional, 32 px.
        ("a32", mf.config("a32", 16, 16, 0, 2, 32, {4: 16, 8: 16, 16: 8, 32: 4}, None), 4),
        # 8 mapping layers, conv_clamp 256, class-conditional, 64 px.
        ("b64", mf.config("b64", 16, 16, 3, 8, 64, {4: 16, 8: 16, 16: 8, 32: 4, 64: 2}, 256.0, d_map_layers=8), 2),
    ]
    for name, cfg, protocol in configs:
        rng = np.random.RandomState(sum(map(ord, name)))
        G, D = mf.state_dicts(cfg, rng)
        with open(os.path.join(OUT, f"{name}.pkl"), "wb") as f:
            f.write(network_pickle(cfg, G, D, protocol))
        st.write(os.path.join(OUT, f"{name}.expected.safetensors"), {**{f"G.{k}": v for k, v in G.items()}, **{f"D.{k}": v for k, v in D.items()},
                                                                   **expected(cfg, G, 7)})
        with open(os.path.join(OUT, f"{name}.config.json"), "w") as f:
            import json
            json.dump(cfg, f, indent=2)
            f.write("\n")
        print(f"{name}: protocol {protocol}, {os.path.getsize(os.path.join(OUT, name + '.pkl'))} bytes")
        # The same weights as plain state dicts: torch.save zip (G_ema./D. prefixes) and safetensors (generator only).
        tsd = {**{f"G_ema.{k}": torch.from_numpy(np.array(v)) for k, v in G.items()}, **{f"D.{k}": torch.from_numpy(np.array(v)) for k, v in D.items()}}
        torch.save(tsd, os.path.join(OUT, f"{name}.state-dict.pt"))
        st.write(os.path.join(OUT, f"{name}.generator-only.safetensors"), G)

    # Hostile and broken files.
    hostile(os.path.join(OUT, "evil-os-system.pkl"), "os", "system", "touch /tmp/stylegraph-pwned")
    hostile(os.path.join(OUT, "evil-eval.pkl"), "builtins", "eval", "__import__('os').system('touch /tmp/stylegraph-pwned')")
    hostile(os.path.join(OUT, "evil-popen.pkl"), "subprocess", "Popen", "touch /tmp/stylegraph-pwned")
    good = open(os.path.join(OUT, "a32.pkl"), "rb").read()
    with open(os.path.join(OUT, "truncated.pkl"), "wb") as f:
        f.write(good[: len(good) // 2])
    with open(os.path.join(OUT, "not-a-pickle.pkl"), "wb") as f:
        f.write(b"PK\x03\x04 this is a zip, not a pickle")
    # A storage whose data is shorter than its header says: shrink the first embedded torch.save blob.
    i = good.index(b"\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19")  # torch's legacy magic number
    op = good.rfind(b"B", 0, i)  # BINBYTES opcode of that blob
    n = int.from_bytes(good[op + 1 : op + 5], "little")
    blob = good[op + 5 : op + 5 + n]
    short = blob[:-4]
    bad = good[:op] + b"B" + len(short).to_bytes(4, "little") + short + good[op + 5 + n :]
    with open(os.path.join(OUT, "short-storage.pkl"), "wb") as f:
        f.write(bad)
    # A StyleGAN3-style generator: synthesis with an input layer and L*_ layers.
    sg3 = Persistent("Generator", z_dim=4, w_dim=4)
    syn = Persistent("SynthesisNetwork")
    sg3.add_module("synthesis", syn)
    syn.add_module("input", Persistent("SynthesisInput"))
    syn.add_module("L0_36_512", Persistent("SynthesisLayer"))
    with open(os.path.join(OUT, "stylegan3.pkl"), "wb") as f:
        f.write(pickle.dumps(dict(G=sg3, D=None, G_ema=sg3, augment_pipe=None, training_set_kwargs=None), protocol=4))
    # An original TensorFlow StyleGAN2 pickle refers to dnnlib.tflib.network.Network.
    with open(os.path.join(OUT, "tensorflow.pkl"), "wb") as f:
        f.write(b"\x80\x02cdnnlib.tflib.network\nNetwork\nq\x00)\x81q\x01}q\x02b.")
    print("torch", torch.__version__)


if __name__ == "__main__":
    main()
