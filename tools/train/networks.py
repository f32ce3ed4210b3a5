"""
Trainable StyleGAN2 (config-F style, skip generator, resnet discriminator) in plain PyTorch,
with parameter and buffer names exactly as NVIDIA's state dicts, so `state_dict()` exports
straight into stylegraph's model format. Written from the equations in docs/stylegan2.md;
float32, non-fused modulated convolution, transposed-conv + FIR upsampling.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SQRT2 = math.sqrt(2)


def fir(dtype=torch.float32):
    k = torch.tensor([1.0, 3.0, 3.0, 1.0], dtype=dtype)
    f = torch.outer(k, k)
    return f / f.sum()  # [4, 4]


def depthwise(x, f, gain, **kw):
    """Per-channel 2D FIR (grouped convolution)."""
    C = x.shape[1]
    return F.conv2d(x, (f * gain)[None, None].repeat(C, 1, 1, 1).to(x.dtype), groups=C, **kw)


def zero_insert(x):
    """[B, C, H, W] → [B, C, 2H−1, 2W−1] with the samples at even positions: a stride-2
    transposed convolution is this followed by an ordinary convolution (many times faster than
    conv_transpose2d on CPU builds of torch)."""
    B, C, H, W = x.shape
    y = torch.stack([x, torch.zeros_like(x)], 4).reshape(B, C, H, 2 * W)[..., : 2 * W - 1]
    return torch.stack([y, torch.zeros_like(y)], 3).reshape(B, C, 2 * H, 2 * W - 1)[:, :, : 2 * H - 1]


def upsample2d(x, f):
    """2× upsampling with FIR f·4 (= NVIDIA's upfirdn2d up=2, padding 1/2)."""
    return depthwise(zero_insert(x), f, 4, padding=2)


class FC(nn.Module):
    """Equalized-lr fully connected layer: y = x·(W·m/√in)ᵀ + b·m."""

    def __init__(self, i, o, lr_mul=1.0, act=False, bias_init=0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(o, i) / lr_mul)
        self.bias = nn.Parameter(torch.full([o], float(bias_init)))
        self.gain, self.lr_mul, self.act = lr_mul / math.sqrt(i), lr_mul, act

    def forward(self, x):
        y = x @ (self.weight * self.gain).t() + self.bias * self.lr_mul
        return F.leaky_relu(y, 0.2) * SQRT2 if self.act else y


class Mapping(nn.Module):
    def __init__(self, z_dim, c_dim, w_dim, num_ws, layers, with_avg=True):
        super().__init__()
        self.z_dim, self.c_dim, self.num_ws = z_dim, c_dim, num_ws
        if c_dim > 0:
            self.embed = FC(c_dim, w_dim)
        for i in range(layers):
            setattr(self, f"fc{i}", FC((z_dim + (w_dim if c_dim else 0)) if i == 0 else w_dim, w_dim, lr_mul=0.01, act=True))
        self.layers = layers
        if with_avg:
            self.register_buffer("w_avg", torch.zeros(w_dim))

    def forward(self, z, c=None, psi=1.0, update_avg=False):
        norm = lambda v: v * (v.square().mean(1, keepdim=True) + 1e-8).rsqrt()  # noqa: E731
        parts = ([norm(z)] if self.z_dim else []) + ([norm(self.embed(c))] if self.c_dim else [])
        x = torch.cat(parts, 1)
        for i in range(self.layers):
            x = getattr(self, f"fc{i}")(x)
        if update_avg:
            self.w_avg.copy_(x.detach().mean(0).lerp(self.w_avg, 0.995))
        if psi != 1:
            x = self.w_avg.lerp(x, psi)
        return x if self.num_ws is None else x[:, None].repeat(1, self.num_ws, 1)


class SynthesisLayer(nn.Module):
    def __init__(self, ci, co, w_dim, res, up, clamp):
        super().__init__()
        self.affine = FC(w_dim, ci, bias_init=1)
        self.weight = nn.Parameter(torch.randn(co, ci, 3, 3))
        self.bias = nn.Parameter(torch.zeros(co))
        self.noise_strength = nn.Parameter(torch.zeros([]))
        self.register_buffer("noise_const", torch.randn(res, res))
        self.register_buffer("resample_filter", fir())
        self.up, self.res, self.clamp = up, res, clamp

    def forward(self, x, w, noise_mode="random"):
        s = self.affine(w)  # [B, Ci]
        d = ((s * s) @ self.weight.square().sum([2, 3]).t() + 1e-8).rsqrt()  # [B, Co]
        x = x * s[:, :, None, None]
        if self.up:
            # conv_transpose2d(x, Wᵀ, stride=2) as zero insertion + conv with the flipped kernel.
            x = F.conv2d(zero_insert(x), self.weight.flip([2, 3]), padding=2)  # [B, Co, 2H+1, 2W+1]
            x = depthwise(x, self.resample_filter, 4, padding=1)  # [B, Co, 2H, 2W]
        else:
            x = F.conv2d(x, self.weight, padding=1)
        x = x * d[:, :, None, None]
        if noise_mode == "random":
            x = x + torch.randn(x.shape[0], 1, self.res, self.res, device=x.device) * self.noise_strength
        elif noise_mode == "const":
            x = x + self.noise_const * self.noise_strength
        x = F.leaky_relu(x + self.bias[None, :, None, None], 0.2) * SQRT2
        return x.clamp(-self.clamp, self.clamp) if self.clamp else x


class ToRGB(nn.Module):
    def __init__(self, ci, w_dim, clamp):
        super().__init__()
        self.affine = FC(w_dim, ci, bias_init=1)
        self.weight = nn.Parameter(torch.randn(3, ci, 1, 1))
        self.bias = nn.Parameter(torch.zeros(3))
        self.gain, self.clamp = 1 / math.sqrt(ci), clamp

    def forward(self, x, w):
        s = self.affine(w) * self.gain
        y = F.conv2d(x * s[:, :, None, None], self.weight) + self.bias[None, :, None, None]
        return y.clamp(-self.clamp, self.clamp) if self.clamp else y


class SynthesisBlock(nn.Module):
    def __init__(self, ci, co, w_dim, res, clamp):
        super().__init__()
        if ci == 0:
            self.const = nn.Parameter(torch.randn(co, 4, 4))
        else:
            self.conv0 = SynthesisLayer(ci, co, w_dim, res, True, clamp)
        self.conv1 = SynthesisLayer(co, co, w_dim, res, False, clamp)
        self.torgb = ToRGB(co, w_dim, clamp)
        self.register_buffer("resample_filter", fir())
        self.first = ci == 0

    def forward(self, x, img, ws, noise_mode):
        if self.first:
            x = self.const[None].repeat(ws.shape[0], 1, 1, 1)
            x = self.conv1(x, ws[:, 0], noise_mode)
            return x, self.torgb(x, ws[:, 1])
        x = self.conv0(x, ws[:, 0], noise_mode)
        x = self.conv1(x, ws[:, 1], noise_mode)
        return x, upsample2d(img, self.resample_filter) + self.torgb(x, ws[:, 2])


def channels(res, base, cmax):
    return {r: min(base // r, cmax) for r in [2**i for i in range(2, int(math.log2(res)) + 1)]}


class Synthesis(nn.Module):
    def __init__(self, w_dim, res, ch, clamp):
        super().__init__()
        self.res = [2**i for i in range(2, int(math.log2(res)) + 1)]
        for r in self.res:
            setattr(self, f"b{r}", SynthesisBlock(0 if r == 4 else ch[r // 2], ch[r], w_dim, r, clamp))
        self.num_ws = 2 * len(self.res)

    def forward(self, ws, noise_mode="random"):
        x = img = None
        i = 0
        for r in self.res:
            n = 2 if r == 4 else 3
            x, img = getattr(self, f"b{r}")(x, img, ws[:, i : i + n], noise_mode)
            i += n - 1
        return img


class Generator(nn.Module):
    def __init__(self, z_dim, c_dim, w_dim, res, base, cmax, map_layers, clamp):
        super().__init__()
        self.ch = channels(res, base, cmax)
        self.synthesis = Synthesis(w_dim, res, self.ch, clamp)
        self.mapping = Mapping(z_dim, c_dim, w_dim, self.synthesis.num_ws, map_layers)

    def forward(self, z, c=None, psi=1.0, noise_mode="random", update_avg=False):
        return self.synthesis(self.mapping(z, c, psi, update_avg), noise_mode)


class Conv(nn.Module):
    """Discriminator conv layer: weight/√(Ci·k²), optional FIR downsampling, bias, lrelu·√2·gain, clamp."""

    def __init__(self, ci, co, k, down=False, bias=True, act=True, gain=1.0, clamp=None):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(co, ci, k, k))
        if bias:
            self.bias = nn.Parameter(torch.zeros(co))
        self.register_buffer("resample_filter", fir())
        self.k, self.down, self.act, self.gain, self.clamp = k, down, act, gain, clamp
        self.wg = 1 / math.sqrt(ci * k * k)

    def forward(self, x):
        w = self.weight * self.wg
        if self.down and self.k == 1:
            x = F.conv2d(depthwise(x, self.resample_filter, 1, padding=1, stride=2), w)
        elif self.down:
            x = F.conv2d(depthwise(x, self.resample_filter, 1, padding=2), w, stride=2)
        else:
            x = F.conv2d(x, w, padding=self.k // 2)
        if hasattr(self, "bias"):
            x = x + self.bias[None, :, None, None]
        g = (SQRT2 if self.act else 1) * self.gain
        x = (F.leaky_relu(x, 0.2) if self.act else x) * g
        return x.clamp(-self.clamp * self.gain, self.clamp * self.gain) if self.clamp else x


class DBlock(nn.Module):
    def __init__(self, first, tmp, out, clamp):
        super().__init__()
        if first:
            self.fromrgb = Conv(3, tmp, 1, clamp=clamp)
        self.conv0 = Conv(tmp, tmp, 3, clamp=clamp)
        self.conv1 = Conv(tmp, out, 3, down=True, gain=math.sqrt(0.5), clamp=clamp)
        self.skip = Conv(tmp, out, 1, down=True, bias=False, act=False, gain=math.sqrt(0.5))
        self.register_buffer("resample_filter", fir())

    def forward(self, x, img):
        if x is None:
            x = self.fromrgb(img)
        return self.skip(x) + self.conv1(self.conv0(x))


class Epilogue(nn.Module):
    def __init__(self, ch, clamp, group=4):
        super().__init__()
        self.conv = Conv(ch + 1, ch, 3, clamp=clamp)
        self.fc = FC(ch * 16, ch, act=True)
        self.out = FC(ch, 1)
        self.group = group

    def forward(self, x):
        N, C, H, W = x.shape
        G = min(self.group, N)
        y = x.reshape(G, -1, 1, C, H, W)
        y = ((y - y.mean(0)).square().mean(0) + 1e-8).sqrt().mean([2, 3, 4]).reshape(-1, 1, 1, 1).repeat(G, 1, H, W)
        x = self.conv(torch.cat([x, y], 1))
        return self.out(self.fc(x.flatten(1)))


class Discriminator(nn.Module):
    def __init__(self, res, base, cmax, clamp):
        super().__init__()
        self.ch = channels(res, base, cmax)
        self.res = [r for r in reversed(list(self.ch)) if r > 4]
        for r in self.res:
            setattr(self, f"b{r}", DBlock(r == res, self.ch[r], self.ch[r // 2], clamp))
        self.b4 = Epilogue(self.ch[4], clamp)

    def forward(self, img):
        x = None
        for r in self.res:
            x = getattr(self, f"b{r}")(x, img)
        return self.b4(x)


def export_state(module):
    """NVIDIA-named float32 arrays for safetensors (mbstd has no tensors; D's b4 has no resample_filter)."""
    return {k: v.detach().cpu().float().numpy().astype(np.float32) for k, v in module.state_dict().items()}
