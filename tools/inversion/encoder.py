"""
The inversion encoder: image [B, 3, R, R] in −1…1 → W+ [B, numWs, wDim] in one forward pass
(pSp-style: a convolutional trunk, then one linear head per group of ws fed from the trunk's
feature map at the matching scale — coarse ws from the 4 px map, middle from 8 px, fine from
16 px). The output is w_avg + the prediction, so an untrained head starts at the average face.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(ci, co, stride):
    return nn.Sequential(nn.Conv2d(ci, co, 3, stride=stride, padding=1), nn.BatchNorm2d(co), nn.LeakyReLU(0.2))


class Encoder(nn.Module):
    def __init__(self, res, num_ws, w_dim, w_avg, width=32):
        super().__init__()
        self.num_ws, self.w_dim = num_ws, w_dim
        c = [width, 2 * width, 4 * width, 4 * width, 4 * width]
        self.stem = conv(3, c[0], 1)  # R
        self.down = nn.ModuleList()
        ci, r = c[0], res
        self.scales = []
        while r > 4:
            co = c[min(len(c) - 1, len(self.down) + 1)]
            self.down.append(nn.Sequential(conv(ci, co, 2), conv(co, co, 1)))
            ci, r = co, r // 2
            self.scales.append((r, co))
        # ws groups: coarse (first 4) from 4 px, middle (next 4) from 8 px, fine (rest) from 16 px.
        self.groups = [(0, min(4, num_ws)), (min(4, num_ws), min(8, num_ws)), (min(8, num_ws), num_ws)]
        feats = {r: co for r, co in self.scales}
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.heads = nn.ModuleList()
        for k, (a, b) in enumerate(self.groups):
            ch = feats[4 * 2**k]
            head = nn.Sequential(nn.Conv2d(ch, 32, 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(32 * 16, 256), nn.LeakyReLU(0.2), nn.Linear(256, (b - a) * w_dim))
            nn.init.zeros_(head[-1].weight)
            nn.init.zeros_(head[-1].bias)
            self.heads.append(head)
        self.register_buffer("w_avg", torch.as_tensor(w_avg, dtype=torch.float32).reshape(1, 1, w_dim))

    def forward(self, img):
        x = self.stem(img)  # [B, c0, R, R]
        maps = {}
        for d, (r, _) in zip(self.down, self.scales):
            x = d(x)
            maps[r] = x
        parts = []
        for k, (a, b) in enumerate(self.groups):
            if b <= a:
                continue
            m = self.pool(maps[4 * 2**k])  # [B, ch, 4, 4]
            parts.append(self.heads[k](m).reshape(-1, b - a, self.w_dim))
        return self.w_avg + torch.cat(parts, 1)  # [B, numWs, wDim]


def export_onnx(net, path, res):
    net = net.eval()
    torch.onnx.export(
        net, torch.zeros(2, 3, res, res), path, opset_version=17, input_names=["image"], output_names=["ws"],
        dynamic_axes={"image": {0: "batch"}, "ws": {0: "batch"}},
    )


def psnr(a, b):
    """Mean PSNR (dB) of images in −1…1 (peak-to-peak 2), per image then averaged."""
    mse = (a - b).square().mean(dim=(1, 2, 3)).clamp_min(1e-12)
    return float((10 * torch.log10(4 / mse)).mean())
