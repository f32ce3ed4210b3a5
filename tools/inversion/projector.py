"""
The PyTorch peer of inversion/Project: the same loss (pixel MSE on 0…255 images, the
multi-scale pixel term, NVIDIA's noise autocorrelation penalty), the same Adam and schedule and
the same W / W+ / W→W+ loop, written independently with torch autograd. Two uses:

  * the benchmark's peer (packages/plugins/inversion/bench): projects targets.npy and prints
    seconds per step and per image and PSNR as JSON;
      /usr/bin/python3 tools/inversion/projector.py --model models/faces64 --targets t.npy \\
          --space 'W→W+' --steps 1000 --threads 1 [--init init.npy] [--lr 0.1] [--noise-reg 1e5]
  * the fixture for the plugin's tests: one step's loss and gradients and a short trajectory
    (w noise off) from given start values, in float64;
      /usr/bin/python3 tools/inversion/projector.py --model models/faces64 --fixture \\
          packages/plugins/inversion/src/testing/projector-fixture.safetensors
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import load_generator, st, w_stats  # noqa: E402

PIXEL_SCALE = 127.5**2


def noise_layers(G):
    """[(name, module)] of the conv layers with noise, in synthesis order (b4.conv1, b8.conv0, …)."""
    out = []
    for r in G.synthesis.res:
        blk = getattr(G.synthesis, f"b{r}")
        for name in (["conv1"] if r == 4 else ["conv0", "conv1"]):
            out.append((f"b{r}.{name}", getattr(blk, name)))
    return out


def set_noise(G, maps):
    """Feeds per-image maps [B, 1, r, r] as the layers' const noise (broadcast over channels)."""
    for name, layer in noise_layers(G):
        layer.noise_const = maps[name]


def pool2(x):
    return F.avg_pool2d(x, 2)


def losses(G, ws, maps, target, w):
    """Per-image distance [B] and total loss (distance + noise penalty, summed over the batch)."""
    set_noise(G, maps)
    img = G.synthesis(ws, noise_mode="const")
    pixel = (img - target).square().mean(dim=(1, 2, 3))
    dist = w["pixel"] * PIXEL_SCALE * pixel
    if w["multiscale"]:
        a, t, ms = img, target, 0
        for _ in range(3):
            a, t = pool2(a), pool2(t)
            ms = ms + (a - t).square().mean(dim=(1, 2, 3))
        dist = dist + w["multiscale"] * PIXEL_SCALE * ms / 3
    reg = 0
    for v in maps.values():
        while True:
            reg = reg + (v * torch.roll(v, 1, 3)).mean(dim=(1, 2, 3)) ** 2
            reg = reg + (v * torch.roll(v, 1, 2)).mean(dim=(1, 2, 3)) ** 2
            if v.shape[2] <= 8:
                break
            v = pool2(v)
    total = (dist + w["noise_reg"] * reg).sum()
    return img, pixel, dist, total


def lr_at(s, step, steps):
    t = step / steps
    ramp = min(1.0, (1.0 - t) / s["ramp_down"])
    ramp = 0.5 - 0.5 * math.cos(ramp * math.pi)
    return s["lr"] * ramp * min(1.0, t / s["ramp_up"])


def noise_at(s, step, steps, w_std):
    return w_std * s["noise_factor"] * max(0.0, 1.0 - (step / steps) / s["noise_ramp"]) ** 2


