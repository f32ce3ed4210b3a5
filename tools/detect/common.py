"""
Shared pieces of the detector tools: the post-processing pipeline both classes go through, the
spectral features (the same numbers packages/plugins/detect computes in TypeScript), the
residual CNN, and calibration.
"""
import io
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageFilter

TILE = 64


def to_uint8(x):
    """x: float32 [3, H, W] in −1…1 -> uint8 [H, W, 3] (round half up, as the io nodes quantize)."""
    return np.clip(np.floor((x + 1) * 127.5 + 0.5), 0, 255).astype(np.uint8).transpose(1, 2, 0)


def to_float(img):
    """uint8 [H, W, 3] -> float32 [3, H, W] in −1…1."""
    return (img.astype(np.float32) / 127.5 - 1).transpose(2, 0, 1)


def jpeg(img, q):
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=int(q))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def resize(img, w, h):
    return np.asarray(Image.fromarray(img).resize((w, h), Image.BICUBIC))


def blur(img, sigma):
    return np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(sigma)))


def augment(img, rng):
    """
    The training post-processing, the same for real and generated images (uint8 [64, 64, 3] in,
    uint8 out, any size ≥ 32): each step with probability 1/2 — resize by ×0.5–2 (kept at the new
    size: the detector handles sizes itself), Gaussian blur σ 0.1–1.5, JPEG quality 50–95.
    """
    if rng.random() < 0.5:
        s = math.exp(rng.uniform(math.log(0.5), math.log(2)))
        n = max(32, int(round(img.shape[0] * s)))
        img = resize(img, n, n)
    if rng.random() < 0.5:
        img = blur(img, rng.uniform(0.1, 1.5))
    if rng.random() < 0.5:
        img = jpeg(img, rng.integers(50, 96))
    return img


def upsize(x):
    """float32 [3, H, W] with a side under 64 -> bilinear (half-pixel centres) so the short side is 64."""
    h, w = x.shape[1:]
    if min(h, w) >= TILE:
        return x
    s = TILE / min(h, w)
    nh, nw = max(TILE, int(math.floor(h * s + 0.5))), max(TILE, int(math.floor(w * s + 0.5)))
    t = torch.from_numpy(np.ascontiguousarray(x))[None]
    return F.interpolate(t, size=(nh, nw), mode="bilinear", align_corners=False)[0].numpy()


def tile_origins(n):
    """Tile origins along a side of n ≥ 64 px: ceil(n / 64) tiles (at most 8), evenly spread, ends included."""
    k = min(8, math.ceil(n / TILE))
    if k == 1:
        return [0]
    return [int(math.floor(i * (n - TILE) / (k - 1) + 0.5)) for i in range(k)]


def tiles(x):
    """float32 [3, H, W] (any size) -> float32 [T, 3, 64, 64]: upsized if small, then tiled."""
    x = upsize(x)
    h, w = x.shape[1:]
    return np.stack([x[:, y : y + TILE, xx : xx + TILE] for y in tile_origins(h) for xx in tile_origins(w)])


_r = None


def radial_index():
    """[64, 64] radius bin of each FFT coefficient: round(√(u² + v²)) with u, v signed frequencies; bins 1…32 kept."""
    global _r
    if _r is None:
        f = np.fft.fftfreq(TILE) * TILE  # 0, 1, …, 31, −32, …, −1
        _r = np.floor(np.sqrt(f[:, None] ** 2 + f[None, :] ** 2) + 0.5).astype(np.int64)
    return _r


NUM_BINS = 32
NUM_FEATURES = 3 * NUM_BINS


def spectral_features(t):
    """
    float32 [T, 3, 64, 64] -> float64 [T, 96]: per channel, the mean-removed tile's power spectrum
    |FFT|² / 64², averaged over rings of radius 1…32, as ln(mean + 1e-8).
    """
    t = t.astype(np.float64)
    t = t - t.mean(axis=(2, 3), keepdims=True)
    p = np.abs(np.fft.fft2(t)) ** 2 / (TILE * TILE)  # [T, 3, 64, 64]
    r = radial_index().ravel()
    p = p.reshape(*p.shape[:2], -1)
    out = np.zeros((t.shape[0], 3, NUM_BINS))
    for b in range(1, NUM_BINS + 1):
        m = r == b
        out[:, :, b - 1] = p[:, :, m].mean(axis=2)
    return np.log(out + 1e-8).reshape(t.shape[0], -1)


class ResidualCNN(nn.Module):
    """
    NPR-style detector: the image and its neighbouring-pixel residual (the image minus its
    nearest-neighbour ×½ then ×2 copy, which upsampling layers leave their mark on) into a small CNN.
    img [B, 3, 64, 64] in −1…1 -> logit [B, 1].
    """

    def __init__(self, width=16):
        super().__init__()
        c = [width, 2 * width, 4 * width, 4 * width, 8 * width]
        layers, ci = [], 6
        for i, co in enumerate(c):
            layers += [nn.Conv2d(ci, co, 3, stride=1 if i == 0 else 2, padding=1), nn.BatchNorm2d(co), nn.LeakyReLU(0.2)]
            ci = co
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(ci, 1)

    def forward(self, img):
        low = img[:, :, ::2, ::2]  # [B, 3, 32, 32]
        up = low.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)  # [B, 3, 64, 64]
        x = torch.cat([img, (img - up) * 4], 1)  # [B, 6, 64, 64]
        return self.head(self.body(x).mean(dim=(2, 3)))  # [B, 1]


def fit_platt(scores, labels, iters=200):
    """Platt scaling: a, b minimizing the log loss of sigmoid(a · score + b); -> (a, b)."""
    s = torch.tensor(scores, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    ab = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([ab], max_iter=iters, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(ab[0] * s + ab[1], y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(ab[0]), float(ab[1])


def ece(prob, labels, bins=15):
    """Expected calibration error: Σ over equal-width probability bins of |bin| / N · |mean p − fraction positive|."""
    prob, labels = np.asarray(prob), np.asarray(labels)
    idx = np.minimum((prob * bins).astype(int), bins - 1)
    e = 0.0
    for k in range(bins):
        m = idx == k
        if m.any():
            e += m.mean() * abs(prob[m].mean() - labels[m].mean())
    return float(e)


def threshold_at_fpr(real_scores, fpr):
    """The smallest threshold t with fraction(real score > t) ≤ fpr (scores above t are 'synthetic')."""
    s = np.sort(np.asarray(real_scores))[::-1]
    k = int(math.floor(fpr * len(s)))  # at most k reals may lie above
    return float(s[k]) if k < len(s) else float(s[-1])


def average_precision(scores, labels):
    """AP = Σ precision at each positive, over the positives, scores ranked high to low (ties by order)."""
    o = np.argsort(-np.asarray(scores), kind="stable")
    y = np.asarray(labels)[o]
    tp = np.cumsum(y)
    prec = tp / np.arange(1, len(y) + 1)
    return float((prec * y).sum() / max(1, y.sum()))
