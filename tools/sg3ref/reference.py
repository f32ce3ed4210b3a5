"""
Independent float64 reference of StyleGAN3's synthesis network (alias-free -T and -R), written
from the equations of "Alias-Free Generative Adversarial Networks" (Karras et al. 2021) and
the layer definitions in the project's docs. It works on a state dict with NVIDIA's tensor
names. Filters are designed with SciPy (firwin / Kaiser-windowed jinc); resampling is the
generic zero-insert → pad or crop → 2-D FIR → decimate, modulation uses per-sample fused
weights with the demodulation statistics taken over the whole batch, so it shares no
formulation with the ONNX builders it checks (separable transposed convolutions, per-image
statistics, non-fused modulation). The mapping network is StyleGAN2's (tools/sg2ref).
"""
import numpy as np
import scipy.signal
import scipy.special
import torch
import torch.nn.functional as F


def schedule(res, img_channels, p, radial):
    """Per-layer geometry of a StyleGAN3 synthesis network (list of dicts, the input spec)."""
    L, crit = p["numLayers"], p["numCritical"]
    last_cut = res / 2
    last_stop = last_cut * p["lastStopbandRel"]
    e = np.minimum(np.arange(L + 1) / (L - crit), 1)
    cut = p["firstCutoff"] * (last_cut / p["firstCutoff"]) ** e
    stop = p["firstStopband"] * (last_stop / p["firstStopband"]) ** e
    rate = np.exp2(np.ceil(np.log2(np.minimum(stop * 2, res))))
    hw = np.maximum(stop, rate / 2) - cut
    size = rate + 2 * p["marginSize"]
    size[-2:] = res
    ch = np.rint(np.minimum((p["channelBase"] / 2) / cut, p["channelMax"]))
    ch[-1] = img_channels
    layers = []
    for i in range(L + 1):
        j = max(i - 1, 0)
        torgb = i == L
        critical = i >= L - crit
        tmp = max(rate[j], rate[i]) * (1 if torgb else p["lreluUpsampling"])
        up, down = int(round(tmp / rate[j])), int(round(tmp / rate[i]))
        up_taps = p["filterSize"] * up if up > 1 and not torgb else 1
        down_taps = p["filterSize"] * down if down > 1 and not torgb else 1
        k = 1 if torgb else p["convKernel"]
        total = (int(size[i]) - 1) * down + 1 - (int(size[j]) + k - 1) * up + up_taps + down_taps - 2
        lo = (total + up) // 2
        layers.append(dict(
            name=f"L{i}_{int(size[i])}_{int(ch[i])}", torgb=torgb, critical=critical, ci=int(ch[j]), co=int(ch[i]),
            in_size=int(size[j]), out_size=int(size[i]), in_rate=float(rate[j]), out_rate=float(rate[i]), tmp_rate=float(tmp),
            in_cut=float(cut[j]), out_cut=float(cut[i]), in_hw=float(hw[j]), out_hw=float(hw[i]), k=k, up=up, down=down,
            up_taps=up_taps, down_taps=down_taps, radial=bool(radial and not critical and down_taps > 1), pad=(lo, total - lo)))
    inp = dict(channels=int(ch[0]), size=int(size[0]), rate=float(rate[0]), bandwidth=float(cut[0]))
    return inp, layers


def lowpass(numtaps, cutoff, width, fs, radial):
    if numtaps == 1:
        return None
    if not radial:
        return scipy.signal.firwin(numtaps=numtaps, cutoff=cutoff, width=width, fs=fs)
    x = (np.arange(numtaps) - (numtaps - 1) / 2) / fs
    r = np.hypot(*np.meshgrid(x, x))
    h = scipy.special.j1(2 * np.pi * cutoff * r) / (np.pi * r)
    beta = scipy.signal.kaiser_beta(scipy.signal.kaiser_atten(numtaps, width / (fs / 2)))
    win = np.kaiser(numtaps, beta)
    h = h * np.outer(win, win)
    return h / h.sum()


def layer_filters(l):
    up = lowpass(l["up_taps"], l["in_cut"], 2 * l["in_hw"], l["tmp_rate"], False)
    down = lowpass(l["down_taps"], l["out_cut"], 2 * l["out_hw"], l["tmp_rate"], l["radial"])
    return up, down


def fc(sd, name, x, lr=1.0):
    w = sd[f"{name}.weight"]
    return x @ (w * (lr / np.sqrt(w.shape[1]))).t() + sd[f"{name}.bias"] * lr


