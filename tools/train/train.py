"""
Trains a StyleGAN2 on an images.npy dataset (float32 [N, 3, R, R] in −1…1, e.g. from
tools/train/dataset.graph.json): non-saturating logistic loss, lazy R1 (every 16 steps),
style-mixing regularization (p = 0.9), G EMA with ramp-up, resumable checkpoints (re-run the
same command), progress in kimg and img/s, sample grids every --snap-kimg. CPU or CUDA.

models/faces64 (its MODEL.md has the whole record) was made with:
  npx stylegraph run tools/train/dataset.graph.json --out runs/data
  /usr/bin/python3 tools/train/train.py --data runs/data/images.npy --run runs/faces64 \
      --batch 16 --channel-base 1024 --channel-max 128 --map 2 --snap-kimg 10 --threads 2 --kimg 110
  /usr/bin/python3 tools/train/export.py --run runs/faces64 --out models/faces64 --name faces64
Where two torch processes share a small machine, give each one thread (and
OMP_WAIT_POLICY=PASSIVE): oversubscribed OpenMP threads slow training by an order of magnitude.
"""
import argparse
import copy
import json
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

from networks import Discriminator, Generator


def save_png(path, img):
    """img: uint8 [H, W, 3]."""
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)  # noqa: E731
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def grid(images, cols):
    x = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()  # [N, H, W, 3]
    n, h, w, _ = x.shape
    rows = (n + cols - 1) // cols
    out = np.zeros((rows * h, cols * w, 3), np.uint8)
    for i in range(n):
        out[(i // cols) * h : (i // cols + 1) * h, (i % cols) * w : (i % cols + 1) * w] = x[i]
    return out


def init_from(folder, G, D, G_ema):
    """Loads a model folder's weights (NVIDIA names, as export.py writes them); returns its kimg · 1000."""
    sys.path.append(os.path.join(os.path.dirname(__file__), "..", "sg2ref"))
    import safetensors_io as st

    g, meta = st.read_with_metadata(os.path.join(folder, "generator.safetensors"))
    d = st.read(os.path.join(folder, "discriminator.safetensors"))
    for m in (G, G_ema):
        m.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in g.items()})
    D.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in d.items()})
    return int(float((meta or {}).get("kimg", 0)) * 1000)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--kimg", type=float, default=1000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--z-dim", type=int, default=128)
    p.add_argument("--map", type=int, default=2)
    p.add_argument("--channel-base", type=int, default=8192)
    p.add_argument("--channel-max", type=int, default=256)
    p.add_argument("--gamma", type=float, default=0.05)
    p.add_argument("--lr", type=float, default=0.0025)
    p.add_argument("--snap-kimg", type=float, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ema-kimg", type=float, default=5)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    p.add_argument("--noise", choices=["random", "none"], default="random", help="none: a generator without noise inputs (their strengths stay 0)")
    p.add_argument("--init", help="a model folder (config.json + safetensors) to start from: its G_ema as G and G_ema, its D; fresh optimizer state")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(a.seed)
    data = torch.from_numpy(np.load(a.data, mmap_mode="r")[:].astype(np.float32))
    res = data.shape[-1]
    os.makedirs(a.run, exist_ok=True)
    cfg = dict(z_dim=a.z_dim, c_dim=0, w_dim=a.z_dim, res=res, base=a.channel_base, cmax=a.channel_max, map_layers=a.map, clamp=256.0)
    G = Generator(**cfg).to(device)
    D = Discriminator(res, a.channel_base, a.channel_max, 256.0).to(device)
    G_ema = copy.deepcopy(G).eval()
    r1_every = 16
    c = r1_every / (r1_every + 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=a.lr, betas=(0, 0.99))
    opt_d = torch.optim.Adam(D.parameters(), lr=a.lr * c, betas=(0, 0.99**c))
    ckpt = os.path.join(a.run, "checkpoint.pt")
    step, seen = 0, 0
    if os.path.exists(ckpt):
        s = torch.load(ckpt, map_location=device)
        G.load_state_dict(s["G"]), D.load_state_dict(s["D"]), G_ema.load_state_dict(s["G_ema"])
        opt_g.load_state_dict(s["opt_g"]), opt_d.load_state_dict(s["opt_d"])
        step, seen = s["step"], s["seen"]
        print(f"resumed at {seen / 1000:.1f} kimg")
    elif a.init:
        seen = init_from(a.init, G, D, G_ema)
        print(f"started from {a.init} at {seen / 1000:.1f} kimg")
    with open(os.path.join(a.run, "config.json"), "w") as f:
        json.dump({**cfg, "args": vars(a)}, f, indent=2)
    fixed_z = torch.randn(32, a.z_dim, device=device, generator=torch.Generator(device).manual_seed(123))
    t0, seen0, last_snap = time.time(), seen, seen
    num_ws = G.synthesis.num_ws

    def fake(batch):
        z = torch.randn(batch, a.z_dim, device=device)
        ws = G.mapping(z, update_avg=True)
        if torch.rand([]) < 0.9:  # style-mixing regularization
            cut = int(torch.randint(1, num_ws, []))
            ws = ws.clone()
            ws[:, cut:] = G.mapping(torch.randn_like(z))[:, cut:]
        return G.synthesis(ws, a.noise)

    while seen < a.kimg * 1000:
        real = data[torch.randint(0, len(data), (a.batch,))].to(device)
        # D: logistic loss, lazy R1.
        loss_d = F.softplus(D(fake(a.batch).detach())).mean() + F.softplus(-D(real)).mean()
        if step % r1_every == 0:
            real.requires_grad_(True)
            (g,) = torch.autograd.grad(D(real).sum(), real, create_graph=True)
            loss_d = loss_d + g.square().sum([1, 2, 3]).mean() * (a.gamma / 2) * r1_every
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # G: non-saturating loss.
        loss_g = F.softplus(-D(fake(a.batch))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        # G EMA with half-life ema_kimg, ramped up over the first images (ema_rampup 0.05).
        ema_beta = 0.5 ** (a.batch / max(min(a.ema_kimg * 1000, seen * 0.05), 1e-8))
        with torch.no_grad():
            for pe, p_ in zip(G_ema.parameters(), G.parameters()):
                pe.copy_(p_.lerp(pe, ema_beta))
            for be, b_ in zip(G_ema.buffers(), G.buffers()):
                be.copy_(b_)
        step += 1
        seen += a.batch
        if step % 20 == 0:
            print(f"kimg {seen / 1000:8.2f}  img/s {(seen - seen0) / (time.time() - t0 + 1e-9):6.1f}  min {(time.time() - t0) / 60:6.1f}  loss_d {loss_d.item():.3f}  loss_g {loss_g.item():.3f}", flush=True)
        if seen - last_snap >= a.snap_kimg * 1000 or seen >= a.kimg * 1000:
            last_snap = seen
            with torch.no_grad():
                save_png(os.path.join(a.run, f"samples-{seen // 1000:06d}.png"), grid(G_ema(fixed_z, noise_mode="const"), 8))
            tmp = ckpt + ".tmp"
            torch.save(dict(G=G.state_dict(), D=D.state_dict(), G_ema=G_ema.state_dict(), opt_g=opt_g.state_dict(), opt_d=opt_d.state_dict(), step=step, seen=seen), tmp)
            os.replace(tmp, ckpt)


if __name__ == "__main__":
    main()
