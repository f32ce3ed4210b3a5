"""
The speed peer of packages/plugins/detect/bench/detect.mjs: the same two detectors in NumPy
(spectral features + the linear model) and PyTorch (the residual CNN, eager, float32) on one
thread, on N random 64 px images. Prints {"spectral": img/s, "residual": img/s, "what": …} as JSON.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import common as C  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=2000)
    a = p.parse_args()
    torch.set_num_threads(1)
    x = np.random.default_rng(0).uniform(-1, 1, (a.n, 3, 64, 64)).astype(np.float32)
    w = np.zeros(C.NUM_FEATURES)
    t = time.perf_counter()
    for i in range(0, a.n, 256):
        C.spectral_features(x[i : i + 256]) @ w
    spectral = a.n / (time.perf_counter() - t)
    net = C.ResidualCNN().eval()
    with torch.no_grad():
        net(torch.from_numpy(x[:64]))
        t = time.perf_counter()
        for i in range(0, a.n, 256):
            net(torch.from_numpy(x[i : i + 256]))
    residual = a.n / (time.perf_counter() - t)
    print(json.dumps({"spectral": spectral, "residual": residual, "what": {"spectral": "NumPy FFT", "residual": f"PyTorch {torch.__version__} eager"}}))


if __name__ == "__main__":
    main()
