"""
Cross-check of the StyleGAN3 fixtures and the demo model against NVIDIA's own stylegan3 code,
which is not part of this repository (its licence forbids that): clone NVlabs/stylegan3
anywhere and point --nvidia at it. On CPU its ops fall back to their reference
implementations. Prints one JSON line per check:
  - fixtures sg3t / sg3r: NVIDIA's Generator built with the fixture's hyperparameters has the
    same tensor names and shapes, designs the same filters, and maps and synthesizes (with the
    stored and with per-image translate/rotate transforms) what tools/sg3ref's float64
    reference stored in cases.safetensors (which stylegraph's tests hold the ONNX networks to);
  - models/sg3t-demo64: EQ-T, EQ-T_frac and EQ-R by NVIDIA's metrics/equivariance.py
    operators and steps, for the latents of examples/stylegan3-pan-rotate and the per-image
    draws of stylegraph's `stylegan/Equivariance` (RandomState(0) uniforms).

  /usr/bin/python3 tools/sg3ref/nvidia_crosscheck.py --nvidia /path/to/stylegan3
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(__file__)
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "sg2ref"))
import safetensors_io as st  # noqa: E402


def generator(Generator, cfg, **extra):
    p = cfg["synthesis"]
    return Generator(z_dim=cfg["zDim"], c_dim=cfg["cDim"], w_dim=cfg["wDim"], img_resolution=cfg["resolution"], img_channels=cfg["imgChannels"],
                     mapping_kwargs=dict(num_layers=cfg["mapping"]["numLayers"]), channel_base=p["channelBase"], channel_max=p["channelMax"],
                     num_layers=p["numLayers"], num_critical=p["numCritical"], first_cutoff=p["firstCutoff"], first_stopband=p["firstStopband"],
                     last_stopband_rel=p["lastStopbandRel"], margin_size=p["marginSize"], output_scale=p["outputScale"], conv_kernel=p["convKernel"],
                     filter_size=p["filterSize"], lrelu_upsampling=p["lreluUpsampling"], use_radial_filters=cfg["architecture"] == "stylegan3-r",
                     conv_clamp=cfg["convClamp"], num_fp16_res=0, **extra).eval()


def load(G, sd):
    own = {k: v.clone() for k, v in G.state_dict().items()}
    if sorted(own) != sorted(sd):
        raise SystemExit(f"tensor names differ: {sorted(set(own) ^ set(sd))[:10]}")
    filt = max(float((own[k] - torch.from_numpy(np.asarray(sd[k]))).abs().max()) for k in own if k.endswith("_filter"))
    G.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in sd.items()})
    return filt


def fixtures(Generator):
    for name in ["sg3t", "sg3r"]:
        folder = os.path.join(ROOT, "packages", "ops-gpu", "fixtures", name)
        cfg = json.load(open(os.path.join(folder, "config.json")))["generator"]
        G = generator(Generator, cfg)
        filt = load(G, st.read(os.path.join(folder, "generator.safetensors")))
        cases = st.read(os.path.join(folder, "cases.safetensors"))
        t = lambda k: torch.from_numpy(np.asarray(cases[k]))  # noqa: E731
        with torch.no_grad():
            w = G.mapping(t("z"), t("c") if "c" in cases else None)
            img = G.synthesis(t("ws"), noise_mode="const", force_fp32=True)
            moved = []
            for b in range(t("ws").shape[0]):
                G.synthesis.input.transform.copy_(t("transform")[b])
                moved.append(G.synthesis(t("ws")[b:b + 1], noise_mode="const", force_fp32=True))
        print(json.dumps(dict(check=f"fixture {name}", layers=G.synthesis.layer_names, filters_max_abs=filt, mapping_max_abs=float((w - t("w")).abs().max()),
                              img_max_abs=float((img - t("img")).abs().max()), img_transformed_max_abs=float((torch.cat(moved) - t("img_tf")).abs().max()))))


def equivariance(Generator, eqm, samples=8, seed=0, translate_max=0.125, rotate_max=1):
    """EQ-T, EQ-T_frac and EQ-R by NVIDIA's operators and steps, stylegraph's draws per image."""
    folder = os.path.join(ROOT, "models", "sg3t-demo64")
    cfg = json.load(open(os.path.join(folder, "config.json")))["generator"]
    G = generator(Generator, cfg)
    load(G, st.read(os.path.join(folder, "generator.safetensors")))
    R = cfg["resolution"]
    z = torch.from_numpy(np.stack([np.random.RandomState(s).randn(cfg["zDim"]) for s in range(samples)])).float()
    M = G.synthesis.input.transform
    out = {}
    with torch.no_grad():
        ws = G.mapping(z, None)
        for metric in ["EQ-T", "EQ-T_frac", "EQ-R"]:
            u = np.random.RandomState(seed).random_sample((2 if metric != "EQ-R" else 1) * samples)
            sums = torch.zeros(2, dtype=torch.float64)
            for b in range(samples):
                M[:] = torch.eye(3)
                orig = G.synthesis(ws[b:b + 1], noise_mode="const", force_fp32=True)
                if metric == "EQ-R":
                    angle = torch.tensor((u[b] * 2 - 1) * rotate_max * np.pi, dtype=torch.float32)
                    M[:] = eqm.rotation_matrix(-angle)
                    img = G.synthesis(ws[b:b + 1], noise_mode="const", force_fp32=True)
                    ref, ref_mask = eqm.apply_fractional_rotation(orig, angle)
                    img, img_mask = eqm.apply_fractional_pseudo_rotation(img, angle)
                    mask = ref_mask * img_mask
                else:
                    t = torch.from_numpy((u[2 * b:2 * b + 2] * 2 - 1) * translate_max).float()
                    if metric == "EQ-T":
                        t = (t * R).round() / R
                    M[:] = torch.eye(3)
                    M[:2, 2] = -t
                    img = G.synthesis(ws[b:b + 1], noise_mode="const", force_fp32=True)
                    ref, mask = (eqm.apply_integer_translation if metric == "EQ-T" else eqm.apply_fractional_translation)(orig, t[0], t[1])
                sums += torch.stack([((ref - img).square() * mask).double().sum(), mask.double().sum()])
            out[metric] = float(np.log10(2) * 20 - (sums[0] / sums[1]).log10() * 10)
    print(json.dumps(dict(check=f"equivariance sg3t-demo64, seeds 0-{samples - 1}, seed {seed}, rotate_max {rotate_max}", **out)))


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--nvidia", required=True, help="a checkout of NVlabs/stylegan3")
    args = a.parse_args()
    sys.path.insert(0, args.nvidia)
    torch.set_num_threads(1)
    from training.networks_stylegan3 import Generator
    from metrics import equivariance as eqm
    fixtures(Generator)
    equivariance(Generator, eqm)  # the example's
    equivariance(Generator, eqm, samples=4, seed=3)  # the plugin test's
    equivariance(Generator, eqm, samples=4, seed=3, rotate_max=0.5)  # … and its EQ-R at ±90°


if __name__ == "__main__":
    main()
