"""
PyTorch peer for `npm run bench` in packages/ops-gpu: images/s and peak resident memory of
StyleGAN2 synthesis (W+ in, const noise) with random float32 weights, using PyTorch's fastest
plain formulation (batched non-fused modulated convolution, transposed-conv upsampling,
depthwise FIR). Prints one JSON line; peak_rss_bytes is this process's peak RSS (getrusage),
and on CUDA peak_cuda_bytes the most device memory PyTorch allocated.

  /usr/bin/python3 tools/sg2ref/bench.py --resolution 64 --batch 1 --seconds 5
"""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn.functional as F


def fir(c, gain, device):
    k = torch.tensor([1.0, 3.0, 3.0, 1.0], device=device)
    f = torch.outer(k, k)
    return (f / f.sum() * gain)[None, None].repeat(c, 1, 1, 1)  # [C, 1, 4, 4]


def zero_insert(x):
    B, C, H, W = x.shape
    z = x.new_zeros([B, C, 2 * H, 2 * W])
    z[:, :, ::2, ::2] = x
    return z  # [B, C, 2H, 2W]


class Synthesis:
    def __init__(self, res, cbase, cmax, w_dim, device):
        g = torch.Generator().manual_seed(0)
        r = lambda *s: torch.randn(*s, generator=g).to(device)  # noqa: E731
        ch = lambda x: min(cbase // x, cmax)  # noqa: E731
        self.res, self.w_dim, self.device = res, w_dim, device
        self.const = r(ch(4), 4, 4)
        self.layers = []  # (kind, res, weight, bias, affine_w, affine_b, noise)
        rr = 4
        while rr <= res:
            if rr > 4:
                self.layers.append(("up", rr, r(ch(rr), ch(rr // 2), 3, 3), r(ch(rr)), r(ch(rr // 2), w_dim), r(ch(rr // 2)), r(rr, rr) * 0.1))
            self.layers.append(("conv", rr, r(ch(rr), ch(rr), 3, 3), r(ch(rr)), r(ch(rr), w_dim), r(ch(rr)), r(rr, rr) * 0.1))
            self.layers.append(("torgb", rr, r(3, ch(rr), 1, 1), r(3), r(ch(rr), w_dim), r(ch(rr)), None))
            rr *= 2
        self.num_ws = 2 * int(math.log2(res)) - 2
        self.fir_img = fir(3, 4.0, device)
        self.firs = {}

    def __call__(self, ws):
        B = ws.shape[0]
        x = self.const[None].repeat(B, 1, 1, 1)
        img, wi = None, 0
        for kind, rr, W, b, aw, ab, noise in self.layers:
            s = ws[:, wi] @ (aw / math.sqrt(self.w_dim)).t() + ab  # [B, Ci]
            if kind == "torgb":
                s = s / math.sqrt(W.shape[1])
                y = F.conv2d(x * s[:, :, None, None], W) + b[None, :, None, None]
                img = y if img is None else F.conv2d(F.pad(zero_insert(img), [2, 1, 2, 1]), self.fir_img, groups=3) + y
                continue
            d = ((s * s) @ W.square().sum(dim=[2, 3]).t() + 1e-8).rsqrt()  # [B, Co]
            if kind == "up":
                co = W.shape[0]
                if co not in self.firs:
                    self.firs[co] = fir(co, 4.0, self.device)
                # Transposed conv as zero-insertion + conv with the flipped kernel: the same numbers,
                # and much faster than conv_transpose2d in CPU builds of PyTorch.
                y = F.conv2d(F.pad(zero_insert(x * s[:, :, None, None]), [2, 1, 2, 1]), W.flip([2, 3]))  # [B, Co, 2H+1, 2W+1]
                y = F.conv2d(y, self.firs[co], padding=1, groups=co)
            else:
                y = F.conv2d(x * s[:, :, None, None], W, padding=1)
                wi += 1
            x = F.leaky_relu(y * d[:, :, None, None] + noise + b[None, :, None, None], 0.2) * math.sqrt(2)
        return img


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--channel-base", type=int, default=32768)
    p.add_argument("--channel-max", type=int, default=512)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    net = Synthesis(a.resolution, a.channel_base, a.channel_max, 512, device)
    ws = torch.randn(a.batch, net.num_ws, 512, device=device)
    report(net, ws, a.seconds, device, threads=a.threads, resolution=a.resolution, batch=a.batch)


def report(net, ws, seconds, device, **fields):
    """Times net(ws) (after one warm-up run) for at least `seconds` and two runs; prints the JSON line."""
    with torch.no_grad():
        net(ws)  # warm-up
        n, t0 = 0, time.perf_counter()
        while True:
            net(ws)
            if device == "cuda":
                torch.cuda.synchronize()
            n += 1
            if time.perf_counter() - t0 >= seconds and n >= 2:
                break
        dt = time.perf_counter() - t0
    out = {**fields, "images_per_s": n * ws.shape[0] / dt, "seconds_per_run": dt / n, "device": device, "torch": torch.__version__,
           "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}  # ru_maxrss is in KiB on Linux
    if device == "cuda":
        out["peak_cuda_bytes"] = torch.cuda.max_memory_allocated()
    print(json.dumps(out))

if __name__ == "__main__":
    main()
