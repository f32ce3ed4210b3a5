"""
Trains the two bundled passive detectors of packages/plugins/detect on the bundled model's
samples vs renders of faces/RenderFaces, both classes through the same post-processing
(common.augment), calibrates them (Platt scaling on a held-out split) and writes
models/detectors/{spectral,residual}.onnx + .card.json. Under an hour on 2 CPU cores (27 minutes on one thread).

  npx stylegraph run tools/train/dataset.graph.json --set faces.seeds=50000-64999 --out runs/real
  npx stylegraph run tools/train/samples.graph.json --set seeds.seeds=200000-214999 --set truncation.psi=1 --out runs/fake-psi1
  npx stylegraph run tools/train/samples.graph.json --set seeds.seeds=300000-304999 --set truncation.psi=0.7 --out runs/fake-psi07
  /usr/bin/python3 tools/detect/train_detectors.py --real runs/real/images.npy \
      --fake runs/fake-psi1/images.npy --fake-psi07 runs/fake-psi07/images.npy --out models/detectors

Splits (by index, fixed): real and ψ = 1 images 0–9999 train, 10000–11999 calibration; the
rest (seeds 62000+ / 212000+) is never read here: it is the benchmark's held-out test set.
ψ = 0.7 images 0–2999 train, 3000–3499 calibration.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import common as C


def views(images, rng, augment=True):
    """float32 [N, 3, 64, 64] -> float32 [N, 3, 64, 64]: post-processed (or not), upsized, a random 64 px crop."""
    out = np.empty_like(images)
    for i, x in enumerate(images):
        img = C.to_uint8(x)
        if augment:
            img = C.augment(img, rng)
        t = C.upsize(C.to_float(img))
        h, w = t.shape[1:]
        y0, x0 = rng.integers(0, h - C.TILE + 1), rng.integers(0, w - C.TILE + 1)
        out[i] = t[:, y0 : y0 + C.TILE, x0 : x0 + C.TILE]
    return out


def eval_set(images, rng, augment):
    """-> list of float32 [T, 3, 64, 64] tile stacks, one per image, as the TypeScript node tiles them."""
    res = []
    for x in images:
        img = C.to_uint8(x)
        if augment:
            img = C.augment(img, rng)
        res.append(C.tiles(C.to_float(img)))
    return res


def mean_tile_scores(stacks, score_tiles):
    flat = np.concatenate(stacks)
    s = score_tiles(flat)
    out, k = [], 0
    for t in stacks:
        out.append(float(s[k : k + len(t)].mean()))
        k += len(t)
    return np.array(out)


# ---- spectral -------------------------------------------------------------------------------

def train_spectral(xs, ys, l2=1e-3):
    """Logistic regression on standardized features (L-BFGS, L2 on the weights) -> (w, b) in raw feature units."""
    mu, sd = xs.mean(0), xs.std(0) + 1e-6
    x = torch.tensor((xs - mu) / sd)
    y = torch.tensor(ys, dtype=torch.float64)
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(x @ w + b, y) + l2 * w.square().sum()
        loss.backward()
        return loss

    opt.step(closure)
    w = w.detach().numpy() / sd
    return w, float(b.detach()) - float((w * mu).sum())


def export_linear(path, w, b):
    lin = torch.nn.Linear(len(w), 1)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(w[None], dtype=torch.float32))
        lin.bias.copy_(torch.tensor([b], dtype=torch.float32))
    torch.onnx.export(lin, torch.zeros(2, len(w)), path, input_names=["features"], output_names=["score"],
                      dynamic_axes={"features": {0: "B"}, "score": {0: "B"}}, opset_version=17)


# ---- residual CNN ---------------------------------------------------------------------------

def train_cnn(real, fake, rng, epochs, log):
    net = C.ResidualCNN()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    n = len(real) + len(fake)
    steps = epochs * (n // 64)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    y_all = torch.cat([torch.zeros(len(real)), torch.ones(len(fake))])
    w_all = torch.cat([torch.full((len(real),), n / (2 * len(real))), torch.full((len(fake),), n / (2 * len(fake)))])
    for ep in range(epochs):
        t0 = time.time()
        x_all = torch.from_numpy(np.concatenate([views(real, rng), views(fake, rng)]))
        perm = torch.randperm(n)
        net.train()
        tot = 0.0
        for k in range(n // 64):
            i = perm[k * 64 : (k + 1) * 64]
            loss = F.binary_cross_entropy_with_logits(net(x_all[i])[:, 0], y_all[i], weight=w_all[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss)
        log(f"cnn epoch {ep + 1}/{epochs}: loss {tot / (n // 64):.4f}  {time.time() - t0:.0f} s")
    return net.eval()


def cnn_scorer(net):
    def score(t):
        with torch.no_grad():
            return torch.cat([net(torch.from_numpy(t[i : i + 512]))[:, 0] for i in range(0, len(t), 512)]).numpy()
    return score


# ---- calibration and the card ----------------------------------------------------------------

def card_for(name, kind, model_file, scores_real, scores_fake, test_real, test_fake, extra):
    """Platt fit and thresholds on the calibration split; ECE and AP on the clean + post-processed test split."""
    s = np.concatenate([scores_real, scores_fake])
    y = np.concatenate([np.zeros(len(scores_real)), np.ones(len(scores_fake))])
    a, b = C.fit_platt(s, y)
    ts = np.concatenate([test_real, test_fake])
    ty = np.concatenate([np.zeros(len(test_real)), np.ones(len(test_fake))])
    prob = 1 / (1 + np.exp(-(a * ts + b)))
    thresholds = [{"fpr": f, "threshold": C.threshold_at_fpr(scores_real, f)} for f in (0.001, 0.01, 0.05)]
    return {
        "format": "stylegraph.detector",
        "formatVersion": 1,
        "name": name,
        "version": "1.0.0",
        "kind": kind,
        "model": model_file,
        "tile": C.TILE,
        "score": "the mean over 64 px tiles of the model's logit (images under 64 px are first upsized, bilinear)",
        "calibration": {"method": "platt", "a": a, "b": b, "fittedOn": f"{len(scores_real)} real + {len(scores_fake)} generated calibration images, half clean, half post-processed",
                        "realScores": [float(v) for v in np.sort(scores_real)]},
        "thresholds": thresholds,
        "metrics": {"ece": C.ece(prob, ty), "ap": C.average_precision(ts, ty), "testImages": {"real": len(test_real), "generated": len(test_fake)},
                    "on": "the check set (see training.calibration), half clean, half post-processed; the benchmark (npm run bench) has the full held-out table"},
        **extra,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--real", required=True)
    p.add_argument("--fake", required=True)
    p.add_argument("--fake-psi07", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--work", default="runs/detect", help="where the PyTorch / NumPy weights go (for make_fixtures.py)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=0, help="use only this many images per split (a quick check)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    log = lambda m: print(m, flush=True)  # noqa: E731
    real = np.load(a.real, mmap_mode="r")
    fake = np.load(a.fake, mmap_mode="r")
    f07 = np.load(a.fake_psi07, mmap_mode="r")
    lim = (lambda n: min(n, a.limit)) if a.limit else (lambda n: n)
    r_tr = np.array(real[: lim(10000)])
    r_cal, r_chk = np.array(real[10000 : 10000 + lim(1000)]), np.array(real[11000 : 11000 + lim(1000)])
    f_tr = np.concatenate([fake[: lim(10000)], f07[: lim(3000)]])
    q, h = lim(750), lim(250)
    f_cal = np.concatenate([fake[10000 : 10000 + q], f07[3000 : 3000 + h]])
    f_chk = np.concatenate([fake[10750 : 10750 + q], f07[3250 : 3250 + h]])
    # Calibration and check sets: half clean, half post-processed, tiled as at run time.
    half = lambda x: (eval_set(x[::2], rng, False) + eval_set(x[1::2], rng, True))  # noqa: E731
    cal_r, cal_f = half(r_cal), half(f_cal)
    chk_r, chk_f = half(r_chk), half(f_chk)
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(a.work, exist_ok=True)
    training = {"training": {"real": "faces/RenderFaces seeds 50000–59999 at 64 px", "generated": "models/faces64, seeds 200000–209999 at ψ = 1 and 300000–302999 at ψ = 0.7, random noise",
                             "augmentation": "each of: resize ×0.5–2 (bicubic, kept at the new size), Gaussian blur σ 0.1–1.5, JPEG q 50–95, with probability 1/2, the same for both classes (PIL)",
                             "calibration": "real seeds 60000–60999, generated 210000–210749 (ψ = 1) and 303000–303249 (ψ = 0.7); check set (the card's metrics): real 61000–61999, generated 210750–211499 and 303250–303499",
                             "heldOut": "real seeds 62000+, generated 212000+ and 304000+: never read by the training tool"}}

    # Spectral.
    t0 = time.time()
    xs = np.concatenate([C.spectral_features(views(r_tr, rng)), C.spectral_features(views(f_tr, rng)),
                         C.spectral_features(views(r_tr, rng)), C.spectral_features(views(f_tr, rng))])
    ys = np.concatenate([np.zeros(len(r_tr)), np.ones(len(f_tr))] * 2)
    w, b = train_spectral(xs, ys)
    spec = lambda t: C.spectral_features(t) @ w + b  # noqa: E731
    log(f"spectral trained in {time.time() - t0:.0f} s")
    export_linear(os.path.join(a.out, "spectral.onnx"), w, b)
    np.savez(os.path.join(a.work, "spectral.npz"), w=w, b=b)
    card = card_for("spectral", "spectral", "spectral.onnx", mean_tile_scores(cal_r, spec), mean_tile_scores(cal_f, spec),
                    mean_tile_scores(chk_r, spec), mean_tile_scores(chk_f, spec),
                    {"features": {"bins": C.NUM_BINS, "what": "per RGB channel: ln(mean |FFT|²/64² + 1e-8) over rings of radius 1…32 of the mean-removed 64 px tile"}, **training})
    json.dump(card, open(os.path.join(a.out, "spectral.card.json"), "w"), indent=2)
    log(f"spectral: {json.dumps(card['metrics'])}")

    # Residual CNN.
    t0 = time.time()
    net = train_cnn(r_tr, f_tr, rng, a.epochs, log)
    log(f"cnn trained in {time.time() - t0:.0f} s")
    torch.onnx.export(net, torch.zeros(2, 3, 64, 64), os.path.join(a.out, "residual.onnx"), input_names=["image"], output_names=["score"],
                      dynamic_axes={"image": {0: "B"}, "score": {0: "B"}}, opset_version=17)
    torch.save(net.state_dict(), os.path.join(a.work, "residual.pt"))
    sc = cnn_scorer(net)
    card = card_for("residual", "image", "residual.onnx", mean_tile_scores(cal_r, sc), mean_tile_scores(cal_f, sc),
                    mean_tile_scores(chk_r, sc), mean_tile_scores(chk_f, sc),
                    {"input": {"size": C.TILE, "range": [-1, 1]}, **training})
    json.dump(card, open(os.path.join(a.out, "residual.card.json"), "w"), indent=2)
    log(f"residual: {json.dumps(card['metrics'])}")


if __name__ == "__main__":
    main()