def project(G, cfg, stats, target, space, steps, sched, weights, seed=0, init=None, maps=None, dtype=torch.float32, trace=None):
    """Returns (best ws [B, numWs, wDim], best PSNR per image, steps run, seconds)."""
    w_avg, w_std = stats
    B, num_ws, w_dim = target.shape[0], G.synthesis.num_ws, cfg["wDim"]
    gen = torch.Generator().manual_seed(seed)
    if maps is None:
        maps = {n: torch.randn(B, 1, l.res, l.res, generator=gen, dtype=dtype) for n, l in noise_layers(G)}
    maps = {n: m.clone().to(dtype).requires_grad_(True) for n, m in maps.items()}
    start = init if init is not None else w_avg.reshape(1, 1, w_dim).repeat(B, num_ws, 1)
    phases = {"W": [(1, steps, sched["noise_factor"])], "W+": [(num_ws, steps, sched["noise_factor"])],
              "W→W+": [(1, math.ceil(steps / 2), sched["noise_factor"]), (num_ws, steps // 2, 0.0)]}[space]
    k = phases[0][0]
    w = (start.mean(1, keepdim=True) if k == 1 else start).clone().to(dtype)
    best_psnr = torch.full((B,), -1e9, dtype=torch.float64)
    best_ws = torch.zeros(B, num_ws, w_dim, dtype=dtype)
    t0, done = time.time(), 0
    for kk, n_steps, nf in phases:
        if kk != k:
            w = w.repeat(1, kk, 1)
            k = kk
        w = w.detach().requires_grad_(True)
        opt = torch.optim.Adam([w] + list(maps.values()), betas=(0.9, 0.999), lr=sched["lr"])
        s = dict(sched, noise_factor=nf)
        for step in range(n_steps):
            sigma = noise_at(s, step, n_steps, w_std)
            wn = torch.randn(w.shape, generator=gen, dtype=dtype) * sigma if sigma > 0 else 0
            ws = (w + wn).repeat(1, num_ws // k, 1)
            img, pixel, dist, loss = losses(G, ws, maps, target, weights)
            psnr = 10 * torch.log10(4 / pixel.detach().double().clamp_min(1e-12))
            better = psnr > best_psnr
            best_psnr = torch.where(better, psnr, best_psnr)
            best_ws[better] = ws.detach()[better]
            if trace is not None:
                trace.append({"loss": float(loss), "w": w.detach().clone()})
            opt.zero_grad(set_to_none=True)
            loss.backward()
            for g in opt.param_groups:
                g["lr"] = lr_at(s, step, n_steps)
            opt.step()
            with torch.no_grad():
                for m in maps.values():
                    m -= m.mean(dim=(1, 2, 3), keepdim=True)
                    m *= m.square().mean(dim=(1, 2, 3), keepdim=True).rsqrt()
            done += 1
    return best_ws, best_psnr, done, time.time() - t0


NVIDIA = {"lr": 0.1, "ramp_up": 0.05, "ramp_down": 0.25, "noise_factor": 0.05, "noise_ramp": 0.75}


def make_fixture(G, cfg, path):
    """Float64 loss + gradients of one step, and a 6-step trajectory without w noise."""
    G = G.double()
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    B, num_ws, w_dim = 2, G.synthesis.num_ws, cfg["wDim"]
    res = cfg["resolution"]
    ws = (torch.randn(B, num_ws, w_dim, generator=gen, dtype=torch.float64) * 0.8).requires_grad_(True)
    maps = {n: torch.randn(B, 1, l.res, l.res, generator=gen, dtype=torch.float64).requires_grad_(True) for n, l in noise_layers(G)}
    with torch.no_grad():
        set_noise(G, {n: torch.randn(B, 1, l.res, l.res, generator=gen, dtype=torch.float64) for n, l in noise_layers(G)})
        target = G.synthesis(torch.randn(B, num_ws, w_dim, generator=gen, dtype=torch.float64) * 0.8, noise_mode="const").clamp(-1, 1)
    weights = {"pixel": 1.0, "multiscale": 0.5, "noise_reg": 1e5}
    img, pixel, dist, loss = losses(G, ws, maps, target, weights)
    loss.backward()
    out = {"ws": ws.detach(), "target": target, "loss": loss.detach().reshape(1), "distance": dist.detach(), "pixel": pixel.detach(), "grad_ws": ws.grad}
    for n, m in maps.items():
        out[f"noise.{n}"] = m.detach()
        out[f"grad_noise.{n}"] = m.grad
    # Trajectory: W+ from ws, the maps above, no w noise, 6 of 20 scheduled steps (ramp-up reached).
    trace = []
    sched = dict(NVIDIA, noise_factor=0.0)
    project(G, cfg, (torch.zeros(w_dim), 1.0), target, "W+", 20, sched, weights, init=ws.detach(), maps={n: m.detach() for n, m in maps.items()}, dtype=torch.float64, trace=trace)
    for i, t in enumerate(trace[:7]):
        out[f"trace.{i}.w"] = t["w"]
        out[f"trace.{i}.loss"] = torch.tensor([t["loss"]], dtype=torch.float64)
    st.write(path, {k: v.detach().float().numpy() for k, v in out.items()}, {"weights": json.dumps(weights), "steps": "20", "res": str(res)})
    print(f"wrote {path}: loss {float(loss):.6f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--targets")
    p.add_argument("--init")
    p.add_argument("--space", default="W→W+", choices=["W", "W+", "W→W+"])
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--w-noise", type=float, default=0.05)
    p.add_argument("--noise-reg", type=float, default=1e5)
    p.add_argument("--multiscale", type=float, default=0.0)
    p.add_argument("--batch", type=int, default=0, help="targets per run (0: all at once)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--fixture")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    G, cfg = load_generator(a.model)
    if a.fixture:
        make_fixture(G, cfg, a.fixture)
        return
    stats = w_stats(G, cfg)
    targets = torch.from_numpy(np.load(a.targets).astype(np.float32))
    init = torch.from_numpy(np.load(a.init).astype(np.float32)) if a.init else None
    sched = dict(NVIDIA, lr=a.lr, noise_factor=a.w_noise)
    weights = {"pixel": 1.0, "multiscale": a.multiscale, "noise_reg": a.noise_reg}
    n = a.batch or len(targets)
    psnrs, secs, steps = [], 0.0, 0
    for i in range(0, len(targets), n):
        _, psnr, done, s = project(G, cfg, stats, targets[i : i + n], a.space, a.steps, sched, weights, init=None if init is None else init[i : i + n])
        psnrs += psnr.tolist()
        secs += s
        steps += done
    print(json.dumps({"space": a.space, "targets": len(targets), "steps": a.steps, "batch": n, "seconds": secs, "secondsPerStep": secs / steps,
                      "secondsPerImage": secs / len(targets), "psnr": float(np.mean(psnrs)), "psnrs": psnrs}))


if __name__ == "__main__":
    main()
