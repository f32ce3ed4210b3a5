"""
Writes the fidelity fixtures of packages/ops-gpu/fixtures/<config>/: random-weight models in
the project's model format, and cases.safetensors with inputs and float64-reference outputs
(stored as float32) for mapping, synthesis in each noise mode, feature taps, the
discriminator and gradients.

Run from the repository root:  /usr/bin/python3 tools/sg2ref/make_fixtures.py
"""
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import reference as ref  # noqa: E402
import safetensors_io as st  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "ops-gpu", "fixtures")
B = 4


def config(name, z, w, c, layers, res, channels, clamp, d_map_layers=2):
    ch = {str(k): v for k, v in channels.items()}
    return {
        "format": "stylegraph.model",
        "formatVersion": 1,
        "name": name,
        "generator": {
            "zDim": z, "cDim": c, "wDim": w, "numWs": 2 * int(math.log2(res)) - 2, "resolution": res, "imgChannels": 3,
            "mapping": {"numLayers": layers, "lrMultiplier": 0.01}, "channels": ch, "convClamp": clamp, "architecture": "skip",
        },
        "discriminator": {
            "architecture": "resnet", "cDim": c, "resolution": res, "imgChannels": 3, "channels": ch,
            "cmapDim": channels[4] if c > 0 else None, "mbstdGroupSize": 4, "mbstdNumChannels": 1, "convClamp": clamp,
            "mapping": {"numLayers": d_map_layers, "lrMultiplier": 0.01} if c > 0 else None,
        },
    }


