"""
Trains the inversion encoder (encoder.py) for a model folder and exports it as
<model>/encoder.onnx with its training record (encoder.json).

Data: unlimited generated pairs — z ~ N(0, I) → w (ψ = 1; half the batch style-mixed at a
random crossover) → image with random noise — and, when --real is given, real images
(float32 [N, 3, R, R] .npy, e.g. renders of the generator's own training seeds). Loss on pairs:
latent MSE (in units of the per-dimension variance w_std² / wDim) + pixel MSE + face-features MSE of the reconstruction
G(ŵ, const noise); on real images the same without the latent term. Adam, batch --batch,
stops after --minutes. Held-out PSNR is measured on --heldout (renders of seeds no training
set uses) and on fresh samples.

  npx stylegraph run tools/train/dataset.graph.json --set faces.seeds=0-9999 --out runs/enc-real
  npx stylegraph run tools/train/dataset.graph.json --set faces.seeds=71000-71255 --out runs/enc-val
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/inversion/train_encoder.py --model models/faces64 \
      --real runs/enc-real/images.npy --heldout runs/enc-val/images.npy --minutes 40 --threads 1
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.append(os.path.join(HERE, "..", "metric"))
from common import load_generator, w_stats  # noqa: E402
from encoder import Encoder, export_onnx, psnr  # noqa: E402
from features import load_onnx  # noqa: E402


def sample_pairs(G, cfg, n, gen):
    num_ws = G.synthesis.num_ws
    with torch.no_grad():
        z = torch.randn(n, cfg["zDim"], generator=gen)
        ws = G.mapping(z)  # [n, numWs, wDim]
        z2 = torch.randn(n, cfg["zDim"], generator=gen)
        ws2 = G.mapping(z2)
        cut = torch.randint(1, num_ws, (n,), generator=gen)
        mix = (torch.rand(n, generator=gen) < 0.5)[:, None] & (torch.arange(num_ws)[None] >= cut[:, None])
        ws = torch.where(mix[:, :, None], ws2, ws)
        img = G.synthesis(ws, noise_mode="random")
    return ws, img


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--real", help="real images .npy float32 [N, 3, R, R] in −1…1")
    p.add_argument("--heldout", help="held-out real images .npy for the accuracy record")
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--w-latent", type=float, default=1.0)
    p.add_argument("--w-pixel", type=float, default=10.0)
    p.add_argument("--w-feature", type=float, default=0.05)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--run", default="runs/encoder")
    p.add_argument("--out", help="where to write encoder.onnx (default <model>/encoder.onnx)")
    p.add_argument("--resume", help="an encoder.pt to continue from (fresh optimizer; the record adds up)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    os.makedirs(a.run, exist_ok=True)

    G, cfg = load_generator(a.model)
    res, num_ws, w_dim = cfg["resolution"], G.synthesis.num_ws, cfg["wDim"]
    w_avg, w_std = w_stats(G, cfg)
    feat = load_onnx(os.path.join(HERE, "..", "..", "models", "metrics", "face-features.onnx"))
    for q in feat.parameters():
        q.requires_grad_(False)
    features = lambda x: feat(x)[0]  # noqa: E731
    real = np.load(a.real, mmap_mode="r") if a.real else None
    held = torch.from_numpy(np.array(np.load(a.heldout))) if a.heldout else None

    E = Encoder(res, num_ws, w_dim, w_avg)
    prior = {"steps": 0, "images_seen": 0, "minutes": 0.0}
    if a.resume:
        ck = torch.load(a.resume)
        E.load_state_dict(ck["E"])
        prior = ck.get("record", {"steps": ck.get("step", 0), "images_seen": 0, "minutes": 0.0})
    opt = torch.optim.Adam(E.parameters(), lr=a.lr, betas=(0.9, 0.99))
    t0, step, seen, log = time.time(), 0, 0, []
    limit = a.minutes * 60
    while time.time() - t0 < limit:
        frac = (time.time() - t0) / limit
        for gparam in opt.param_groups:
            gparam["lr"] = a.lr * (0.5 + 0.5 * np.cos(np.pi * frac))  # cosine decay to 0
        E.train()
        ws, img = sample_pairs(G, cfg, a.batch, gen)
        if real is not None:
            idx = torch.randint(0, real.shape[0], (a.batch // 2,), generator=gen).numpy()
            rimg = torch.from_numpy(np.stack([real[i] for i in idx]))
            img_all = torch.cat([img, rimg])
        else:
            img_all = img
        pred = E(img_all)  # [B', numWs, wDim]
        rec = G.synthesis(pred, noise_mode="const")
        l_lat = (pred[: a.batch] - ws).square().mean() / (w_std**2 / w_dim)  # per-dimension variance units
        l_pix = (rec - img_all).square().mean()
        l_feat = (features(rec) - features(img_all)).square().mean()
        loss = a.w_latent * l_lat + a.w_pixel * l_pix + a.w_feature * l_feat
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        seen += img_all.shape[0]
        if step % 100 == 0:
            entry = {"step": step, "seen": seen, "minutes": round((time.time() - t0) / 60, 2), "latent": float(l_lat), "pixel": float(l_pix), "feature": float(l_feat),
                     "psnr_batch": psnr(rec.detach(), img_all)}
            log.append(entry)
            print(json.dumps(entry), flush=True)
        if step % 2000 == 0:
            torch.save({"E": E.state_dict(), "step": step}, os.path.join(a.run, "encoder.pt"))

    E.eval()
    record = {"steps": prior["steps"] + step, "images_seen": prior["images_seen"] + seen, "minutes": round(prior["minutes"] + (time.time() - t0) / 60, 1), "batch": a.batch, "lr": a.lr, "threads": a.threads,
              "runs": (prior.get("runs") or []) + [{"steps": step, "images_seen": seen, "lr": a.lr, "minutes": round((time.time() - t0) / 60, 1)}],
              "weights": {"latent": a.w_latent, "pixel": a.w_pixel, "feature": a.w_feature}, "w_std": w_std}
    with torch.no_grad():
        if held is not None:
            rec = torch.cat([G.synthesis(E(held[i : i + 64]), noise_mode="const") for i in range(0, len(held), 64)])
            record["heldout_psnr"] = psnr(rec, held)
            record["heldout_count"] = len(held)
        ws, img = sample_pairs(G, cfg, 256, torch.Generator().manual_seed(10**6))
        pred = E(img)
        record["samples_psnr"] = psnr(G.synthesis(pred, noise_mode="const"), img)
        record["samples_latent_rmse_per_dim_std"] = float(((pred - ws).square().mean() / (w_std**2 / w_dim)).sqrt())
    torch.save({"E": E.state_dict(), "step": step, "record": {k: record[k] for k in ("steps", "images_seen", "minutes", "runs")}}, os.path.join(a.run, "encoder.pt"))
    out = a.out or os.path.join(a.model, "encoder.onnx")
    export_onnx(E, out, res)
    record["onnx_bytes"] = os.path.getsize(out)
    with open(os.path.join(a.run, "encoder.json"), "w") as f:
        json.dump({"record": record, "log": log}, f, indent=1)
    print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
