#!/usr/bin/env python3
"""DWT-DCT invisible watermark: the benchmark's peer method.

This is a reimplementation, written from its published description, of
the classic ``dwtDct`` method of the Python ``invisible-watermark``
package (``imwatermark``, class ``EmbedMaxDct`` with its defaults
``scales=[0, 36, 36]`` and ``block=4``).  No code of that package was
used; it needs only numpy, scipy and (for PNG/JPEG I/O) PIL, so the
Haar DWT, the YUV colour conversion and the 4x4 DCT are written here.

Method in short:

* RGB -> YUV (OpenCV's COLOR_BGR2YUV formulas, kept in float).
* The package visits channels 0 and 1 (Y and U) only and skips a channel
  whose scale is 0, so with the defaults only U is marked (scale 36).
* One level of orthonormal 2-D Haar DWT on the channel's top-left region
  of size (H//4*4, W//4*4); the approximation band cA is cut into 4x4
  blocks visited in row-major order; block ``num`` carries bit
  ``bits[num % len(bits)]``.
* In each block's DCT the largest non-DC coefficient (by magnitude) is
  quantised so that ``|val| mod scale`` is 0.25*scale (bit 0) or
  0.75*scale (bit 1).
* Decoding repeats the analysis, votes 1 where ``|val| mod scale`` is
  above half the scale, averages the votes per bit position and
  thresholds the average at 0.5.

There is no key and no p-value: the payload is the raw bit string.

Command line::

    dwt_dct.py embed --bits <hex> IN_DIR OUT_DIR
    dwt_dct.py decode --nbits 64 DIR
    dwt_dct.py selftest
"""

import argparse
import io
import json
import os
import sys
import time

import numpy as np
from scipy.fft import dctn, idctn

# Per-channel quantisation steps (Y, U, V) and DCT block size, as the
# package's defaults.  Only channels 0 and 1 are ever visited, and a
# zero scale skips the channel, so the defaults mark U alone.
SCALES = (0, 36, 36)
BLOCK = 4
MARKED_CHANNELS = (0, 1)


# --------------------------------------------------------------------------
# Colour conversion (OpenCV COLOR_BGR2YUV formulas for 8-bit, in float)
# --------------------------------------------------------------------------

