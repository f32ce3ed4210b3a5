"""
Fréchet distance and k-NN precision/recall (Kynkäänniemi et al. 2019, "Improved Precision and
Recall Metric for Assessing Generative Models") between two sets of 64×64 faces, in the feature
space of the face-features network (models/metrics/face-features.onnx, see features.py): the
synthetic-faces counterpart of FID / P&R on Inception features.

  /usr/bin/python3 tools/metric/fd_pr.py REAL/images.npy FAKE/images.npy
  → {"fd": …, "precision": …, "recall": …, "n_real": 10000, "n_fake": 10000, "k": 3, …}

Both files are float32 [N, 3, 64, 64] in −1…1 (what examples/faces-dataset.graph.json and
SaveTensor write); the first --n (10000) images of each are used. Features come from the
committed ONNX file itself: its weights are read back into the equivalent torch network
(features.load_onnx), so these numbers are the ones onnxruntime computes from the same file.

Fréchet distance: ‖μr − μf‖² + tr Σr + tr Σf − 2 tr (Σr^½ Σf Σr^½)^½, in float64. The trace of
the matrix square root is computed from symmetric eigendecompositions in numpy (Σr^½ by eigh, then
the eigenvalues of the symmetric PSD matrix Σr^½ Σf Σr^½), not scipy.linalg.sqrtm: it equals
tr sqrtm(Σr Σf) for covariance matrices, has no complex round-off to discard, and needs no scipy
(which this Python does not have).

Precision/recall: every real feature gets the radius to its k-th nearest other real feature
(k = 3), and every fake one the radius to its k-th nearest other fake one. Precision is the share
of fakes inside at least one real ball; recall the share of reals inside at least one fake ball.
Euclidean distances, computed in float64 in blocks.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features import load_onnx  # noqa: E402

DEFAULT_ONNX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "metrics", "face-features.onnx")


@torch.no_grad()
def compute_features(net, images, batch=500):
    """images: array-like float32 [N, 3, 64, 64] in −1…1 → float64 numpy [N, F]."""
    out = []
    for i in range(0, len(images), batch):
        x = torch.from_numpy(np.array(images[i : i + batch], dtype=np.float32))
        out.append(net.features(x).double().numpy())
    return np.concatenate(out)


def frechet_distance(a, b):
    """Fréchet distance between Gaussians fitted to feature sets a [N, F] and b [M, F]."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(cov_a)
    sqrt_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = sqrt_a @ cov_b @ sqrt_a
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * tr_sqrt)


def _distances(a, b, block=2000):
    """Yields (start, Euclidean distances [block, len(b)]) between rows of a and b (float64)."""
    tb = torch.from_numpy(b)
    for i in range(0, len(a), block):
        yield i, torch.cdist(torch.from_numpy(a[i : i + block]), tb)


def knn_radii(x, k=3):
    """Distance from each row of x to its k-th nearest other row."""
    r = np.empty(len(x))
    for i, d in _distances(x, x):
        # Column k of the sorted row is the k-th neighbour: column 0 is the point itself.
        r[i : i + len(d)] = d.kthvalue(k + 1, dim=1).values.numpy()
    return r


def coverage(points, centres, radii):
    """Share of points within radii[j] of some centres[j]."""
    inside = np.zeros(len(points), bool)
    rad = torch.from_numpy(radii)
    for i, d in _distances(points, centres):
        inside[i : i + len(d)] = (d <= rad[None, :]).any(1).numpy()
    return float(inside.mean())


def precision_recall(real, fake, k=3):
    precision = coverage(fake, real, knn_radii(real, k))
    recall = coverage(real, fake, knn_radii(fake, k))
    return precision, recall


def fd_pr(real_feats, fake_feats, k=3):
    p, r = precision_recall(real_feats, fake_feats, k)
    return {"fd": float(f"{frechet_distance(real_feats, fake_feats):.6g}"), "precision": round(p, 4), "recall": round(r, 4),
            "n_real": len(real_feats), "n_fake": len(fake_feats), "k": k, "feature_dim": real_feats.shape[1]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("real", help="images.npy of real renders")
    p.add_argument("fake", help="images.npy of generated samples")
    p.add_argument("--n", type=int, default=10000, help="use the first N images of each file")
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--onnx", default=DEFAULT_ONNX)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    net = load_onnx(a.onnx)
    feats = []
    for path in (a.real, a.fake):
        x = np.load(path, mmap_mode="r")
        if x.ndim != 4 or tuple(x.shape[1:]) != (3, 64, 64):
            sys.exit(f"{path}: expected float32 [N, 3, 64, 64], got {x.dtype} {list(x.shape)}")
        feats.append(compute_features(net, x[: a.n]))
    print(json.dumps(fd_pr(feats[0], feats[1], a.k)))


if __name__ == "__main__":
    main()
