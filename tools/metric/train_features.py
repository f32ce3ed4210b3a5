"""
Trains the face-features network (features.py) to predict the synthetic-faces renderer's labels,
reports held-out accuracy / R² per attribute and exports models/metrics/face-features.onnx.

  npx stylegraph run examples/faces-dataset.graph.json --set faces.seeds=0-29999 --out /tmp/ds/out30k      # training set
  npx stylegraph run examples/faces-dataset.graph.json --set faces.seeds=30000-39999 --out /tmp/ds/out30    # held out
  /usr/bin/python3 tools/metric/train_features.py --train /tmp/ds/out30k --val /tmp/ds/out30 --epochs 7 \\
      --max-minutes 15 --out models/metrics/face-features.onnx --report models/metrics/face-features.heldout.json

CPU, one thread by default; Adam with a cosine learning-rate decay over --epochs or --max-minutes
(whichever is further along), no augmentation (every geometric or colour change would change the
labels). The committed model is this command's result (stopped by --max-minutes after 6.2 epochs).
"""
import argparse
import json
import math
import os
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F

from features import CLASSES, IDX, LABELS, REGRESSION, FaceFeatures, export_onnx, fuse_batchnorm, load_onnx, targets

# How each of the 30 label columns is scored on held-out renders.
CATEGORICAL = {"hairStyle": "hairStyle", "hairR": "hair", "hairG": "hair", "hairB": "hair", "irisR": "iris",
               "irisG": "iris", "irisB": "iris", "glasses": "glasses"}

# Freckles (1–2 px dots among skin grain) and iris colours (a few pixels) are the smallest cues:
# with weight 1 their heads can stay at the class prior for the whole run.
CLS_WEIGHT = {"hasFreckles": 2.0, "iris": 3.0}


def load_set(folder, n=None):
    x = np.load(os.path.join(folder, "images.npy"), mmap_mode="r")
    y = np.load(os.path.join(folder, "labels.npy"))
    n = len(x) if n is None else min(n, len(x))
    return torch.from_numpy(np.array(x[:n], dtype=np.float32)), torch.from_numpy(y[:n].astype(np.float32))


@torch.no_grad()
def evaluate(net, x, y, batch=500):
    """Per-attribute scores: R² for continuous labels, accuracy for categorical ones."""
    net.eval()
    attrs, logits = [], {k: [] for k in CLASSES}
    for i in range(0, len(x), batch):
        f = net.features(x[i : i + batch])
        attrs.append(net.attributes(f))
        for k, v in net.heads(f)[1].items():
            logits[k].append(v)
    a = torch.cat(attrs)
    _, cls = targets(y)
    acc = {k: (torch.cat(v).argmax(1) == cls[k]).float().mean().item() for k, v in logits.items()}
    out = {}
    for n in LABELS:
        j = IDX[n]
        if n in CATEGORICAL:
            out[n] = {"accuracy": round(acc[CATEGORICAL[n]], 4)}
        else:
            ss_res = ((a[:, j] - y[:, j]) ** 2).sum()
            ss_tot = ((y[:, j] - y[:, j].mean()) ** 2).sum()
            out[n] = {"r2": round(1 - (ss_res / ss_tot).item(), 4)}
    out["freckles"]["presence_accuracy"] = round(acc["hasFreckles"], 4)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", required=True, help="folder with images.npy, labels.npy")
    p.add_argument("--val", required=True, help="held-out folder (other seeds)")
    p.add_argument("--val-n", type=int, default=10000)
    p.add_argument("--epochs", type=float, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--max-minutes", type=float, default=15, help="stop early after this much wall time")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="models/metrics/face-features.onnx")
    p.add_argument("--report", default=None, help="write the held-out scores as JSON here")
    p.add_argument("--checkpoint", default=None, help="also save the (unfused) state dict here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
    torch.manual_seed(a.seed)

    x, y = load_set(a.train)
    xv, yv = load_set(a.val, a.val_n)
    reg, cls = targets(y)
    net = FaceFeatures()
    net.reg_mean.copy_(reg.mean(0))
    net.reg_std.copy_(reg.std(0))
    reg = (reg - net.reg_mean) / net.reg_std
    print(f"train {len(x)} images, held out {len(xv)}; {sum(q.numel() for q in net.parameters())} parameters", flush=True)

    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    steps = int(a.epochs * len(x) / a.batch)
    g = torch.Generator().manual_seed(a.seed)
    t0, c0 = time.time(), time.process_time()
    step, perm, pos = 0, torch.randperm(len(x), generator=g), 0
    while step < steps:
        if pos + a.batch > len(x):
            perm, pos = torch.randperm(len(x), generator=g), 0
        idx = perm[pos : pos + a.batch]
        pos += a.batch
        # Cosine decay over the run; progress is steps or wall time, whichever is further along.
        progress = min(1.0, max(step / steps, (time.time() - t0) / (a.max_minutes * 60)))
        for group in opt.param_groups:
            group["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * progress))
        net.train()
        r, logits = net.heads(net.features(x[idx]))
        loss_reg = F.mse_loss(r, reg[idx], reduction="none").mean(0).sum()
        loss_cls = sum(CLS_WEIGHT.get(k, 1.0) * F.cross_entropy(v, cls[k][idx]) for k, v in logits.items())
        loss = loss_reg + loss_cls
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 100 == 0 or step == steps:
            print(f"step {step}/{steps} epoch {step * a.batch / len(x):.2f} loss {loss.item():.3f} "
                  f"(reg {loss_reg.item():.3f} cls {loss_cls.item():.3f}) {time.time() - t0:.0f}s", flush=True)
        if progress >= 1.0:
            print(f"stopping at step {step}: --max-minutes {a.max_minutes} reached", flush=True)
            break
    train_s, cpu_s = time.time() - t0, time.process_time() - c0

    if a.checkpoint:
        torch.save(net.state_dict(), a.checkpoint)
    scores = evaluate(net, xv, yv)
    fuse_batchnorm(net)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    export_onnx(net, a.out)
    # The committed ONNX must give what the torch network gives.
    back = load_onnx(a.out)
    with torch.no_grad():
        d = (back.features(xv[:64]) - net.features(xv[:64])).abs().max().item()
    assert d == 0, f"ONNX round trip differs by {d}"
    scores_fused = evaluate(net, xv, yv)
    for n in LABELS:
        print(f"  {n:14s} " + " ".join(f"{k} {v:.4f}" for k, v in scores_fused[n].items()))
    report = {
        "train": {"folder": a.train, "images": len(x), "steps": step, "batch": a.batch,
                  "epochs": round(step * a.batch / len(x), 2), "lr": a.lr, "threads": a.threads,
                  "wall_s": round(train_s), "cpu_s": round(cpu_s)},
        "heldout": {"folder": a.val, "images": len(xv), "scores": scores_fused},
        "onnx": {"path": a.out, "bytes": os.path.getsize(a.out)},
    }
    assert all(abs(scores[n].get("r2", 0) - scores_fused[n].get("r2", 0)) < 1e-3 for n in LABELS)
    if a.report:
        with open(a.report, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
    print(json.dumps({k: v for k, v in report.items() if k != "heldout"}))


if __name__ == "__main__":
    main()
