"""
StyleGAN2-ADA networks (config-F style: skip generator, resnet discriminator) as plain PyTorch
nn.Modules whose state_dict() keys, shapes and persistent buffers are those of NVIDIA's
stylegan2-ada-pytorch checkpoints, so weights load and export by name without renaming.

Module tree and state-dict names (R = resolution):
  Generator
    synthesis.b{r}                  SynthesisBlock: resample_filter [4,4]; b4 also const [C,4,4]
      .conv0 (r ≥ 8), .conv1        SynthesisLayer: weight [Co,Ci,3,3], noise_strength [],
                                    bias [Co], resample_filter [4,4], noise_const [r,r],
                                    affine.{weight [Ci,w_dim], bias [Ci]}
      .torgb                        ToRGBLayer: weight [3,C,1,1], bias [3], affine.*
    mapping                         MappingNetwork: embed.* (classes), fc{i}.*, w_avg [w_dim]
  Discriminator
    b{r} (R … 8)                    DiscriminatorBlock: resample_filter; fromrgb (first block
                                    only), conv0, conv1, skip (no bias) — Conv2dLayer, each with
                                    its own resample_filter buffer
    mapping (classes)               MappingNetwork without w_avg (z_dim 0, w_dim = cmap_dim)
    b4                              DiscriminatorEpilogue: mbstd (no tensors), conv, fc, out

Forward passes are exact float math in whatever dtype the module holds (call .double() for a
float64 reference). Modulated convolutions are evaluated non-fused by default (batch-size
independent); `fused_modconv=True` selects the per-sample grouped-convolution formulation.
The synthesis network's forward takes explicit noise maps, per-layer noise strength
multipliers and can return feature taps. FP16 options of NVIDIA's constructors are accepted
for signature compatibility and ignored (everything runs in the module's dtype).
"""
import math

import numpy as np
import torch
import torch.nn as nn

import ops
from ops import FIR_TAPS, SQRT2