def rgb_to_yuv(rgb):
    """Convert an (H, W, 3) RGB array to float YUV (U and V offset 128)."""
    rgb = rgb.astype(np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = 0.492 * (b - y) + 128.0
    v = 0.877 * (r - y) + 128.0
    return np.stack([y, u, v], axis=-1)


def yuv_to_rgb(yuv):
    """Exact inverse of :func:`rgb_to_yuv` (float in, float out)."""
    y, u, v = yuv[..., 0], yuv[..., 1], yuv[..., 2]
    b = y + (u - 128.0) / 0.492
    r = y + (v - 128.0) / 0.877
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return np.stack([r, g, b], axis=-1)


# --------------------------------------------------------------------------
# One-level orthonormal 2-D Haar DWT (same convention as pywt's 'haar')
# --------------------------------------------------------------------------

def haar_dwt2(x):
    """Return (cA, (cH, cV, cD)) of an array with even height and width.

    For each 2x2 block [[a, b], [c, d]]:
    cA = (a+b+c+d)/2, cH = (a+b-c-d)/2, cV = (a-b+c-d)/2, cD = (a-b-c+d)/2.
    """
    a = x[0::2, 0::2]
    b = x[0::2, 1::2]
    c = x[1::2, 0::2]
    d = x[1::2, 1::2]
    ca = (a + b + c + d) / 2.0
    ch = (a + b - c - d) / 2.0
    cv = (a - b + c - d) / 2.0
    cd = (a - b - c + d) / 2.0
    return ca, (ch, cv, cd)


def haar_idwt2(ca, details):
    """Inverse of :func:`haar_dwt2` (the transform is its own inverse)."""
    ch, cv, cd = details
    h, w = ca.shape
    out = np.empty((2 * h, 2 * w), dtype=np.float64)
    out[0::2, 0::2] = (ca + ch + cv + cd) / 2.0
    out[0::2, 1::2] = (ca + ch - cv - cd) / 2.0
    out[1::2, 0::2] = (ca - ch + cv - cd) / 2.0
    out[1::2, 1::2] = (ca - ch - cv + cd) / 2.0
    return out


# --------------------------------------------------------------------------
# 4x4 block helpers (vectorised over all blocks at once)
# --------------------------------------------------------------------------

def to_blocks(band):
    """Cut the whole-block part of a 2-D band into (n, BLOCK, BLOCK) blocks.

    Blocks come out in row-major order, so index ``num`` matches the
    package's block counter.
    """
    nby, nbx = band.shape[0] // BLOCK, band.shape[1] // BLOCK
    part = band[:nby * BLOCK, :nbx * BLOCK]
    blocks = part.reshape(nby, BLOCK, nbx, BLOCK).swapaxes(1, 2)
    return blocks.reshape(nby * nbx, BLOCK, BLOCK), (nby, nbx)


def from_blocks(blocks, grid, band):
    """Write (n, BLOCK, BLOCK) blocks back into a copy of ``band``."""
    nby, nbx = grid
    out = band.copy()
    part = blocks.reshape(nby, nbx, BLOCK, BLOCK).swapaxes(1, 2)
    out[:nby * BLOCK, :nbx * BLOCK] = part.reshape(nby * BLOCK, nbx * BLOCK)
    return out


def block_dct(blocks):
    """Orthonormal type-II 2-D DCT of each block (equals cv2.dct on 4x4)."""
    return dctn(blocks, type=2, norm="ortho", axes=(1, 2))


def block_idct(coeffs):
    """Inverse of :func:`block_dct`."""
    return idctn(coeffs, type=2, norm="ortho", axes=(1, 2))


def max_ac_position(flat):
    """Flat index of the largest-magnitude non-DC coefficient per block.

    ``flat`` has shape (n, BLOCK*BLOCK).  np.argmax returns the first
    maximum on ties, as the package does on each block's flat array.
    """
    return np.argmax(np.abs(flat[:, 1:]), axis=1) + 1


# --------------------------------------------------------------------------
# Embedding and decoding on one channel
# --------------------------------------------------------------------------

def _analyse(channel):
    """Haar-transform the channel's (H//4*4, W//4*4) region.

    Returns the region's shape, cA, the detail bands, and cA's DCT blocks.
    """
    h4 = channel.shape[0] // 4 * 4
    w4 = channel.shape[1] // 4 * 4
    ca, details = haar_dwt2(channel[:h4, :w4])
    blocks, grid = to_blocks(ca)
    return (h4, w4), ca, details, blocks, grid


def embed_channel(channel, bits, scale):
    """Embed ``bits`` (0/1 array) into one float channel; return a copy."""
    (h4, w4), ca, details, blocks, grid = _analyse(channel)
    n = blocks.shape[0]
    coeffs = block_dct(blocks).reshape(n, BLOCK * BLOCK)
    pos = max_ac_position(coeffs)
    rows = np.arange(n)
    val = coeffs[rows, pos]
    # Block ``num`` carries bits[num % len(bits)].
    bit = bits[np.arange(n) % len(bits)].astype(np.float64)
    # Quantise |val| to (floor(|val|/scale) + 0.25 + 0.5*bit) * scale and
    # keep the sign: for val >= 0 this is val // scale (floor division),
    # for val < 0 it is -(|val| // scale ...), as the description says.
    mag = (np.abs(val) // scale + 0.25 + 0.5 * bit) * scale
    coeffs[rows, pos] = np.where(val >= 0, mag, -mag)
    new_blocks = block_idct(coeffs.reshape(n, BLOCK, BLOCK))
    new_ca = from_blocks(new_blocks, grid, ca)
    out = channel.copy()
    out[:h4, :w4] = haar_idwt2(new_ca, details)
    return out


def decode_channel(channel, nbits, scale):
    """Return per-bit average votes (scores in 0..1) from one channel."""
    _, _, _, blocks, _ = _analyse(channel)
    n = blocks.shape[0]
    coeffs = block_dct(blocks).reshape(n, BLOCK * BLOCK)
    pos = max_ac_position(coeffs)
    val = np.abs(coeffs[np.arange(n), pos])
    votes = (np.mod(val, scale) > 0.5 * scale).astype(np.float64)
    # Average the votes of all blocks that share a bit position.
    idx = np.arange(n) % nbits
    sums = np.bincount(idx, weights=votes, minlength=nbits)
    counts = np.bincount(idx, minlength=nbits)
    return sums / np.maximum(counts, 1)


def embed(rgb, bits, scales=SCALES):
    """Watermark an (H, W, 3) uint8 RGB image with a 0/1 bit array."""
    yuv = rgb_to_yuv(rgb)
    for ch in MARKED_CHANNELS:
        if scales[ch] == 0:
            continue  # the package skips channels with a zero scale
        yuv[..., ch] = embed_channel(yuv[..., ch], bits, scales[ch])
    out = yuv_to_rgb(yuv)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def decode_scores(rgb, nbits, scales=SCALES):
    """Per-bit scores (0..1), averaged over all marked channels."""
    yuv = rgb_to_yuv(rgb)
    scores = []
    for ch in MARKED_CHANNELS:
        if scales[ch] == 0:
            continue
        scores.append(decode_channel(yuv[..., ch], nbits, scales[ch]))
    return np.mean(scores, axis=0)


def decode(rgb, nbits, scales=SCALES):
    """Decoded bits (uint8 0/1 array of length ``nbits``)."""
    return (decode_scores(rgb, nbits, scales) > 0.5).astype(np.uint8)


# --------------------------------------------------------------------------
# Bit-string helpers and image I/O
# --------------------------------------------------------------------------

def hex_to_bits(hex_str):
    """'a5..' -> 0/1 array, most significant bit of each hex digit first."""
    hex_str = hex_str.strip().lower()
    if hex_str.startswith("0x"):
        hex_str = hex_str[2:]
    nbits = 4 * len(hex_str)
    value = int(hex_str, 16)
    return np.array([(value >> (nbits - 1 - i)) & 1 for i in range(nbits)],
                    dtype=np.uint8)


def bits_to_hex(bits):
    """Inverse of :func:`hex_to_bits`; pads on the right to whole digits."""
    bits = [int(b) for b in bits]
    bits += [0] * (-len(bits) % 4)
    value = 0
    for b in bits:
        value = (value << 1) | b
    return format(value, "0{}x".format(len(bits) // 4)) if bits else ""


def load_rgb(path):
    """Read an image as (H, W, 3) uint8 RGB (alpha dropped)."""
    from PIL import Image
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def save_png(path, rgb):
    """Write an (H, W, 3) uint8 RGB array as PNG."""
    from PIL import Image
    Image.fromarray(rgb, mode="RGB").save(path, format="PNG")


def list_pngs(directory):
    """Sorted names of the ``*.png`` files in ``directory``."""
    return sorted(f for f in os.listdir(directory)
                  if f.lower().endswith(".png")
                  and os.path.isfile(os.path.join(directory, f)))


# --------------------------------------------------------------------------
# Command-line entry points
# --------------------------------------------------------------------------

def cmd_embed(args):
    """Mark every PNG of IN_DIR into OUT_DIR; print count and seconds."""
    bits = hex_to_bits(args.bits)
    os.makedirs(args.out_dir, exist_ok=True)
    total = 0.0
    names = list_pngs(args.in_dir)
    for name in names:
        rgb = load_rgb(os.path.join(args.in_dir, name))
        t0 = time.perf_counter()
        marked = embed(rgb, bits)
        total += time.perf_counter() - t0
        save_png(os.path.join(args.out_dir, name), marked)
    print(json.dumps({"images": len(names), "seconds": total}))
    return 0


def cmd_decode(args):
    """Decode every PNG of DIR; print seconds and hex bits per file."""
    total = 0.0
    result = {}
    for name in list_pngs(args.dir):
        rgb = load_rgb(os.path.join(args.dir, name))
        t0 = time.perf_counter()
        bits = decode(rgb, args.nbits)
        total += time.perf_counter() - t0
        result[name] = bits_to_hex(bits)
    print(json.dumps({"seconds": total, "bits": result}))
    return 0


def synthetic_image(h, w):
    """Deterministic RGB test image: smooth gradients plus fixed texture.

    Values stay inside roughly [20, 235] so clipping does not interfere.
    """
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    u, v = xx / w, yy / h
    tex = (np.sin(xx * 0.31 + yy * 0.17) * np.cos(xx * 0.07 - yy * 0.23)
           + 0.5 * np.sin((xx * xx + yy * yy) * 0.0011))
    r = 60 + 110 * u + 25 * tex
    g = 70 + 90 * v + 20 * np.sin(xx * 0.11) * np.cos(yy * 0.13) + 15 * tex
    b = 180 - 100 * u * v + 30 * np.cos(xx * 0.05 + yy * 0.41) - 10 * tex
    img = np.stack([r, g, b], axis=-1)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def jpeg_roundtrip(rgb, quality):
    """Compress with PIL JPEG at ``quality`` and decode back to RGB."""
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(rgb, mode="RGB").save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    with Image.open(buf) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def cmd_selftest(_args):
    """Run the built-in checks; return 0 on success, 1 on any failure."""
    failures = []
    rng = np.random.default_rng(12345)
    bits = rng.integers(0, 2, size=64).astype(np.uint8)
    notes = []

    # Hex helpers round-trip.
    if not np.array_equal(hex_to_bits(bits_to_hex(bits)), bits):
        failures.append("hex round trip")

    # Colour conversion round-trip.
    rgb = synthetic_image(64, 64)
    err = np.max(np.abs(yuv_to_rgb(rgb_to_yuv(rgb)) - rgb))
    if err > 1e-9:
        failures.append("yuv round trip err={:.3g}".format(err))

    # Haar DWT round-trip.
    x = rng.normal(0, 50, size=(96, 128))
    ca, det = haar_dwt2(x)
    err = np.max(np.abs(haar_idwt2(ca, det) - x))
    if err > 1e-9:
        failures.append("haar round trip err={:.3g}".format(err))
    notes.append("haar_err={:.1e}".format(err))

    for h, w in ((256, 256), (384, 512)):
        img = synthetic_image(h, w)
        marked = embed(img, bits)
        diff = marked.astype(np.float64) - img
        psnr = 10 * np.log10(255.0 ** 2 / max(np.mean(diff ** 2), 1e-12))
        clean = decode(marked, 64)
        if not np.array_equal(clean, bits):
            failures.append("{}x{} clean: {}/64".format(
                h, w, int(np.sum(clean == bits))))
        jpg = decode(jpeg_roundtrip(marked, 90), 64)
        acc = float(np.mean(jpg == bits))
        if acc < 0.75:
            failures.append("{}x{} jpeg90 acc={:.3f}".format(h, w, acc))
        notes.append("{}x{}: psnr={:.1f}dB clean={}/64 jpeg90_acc={:.3f}"
                     .format(h, w, psnr, int(np.sum(clean == bits)), acc))

    status = "FAIL" if failures else "OK"
    print("selftest {}: {}{}".format(
        status, "; ".join(notes),
        (" | failures: " + "; ".join(failures)) if failures else ""))
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="DWT-DCT watermark (reimplementation of imwatermark "
                    "dwtDct, the benchmark's peer).")
    sub = parser.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("embed", help="watermark every PNG of IN_DIR")
    p.add_argument("--bits", required=True, help="payload as hex")
    p.add_argument("in_dir")
    p.add_argument("out_dir")
    p.set_defaults(func=cmd_embed)

    p = sub.add_parser("decode", help="decode every PNG of DIR")
    p.add_argument("--nbits", type=int, default=64)
    p.add_argument("dir")
    p.set_defaults(func=cmd_decode)

    p = sub.add_parser("selftest", help="run the built-in checks")
    p.set_defaults(func=cmd_selftest)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
