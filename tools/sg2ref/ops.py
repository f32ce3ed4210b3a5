"""
Tensor operations of the StyleGAN2 reference networks, in plain PyTorch (no custom kernels):
the FIR low-pass filter, generic up/down-sampling with FIR filtering (`upfirdn2d`), the fast
resampling paths the networks use (transposed convolution + FIR for ×2 up, FIR + strided
convolution for ×2 down), bias + activation + clamp, modulated convolution (non-fused and
fused/grouped), normalize_2nd_moment and minibatch standard deviation.

All functions work in whatever floating dtype their inputs have (float32 or float64); filters
are cast to the input's dtype. Shapes are written as [B, C, H, W].
"""
import math

import torch
import torch.nn.functional as F

SQRT2 = math.sqrt(2.0)
FIR_TAPS = (1.0, 3.0, 3.0, 1.0)


# --- FIR filter -----------------------------------------------------------------------------

def setup_filter(taps=FIR_TAPS):
    """Separable low-pass filter as a 2-D kernel normalised to sum 1: outer(k, k) / sum."""
    k = torch.tensor(taps, dtype=torch.float32)
    f = torch.outer(k, k)  # [4, 4]
    return f / f.sum()


def _depthwise_fir(x, f, gain=1.0, stride=1):
    """Convolve every channel of x with f·gain (true convolution: the kernel is flipped).

    x [B, C, H, W], f [fh, fw] -> [B, C, (H - fh) // stride + 1, (W - fw) // stride + 1]; no padding.
    """
    C = x.shape[1]
    k = (f.to(x.dtype) * gain).flip([0, 1])[None, None].expand(C, 1, *f.shape)  # [C, 1, fh, fw]
    return F.conv2d(x, k, stride=stride, groups=C)


def upfirdn2d(x, f, up=1, down=1, pad=(0, 0, 0, 0), gain=1.0):
    """Generic resampling, step by step: insert up−1 zeros after every sample (both axes), pad
    (x_before, x_after, y_before, y_after) with zeros, convolve with f·gain, keep every down-th
    sample. Straightforward and slow; the networks use the faster equivalents below.

    x [B, C, H, W] -> [B, C, H', W'] with H' = (H·up + py0 + py1 − fh) // down + 1.
    """
    B, C, H, W = x.shape
    if up > 1:
        z = x.new_zeros([B, C, H * up, W * up])  # [B, C, H·up, W·up]
        z[:, :, ::up, ::up] = x
        x = z
    px0, px1, py0, py1 = pad
    x = F.pad(x, [px0, px1, py0, py1])  # [B, C, H·up + py0 + py1, W·up + px0 + px1]
    x = _depthwise_fir(x, f, gain)
    return x[:, :, ::down, ::down]


def upsample2d(x, f):
    """×2 FIR upsampling of the skip-path image (equals upfirdn2d(x, f, up=2, pad=(2,1,2,1), gain=4)).

    A depthwise transposed convolution with stride 2 and padding 1 inserts the zeros and pads
    2 + 1 in one step. x [B, C, H, W] -> [B, C, 2H, 2W].
    """
    C = x.shape[1]
    k = (f.to(x.dtype) * 4.0)[None, None].expand(C, 1, *f.shape)  # [C, 1, 4, 4]; f is symmetric
    return F.conv_transpose2d(x, k, stride=2, padding=1, groups=C)


def conv2d_up2(x, w, f):
    """3×3 convolution of the ×2-upsampled input, as StyleGAN2's conv0.

    Transposed convolution with stride 2 and no padding, using the kernel as stored (not
    flipped), then pad 1 on each side and FIR-filter with gain 4.
    x [B, Ci, H, W], w [Co, Ci, 3, 3] -> [B, Co, 2H, 2W].
    """
    assert w.shape[-1] == 3 and f.shape[-1] == 4, "the padding below is for a 3×3 kernel and a 4-tap filter"
    y = F.conv_transpose2d(x, w.transpose(0, 1), stride=2)  # [B, Co, 2H + 1, 2W + 1]
    y = F.pad(y, [1, 1, 1, 1])  # [B, Co, 2H + 3, 2W + 3]
    return _depthwise_fir(y, f, gain=4.0)  # [B, Co, 2H, 2W]


def conv2d_down2(x, w, f):
    """Convolution with ×2 downsampling, as the discriminator's conv1 (3×3) and skip (1×1).

    k×k with k > 1: pad so that the output halves, FIR-filter, then a stride-2 convolution
    (correlation with the stored kernel). 1×1: FIR-filter and decimate first, then convolve.
    x [B, Ci, H, W], w [Co, Ci, k, k] -> [B, Co, H/2, W/2].
    """
    k = w.shape[-1]
    assert k in (1, 3) and f.shape[-1] == 4, "the padding below is for 1×1/3×3 kernels and a 4-tap filter"
    if k == 1:
        x = _depthwise_fir(F.pad(x, [1, 1, 1, 1]), f, stride=2)  # [B, Ci, H/2, W/2]
        return F.conv2d(x, w)
    x = _depthwise_fir(F.pad(x, [2, 2, 2, 2]), f)  # [B, Ci, H + 1, W + 1]
    return F.conv2d(x, w, stride=2)  # [B, Co, H/2, W/2]


