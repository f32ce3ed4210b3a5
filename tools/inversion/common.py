"""
Shared pieces of the inversion tools: a model folder's generator in PyTorch (tools/train's
networks, NVIDIA state-dict names) and the projector's w statistics.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
sys.path.append(os.path.join(HERE, "..", "sg2ref"))
import safetensors_io as st  # noqa: E402
from networks import Mapping, Synthesis  # noqa: E402


def load_generator(folder):
    cfg = json.load(open(os.path.join(folder, "config.json")))["generator"]
    ch = {int(k): v for k, v in cfg["channels"].items()}
    res = cfg["resolution"]
    G = torch.nn.Module()  # NVIDIA's Generator layout: .mapping and .synthesis
    G.synthesis = Synthesis(cfg["wDim"], res, ch, cfg["convClamp"])
    G.mapping = Mapping(cfg["zDim"], cfg["cDim"], cfg["wDim"], G.synthesis.num_ws, cfg["mapping"]["numLayers"])
    g = st.read(os.path.join(folder, "generator.safetensors"))
    G.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in g.items()})
    for p in G.parameters():
        p.requires_grad_(False)
    return G.eval(), cfg


def w_stats(G, cfg, n=10000, seed=123):
    """w_avg [wDim] and w_std (scalar) from n z of one seed, as NVIDIA's projector computes them."""
    z = torch.from_numpy(np.random.RandomState(seed).randn(n, cfg["zDim"]).astype(np.float32))
    with torch.no_grad():
        w = G.mapping(z)[:, 0].double()
    avg = w.mean(0)
    return avg.float(), float(((w - avg).square().sum() / n).sqrt())
