"""
The face-features network: a small CNN that predicts the synthetic-faces renderer's 30 labels
(packages/plugins/faces/src/attributes.ts, LABELS) from a 64×64 RGB image in −1…1. Its
penultimate layer (`features`, FEATURE_DIM values per image) is the embedding for the
domain's Fréchet distance and k-NN precision/recall (tools/metric/fd_pr.py); the ONNX export
(models/metrics/face-features.onnx) has the outputs `features` [B, F] and `attributes` [B, 30]
(the predicted label vector, in label units and order).

Trunk: 3×3 convolutions with batch norm + ReLU, one at full resolution, four with stride 2
(64 → 32 → 16 → 8 → 4 px) and one more at 16 px, then flatten (4·4·128) → linear → ReLU = features. Heads on the features:
  - regression (standardized targets, MSE) for the continuous labels, REGRESSION below;
  - classification for the categorical ones: hair style (4 classes), hair colour (one of 6
    palette entries: hairR/G/B), iris colour (one of 4: irisR/G/B), glasses (binary) and
    "has freckles" (binary; the freckles amount itself is regressed, 0 when absent).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

LABELS = [
    "faceWidth", "jaw", "skinR", "skinG", "skinB", "hairStyle", "hairLength", "hairR", "hairG", "hairB",
    "eyeSize", "eyeSpacing", "irisR", "irisG", "irisB", "browThickness", "browTilt", "mouthWidth", "smile",
    "glasses", "yaw", "roll", "offsetX", "offsetY", "bgR", "bgG", "bgB", "lightX", "lightY", "freckles",
]
IDX = {n: i for i, n in enumerate(LABELS)}

# Palettes the renderer picks whole entries from (attributes.ts HAIR and IRIS).
HAIR = [[0.08, 0.06, 0.05], [0.3, 0.18, 0.1], [0.6, 0.4, 0.2], [0.9, 0.8, 0.5], [0.7, 0.25, 0.1], [0.75, 0.75, 0.78]]
IRIS = [[0.3, 0.2, 0.1], [0.2, 0.4, 0.7], [0.3, 0.55, 0.3], [0.5, 0.5, 0.5]]

REGRESSION = [
    "faceWidth", "jaw", "skinR", "skinG", "skinB", "hairLength", "eyeSize", "eyeSpacing", "browThickness",
    "browTilt", "mouthWidth", "smile", "yaw", "roll", "offsetX", "offsetY", "bgR", "bgG", "bgB", "lightX",
    "lightY", "freckles",
]
CLASSES = {"hairStyle": 4, "hair": len(HAIR), "iris": len(IRIS), "glasses": 2, "hasFreckles": 2}
FEATURE_DIM = 256


def palette_index(rgb, table):
    """Index of the nearest palette entry for each row of rgb [N, 3]."""
    t = torch.as_tensor(table, dtype=rgb.dtype)
    return torch.cdist(rgb, t).argmin(1)


def targets(labels):
    """Label vectors [N, 30] → (regression targets [N, R] in label units, class indices per head)."""
    labels = torch.as_tensor(labels, dtype=torch.float32)
    reg = labels[:, [IDX[n] for n in REGRESSION]]
    cls = {
        "hairStyle": labels[:, IDX["hairStyle"]].round().long(),
        "hair": palette_index(labels[:, IDX["hairR"] : IDX["hairB"] + 1], HAIR),
        "iris": palette_index(labels[:, IDX["irisR"] : IDX["irisB"] + 1], IRIS),
        "glasses": (labels[:, IDX["glasses"]] > 0.5).long(),
        "hasFreckles": (labels[:, IDX["freckles"]] > 0).long(),
    }
    return reg, cls


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class FaceFeatures(nn.Module):
    def __init__(self, feature_dim=FEATURE_DIM):
        super().__init__()
        self.trunk = nn.Sequential(
            block(3, 16, 1),  # 64 px: fine detail (freckles, brows are 1–2 px at this size)
            block(16, 32, 2),  # 32 px
            block(32, 64, 2),  # 16 px
            block(64, 64, 1),
            block(64, 128, 2),  # 8 px
            block(128, 128, 2),  # 4 px
        )
        self.fc = nn.Linear(128 * 4 * 4, feature_dim)
        self.reg = nn.Linear(feature_dim, len(REGRESSION))
        self.cls = nn.ModuleDict({k: nn.Linear(feature_dim, n) for k, n in CLASSES.items()})
        # Standardization of the regression targets (set from the training labels).
        self.register_buffer("reg_mean", torch.zeros(len(REGRESSION)))
        self.register_buffer("reg_std", torch.ones(len(REGRESSION)))
        self.register_buffer("hair_rgb", torch.tensor(HAIR))
        self.register_buffer("iris_rgb", torch.tensor(IRIS))

    def features(self, x):
        """x: [B, 3, 64, 64] in −1…1 → [B, F] (non-negative: after ReLU)."""
        return F.relu(self.fc(self.trunk(x).flatten(1)))

    def heads(self, f):
        """Features → (standardized regression [B, R], {head: logits [B, classes]})."""
        return self.reg(f), {k: m(f) for k, m in self.cls.items()}

    def attributes(self, f):
        """Features → predicted label vector [B, 30] in label units and LABELS order."""
        reg, logits = self.heads(f)
        reg = reg * self.reg_std + self.reg_mean
        col = {n: reg[:, i] for i, n in enumerate(REGRESSION)}
        hair = self.hair_rgb[logits["hair"].argmax(1)]
        iris = self.iris_rgb[logits["iris"].argmax(1)]
        col["hairStyle"] = logits["hairStyle"].argmax(1).to(f.dtype)
        col["hairR"], col["hairG"], col["hairB"] = hair[:, 0], hair[:, 1], hair[:, 2]
        col["irisR"], col["irisG"], col["irisB"] = iris[:, 0], iris[:, 1], iris[:, 2]
        col["glasses"] = logits["glasses"].argmax(1).to(f.dtype)
        col["freckles"] = col["freckles"].clamp(min=0) * logits["hasFreckles"].argmax(1).to(f.dtype)
        return torch.stack([col[n] for n in LABELS], 1)

    def forward(self, x):
        """The exported graph: x [B, 3, 64, 64] → (features [B, F], attributes [B, 30])."""
        f = self.features(x)
        return f, self.attributes(f)


def fuse_batchnorm(net):
    """Folds every eval-mode batch norm into the conv before it (in place; returns net in eval mode).

    The fused network is what gets exported: its ONNX initializers are exactly its state dict
    (same names), so fd_pr.py can load the committed ONNX back into torch with load_onnx.
    """
    net.eval()
    for blk in net.trunk:
        conv, bn = blk[0], blk[1]
        if isinstance(bn, nn.Identity):
            continue
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        with torch.no_grad():
            conv.weight.mul_(scale[:, None, None, None])
            conv.bias.copy_((conv.bias - bn.running_mean) * scale + bn.bias)
        blk[1] = nn.Identity()
    return net


def fused():
    """An untrained network with its batch norms already folded away (for load_onnx)."""
    net = FaceFeatures()
    for blk in net.trunk:
        blk[1] = nn.Identity()
    return net.eval()


def _varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def _fields(b):
    """(field number, wire type, value) of one protobuf message; length-delimited values as bytes."""
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 1:
            v, i = b[i : i + 8], i + 8
        elif wt == 5:
            v, i = b[i : i + 4], i + 4
        elif wt == 2:
            n, i = _varint(b, i)
            v, i = b[i : i + n], i + n
        else:
            raise ValueError(f"unsupported protobuf wire type {wt}")
        yield num, wt, v


def read_onnx_initializers(path):
    """{name: float32 tensor} of an ONNX model's graph initializers (raw_data float32 only).

    A minimal reader of the ONNX protobuf (ModelProto.graph = 7, GraphProto.initializer = 5,
    TensorProto dims = 1, data_type = 2, name = 8, raw_data = 9), so no `onnx` package is needed.
    """
    import numpy as np

    data = open(path, "rb").read()
    graph = next(v for n, wt, v in _fields(data) if n == 7 and wt == 2)
    out = {}
    for n, wt, v in _fields(graph):
        if n != 5 or wt != 2:
            continue
        dims, dtype, name, raw = [], None, None, None
        for fn, fwt, fv in _fields(v):
            if fn == 1:
                if fwt == 2:  # packed
                    j = 0
                    while j < len(fv):
                        d, j = _varint(fv, j)
                        dims.append(d)
                else:
                    dims.append(fv)
            elif fn == 2:
                dtype = fv
            elif fn == 8:
                name = fv.decode()
            elif fn == 9:
                raw = fv
        if dtype == 1 and raw is not None:  # FLOAT
            out[name] = torch.from_numpy(np.frombuffer(raw, dtype="<f4").reshape(dims).copy())
    return out


def load_onnx(path):
    """The exported (fused) network with the weights of an ONNX file written by train_features.py."""
    net = fused()
    init = read_onnx_initializers(path)
    state = net.state_dict()
    missing = [k for k in state if k not in init]
    if missing:
        raise ValueError(f"{path}: no initializer for {missing}")
    net.load_state_dict({k: init[k] for k in state})
    return net.eval()


def export_onnx(net, path):
    """Writes the fused network as ONNX (opset 17, dynamic batch; outputs features, attributes)."""
    net = net.eval()
    torch.onnx.export(
        net, torch.zeros(2, 3, 64, 64), path, opset_version=17, input_names=["image"],
        output_names=["features", "attributes"], do_constant_folding=False,
        dynamic_axes={"image": {0: "batch"}, "features": {0: "batch"}, "attributes": {0: "batch"}},
    )
