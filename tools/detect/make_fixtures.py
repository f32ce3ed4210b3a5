"""
Writes packages/plugins/detect/src/testing/fixture.json: three images (a 64 px render, a 48×40
crop, a 70×130 resize) as float32, with what tools/detect/common.py makes of them — tiles,
spectral features per tile — and the two bundled detectors' scores (NumPy / PyTorch); and four
held-out renders and four held-out samples of models/faces64 (8-bit) with their scores.

  /usr/bin/python3 tools/detect/make_fixtures.py --real runs/real/images.npy --fake runs/fake-psi1/images.npy
"""
import argparse
import base64
import json
import os
import sys

import numpy as np
import torch

import common as C


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--real", required=True)
    p.add_argument("--fake", required=True, help="faces64 samples (runs/fake-psi1/images.npy)")
    p.add_argument("--work", default="runs/detect", help="train_detectors.py's --work folder")
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "packages", "plugins", "detect", "src", "testing", "fixture.json"))
    a = p.parse_args()
    real = np.load(a.real, mmap_mode="r")
    x = np.array(real[14999])  # a held-out render (seed 64999)
    img = C.to_uint8(x)
    # 64 × 64; 48 × 40 (upsized to 77 × 64, two tiles); 70 × 130 (six tiles).
    u8 = [img, np.ascontiguousarray(img[8:56, 12:52]), C.resize(img, 130, 70)]  # 8-bit [H, W, 3]
    images = [C.to_float(x) for x in u8]
    net = C.ResidualCNN()
    net.load_state_dict(torch.load(os.path.join(a.work, "residual.pt")))
    net.eval()
    spec = np.load(os.path.join(a.work, "spectral.npz"))
    w, bias = spec["w"], float(spec["b"])
    out = []
    for im, raw in zip(images, u8):
        t = C.tiles(im)
        f = C.spectral_features(t)
        item = {"dims": list(im.shape), "rgb": base64.b64encode(raw.tobytes()).decode(), "tiles": len(t), "upsized": list(C.upsize(im).shape[1:]),
                "features": b64(f), "spectralScore": float((f @ w + bias).mean())}
        with torch.no_grad():
            item["residualScore"] = float(net(torch.from_numpy(t))[:, 0].mean())
        out.append(item)
    # Four held-out renders and four held-out samples, 8-bit, with both detectors' scores.
    fake = np.load(a.fake, mmap_mode="r")
    sets = {}
    for name, src in (("real", real[14990:14994]), ("generated", fake[14990:14994])):
        u8 = np.stack([C.to_uint8(np.array(x)) for x in src])  # [4, 64, 64, 3]
        t = np.stack([C.to_float(x) for x in u8])
        with torch.no_grad():
            res = net(torch.from_numpy(t))[:, 0].numpy()
        sets[name] = {"rgb": base64.b64encode(u8.tobytes()).decode(), "spectralScores": (C.spectral_features(t) @ w + bias).tolist(), "residualScores": res.tolist()}
    json.dump({"what": "tools/detect/make_fixtures.py", "images": out, "batches": sets}, open(a.out, "w"))
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
