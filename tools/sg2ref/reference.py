"""
Independent float64 reference of StyleGAN2-ADA (config F, skip generator, resnet
discriminator), written from the equations in docs/stylegan2.md. It works directly on a state
dict with NVIDIA's tensor names. Resampling uses the generic definition — zero-insert, pad,
FIR, decimate — and modulation uses per-sample (fused) weights, so it shares no formulation
with the ONNX builders it checks (which use transposed convolutions and non-fused modulation).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

SQRT2 = math.sqrt(2.0)


def fir_filter(dtype=torch.float64):
    k = torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=dtype)
    f = torch.outer(k, k)
    return f / f.sum()  # [4, 4], sums to 1


def upfirdn2d(x, f, up=1, down=1, pad=(0, 0), gain=1.0):
    """Zero-insert by `up`, pad (before, after) on both axes, FIR with f·gain, keep every `down`-th sample."""
    B, C, H, W = x.shape  # [B, C, H, W]
    if up > 1:
        z = x.new_zeros([B, C, H * up, W * up])
        z[:, :, ::up, ::up] = x
        x = z
    p0, p1 = pad
    x = F.pad(x, [p0, p1, p0, p1])
    k = (f * gain).flip([0, 1])[None, None].repeat(C, 1, 1, 1)  # convolution, not correlation
    x = F.conv2d(x, k, groups=C)
    return x[:, :, ::down, ::down]


def lrelu(x, gain=SQRT2, clamp=None):
    x = F.leaky_relu(x, 0.2) * gain
    return x.clamp(-clamp, clamp) if clamp is not None else x


def fc(sd, name, x, lr_mul=1.0, act=False):
    W, b = sd[f"{name}.weight"], sd[f"{name}.bias"]  # [out, in], [out]
    y = x @ (W * (lr_mul / math.sqrt(W.shape[1]))).t() + b * lr_mul
    return lrelu(y) if act else y


def normalize_2nd_moment(x):
    return x * (x.square().mean(dim=1, keepdim=True) + 1e-8).rsqrt()


def mapping(sd, cfg, z, c, prefix="mapping", z_dim=None, w_dim=None):
    z_dim = cfg["zDim"] if z_dim is None else z_dim
    parts = []
    if z_dim > 0:
        parts.append(normalize_2nd_moment(z))
    if cfg["cDim"] > 0:
        parts.append(normalize_2nd_moment(fc(sd, f"{prefix}.embed", c)))
    x = torch.cat(parts, dim=1)
    for i in range(cfg["mapping"]["numLayers"]):
        x = fc(sd, f"{prefix}.fc{i}", x, lr_mul=cfg["mapping"]["lrMultiplier"], act=True)
    return x  # [B, wDim]


def modulated_conv(x, W, s, up=False, demodulate=True):
    """x [B, Ci, H, W], W [Co, Ci, k, k], s [B, Ci] -> [B, Co, H', W'] with per-sample weights."""
    B, Ci, H, Wd = x.shape
    Co, _, k, _ = W.shape
    w = W[None] * s[:, None, :, None, None]  # [B, Co, Ci, k, k]
    if demodulate:
        w = w * (w.square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt()[:, :, None, None, None]
    out = []
    f = fir_filter(x.dtype)
    for b in range(B):
        xb = x[b : b + 1]
        if up:
            # NVIDIA's generic path: upfirdn2d(up=2, pad=(1+2, 1+1), gain=4), then a valid 3x3 conv.
            # The up-convolution is a true convolution (flipped kernel), as in NVIDIA's up path.
            xb = upfirdn2d(xb, f, up=2, pad=(3, 2), gain=4.0)
            out.append(F.conv2d(xb, w[b].flip([2, 3])))
        else:
            out.append(F.conv2d(xb, w[b], padding=k // 2))
    return torch.cat(out, dim=0)


def synthesis_layers(cfg):
    """(name, res, kind, w index) in evaluation order."""
    layers, w = [], 0
    r = 4
    while r <= cfg["resolution"]:
        if r == 4:
            layers += [("b4.conv1", 4, "conv", w), ("b4.torgb", 4, "torgb", w + 1)]
            w += 1
        else:
            layers += [(f"b{r}.conv0", r, "up", w), (f"b{r}.conv1", r, "conv", w + 1), (f"b{r}.torgb", r, "torgb", w + 2)]
            w += 2
        r *= 2
    assert w + 1 == cfg["numWs"]
    return layers


def noise_layer_names(cfg):
    return [n for n, _, kind, _ in synthesis_layers(cfg) if kind != "torgb"]


def synthesis(sd, cfg, ws, noise, noise_scale):
    """ws [B, numWs, wDim]; noise: dict layer -> [B,1,r,r] or None (no noise); noise_scale [L]."""
    clamp = cfg["convClamp"]
    taps = {}
    B = ws.shape[0]
    x = sd["synthesis.b4.const"][None].repeat(B, 1, 1, 1)
    img = None
    names = noise_layer_names(cfg)
    f = fir_filter(ws.dtype)
    for name, res, kind, wi in synthesis_layers(cfg):
        p = f"synthesis.{name}"
        s = fc(sd, f"{p}.affine", ws[:, wi])  # [B, Ci]
        if kind == "torgb":
            s = s / math.sqrt(sd[f"{p}.weight"].shape[1])
            y = modulated_conv(x, sd[f"{p}.weight"], s, demodulate=False) + sd[f"{p}.bias"][None, :, None, None]
            if clamp is not None:
                y = y.clamp(-clamp, clamp)
            taps[name] = y
            img = y if img is None else upfirdn2d(img, f, up=2, pad=(2, 1), gain=4.0) + y
            taps[f"b{res}.img"] = img
            continue
        y = modulated_conv(x, sd[f"{p}.weight"], s, up=(kind == "up"))
        if noise is not None:
            i = names.index(name)
            y = y + noise[name] * sd[f"{p}.noise_strength"] * noise_scale[i]
        x = lrelu(y + sd[f"{p}.bias"][None, :, None, None], clamp=clamp)
        taps[name] = x
    return img, taps


def conv_layer(sd, name, x, down=False, act=True, gain=1.0, clamp=None, bias=True):
    W = sd[f"{name}.weight"]  # [Co, Ci, k, k]
    k = W.shape[-1]
    W = W / math.sqrt(W[0].numel())
    f = fir_filter(x.dtype)
    if down and k == 1:
        x = F.conv2d(upfirdn2d(x, f, down=2, pad=(1, 1)), W)
    elif down:
        x = F.conv2d(upfirdn2d(x, f, pad=(2, 2)), W, stride=2)
    else:
        x = F.conv2d(x, W, padding=k // 2)
    if bias:
        x = x + sd[f"{name}.bias"][None, :, None, None]
    g = (SQRT2 if act else 1.0) * gain
    x = (F.leaky_relu(x, 0.2) if act else x) * g
    c = clamp * gain if clamp is not None else None
    return x.clamp(-c, c) if c is not None else x


def minibatch_std(x, group_size=4, num_channels=1):
    N, C, H, W = x.shape
    G = min(group_size, N)
    y = x.reshape(G, -1, num_channels, C // num_channels, H, W)
    y = (y - y.mean(dim=0)).square().mean(dim=0)
    y = (y + 1e-8).sqrt().mean(dim=[2, 3, 4]).reshape(-1, num_channels, 1, 1)
    return torch.cat([x, y.repeat(G, 1, H, W)], dim=1)


def discriminator(sd, cfg, img, c):
    clamp = cfg["convClamp"]
    taps = {}
    x = None
    r = cfg["resolution"]
    while r > 4:
        p = f"b{r}"
        if x is None:
            x = conv_layer(sd, f"{p}.fromrgb", img, clamp=clamp)
        y = conv_layer(sd, f"{p}.skip", x, down=True, act=False, gain=math.sqrt(0.5), clamp=None, bias=False)
        x = conv_layer(sd, f"{p}.conv0", x, clamp=clamp)
        x = conv_layer(sd, f"{p}.conv1", x, down=True, gain=math.sqrt(0.5), clamp=clamp)
        x = y + x
        taps[p] = x
        r //= 2
    if cfg["mbstdNumChannels"] > 0:
        x = minibatch_std(x, cfg["mbstdGroupSize"], cfg["mbstdNumChannels"])
    x = conv_layer(sd, "b4.conv", x, clamp=clamp)
    taps["b4.conv"] = x
    x = fc(sd, "b4.fc", x.flatten(1), act=True)
    taps["b4.fc"] = x
    x = fc(sd, "b4.out", x)
    if cfg["cDim"] > 0:
        mcfg = {"zDim": 0, "cDim": cfg["cDim"], "mapping": cfg["mapping"]}
        cmap = mapping(sd, mcfg, None, c)
        x = (x * cmap).sum(dim=1, keepdim=True) / math.sqrt(cfg["cmapDim"])
    return x, taps


def to_torch(d):
    return {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in d.items()}
