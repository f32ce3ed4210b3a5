"""
Exports a training run (tools/train/train.py) as a stylegraph model folder: config.json,
generator.safetensors (G_ema) and discriminator.safetensors, NVIDIA state-dict names.

  /usr/bin/python3 tools/train/export.py --run runs/faces64 --out models/faces64 --name faces64
"""
import argparse
import json
import math
import os
import sys

import torch

sys.path.append(os.path.join(os.path.dirname(__file__), "..", "sg2ref"))  # after this folder: its networks.py wins
import safetensors_io as st  # noqa: E402
from networks import Discriminator, Generator, channels, export_state  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--name", default="model")
    a = p.parse_args()
    cfg = json.load(open(os.path.join(a.run, "config.json")))
    args = {k: cfg[k] for k in ("z_dim", "c_dim", "w_dim", "res", "base", "cmax", "map_layers", "clamp")}
    G = Generator(**args)
    D = Discriminator(cfg["res"], cfg["base"], cfg["cmax"], cfg["clamp"])
    s = torch.load(os.path.join(a.run, "checkpoint.pt"), map_location="cpu")
    G.load_state_dict(s["G_ema"])
    D.load_state_dict(s["D"])
    ch = {str(r): c for r, c in channels(cfg["res"], cfg["base"], cfg["cmax"]).items()}
    res = cfg["res"]
    config = {
        "format": "stylegraph.model", "formatVersion": 1, "name": a.name,
        "generator": {"zDim": cfg["z_dim"], "cDim": 0, "wDim": cfg["w_dim"], "numWs": 2 * int(math.log2(res)) - 2, "resolution": res,
                      "imgChannels": 3, "mapping": {"numLayers": cfg["map_layers"], "lrMultiplier": 0.01}, "channels": ch,
                      "convClamp": cfg["clamp"], "architecture": "skip"},
        "discriminator": {"architecture": "resnet", "cDim": 0, "resolution": res, "imgChannels": 3, "channels": ch, "cmapDim": None,
                          "mbstdGroupSize": 4, "mbstdNumChannels": 1, "convClamp": cfg["clamp"], "mapping": None},
    }
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    st.write(os.path.join(a.out, "generator.safetensors"), export_state(G), {"kimg": s["seen"] / 1000})
    st.write(os.path.join(a.out, "discriminator.safetensors"), export_state(D), {"kimg": s["seen"] / 1000})
    print(f"wrote {a.out} at {s['seen'] / 1000:.1f} kimg")


if __name__ == "__main__":
    main()