def state_dicts(cfg, rng):
    """Random weights with NVIDIA's names (biases, noise strengths and w_avg all non-zero)."""
    g, d = cfg["generator"], cfg["discriminator"]
    ch = {int(k): v for k, v in g["channels"].items()}
    fir = ref.fir_filter(torch.float32).numpy()
    n = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    G = {}

    def fcw(sd, name, i, o, bias_mean=0.0):
        sd[f"{name}.weight"] = n(o, i)
        sd[f"{name}.bias"] = (bias_mean + 0.5 * n(o)).astype(np.float32) if bias_mean == 0 else (1 + 0.1 * n(o)).astype(np.float32)

    emb = g["wDim"] if g["cDim"] > 0 else 0
    if g["cDim"] > 0:
        fcw(G, "mapping.embed", g["cDim"], g["wDim"])
    for i in range(g["mapping"]["numLayers"]):
        fcw(G, f"mapping.fc{i}", g["zDim"] + emb if i == 0 else g["wDim"], g["wDim"])
    G["mapping.w_avg"] = 0.5 * n(g["wDim"])
    G["synthesis.b4.const"] = n(ch[4], 4, 4)
    for name, res, kind, _ in ref.synthesis_layers(g):
        p = f"synthesis.{name}"
        ci = ch[res // 2] if kind == "up" else ch[res]
        if kind == "torgb":
            G[f"{p}.weight"] = n(3, ch[res], 1, 1)
            G[f"{p}.bias"] = 0.5 * n(3)
            fcw(G, f"{p}.affine", g["wDim"], ch[res], bias_mean=1)
            continue
        G[f"{p}.weight"] = n(ch[res], ci, 3, 3)
        G[f"{p}.bias"] = 0.5 * n(ch[res])
        fcw(G, f"{p}.affine", g["wDim"], ci, bias_mean=1)
        G[f"{p}.noise_const"] = n(res, res)
        G[f"{p}.noise_strength"] = np.array(0.3 * rng.standard_normal() + 0.2, dtype=np.float32)
        G[f"{p}.resample_filter"] = fir
    r = 4
    while r <= g["resolution"]:
        G[f"synthesis.b{r}.resample_filter"] = fir
        r *= 2
    D = {}
    r = d["resolution"]

    def conv(name, ci, co, k, bias=True):
        D[f"{name}.weight"] = n(co, ci, k, k)
        if bias:
            D[f"{name}.bias"] = 0.5 * n(co)
        D[f"{name}.resample_filter"] = fir

    while r > 4:
        if r == d["resolution"]:
            conv(f"b{r}.fromrgb", 3, ch[r], 1)
        conv(f"b{r}.conv0", ch[r], ch[r], 3)
        conv(f"b{r}.conv1", ch[r], ch[r // 2], 3)
        conv(f"b{r}.skip", ch[r], ch[r // 2], 1, bias=False)
        D[f"b{r}.resample_filter"] = fir
        r //= 2
    conv("b4.conv", ch[4] + 1, ch[4], 3)
    fcw(D, "b4.fc", ch[4] * 16, ch[4])
    fcw(D, "b4.out", ch[4], d["cmapDim"] or 1)
    if d["cDim"] > 0:
        fcw(D, "mapping.embed", d["cDim"], d["cmapDim"])
        for i in range(d["mapping"]["numLayers"]):
            fcw(D, f"mapping.fc{i}", d["cmapDim"], d["cmapDim"])
    return G, D


def make(cfg, seed, boost_clamp=False):
    rng = np.random.RandomState(seed)
    G, D = state_dicts(cfg, rng)
    g, d = cfg["generator"], cfg["discriminator"]
    if boost_clamp:
        # Demodulation normalizes conv outputs, so drive them past conv_clamp through the biases
        # (added after demodulation), the ToRGB weights (not demodulated) and D's first convs.
        for k in list(G):
            if k in ("synthesis.b8.conv0.bias", f"synthesis.b{g['resolution']}.conv1.bias"):
                G[k] = (G[k] * 800).astype(np.float32)
            if k.endswith("torgb.weight"):
                G[k] = (G[k] * 30).astype(np.float32)
        for k in list(D):
            if k.endswith("conv0.bias"):
                D[k] = (D[k] * 800).astype(np.float32)
    sdG, sdD = ref.to_torch(G), ref.to_torch(D)
    t = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float64))  # noqa: E731
    z = t(rng.standard_normal((B, g["zDim"])))
    c = t(np.eye(g["cDim"])[rng.randint(0, g["cDim"], B)]) if g["cDim"] > 0 else None
    with torch.no_grad():
        w = ref.mapping(sdG, g, z, c)  # [B, wDim]
    wb = w[:, None].repeat(1, g["numWs"], 1)
    w_avg = sdG["mapping.w_avg"]
    w_trunc = w_avg + 0.7 * (wb - w_avg)
    ws = wb + 0.3 * t(rng.standard_normal(wb.shape))
    names = ref.noise_layer_names(g)
    res_of = {name: res for name, res, kind, _ in ref.synthesis_layers(g) if kind != "torgb"}
    noise = {nm: t(rng.standard_normal((B, 1, res_of[nm], res_of[nm]))) for nm in names}
    noise_scale = t(0.5 + rng.random_sample(len(names)))
    const = {nm: sdG[f"synthesis.{nm}.noise_const"][None, None].repeat(B, 1, 1, 1) for nm in names}
    with torch.no_grad():
        img_random, taps = ref.synthesis(sdG, g, ws, noise, noise_scale)
        img_const, _ = ref.synthesis(sdG, g, ws, const, noise_scale)
        img_none, _ = ref.synthesis(sdG, g, ws, None, noise_scale)
        logits, dtaps = ref.discriminator(sdD, d, img_random, c)
    # Gradients of loss = Σ img·R with respect to W+ and the noise maps.
    R = t(rng.standard_normal(img_random.shape))
    ws_g = ws.clone().requires_grad_(True)
    noise_g = {k: v.clone().requires_grad_(True) for k, v in noise.items()}
    img_g, _ = ref.synthesis(sdG, g, ws_g, noise_g, noise_scale)
    (img_g * R).sum().backward()

    clamp = g["convClamp"]
    hit = None
    if clamp is not None:
        hit = sum(int((v.abs() >= clamp - 1e-9).sum()) for k, v in taps.items() if not k.endswith(".img"))
        hit += sum(int((v.abs() >= clamp * math.sqrt(0.5) - 1e-9).sum()) + int((v.abs() >= clamp - 1e-9).sum()) for v in dtaps.values())
    cases = {"z": z, "w": wb, "w_trunc": w_trunc, "ws": ws, "noise_scale": noise_scale, "img_random": img_random,
             "img_const": img_const, "img_none": img_none, "d_img": img_random, "d_logits": logits, "grad_R": R,
             "grad_ws": ws_g.grad}
    if c is not None:
        cases["c"] = c
    for k, v in noise.items():
        cases[f"noise.{k}"] = v
        cases[f"grad_noise.{k}"] = noise_g[k].grad
    for k, v in taps.items():
        cases[f"tap.{k}"] = v
    for k, v in dtaps.items():
        cases[f"dtap.{k}"] = v
    folder = os.path.join(OUT, cfg["name"])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    st.write(os.path.join(folder, "generator.safetensors"), G)
    st.write(os.path.join(folder, "discriminator.safetensors"), D)
    st.write(os.path.join(folder, "cases.safetensors"), {k: v.detach().numpy().astype(np.float32) for k, v in cases.items()},
             {"torch": torch.__version__, "numpy": np.__version__, "clamped_activations": hit})
    print(f"{cfg['name']}: img range [{float(img_random.min()):.3f}, {float(img_random.max()):.3f}], "
          f"|logits| max {float(logits.abs().max()):.3f}, clamped activations: {hit}")


if __name__ == "__main__":
    torch.set_num_threads(2)
    make(config("cfg512", 512, 512, 0, 8, 16, {4: 64, 8: 32, 16: 16}, None), seed=512)
    make(config("small", 64, 64, 4, 2, 32, {4: 32, 8: 32, 16: 16, 32: 8}, 256.0), seed=64, boost_clamp=True)
