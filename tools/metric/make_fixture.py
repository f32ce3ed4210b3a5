"""
Writes the fixture of test/metrics/face-features.test.ts: a few held-out renders and what the
torch network (loaded from the committed ONNX) computes for them.

  /usr/bin/python3 tools/metric/make_fixture.py --images /tmp/ds/out30/images.npy

models/metrics/fixture/images.npy      uint8 [4, 3, 64, 64]; the network input is u / 127.5 − 1
                                        (computed in float64, then rounded to float32)
models/metrics/fixture/features.npy    float32 [4, F]
models/metrics/fixture/attributes.npy  float32 [4, 30]
"""
import argparse
import os

import numpy as np
import torch

from features import load_onnx

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--images", required=True, help="images.npy of renders (float32 [N, 3, 64, 64] in −1…1)")
    p.add_argument("--count", type=int, default=4)
    p.add_argument("--onnx", default=os.path.join(ROOT, "models", "metrics", "face-features.onnx"))
    p.add_argument("--out", default=os.path.join(ROOT, "models", "metrics", "fixture"))
    a = p.parse_args()
    torch.set_num_threads(1)
    x = np.load(a.images, mmap_mode="r")[: a.count]
    u8 = np.clip(np.round((np.asarray(x, np.float64) + 1) * 127.5), 0, 255).astype(np.uint8)
    inp = (u8.astype(np.float64) / 127.5 - 1).astype(np.float32)
    net = load_onnx(a.onnx)
    with torch.no_grad():
        f, attrs = net(torch.from_numpy(inp))
    os.makedirs(a.out, exist_ok=True)
    np.save(os.path.join(a.out, "images.npy"), u8)
    np.save(os.path.join(a.out, "features.npy"), f.numpy().astype(np.float32))
    np.save(os.path.join(a.out, "attributes.npy"), attrs.numpy().astype(np.float32))
    print(f"wrote {a.out}: images {list(u8.shape)}, features {list(f.shape)}, attributes {list(attrs.shape)}")


if __name__ == "__main__":
    main()
