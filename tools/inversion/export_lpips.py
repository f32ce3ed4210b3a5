"""
Exports VGG16-LPIPS as an ONNX feature network for inversion/Project's perceptual term
(`perceptual: onnx`, `perceptualModel: lpips-vgg.onnx`). Run it on your own machine, where the
LPIPS weights can be downloaded (stylegraph never downloads anything):

  pip install lpips torch
  python3 tools/inversion/export_lpips.py --out lpips-vgg.onnx --size 256

The network takes an image [B, 3, S, S] in −1…1 and gives, for each of LPIPS's five VGG layers
(relu1_2 … relu5_3), the channel-normalized features scaled by √(C · w_c) (w the learned LPIPS
weights, C the layer's channels): then the mean squared difference of an output is that layer's
LPIPS term, and Project's perceptual distance (the mean over the outputs) is LPIPS / 5 — give
`perceptualWeight: 5` for the LPIPS distance itself. Only ops the importer knows are used
(Conv, Relu, MaxPool 2×2, Sub, Div, Mul, Add, ReduceSum, Sqrt). The images go in at the model's
resolution: export with --size equal to it (NVIDIA's projector resizes larger images to 256 px
first; do that outside the graph for large models).

  python3 tools/inversion/export_lpips.py --out /tmp/lpips-random.onnx --random --width 8
writes the same structure with random weights (and --width channels in place of VGG's 64), for
checking the export and import paths where no weights can be downloaded.
"""
import argparse

import torch
import torch.nn as nn

# torchvision's vgg16().features: channels, "M" = 2×2 max pool. LPIPS taps relu1_2, relu2_2, relu3_3, relu4_3, relu5_3.
VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512]
TAPS = [3, 8, 15, 22, 29]  # indices in `features` of those ReLUs
SHIFT = [-0.030, -0.088, -0.188]
SCALE = [0.458, 0.448, 0.450]


def vgg_features(width=64):
    layers, ci = [], 3
    for v in VGG16:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            co = v * width // 64
            layers += [nn.Conv2d(ci, co, 3, padding=1), nn.ReLU()]
            ci = co
    return nn.Sequential(*layers)


class LpipsFeatures(nn.Module):
    def __init__(self, features, lin_weights):
        super().__init__()
        self.features = features
        self.register_buffer("shift", torch.tensor(SHIFT).reshape(1, 3, 1, 1))
        self.register_buffer("scale", torch.tensor(SCALE).reshape(1, 3, 1, 1))
        # √(C · w): the mean over channels of the squared difference becomes Σ_c w_c (Δ)².
        self.gains = nn.ParameterList([nn.Parameter((w.reshape(1, -1, 1, 1).clamp_min(0) * w.numel()).sqrt(), requires_grad=False) for w in lin_weights])

    def forward(self, img):
        x = (img - self.shift) / self.scale
        outs, k = [], 0
        for i, layer in enumerate(self.features):
            x = layer(x)
            if i in TAPS:
                norm = torch.sqrt((x * x).sum(dim=1, keepdim=True)) + 1e-10
                outs.append(x / norm * self.gains[k])
                k += 1
            if i == TAPS[-1]:
                break
        return tuple(outs)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=64, help="image side the model generates")
    p.add_argument("--random", action="store_true", help="random weights (no download), to test the export")
    p.add_argument("--width", type=int, default=64, help="with --random: channels of VGG's first layer")
    a = p.parse_args()
    if a.random:
        torch.manual_seed(0)
        features = vgg_features(a.width)
        chans = [m.out_channels for m in features if isinstance(m, nn.Conv2d)]
        lin = [torch.rand(chans[i]) for i in (1, 3, 6, 9, 12)]
    else:
        import lpips  # noqa: PLC0415 — only on the machine that exports

        m = lpips.LPIPS(net="vgg")
        features = vgg_features(64)
        # LPIPS's VGG is torchvision's, split into five slices; their modules keep their indices.
        src = {}
        for s in (m.net.slice1, m.net.slice2, m.net.slice3, m.net.slice4, m.net.slice5):
            for name, mod in s.named_children():
                src[int(name)] = mod
        for i, mod in enumerate(features):
            if isinstance(mod, nn.Conv2d):
                mod.load_state_dict(src[i].state_dict())
        lin = [l.model[-1].weight.detach().reshape(-1) for l in m.lins]
    net = LpipsFeatures(features, lin).eval()
    torch.onnx.export(net, torch.zeros(1, 3, a.size, a.size), a.out, opset_version=17, input_names=["image"], output_names=[f"lpips{i}" for i in range(5)],
                      dynamic_axes={"image": {0: "batch"}, **{f"lpips{i}": {0: "batch"} for i in range(5)}}, do_constant_folding=True)
    print(f"wrote {a.out}: outputs lpips0…lpips4; use perceptualWeight 5 for the LPIPS distance")


if __name__ == "__main__":
    main()