def fourier_input(sd, inp, w0, transform):
    """w0 [B, wDim], transform [B, 3, 3] → [B, C, S, S]."""
    B = w0.shape[0]
    t = fc(sd, "synthesis.input.affine", w0)  # [B, 4]
    t = t / t[:, :2].norm(dim=1, keepdim=True)
    c, s, tx, ty = t.unbind(1)
    one, zero = torch.ones_like(c), torch.zeros_like(c)
    rot = torch.stack([torch.stack([c, -s, zero], 1), torch.stack([s, c, zero], 1), torch.stack([zero, zero, one], 1)], 1)
    tra = torch.stack([torch.stack([one, zero, -tx], 1), torch.stack([zero, one, -ty], 1), torch.stack([zero, zero, one], 1)], 1)
    m = rot @ tra @ transform  # [B, 3, 3]
    f0 = sd["synthesis.input.freqs"]  # [C, 2]
    phases = sd["synthesis.input.phases"][None] + (f0[None] @ m[:, :2, 2:])[..., 0]  # [B, C]
    freqs = f0[None] @ m[:, :2, :2]  # [B, C, 2]
    bw, sr, S = inp["bandwidth"], inp["rate"], inp["size"]
    amp = (1 - (freqs.norm(dim=2) - bw) / (sr / 2 - bw)).clamp(0, 1)  # [B, C]
    g = (torch.arange(S, dtype=torch.float64) + 0.5 - S / 2) / sr
    gy, gx = torch.meshgrid(g, g, indexing="ij")  # [S, S]
    arg = gx[None, None] * freqs[:, :, 0, None, None] + gy[None, None] * freqs[:, :, 1, None, None] + phases[:, :, None, None]
    x = torch.sin(2 * np.pi * arg) * amp[:, :, None, None]  # [B, C, S, S]
    C = inp["channels"]
    weight = sd["synthesis.input.weight"] / np.sqrt(C)
    return torch.einsum("bchw,oc->bohw", x, weight)


def upfirdn(x, f, up, down, pad):
    """Zero-insert, pad (negative crops), convolve with the 2-D filter f, keep every down-th sample."""
    B, C, H, W = x.shape
    if up > 1:
        z = x.new_zeros([B, C, H * up, W * up])
        z[:, :, ::up, ::up] = x
        x = z
    lo, hi = pad
    x = F.pad(x, [max(lo, 0), max(hi, 0), max(lo, 0), max(hi, 0)])
    x = x[:, :, max(-lo, 0): x.shape[2] - max(-hi, 0), max(-lo, 0): x.shape[3] - max(-hi, 0)]
    if f is not None:
        k = f.flip([0, 1])[None, None].repeat(C, 1, 1, 1)
        x = F.conv2d(x, k, groups=C)
    return x[:, :, ::down, ::down]


def layer(sd, l, name, x, w, clamp):
    s = fc(sd, f"{name}.affine", w)  # [B, Ci]
    weight = sd[f"{name}.weight"]  # [Co, Ci, k, k]
    gain = sd[f"{name}.magnitude_ema"].rsqrt()
    if l["torgb"]:
        s = s / np.sqrt(l["ci"] * l["k"] ** 2)
    else:
        weight = weight * weight.square().mean([1, 2, 3], keepdim=True).rsqrt()
        s = s * s.square().mean().rsqrt()  # over the whole batch
    wb = weight[None] * s[:, None, :, None, None]  # [B, Co, Ci, k, k]
    if not l["torgb"]:
        wb = wb * (wb.square().sum([2, 3, 4]) + 1e-8).rsqrt()[:, :, None, None, None]
    wb = wb * gain
    B = x.shape[0]
    y = torch.cat([F.conv2d(x[b:b + 1], wb[b], padding=l["k"] - 1) for b in range(B)])  # [B, Co, H + k − 1, …]
    y = y + sd[f"{name}.bias"][None, :, None, None]
    if l["torgb"]:
        return y.clamp(-clamp, clamp) if clamp is not None else y
    fu, fd = sd.get(f"{name}.up_filter"), sd.get(f"{name}.down_filter")
    fu2 = torch.outer(fu, fu) * l["up"] ** 2 if fu is not None else None
    fd2 = fd if fd is None or fd.ndim == 2 else torch.outer(fd, fd)
    y = upfirdn(y, fu2, l["up"], 1, l["pad"])
    y = F.leaky_relu(y, 0.2) * np.sqrt(2)
    if clamp is not None:
        y = y.clamp(-clamp, clamp)
    return upfirdn(y, fd2, 1, l["down"], (0, 0))


def synthesis(sd, g, ws, transform):
    """ws [B, numWs, wDim], transform [B, 3, 3] → img [B, C, R, R], taps {name: tensor}."""
    inp, layers = schedule(g["resolution"], g["imgChannels"], g["synthesis"], g["architecture"] == "stylegan3-r")
    taps = {}
    x = fourier_input(sd, inp, ws[:, 0], transform)
    taps["input"] = x
    for i, l in enumerate(layers):
        x = layer(sd, l, f"synthesis.{l['name']}", x, ws[:, i + 1], g["convClamp"])
        taps[l["name"]] = x
    return x * g["synthesis"]["outputScale"], taps