def channels_dict(resolutions, channel_base=32768, channel_max=512):
    """{res: min(channel_base // res, channel_max)} for the given resolutions."""
    return {r: min(channel_base // r, channel_max) for r in resolutions}


def num_ws_for(resolution):
    """Number of W+ rows of a skip generator: 2·log2(R) − 2."""
    return 2 * int(math.log2(resolution)) - 2


# --- basic layers ---------------------------------------------------------------------------

class FullyConnectedLayer(nn.Module):
    """Equalised-learning-rate dense layer: y = act(x · (W·m/√in)ᵀ + b·m), m = lr multiplier.

    weight [out, in] (initialised N(0, 1)/m), bias [out] (initialised to bias_init).
    """

    def __init__(self, in_features, out_features, bias=True, activation="linear", lr_multiplier=1.0, bias_init=0.0):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.activation = activation
        self.lr_multiplier = lr_multiplier
        self.weight = nn.Parameter(torch.randn([out_features, in_features]) / lr_multiplier)
        self.bias = nn.Parameter(torch.full([out_features], float(bias_init))) if bias else None
        self.weight_gain = lr_multiplier / math.sqrt(in_features)
        self.bias_gain = lr_multiplier

    def forward(self, x):  # x [B, in] -> [B, out]
        w = self.weight * self.weight_gain  # [out, in]
        b = self.bias * self.bias_gain if self.bias is not None else None
        return ops.bias_act(x @ w.t(), b, act=self.activation)


class Conv2dLayer(nn.Module):
    """Equalised-learning-rate convolution (discriminator): weight scaled by 1/√(Ci·k²), optional
    ×2 FIR downsampling, bias, activation·gain, clamp ±conv_clamp·gain.

    weight [Co, Ci, k, k], bias [Co] (optional), resample_filter [4, 4] (always registered).
    """

    def __init__(self, in_channels, out_channels, kernel_size, bias=True, activation="linear", up=1, down=1,
                 resample_filter=FIR_TAPS, conv_clamp=None, channels_last=False, trainable=True):
        super().__init__()
        assert up == 1, "upsampling Conv2dLayer (resnet generator) is not implemented"
        assert down in (1, 2)
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.activation = activation
        self.down = down
        self.conv_clamp = conv_clamp
        self.register_buffer("resample_filter", ops.setup_filter(resample_filter))
        self.weight_gain = 1 / math.sqrt(in_channels * kernel_size ** 2)
        self.act_gain = SQRT2 if activation == "lrelu" else 1.0
        weight = torch.randn([out_channels, in_channels, kernel_size, kernel_size])
        b = torch.zeros([out_channels]) if bias else None
        if trainable:
            self.weight = nn.Parameter(weight)
            self.bias = nn.Parameter(b) if b is not None else None
        else:
            self.register_buffer("weight", weight)
            if b is not None:
                self.register_buffer("bias", b)
            else:
                self.bias = None

    def forward(self, x, gain=1.0):  # x [B, Ci, H, W] -> [B, Co, H/down, W/down]
        w = self.weight * self.weight_gain  # [Co, Ci, k, k]
        if self.down == 2:
            x = ops.conv2d_down2(x, w, self.resample_filter)
        else:
            x = torch.nn.functional.conv2d(x, w, padding=self.kernel_size // 2)
        clamp = self.conv_clamp * gain if self.conv_clamp is not None else None
        return ops.bias_act(x, self.bias, act=self.activation, gain=self.act_gain * gain, clamp=clamp)


# --- mapping --------------------------------------------------------------------------------

class MappingNetwork(nn.Module):
    """z (and class c) -> w: normalize_2nd_moment(z) ‖ normalize_2nd_moment(embed(c)), then
    num_layers FC layers (lrelu·√2, lr multiplier), broadcast to [B, num_ws, w_dim] when num_ws
    is set, truncation towards w_avg. The w_avg buffer exists when num_ws and w_avg_beta are set.
    """

    def __init__(self, z_dim, c_dim, w_dim, num_ws, num_layers=8, embed_features=None, layer_features=None,
                 activation="lrelu", lr_multiplier=0.01, w_avg_beta=0.995):
        super().__init__()
        self.z_dim, self.c_dim, self.w_dim, self.num_ws = z_dim, c_dim, w_dim, num_ws
        self.num_layers, self.lr_multiplier, self.w_avg_beta = num_layers, lr_multiplier, w_avg_beta
        if embed_features is None:
            embed_features = w_dim
        if c_dim == 0:
            embed_features = 0
        if layer_features is None:
            layer_features = w_dim
        features = [z_dim + embed_features] + [layer_features] * (num_layers - 1) + [w_dim]
        if c_dim > 0:
            self.embed = FullyConnectedLayer(c_dim, embed_features)
        for i in range(num_layers):
            setattr(self, f"fc{i}", FullyConnectedLayer(features[i], features[i + 1], activation=activation,
                                                        lr_multiplier=lr_multiplier))
        if num_ws is not None and w_avg_beta is not None:
            self.register_buffer("w_avg", torch.zeros([w_dim]))

    def forward(self, z, c=None, truncation_psi=1, truncation_cutoff=None, skip_w_avg_update=False):
        """z [B, z_dim], c [B, c_dim] -> [B, num_ws, w_dim] (or [B, w_dim] when num_ws is None)."""
        x = None
        if self.z_dim > 0:
            x = ops.normalize_2nd_moment(z)  # [B, z_dim]
        if self.c_dim > 0:
            y = ops.normalize_2nd_moment(self.embed(c))  # [B, embed_features]
            x = torch.cat([x, y], dim=1) if x is not None else y
        for i in range(self.num_layers):
            x = getattr(self, f"fc{i}")(x)  # [B, w_dim]
        if self.w_avg_beta is not None and self.num_ws is not None and self.training and not skip_w_avg_update:
            with torch.no_grad():  # moving average of w, tracked during training
                self.w_avg.copy_(x.detach().mean(dim=0).lerp(self.w_avg, self.w_avg_beta))
        if self.num_ws is not None:
            x = x.unsqueeze(1).repeat([1, self.num_ws, 1])  # [B, num_ws, w_dim]
        if truncation_psi != 1:
            x = self.truncate(x, truncation_psi, truncation_cutoff)
        return x

    def truncate(self, ws, psi, cutoff=None):
        """w_avg + ψ·(w − w_avg) on ws[:, :cutoff] (all rows when cutoff is None); ws [B, num_ws, w_dim]."""
        assert hasattr(self, "w_avg"), "truncation needs w_avg"
        if cutoff is None:
            return self.w_avg.lerp(ws, psi)
        ws = ws.clone()
        ws[:, :cutoff] = self.w_avg.lerp(ws[:, :cutoff], psi)
        return ws


# --- synthesis ------------------------------------------------------------------------------

class SynthesisLayer(nn.Module):
    """Modulated 3×3 convolution (×2 up for conv0), demodulation, noise, bias, lrelu·√2, clamp."""

    def __init__(self, in_channels, out_channels, w_dim, resolution, kernel_size=3, up=1, use_noise=True,
                 activation="lrelu", resample_filter=FIR_TAPS, conv_clamp=None, channels_last=False):
        super().__init__()
        assert up in (1, 2)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.resolution, self.up, self.use_noise = resolution, up, use_noise
        self.activation, self.conv_clamp = activation, conv_clamp
        self.register_buffer("resample_filter", ops.setup_filter(resample_filter))
        self.act_gain = SQRT2 if activation == "lrelu" else 1.0
        self.affine = FullyConnectedLayer(w_dim, in_channels, bias_init=1)
        self.weight = nn.Parameter(torch.randn([out_channels, in_channels, kernel_size, kernel_size]))
        if use_noise:
            self.register_buffer("noise_const", torch.randn([resolution, resolution]))
            self.noise_strength = nn.Parameter(torch.zeros([]))
        self.bias = nn.Parameter(torch.zeros([out_channels]))

    def forward(self, x, w, noise_mode="random", noise=None, noise_scale=1.0, fused_modconv=False, gain=1.0):
        """x [B, Ci, r/up, r/up], w [B, w_dim] -> [B, Co, r, r].

        noise_mode 'random': `noise` [B, 1, r, r] if given, else fresh N(0, 1); 'const': the
        noise_const buffer; 'none': no noise. The map is multiplied by noise_strength·noise_scale.
        """
        assert noise_mode in ("random", "const", "none")
        styles = self.affine(w)  # [B, Ci]
        n = None
        if self.use_noise and noise_mode == "random":
            if noise is None:
                noise = torch.randn([x.shape[0], 1, self.resolution, self.resolution], dtype=x.dtype, device=x.device)
            n = noise * (self.noise_strength * noise_scale)  # [B, 1, r, r]
        elif self.use_noise and noise_mode == "const":
            n = self.noise_const * (self.noise_strength * noise_scale)  # [r, r]
        x = ops.modulated_conv2d(x, self.weight, styles, noise=n, up=self.up == 2, resample_filter=self.resample_filter,
                                 demodulate=True, fused=fused_modconv)  # [B, Co, r, r]
        clamp = self.conv_clamp * gain if self.conv_clamp is not None else None
        return ops.bias_act(x, self.bias, act=self.activation, gain=self.act_gain * gain, clamp=clamp)


class ToRGBLayer(nn.Module):
    """1×1 modulated convolution without demodulation (styles · 1/√Ci), + bias, clamp."""

    def __init__(self, in_channels, out_channels, w_dim, kernel_size=1, conv_clamp=None, channels_last=False):
        super().__init__()
        self.conv_clamp = conv_clamp
        self.affine = FullyConnectedLayer(w_dim, in_channels, bias_init=1)
        self.weight = nn.Parameter(torch.randn([out_channels, in_channels, kernel_size, kernel_size]))
        self.bias = nn.Parameter(torch.zeros([out_channels]))
        self.weight_gain = 1 / math.sqrt(in_channels * kernel_size ** 2)

    def forward(self, x, w, fused_modconv=False):  # x [B, C, r, r], w [B, w_dim] -> [B, img_channels, r, r]
        styles = self.affine(w) * self.weight_gain  # [B, C]
        x = ops.modulated_conv2d(x, self.weight, styles, demodulate=False, fused=fused_modconv)
        return ops.bias_act(x, self.bias, clamp=self.conv_clamp)


class SynthesisBlock(nn.Module):
    """One resolution of the skip generator: (const | conv0 ↑2) → conv1 → ToRGB; img = up(img) + rgb."""

    def __init__(self, in_channels, out_channels, w_dim, resolution, img_channels, is_last, architecture="skip",
                 resample_filter=FIR_TAPS, conv_clamp=None, use_fp16=False, fp16_channels_last=False, **layer_kwargs):
        super().__init__()
        assert architecture == "skip", "only the skip generator architecture is implemented"
        self.in_channels, self.w_dim, self.resolution = in_channels, w_dim, resolution
        self.img_channels, self.is_last, self.architecture = img_channels, is_last, architecture
        self.register_buffer("resample_filter", ops.setup_filter(resample_filter))
        self.num_conv = 0
        self.num_torgb = 0
        if in_channels == 0:
            self.const = nn.Parameter(torch.randn([out_channels, resolution, resolution]))
        if in_channels != 0:
            self.conv0 = SynthesisLayer(in_channels, out_channels, w_dim=w_dim, resolution=resolution, up=2,
                                        resample_filter=resample_filter, conv_clamp=conv_clamp, **layer_kwargs)
            self.num_conv += 1
        self.conv1 = SynthesisLayer(out_channels, out_channels, w_dim=w_dim, resolution=resolution,
                                    conv_clamp=conv_clamp, **layer_kwargs)
        self.num_conv += 1
        self.torgb = ToRGBLayer(out_channels, img_channels, w_dim=w_dim, conv_clamp=conv_clamp)
        self.num_torgb += 1

    def conv_names(self):
        """Names of this block's conv layers relative to the synthesis network, e.g. ['b8.conv0', 'b8.conv1']."""
        return ([f"b{self.resolution}.conv0"] if self.in_channels != 0 else []) + [f"b{self.resolution}.conv1"]

    def forward(self, x, img, ws, noise_mode="random", noise=None, noise_scale=None, taps=None, fused_modconv=False):
        """x [B, Cin, r/2, r/2] (None for b4), img [B, 3, r/2, r/2] (None for b4),
        ws [B, num_conv + num_torgb, w_dim] -> x [B, C, r, r], img [B, 3, r, r].

        noise / noise_scale: dicts keyed by layer name ('b{r}.conv0'); taps: dict to fill or None.
        """
        r = self.resolution
        w_iter = iter(ws.unbind(dim=1))
        if self.in_channels == 0:
            x = self.const.unsqueeze(0).repeat([ws.shape[0], 1, 1, 1])  # [B, C, 4, 4]
        for name in self.conv_names():
            layer = getattr(self, name.split(".")[1])
            x = layer(x, next(w_iter), noise_mode=noise_mode, noise=(noise or {}).get(name),
                      noise_scale=(noise_scale or {}).get(name, 1.0), fused_modconv=fused_modconv)
            if taps is not None:
                taps[name] = x
        if img is not None:
            img = ops.upsample2d(img, self.resample_filter)  # [B, 3, r, r]
        y = self.torgb(x, next(w_iter), fused_modconv=fused_modconv)  # [B, 3, r, r]
        img = img + y if img is not None else y
        if taps is not None:
            taps[f"b{r}.torgb"] = y
            taps[f"b{r}.img"] = img
        return x, img


class SynthesisNetwork(nn.Module):
    """W+ [B, num_ws, w_dim] -> image [B, img_channels, R, R] through blocks b4 … bR.

    Block b{r} reads ws[i : i + num_conv + 1] and advances i by num_conv, so a block's ToRGB and
    the next block's first conv share one w row. `channels` ({res: C}) overrides
    channel_base/channel_max when given.
    """

    def __init__(self, w_dim, img_resolution, img_channels, channel_base=32768, channel_max=512, num_fp16_res=0,
                 channels=None, **block_kwargs):
        super().__init__()
        assert img_resolution >= 4 and img_resolution & (img_resolution - 1) == 0
        self.w_dim, self.img_resolution, self.img_channels = w_dim, img_resolution, img_channels
        self.block_resolutions = [2 ** i for i in range(2, int(math.log2(img_resolution)) + 1)]
        if channels is None:
            channels = channels_dict(self.block_resolutions, channel_base, channel_max)
        self.channels = {r: int(channels[r]) for r in self.block_resolutions}
        self.conv_clamp = block_kwargs.get("conv_clamp")
        self.num_ws = 0
        for r in self.block_resolutions:
            is_last = r == img_resolution
            block = SynthesisBlock(self.channels[r // 2] if r > 4 else 0, self.channels[r], w_dim=w_dim, resolution=r,
                                   img_channels=img_channels, is_last=is_last, **block_kwargs)
            self.num_ws += block.num_conv + (block.num_torgb if is_last else 0)
            setattr(self, f"b{r}", block)

    def noise_layer_names(self):
        """Conv layers in evaluation order: ['b4.conv1', 'b8.conv0', 'b8.conv1', …]."""
        return [n for r in self.block_resolutions for n in getattr(self, f"b{r}").conv_names()]

    def w_index(self):
        """{layer name: row of ws it reads}, for every conv and ToRGB layer."""
        out, i = {}, 0
        for r in self.block_resolutions:
            block = getattr(self, f"b{r}")
            for j, n in enumerate(block.conv_names() + [f"b{r}.torgb"]):
                out[n] = i + j
            i += block.num_conv
        return out

    def forward(self, ws, noise_mode="random", noise=None, noise_scale=None, return_taps=False, fused_modconv=False):
        """ws [B, num_ws, w_dim] -> img [B, img_channels, R, R] (and taps when return_taps).

        noise: {layer name: [B, 1, r, r]} for noise_mode 'random' (missing layers draw fresh
        N(0, 1) maps). noise_scale: per-layer multipliers on noise_strength, either a dict by
        layer name or a sequence/1-D tensor in noise_layer_names() order; default 1.
        taps: {'b{r}.conv0', 'b{r}.conv1': layer outputs after activation and clamp,
        'b{r}.torgb': ToRGB outputs, 'b{r}.img': running image after the block}.
        """
        assert ws.shape[1:] == (self.num_ws, self.w_dim), f"ws must be [B, {self.num_ws}, {self.w_dim}]"
        names = self.noise_layer_names()
        if noise_scale is not None and not isinstance(noise_scale, dict):
            assert len(noise_scale) == len(names), f"noise_scale needs {len(names)} entries"
            noise_scale = {n: noise_scale[i] for i, n in enumerate(names)}
        taps = {} if return_taps else None
        x = img = None
        i = 0
        for r in self.block_resolutions:
            block = getattr(self, f"b{r}")
            block_ws = ws.narrow(1, i, block.num_conv + block.num_torgb)  # [B, num_conv + 1, w_dim]
            x, img = block(x, img, block_ws, noise_mode=noise_mode, noise=noise, noise_scale=noise_scale, taps=taps,
                           fused_modconv=fused_modconv)
            i += block.num_conv
        return (img, taps) if return_taps else img


class Generator(nn.Module):
    """Mapping + synthesis. Registration order (synthesis first) follows NVIDIA's state dicts."""

    def __init__(self, z_dim, c_dim, w_dim, img_resolution, img_channels, mapping_kwargs=None, synthesis_kwargs=None):
        super().__init__()
        self.z_dim, self.c_dim, self.w_dim = z_dim, c_dim, w_dim
        self.img_resolution, self.img_channels = img_resolution, img_channels
        self.synthesis = SynthesisNetwork(w_dim=w_dim, img_resolution=img_resolution, img_channels=img_channels,
                                          **(synthesis_kwargs or {}))
        self.num_ws = self.synthesis.num_ws
        self.mapping = MappingNetwork(z_dim=z_dim, c_dim=c_dim, w_dim=w_dim, num_ws=self.num_ws, **(mapping_kwargs or {}))

    def forward(self, z, c=None, truncation_psi=1, truncation_cutoff=None, **synthesis_kwargs):
        """z [B, z_dim], c [B, c_dim] -> img [B, 3, R, R] (or (img, taps), see SynthesisNetwork)."""
        ws = self.mapping(z, c, truncation_psi=truncation_psi, truncation_cutoff=truncation_cutoff)
        return self.synthesis(ws, **synthesis_kwargs)


# --- discriminator --------------------------------------------------------------------------

class DiscriminatorBlock(nn.Module):
    """Resnet block at resolution r: x = skip(x)·√0.5 + conv1↓(conv0(x))·√0.5 (fromrgb first)."""

    def __init__(self, in_channels, tmp_channels, out_channels, resolution, img_channels, first_layer_idx=0,
                 architecture="resnet", activation="lrelu", resample_filter=FIR_TAPS, conv_clamp=None,
                 use_fp16=False, fp16_channels_last=False, freeze_layers=0):
        super().__init__()
        assert in_channels in (0, tmp_channels)
        assert architecture == "resnet", "only the resnet discriminator architecture is implemented"
        self.in_channels, self.resolution, self.img_channels = in_channels, resolution, img_channels
        self.first_layer_idx, self.architecture = first_layer_idx, architecture
        self.register_buffer("resample_filter", ops.setup_filter(resample_filter))
        self.num_layers = 0

        def trainable():  # Freeze-D: the first `freeze_layers` layers of D hold buffers, not parameters
            t = self.first_layer_idx + self.num_layers >= freeze_layers
            self.num_layers += 1
            return t

        if in_channels == 0:
            self.fromrgb = Conv2dLayer(img_channels, tmp_channels, kernel_size=1, activation=activation,
                                       trainable=trainable(), conv_clamp=conv_clamp)
        self.conv0 = Conv2dLayer(tmp_channels, tmp_channels, kernel_size=3, activation=activation,
                                 trainable=trainable(), conv_clamp=conv_clamp)
        self.conv1 = Conv2dLayer(tmp_channels, out_channels, kernel_size=3, activation=activation, down=2,
                                 trainable=trainable(), resample_filter=resample_filter, conv_clamp=conv_clamp)
        self.skip = Conv2dLayer(tmp_channels, out_channels, kernel_size=1, bias=False, down=2,
                                trainable=trainable(), resample_filter=resample_filter)

    def forward(self, x, img):
        """x [B, C, r, r] (None for the first block), img [B, 3, r, r] -> [B, C', r/2, r/2]."""
        if self.in_channels == 0:
            x = self.fromrgb(img)  # [B, C, r, r]
        y = self.skip(x, gain=math.sqrt(0.5))  # [B, C', r/2, r/2]
        x = self.conv0(x)
        x = self.conv1(x, gain=math.sqrt(0.5))
        return y + x


class MinibatchStdLayer(nn.Module):
    """Appends the minibatch standard deviation (see ops.minibatch_std); holds no tensors."""

    def __init__(self, group_size, num_channels=1):
        super().__init__()
        self.group_size, self.num_channels = group_size, num_channels

    def forward(self, x):  # [B, C, H, W] -> [B, C + num_channels, H, W]
        return ops.minibatch_std(x, self.group_size, self.num_channels)


class DiscriminatorEpilogue(nn.Module):
    """4×4 head: mbstd → 3×3 conv → FC (lrelu) → FC to 1, or to cmap_dim projected on cmap."""

    def __init__(self, in_channels, cmap_dim, resolution, img_channels, architecture="resnet", mbstd_group_size=4,
                 mbstd_num_channels=1, activation="lrelu", conv_clamp=None):
        super().__init__()
        assert architecture == "resnet"
        self.in_channels, self.cmap_dim, self.resolution = in_channels, cmap_dim, resolution
        self.img_channels, self.architecture = img_channels, architecture
        self.mbstd = MinibatchStdLayer(mbstd_group_size, mbstd_num_channels) if mbstd_num_channels > 0 else None
        self.conv = Conv2dLayer(in_channels + mbstd_num_channels, in_channels, kernel_size=3, activation=activation,
                                conv_clamp=conv_clamp)
        self.fc = FullyConnectedLayer(in_channels * resolution ** 2, in_channels, activation=activation)
        self.out = FullyConnectedLayer(in_channels, 1 if cmap_dim == 0 else cmap_dim)

    def forward(self, x, cmap=None, taps=None):
        """x [B, C, 4, 4], cmap [B, cmap_dim] or None -> logits [B, 1]."""
        if self.mbstd is not None:
            x = self.mbstd(x)  # [B, C + 1, 4, 4]
        x = self.conv(x)  # [B, C, 4, 4]
        if taps is not None:
            taps["b4.conv"] = x
        x = self.fc(x.flatten(1))  # [B, C]; flattened in (channel, y, x) order
        if taps is not None:
            taps["b4.fc"] = x
        x = self.out(x)  # [B, 1] or [B, cmap_dim]
        if self.cmap_dim > 0:
            x = (x * cmap).sum(dim=1, keepdim=True) * (1 / math.sqrt(self.cmap_dim))  # [B, 1]
        return x


class Discriminator(nn.Module):
    """Resnet discriminator: blocks b{R} … b8, optional class mapping (cmap), epilogue b4."""

    def __init__(self, c_dim, img_resolution, img_channels, architecture="resnet", channel_base=32768, channel_max=512,
                 num_fp16_res=0, conv_clamp=None, cmap_dim=None, channels=None, block_kwargs=None, mapping_kwargs=None,
                 epilogue_kwargs=None):
        super().__init__()
        self.c_dim, self.img_resolution, self.img_channels = c_dim, img_resolution, img_channels
        self.architecture, self.conv_clamp = architecture, conv_clamp
        self.block_resolutions = [2 ** i for i in range(int(math.log2(img_resolution)), 2, -1)]
        if channels is None:
            channels = channels_dict(self.block_resolutions + [4], channel_base, channel_max)
        self.channels = {r: int(channels[r]) for r in self.block_resolutions + [4]}
        if cmap_dim is None:
            cmap_dim = self.channels[4]
        if c_dim == 0:
            cmap_dim = 0
        self.cmap_dim = cmap_dim
        epilogue_kwargs = dict(epilogue_kwargs or {})
        self.mbstd_group_size = epilogue_kwargs.get("mbstd_group_size", 4)
        self.mbstd_num_channels = epilogue_kwargs.get("mbstd_num_channels", 1)
        common = dict(img_channels=img_channels, architecture=architecture, conv_clamp=conv_clamp)
        layer_idx = 0
        for r in self.block_resolutions:
            block = DiscriminatorBlock(self.channels[r] if r < img_resolution else 0, self.channels[r], self.channels[r // 2],
                                       resolution=r, first_layer_idx=layer_idx, **(block_kwargs or {}), **common)
            setattr(self, f"b{r}", block)
            layer_idx += block.num_layers
        if c_dim > 0:
            self.mapping = MappingNetwork(z_dim=0, c_dim=c_dim, w_dim=cmap_dim, num_ws=None, w_avg_beta=None,
                                          **(mapping_kwargs or {}))
        self.b4 = DiscriminatorEpilogue(self.channels[4], cmap_dim=cmap_dim, resolution=4, **epilogue_kwargs, **common)

    def forward(self, img, c=None, return_taps=False):
        """img [B, img_channels, R, R], c [B, c_dim] -> logits [B, 1] (and taps when return_taps:
        'b{r}' block outputs, 'b4.conv', 'b4.fc')."""
        taps = {} if return_taps else None
        x = None
        for r in self.block_resolutions:
            x = getattr(self, f"b{r}")(x, img)  # [B, C, r/2, r/2]
            if taps is not None:
                taps[f"b{r}"] = x
        cmap = self.mapping(None, c) if self.c_dim > 0 else None  # [B, cmap_dim]
        logits = self.b4(x, cmap, taps)
        return (logits, taps) if return_taps else logits


# --- random weights for tests ---------------------------------------------------------------

def randomize_(net, seed):
    """Overwrite every parameter and data buffer of a Generator / Discriminator with random
    values, deterministically from `seed` (NumPy's MT19937), so that no term vanishes:

      conv / ToRGB / const weights          N(0, 1)
      FC weights                            N(0, 1) / lr_multiplier   (as NVIDIA initialises)
      affine (style) biases                 1 + 0.1·N(0, 1)
      other biases                          0.5·N(0, 1) / lr_multiplier (effective N(0, 0.5²))
      noise_strength                        ±(0.1 + 0.3·|N(0, 1)|)
      noise_const                           N(0, 1)
      w_avg                                 0.5·N(0, 1)
    resample_filter buffers are left as they are. Returns net.
    """
    rng = np.random.RandomState(seed)
    owners = dict(net.named_modules())
    with torch.no_grad():
        for name, t in net.state_dict(keep_vars=True).items():
            path, _, leaf = name.rpartition(".")
            mod = owners[path]
            shape = tuple(t.shape)
            normal = rng.standard_normal(shape) if shape else np.float64(rng.standard_normal())
            if leaf == "resample_filter":
                continue
            if isinstance(mod, FullyConnectedLayer):
                if leaf == "weight":
                    v = normal / mod.lr_multiplier
                elif path.endswith("affine"):
                    v = 1 + 0.1 * normal
                else:
                    v = 0.5 * normal / mod.lr_multiplier
            elif leaf == "noise_strength":
                v = np.sign(normal) * (0.1 + 0.3 * abs(normal)) if normal != 0 else 0.1
            elif leaf == "bias":
                v = 0.5 * normal
            elif leaf == "w_avg":
                v = 0.5 * normal
            else:  # weight, const, noise_const
                v = normal
            t.copy_(torch.as_tensor(np.asarray(v), dtype=t.dtype))
    return net
