"""
Sanity checks of fd_pr.py's numbers: two disjoint sets of real renders should be near FD 0 and
P/R near what same-distribution sets give; degraded renders should be clearly worse.

  npx stylegraph run examples/faces-dataset.graph.json --set faces.seeds=30000-39999 --out /tmp/ds/out30
  npx stylegraph run examples/faces-dataset.graph.json --set faces.seeds=40000-49999 --out /tmp/ds/out40
  /usr/bin/python3 tools/metric/sanity.py --a /tmp/ds/out30 --b /tmp/ds/out40

Prints one JSON line per comparison (a = reference "real" set, b = the compared set):
  real-vs-real   b as rendered
  blur           b blurred (Gaussian, sigma 1 px)
  colour-shift   b with red +0.1, blue −0.1 (in −1…1 units)
  noise          b plus Gaussian noise, std 0.05
  no-glasses     only the faces of b without glasses (a dropped mode: precision stays, recall drops)
  hair-long      only the faces of b with long hair (hair style 3)
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fd_pr import DEFAULT_ONNX, compute_features, fd_pr  # noqa: E402
from features import IDX, load_onnx  # noqa: E402


def blur(x, sigma=1.0):
    t = torch.arange(-2, 3, dtype=torch.float32)
    k = torch.exp(-(t**2) / (2 * sigma**2))
    k = k / k.sum()
    k2 = (k[:, None] * k[None, :]).expand(3, 1, 5, 5)
    return F.conv2d(F.pad(torch.from_numpy(np.array(x)), (2, 2, 2, 2), mode="reflect"), k2, groups=3).numpy()


def colour_shift(x):
    y = np.array(x)
    y[:, 0] += 0.1
    y[:, 2] -= 0.1
    return np.clip(y, -1, 1)


def noise(x, seed=0):
    return np.clip(np.array(x) + 0.05 * np.random.default_rng(seed).standard_normal(x.shape, dtype=np.float32), -1, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a", required=True, help="folder with images.npy (reference renders)")
    p.add_argument("--b", required=True, help="folder with images.npy, labels.npy (other seeds)")
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--onnx", default=DEFAULT_ONNX)
    a = p.parse_args()
    torch.set_num_threads(1)
    net = load_onnx(a.onnx)
    xa = np.load(os.path.join(a.a, "images.npy"), mmap_mode="r")[: a.n]
    xb = np.load(os.path.join(a.b, "images.npy"), mmap_mode="r")[: a.n]
    yb = np.load(os.path.join(a.b, "labels.npy"))[: a.n]
    fa, fb = compute_features(net, xa), compute_features(net, xb)

    def report(name, fake):
        print(json.dumps({"check": name, **fd_pr(fa, fake)}), flush=True)

    report("real-vs-real", fb)
    report("no-glasses", fb[yb[:, IDX["glasses"]] < 0.5])
    report("hair-long", fb[yb[:, IDX["hairStyle"]] == 3])
    for name, f in (("blur", blur), ("colour-shift", colour_shift), ("noise", noise)):
        fd = np.concatenate([compute_features(net, f(xb[i : i + 1000])) for i in range(0, len(xb), 1000)])
        report(name, fd)


if __name__ == "__main__":
    main()