# --- activations ----------------------------------------------------------------------------

def bias_act(x, b=None, act="linear", gain=None, clamp=None):
    """x + b (b broadcast over channel dim 1), then the activation, times gain, clamped to ±clamp.

    act: 'linear' (default gain 1) or 'lrelu' (slope 0.2, default gain √2).
    """
    if b is not None:
        x = x + b.reshape([1, -1] + [1] * (x.ndim - 2))
    if act == "lrelu":
        x = F.leaky_relu(x, 0.2)
        gain = SQRT2 if gain is None else gain
    elif act != "linear":
        raise ValueError(f"unknown activation {act!r}")
    if gain is not None and gain != 1:
        x = x * gain
    if clamp is not None:
        x = x.clamp(-clamp, clamp)
    return x


def normalize_2nd_moment(x, eps=1e-8):
    """x · rsqrt(mean(x², dim=1) + eps); x [B, N]."""
    return x * (x.square().mean(dim=1, keepdim=True) + eps).rsqrt()


# --- modulated convolution ------------------------------------------------------------------

def demod_coefficients(weight, styles, eps=1e-8):
    """d[b, o] = rsqrt(Σ_{i,kh,kw} (W[o,i,kh,kw]·s[b,i])² + eps), as a matmul.

    weight [Co, Ci, k, k], styles [B, Ci] -> [B, Co].
    """
    wsq = weight.square().sum(dim=[2, 3])  # [Co, Ci]
    return (styles.square() @ wsq.t() + eps).rsqrt()  # [B, Co]


def modulated_conv2d(x, weight, styles, noise=None, up=False, resample_filter=None, demodulate=True, fused=False):
    """StyleGAN2's modulated convolution (stride 1, 'same' padding; ×2 up when `up`).

    x [B, Ci, H, W], weight [Co, Ci, k, k], styles [B, Ci], noise broadcastable to the output
    (e.g. [B, 1, H', W']) or None -> [B, Co, H', W'] with H' = 2H when `up`, else H.

    Non-fused (default): scale the input by the styles, convolve with the shared weight, scale
    the output by the demodulation coefficients, add noise — independent of the batch size.
    Fused: build per-sample weights W·s·d and run one grouped convolution (groups = B).
    """
    B, Ci = x.shape[:2]
    Co, _, k, _ = weight.shape
    if not fused:
        x = x * styles.reshape(B, Ci, 1, 1)  # [B, Ci, H, W]
        if up:
            x = conv2d_up2(x, weight, resample_filter)  # [B, Co, 2H, 2W]
        else:
            x = F.conv2d(x, weight, padding=k // 2)  # [B, Co, H, W]
        if demodulate:
            x = x * demod_coefficients(weight, styles).reshape(B, Co, 1, 1)
        return x + noise if noise is not None else x
    w = weight[None] * styles.reshape(B, 1, Ci, 1, 1)  # [B, Co, Ci, k, k]
    if demodulate:
        w = w * (w.square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt().reshape(B, Co, 1, 1, 1)
    xg = x.reshape(1, B * Ci, *x.shape[2:])  # [1, B·Ci, H, W]
    if up:
        # Grouped transposed convolution: per group the weight is [Ci, Co, k, k].
        wt = w.transpose(1, 2).reshape(B * Ci, Co, k, k)  # [B·Ci, Co, k, k]
        y = F.conv_transpose2d(xg, wt, stride=2, groups=B)  # [1, B·Co, 2H + 1, 2W + 1]
        y = _depthwise_fir(F.pad(y, [1, 1, 1, 1]), resample_filter, gain=4.0)  # [1, B·Co, 2H, 2W]
    else:
        y = F.conv2d(xg, w.reshape(B * Co, Ci, k, k), padding=k // 2, groups=B)  # [1, B·Co, H, W]
    y = y.reshape(B, Co, *y.shape[2:])  # [B, Co, H', W']
    return y + noise if noise is not None else y


# --- discriminator --------------------------------------------------------------------------

def minibatch_std(x, group_size=4, num_channels=1):
    """Append the minibatch standard deviation as `num_channels` extra feature maps.

    The batch is split into groups of G = min(group_size, B) samples; sample n belongs to group
    n mod (B / G) (B must be a multiple of G). Per group and channel-group: std over the group
    (population variance + 1e-8, then sqrt), averaged over channels and pixels.
    x [B, C, H, W] -> [B, C + num_channels, H, W].
    """
    B, C, H, W = x.shape
    G = min(group_size, B) if group_size is not None else B
    Fc = num_channels
    y = x.reshape(G, -1, Fc, C // Fc, H, W)  # [G, n, F, c, H, W]
    y = y - y.mean(dim=0)  # deviation from the group mean
    y = y.square().mean(dim=0)  # [n, F, c, H, W] variance over the group
    y = (y + 1e-8).sqrt()  # std
    y = y.mean(dim=[2, 3, 4])  # [n, F] average over channels and pixels
    y = y.reshape(-1, Fc, 1, 1).repeat(G, 1, H, W)  # [B, F, H, W]
    return torch.cat([x, y], dim=1)
