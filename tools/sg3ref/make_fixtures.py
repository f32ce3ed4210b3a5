"""
Writes the StyleGAN3 fidelity fixtures packages/ops-gpu/fixtures/sg3t and sg3r: small
random-weight models in the project's model format (-T unconditional with a clamping layer,
-R class-conditional with radial filters), and cases.safetensors with inputs and float64
reference outputs (stored as float32): W+, the image and every layer's tap with the stored
(identity) transform and with per-image translate/rotate transforms, and d(Σ img·R)/d(W+, transform).

Run from the repository root:  /usr/bin/python3 tools/sg3ref/make_fixtures.py
"""
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "sg2ref"))
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402
import safetensors_io as st  # noqa: E402
from reference import schedule  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "packages", "ops-gpu", "fixtures")
B = 2


def load_sg2_reference():
    import importlib.util
    spec = importlib.util.spec_from_file_location("sg2ref", os.path.join(HERE, "..", "sg2ref", "reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def config(name, arch, res, z, w, c, params):
    inp, layers = schedule(res, 3, params, arch == "stylegan3-r")
    spec = [{
        "name": l["name"], "toRgb": l["torgb"], "criticallySampled": l["critical"], "inChannels": l["ci"], "outChannels": l["co"],
        "inSize": l["in_size"], "outSize": l["out_size"], "inSamplingRate": l["in_rate"], "outSamplingRate": l["out_rate"],
        "inCutoff": l["in_cut"], "outCutoff": l["out_cut"], "inHalfWidth": l["in_hw"], "outHalfWidth": l["out_hw"],
        "kernel": l["k"], "upFactor": l["up"], "downFactor": l["down"], "upTaps": l["up_taps"], "downTaps": l["down_taps"],
        "downRadial": l["radial"], "padding": [l["pad"][0], l["pad"][1], l["pad"][0], l["pad"][1]],
    } for l in layers]
    return {
        "format": "stylegraph.model", "formatVersion": 1, "name": name,
        "generator": {
            "architecture": arch, "zDim": z, "cDim": c, "wDim": w, "numWs": params["numLayers"] + 2, "resolution": res,
            "imgChannels": 3, "mapping": {"numLayers": 2, "lrMultiplier": 0.01}, "convClamp": 256.0,
            "synthesis": params, "layers": spec,
        },
        "discriminator": None,
    }


def params(**kw):
    p = {"numLayers": 6, "numCritical": 2, "firstCutoff": 2, "firstStopband": 2 ** 2.1, "lastStopbandRel": 2 ** 0.3,
         "marginSize": 10, "outputScale": 0.25, "channelBase": 128, "channelMax": 8, "convKernel": 3, "filterSize": 6,
         "lreluUpsampling": 2}
    p.update(kw)
    return p


def state_dict(cfg, rng):
    g = cfg["generator"]
    inp, layers = schedule(g["resolution"], 3, g["synthesis"], g["architecture"] == "stylegan3-r")
    n = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    G = {}

    def fcw(name, i, o, bias):
        G[f"{name}.weight"] = n(o, i)
        G[f"{name}.bias"] = bias.astype(np.float32)

    wd = g["wDim"]
    if g["cDim"] > 0:
        fcw("mapping.embed", g["cDim"], wd, 0.5 * n(wd))
    for i in range(g["mapping"]["numLayers"]):
        fcw(f"mapping.fc{i}", (g["zDim"] + (wd if g["cDim"] else 0)) if i == 0 else wd, wd, 0.5 * n(wd))
    G["mapping.w_avg"] = 0.5 * n(wd)
    C = inp["channels"]
    freqs = rng.standard_normal((C, 2))
    radii = np.sqrt((freqs ** 2).sum(1, keepdims=True))
    freqs = freqs / (radii * np.exp(radii ** 2) ** 0.25) * inp["bandwidth"]
    G["synthesis.input.weight"] = n(C, C)
    G["synthesis.input.affine.weight"] = 0.5 * n(4, wd)
    G["synthesis.input.affine.bias"] = (np.array([1, 0, 0, 0]) + 0.2 * n(4)).astype(np.float32)
    G["synthesis.input.transform"] = np.eye(3, dtype=np.float32)
    G["synthesis.input.freqs"] = freqs.astype(np.float32)
    G["synthesis.input.phases"] = (rng.random_sample(C) - 0.5).astype(np.float32)
    for l in layers:
        p = f"synthesis.{l['name']}"
        fcw(f"{p}.affine", wd, l["ci"], 1 + 0.1 * n(l["ci"]))
        G[f"{p}.weight"] = n(l["co"], l["ci"], l["k"], l["k"])
        G[f"{p}.bias"] = 0.5 * n(l["co"])
        G[f"{p}.magnitude_ema"] = np.array(0.5 + rng.random_sample(), dtype=np.float32)
        up, down = ref.layer_filters(l)
        if up is not None:
            G[f"{p}.up_filter"] = up.astype(np.float32)
        if down is not None:
            G[f"{p}.down_filter"] = down.astype(np.float32)
    return G, layers


def pan_rotate(tx, ty, deg):
    """NVIDIA gen_images.py: the input transform is the inverse of translate · rotate."""
    a = deg / 360 * 2 * np.pi
    s, c = np.sin(a), np.cos(a)
    m = np.array([[c, s, tx], [-s, c, ty], [0, 0, 1]], dtype=np.float64)
    return np.linalg.inv(m)


def make(cfg, seed, boost=None):
    sg2 = load_sg2_reference()
    rng = np.random.RandomState(seed)
    G, layers = state_dict(cfg, rng)
    if boost:
        G[f"synthesis.{layers[boost]['name']}.bias"] = (G[f"synthesis.{layers[boost]['name']}.bias"] * 300).astype(np.float32)
    g = cfg["generator"]
    sd = {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in G.items()}
    t = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float64))  # noqa: E731
    z = t(rng.standard_normal((B, g["zDim"])))
    c = t(np.eye(g["cDim"])[rng.randint(0, g["cDim"], B)]) if g["cDim"] > 0 else None
    with torch.no_grad():
        w = sg2.mapping(sd, g, z, c)
    wb = w[:, None].repeat(1, g["numWs"], 1)
    ws = wb + 0.3 * t(rng.standard_normal(wb.shape))
    ident = sd["synthesis.input.transform"][None].repeat(B, 1, 1)
    tf = t(np.stack([pan_rotate(0.15, -0.1, 20), pan_rotate(-0.3, 0.05, -65)][:B]))
    with torch.no_grad():
        img_id, taps_id = ref.synthesis(sd, g, ws, ident)
        img_tf, taps_tf = ref.synthesis(sd, g, ws, tf)
    R = t(rng.standard_normal(img_tf.shape))
    ws_g = ws.clone().requires_grad_(True)
    tf_g = tf.clone().requires_grad_(True)
    img_g, _ = ref.synthesis(sd, g, ws_g, tf_g)
    (img_g * R).sum().backward()
    clamp = g["convClamp"]
    hit = sum(int((v.abs() >= clamp - 1e-9).sum()) for v in taps_id.values())
    cases = {"z": z, "w": wb, "ws": ws, "transform": tf, "img": img_id, "img_tf": img_tf, "grad_R": R, "grad_ws": ws_g.grad, "grad_transform": tf_g.grad}
    if c is not None:
        cases["c"] = c
    for k, v in taps_id.items():
        cases[f"tap.{k}"] = v
    for k, v in taps_tf.items():
        cases[f"tap_tf.{k}"] = v
    folder = os.path.join(OUT, cfg["name"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    st.write(os.path.join(folder, "generator.safetensors"), G)
    st.write(os.path.join(folder, "cases.safetensors"), {k: v.detach().numpy().astype(np.float32) for k, v in cases.items()},
             {"torch": torch.__version__, "numpy": np.__version__, "clamped_activations": hit})
    diff = float((img_id - img_tf).abs().max())
    print(f"{cfg['name']}: img range [{float(img_id.min()):.3f}, {float(img_id.max()):.3f}], transform changes it by {diff:.3f}, "
          f"clamped pre-filter activations visible in taps: {hit}, layers {[l['name'] for l in layers]}")


if __name__ == "__main__":
    torch.set_num_threads(2)
    make(config("sg3t", "stylegan3-t", 32, 16, 16, 0, params()), seed=3, boost=1)
    make(config("sg3r", "stylegan3-r", 32, 16, 16, 3, params(convKernel=1, channelBase=256, channelMax=8)), seed=33)
