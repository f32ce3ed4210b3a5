"""
PyTorch peer for the StyleGAN3 rows of `npm run bench` in packages/ops-gpu: images/s and peak
resident memory of StyleGAN3 synthesis (W+ in) with random float32 weights and NVIDIA's layer
schedule, in PyTorch's fastest plain formulation (batched non-fused modulation; filtered leaky
ReLU as zero-insertion, separable depthwise FIR convolutions — one 2-D one for -R's radial
filters — and strided decimation, as NVIDIA's reference `_filtered_lrelu_ref` composes it).
Prints one JSON line like tools/sg2ref/bench.py.

  /usr/bin/python3 tools/sg3ref/bench.py --arch stylegan3-t --resolution 256 --batch 1 --seconds 5
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from reference import layer_filters, schedule  # noqa: E402


def _sg2bench():
    import importlib.util
    spec = importlib.util.spec_from_file_location("sg2bench", os.path.join(os.path.dirname(__file__), "..", "sg2ref", "bench.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sg2bench = _sg2bench()  # its timing and report

DEFAULTS = dict(numLayers=14, numCritical=2, firstCutoff=2, firstStopband=2 ** 2.1, lastStopbandRel=2 ** 0.3, marginSize=10,
                outputScale=0.25, channelBase=32768, channelMax=512, convKernel=3, filterSize=6, lreluUpsampling=2)


class Synthesis:
    def __init__(self, res, radial, w_dim, device):
        p = dict(DEFAULTS)
        if radial:
            p.update(convKernel=1, channelBase=65536, channelMax=1024)
        g = torch.Generator().manual_seed(0)
        r = lambda *s: torch.randn(*s, generator=g).to(device)  # noqa: E731
        self.inp, self.layers = schedule(res, 3, p, radial)
        self.device, self.w_dim, self.scale = device, w_dim, p["outputScale"]
        C = self.inp["channels"]
        f = torch.randn(C, 2, generator=g, dtype=torch.float64)
        rad = f.norm(dim=1, keepdim=True)
        self.freqs = (f / (rad * (rad ** 2).exp() ** 0.25) * self.inp["bandwidth"]).float().to(device)
        self.phases = (torch.rand(C, generator=g) - 0.5).to(device)
        self.in_w, self.in_aw, self.in_ab = r(C, C), r(4, w_dim) * 0.1, torch.tensor([1.0, 0, 0, 0], device=device)
        self.params = []
        for l in self.layers:
            up, down = layer_filters(l)
            t = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float32)).to(device)  # noqa: E731
            self.params.append(dict(W=r(l["co"], l["ci"], l["k"], l["k"]), b=r(l["co"]) * 0.1, aw=r(l["ci"], w_dim), ab=torch.ones(l["ci"], device=device),
                                    fu=t(up), fd=t(down)))

    def fourier(self, w0):
        B, inp = w0.shape[0], self.inp
        t = w0 @ (self.in_aw / math.sqrt(self.w_dim)).t() + self.in_ab  # [B, 4]
        t = t / t[:, :2].norm(dim=1, keepdim=True)
        c, s, tx, ty = t.unbind(1)
        # rotation · translation, applied to the frequencies and phases
        freqs = torch.stack([self.freqs[None, :, 0] * c[:, None] - self.freqs[None, :, 1] * s[:, None],
                             self.freqs[None, :, 0] * s[:, None] + self.freqs[None, :, 1] * c[:, None]], 2)  # [B, C, 2]
        phases = self.phases[None] - (freqs[..., 0] * tx[:, None] + freqs[..., 1] * ty[:, None])
        amp = (1 - (freqs.norm(dim=2) - inp["bandwidth"]) / (inp["rate"] / 2 - inp["bandwidth"])).clamp(0, 1)
        S = inp["size"]
        grid = (torch.arange(S, device=self.device, dtype=torch.float32) + 0.5 - S / 2) / inp["rate"]
        x = torch.sin(2 * math.pi * (grid[None, None, None, :] * freqs[..., 0, None, None] + grid[None, None, :, None] * freqs[..., 1, None, None] + phases[..., None, None]))
        x = x * amp[..., None, None]  # [B, C, S, S]
        return F.conv2d(x, (self.in_w / math.sqrt(x.shape[1]))[:, :, None, None])

    @staticmethod
    def fir(x, f, stride=1):
        """Depthwise FIR: separable [taps] filters as two 1-D passes, radial [taps, taps] as one."""
        C = x.shape[1]
        if f.ndim == 2:
            return F.conv2d(x, f.flip([0, 1])[None, None].repeat(C, 1, 1, 1), groups=C, stride=stride)
        k = f.flip([0])
        x = F.conv2d(x, k[None, None, None, :].repeat(C, 1, 1, 1), groups=C, stride=(1, stride))
        return F.conv2d(x, k[None, None, :, None].repeat(C, 1, 1, 1), groups=C, stride=(stride, 1))

    def __call__(self, ws):
        x = self.fourier(ws[:, 0])
        for i, (l, q) in enumerate(zip(self.layers, self.params)):
            s = ws[:, i + 1] @ (q["aw"] / math.sqrt(self.w_dim)).t() + q["ab"]  # [B, Ci]
            W = q["W"]
            if l["torgb"]:
                x = F.conv2d(x * (s / math.sqrt(l["ci"]))[:, :, None, None], W) + q["b"][None, :, None, None]
                x = x.clamp(-256, 256)
                break
            d = ((s * s) @ W.square().sum(dim=[2, 3]).t() + 1e-8).rsqrt()  # [B, Co]
            y = F.conv2d(x * s[:, :, None, None], W, padding=l["k"] - 1) * d[:, :, None, None] + q["b"][None, :, None, None]
            up, (lo, hi) = l["up"], l["pad"]
            if up > 1:
                B, C, H, Wd = y.shape
                z = y.new_zeros([B, C, H * up, Wd * up])
                z[:, :, ::up, ::up] = y
                y = z
            y = F.pad(y, [lo, hi, lo, hi])  # negative values crop
            if q["fu"] is not None:
                y = self.fir(y, q["fu"] * up)
            y = (F.leaky_relu(y, 0.2) * math.sqrt(2)).clamp(-256, 256)
            if q["fd"] is not None:
                y = self.fir(y, q["fd"], l["down"])
            elif l["down"] > 1:
                y = y[:, :, ::l["down"], ::l["down"]]
            x = y
        return x * self.scale


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=["stylegan3-t", "stylegan3-r"], default="stylegan3-t")
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    net = Synthesis(a.resolution, a.arch == "stylegan3-r", 512, device)
    ws = torch.randn(a.batch, len(net.layers) + 1, 512, device=device)
    with torch.no_grad():
        img = net(ws)
    assert img.shape == (a.batch, 3, a.resolution, a.resolution), img.shape
    sg2bench.report(net, ws, a.seconds, device, arch=a.arch, threads=a.threads, resolution=a.resolution, batch=a.batch)

if __name__ == "__main__":
    main()
