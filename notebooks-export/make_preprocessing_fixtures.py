"""Makes the preprocessing fixtures of Tests/ChexImagingTests/Fixtures/Preprocessing.

Run from the repository root:  python3 notebooks-export/make_preprocessing_fixtures.py
Needs: Pillow, numpy, torch + torchvision (the CPU wheels), scikit-image, pydicom (versions are
recorded in the fixture folder's cases.json and README.md). Deterministic (seed 20261206).

Expected values never come from chexstats:
- 8-bit inputs: Pillow's own `convert` / `resize` / `crop` / `paste` and torchvision's
  `Resize`, `CenterCrop`, `ToTensor`, `Normalize` (or torchxrayvision's `normalize` formula in
  numpy float32 for the xrv intensity); chexstats must equal them bit for bit.
- 9- to 16-bit inputs: no Python pipeline keeps them (Pillow's `convert` clips), so the reference
  is a float64 numpy evaluation of Pillow's bilinear weights (checked here against Pillow's own
  float32 'F' mode resize) and of Pillow's NEAREST picks (taken from Pillow on an 'F' image);
  chexstats must match within 1e-6 of the tensor's largest magnitude.
- Real films (../shared/data/radiographs): PNGs through Pillow, DICOMs through pydicom's
  `pixel_array` (MONOCHROME1 inverted as maxval - v, maxval = 2^BitsStored - 1); per film and
  preset the shape, SHA-256 of the expected float32 tensor's little-endian bytes (8-bit films)
  and sample values.
Also writes notebooks-export/xrv_vs_skimage.md: our Pillow-bilinear xrv tensor against
torchxrayvision's own pipeline (`normalize`, `XRayCenterCrop`, `XRayResizer` =
skimage.transform.resize(..., mode='constant', preserve_range=True)), reproduced from its source.
"""

import glob
import hashlib
import json
import os
import shutil

import numpy as np
import PIL
import pydicom
import skimage
import skimage.transform
import torch
from PIL import Image

# The CUDA-linked torchvision wheel next to the CPU torch needs these two schemas defined first
# (see /work/shared/reference/python-tooling.md).
_lib = torch.library.Library("torchvision", "DEF")
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor qdets, Tensor qscores, Tensor dets_zp, float dets_scale, int scale_zp, Tensor dets_scale_zp, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402
from torchvision import transforms  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "ChexImagingTests", "Fixtures", "Preprocessing")
FILMS = os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "radiographs"))
VERSIONS = {
    "pillow": PIL.__version__,
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "numpy": np.__version__,
    "scikit-image": skimage.__version__,
    "pydicom": pydicom.__version__,
}
PROVENANCE = "notebooks-export/make_preprocessing_fixtures.py; " + ", ".join(f"{k} {v}" for k, v in VERSIONS.items())
TOLERANCE = 1e-6  # deep (9-16 bit) inputs: relative to the expected tensor's largest magnitude
rng = np.random.default_rng(20261206)

IMAGENET = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
CHEXPERT = {"preset": "chexpert", "size": 320, "resize": "short-side-crop", "interpolation": "bilinear",
            "channels": 3, "intensity": "unit", **IMAGENET}
XRV = {"preset": "xrv", "size": 224, "resize": "crop-resize", "interpolation": "bilinear",
       "channels": 1, "intensity": "xrv", "mean": [0.0], "std": [1.0]}
MODES = {"gray": "L", "grayAlpha": "LA", "rgb": "RGB", "rgba": "RGBA"}
BANDS = {"gray": 1, "grayAlpha": 2, "rgb": 3, "rgba": 4}


def custom(size, resize, channels, interpolation="bilinear", intensity="unit", mean=None, std=None):
    if mean is None:
        mean, std = (IMAGENET["mean"], IMAGENET["std"]) if channels == 3 else ([0.5], [0.25])
    return {"preset": "custom", "size": size, "resize": resize, "interpolation": interpolation,
            "channels": channels, "intensity": intensity, "mean": mean, "std": std}


# ---------------------------------------------------------------------------------------------
# Synthetic inputs: seeded gradients, a ripple and noise, with pure black and white corners so
# the clamping of the fixed-point filter is exercised.

def synthetic(width, height, layout, maxval):
    bands = BANDS[layout]
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    out = np.empty((height, width, bands))
    for b in range(bands):
        phase = rng.uniform(0, 6.3)
        base = 0.5 + 0.35 * np.sin(x / rng.uniform(2, 9) + phase) * np.cos(y / rng.uniform(2, 9))
        base += 0.3 * (x / width - 0.5) * (1 if b % 2 == 0 else -1) + 0.2 * (y / height - 0.5)
        base += rng.normal(0, 0.08, size=base.shape)
        out[:, :, b] = base
    out = np.clip(out, 0, 1)
    out[: max(1, height // 8), : max(1, width // 8)] = 0.0
    out[-max(1, height // 8):, -max(1, width // 8):] = 1.0
    values = np.rint(out * maxval).astype(np.uint8 if maxval <= 255 else np.uint16)
    return values[:, :, 0] if bands == 1 else values


# ---------------------------------------------------------------------------------------------
# 8-bit reference: Pillow and torchvision.

def torchvision_interpolation(name):
    return {"bilinear": transforms.InterpolationMode.BILINEAR, "nearest": transforms.InterpolationMode.NEAREST}[name]


def pillow_filter(name):
    return {"bilinear": Image.Resampling.BILINEAR, "nearest": Image.Resampling.NEAREST}[name]


def pad_size(width, height, size):
    long = max(width, height)
    nw = size if width == long else max(1, size * width // long)
    nh = size if height == long else max(1, size * height // long)
    return nw, nh


def crop_box(width, height):
    c = min(width, height)
    x0, y0 = width // 2 - c // 2, height // 2 - c // 2
    return x0, y0, c


def geometry_pillow(im, p):
    """The PIL image after the geometry of preprocessing `p`, by Pillow and torchvision alone."""
    s, filt = p["size"], pillow_filter(p["interpolation"])
    if p["resize"] == "short-side-crop":
        t = transforms.Compose([
            transforms.Resize(s, interpolation=torchvision_interpolation(p["interpolation"])),
            transforms.CenterCrop(s)])
        return t(im)
    if p["resize"] == "squash":
        return im.resize((s, s), filt)
    if p["resize"] == "pad":
        nw, nh = pad_size(im.width, im.height, s)
        r = im.resize((nw, nh), filt)
        canvas = Image.new(im.mode, (s, s))  # zero pixels, as CheXzero
        canvas.paste(r, ((s - nw) // 2, (s - nh) // 2))
        return canvas
    if p["resize"] == "crop-resize":
        x0, y0, c = crop_box(im.width, im.height)
        return im.crop((x0, y0, x0 + c, y0 + c)).resize((s, s), filt)
    raise ValueError(p["resize"])


def expected_8bit(values, layout, p, maxval=255):
    im = Image.fromarray(values, MODES[layout])
    im = im.convert("RGB" if p["channels"] == 3 else "L")  # alpha dropped, RGB -> L by Pillow
    im = geometry_pillow(im, p)
    if p["intensity"] == "unit":
        assert maxval == 255
        x = transforms.ToTensor()(im)
    else:  # torchxrayvision's normalize, float32 numpy, then CHW
        a = np.asarray(im)
        a = (2 * (a.astype(np.float32) / maxval) - 1.) * 1024
        x = torch.from_numpy(a[None] if a.ndim == 2 else a.transpose(2, 0, 1).copy())
    x = transforms.Normalize(p["mean"], p["std"])(x)
    return x.numpy().astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Deep reference: float64 numpy with Pillow's weights.

def bilinear_matrix(in_size, out_size):
    """Pillow's `precompute_coeffs` for BILINEAR as a dense out x in float64 matrix."""
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = filterscale
    m = np.zeros((out_size, in_size))
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        w = np.array([max(0.0, 1.0 - abs((i - center + 0.5) * (1.0 / filterscale))) for i in range(xmin, xmax)])
        if w.sum() != 0:
            w = w / w.sum()
        m[xx, xmin:xmax] = w
    return m


def resize64(plane, out_w, out_h, interpolation):
    h, w = plane.shape
    if (out_w, out_h) == (w, h):
        return plane
    if interpolation == "nearest":
        # Pillow's own picks: NEAREST on a float32 'F' image of the sample values (exact).
        picked = Image.fromarray(plane.astype(np.float32), "F").resize((out_w, out_h), Image.Resampling.NEAREST)
        return np.asarray(picked).astype(np.float64)
    out = plane
    if out_w != w:
        out = out @ bilinear_matrix(w, out_w).T
    if out_h != h:
        out = bilinear_matrix(h, out_h) @ out
    # Cross-check the weights against Pillow's float32 ('F') resize, which uses the same double
    # weights with a float32 intermediate.
    pil = np.asarray(Image.fromarray(plane.astype(np.float32), "F").resize((out_w, out_h), Image.Resampling.BILINEAR))
    assert np.max(np.abs(pil - out)) <= 1e-5 * max(1.0, np.max(np.abs(out))), "weights differ from Pillow 'F'"
    return out


def expected_deep(values, layout, p, maxval):
    v = values.astype(np.float64)
    if layout == "gray":
        planes = [v]
    elif layout == "grayAlpha":
        planes = [v[:, :, 0]]
    elif p["channels"] == 3:
        planes = [v[:, :, 0], v[:, :, 1], v[:, :, 2]]
    else:
        planes = [(19595 * v[:, :, 0] + 38470 * v[:, :, 1] + 7471 * v[:, :, 2]) / 65536]
    planes = [q / maxval for q in planes]
    s = p["size"]
    out = []
    for q in planes:
        h, w = q.shape
        if p["resize"] == "short-side-crop":
            short, long = min(w, h), max(w, h)
            new_long = int(s * long / short)
            nw, nh = (s, new_long) if w <= h else (new_long, s)
            r = resize64(q, nw, nh, p["interpolation"])
            top, left = int(round((nh - s) / 2.0)), int(round((nw - s) / 2.0))
            r = r[top:top + s, left:left + s]
        elif p["resize"] == "squash":
            r = resize64(q, s, s, p["interpolation"])
        elif p["resize"] == "pad":
            nw, nh = pad_size(w, h, s)
            r = np.zeros((s, s))
            r[(s - nh) // 2:(s - nh) // 2 + nh, (s - nw) // 2:(s - nw) // 2 + nw] = resize64(q, nw, nh, p["interpolation"])
        else:
            x0, y0, c = crop_box(w, h)
            r = resize64(q[y0:y0 + c, x0:x0 + c], s, s, p["interpolation"])
        out.append(r)
    x = np.stack(out if len(out) == p["channels"] else out * p["channels"])
    if p["intensity"] == "xrv":
        x = (2 * x - 1) * 1024
    mean = np.array(p["mean"]).reshape(-1, 1, 1)
    std = np.array(p["std"]).reshape(-1, 1, 1)
    return (x - mean) / std


# ---------------------------------------------------------------------------------------------
# Synthetic cases.

def margin_case(width, height, size):
    """(new_w, new_h, left, top) under torchvision's Resize + CenterCrop."""
    short, long = min(width, height), max(width, height)
    new_long = int(size * long / short)
    nw, nh = (size, new_long) if width <= height else (new_long, size)
    return nw, nh, int(round((nw - size) / 2.0)), int(round((nh - size) / 2.0))


CASES = [
    # name, width, height, layout, maxval, preprocessing
    ("chexpert-gray-400x487", 400, 487, "gray", 255, CHEXPERT),
    ("ssc-down-margin-2.5", 60, 70, "gray", 255, custom(32, "short-side-crop", 3)),
    ("ssc-down-margin-3.5", 60, 74, "gray", 255, custom(32, "short-side-crop", 3)),
    ("ssc-landscape-margin-3.5", 74, 60, "gray", 255, custom(32, "short-side-crop", 3)),
    ("ssc-up-20x15", 20, 15, "gray", 255, custom(32, "short-side-crop", 3)),
    ("ssc-up-10x30", 10, 30, "gray", 255, custom(32, "short-side-crop", 3)),
    ("ssc-unchanged-32x41", 32, 41, "gray", 255, custom(32, "short-side-crop", 3)),
    ("ssc-unchanged-37x32", 37, 32, "gray", 255, custom(32, "short-side-crop", 1)),
    ("ssc-width-only-45x32", 45, 32, "gray", 255, custom(30, "short-side-crop", 1)),
    ("ssc-rgb-3", 50, 64, "rgb", 255, custom(32, "short-side-crop", 3)),
    ("ssc-rgb-to-L", 50, 64, "rgb", 255, custom(32, "short-side-crop", 1)),
    ("ssc-rgba-3", 47, 39, "rgba", 255, custom(24, "short-side-crop", 3)),
    ("ssc-rgba-to-L", 47, 39, "rgba", 255, custom(24, "short-side-crop", 1)),
    ("ssc-la-3", 41, 52, "grayAlpha", 255, custom(24, "short-side-crop", 3)),
    ("ssc-nearest-down", 61, 77, "gray", 255, custom(32, "short-side-crop", 1, "nearest")),
    ("ssc-nearest-up", 13, 17, "gray", 255, custom(32, "short-side-crop", 3, "nearest")),
    ("squash-bilinear-down", 53, 71, "gray", 255, custom(32, "squash", 1)),
    ("squash-bilinear-up", 13, 9, "gray", 255, custom(32, "squash", 1)),
    ("squash-nearest-down", 53, 71, "gray", 255, custom(32, "squash", 1, "nearest")),
    ("squash-nearest-up", 13, 9, "gray", 255, custom(32, "squash", 3, "nearest")),
    ("squash-nearest-odd", 97, 33, "rgb", 255, custom(29, "squash", 3, "nearest")),
    ("pad-portrait", 50, 71, "gray", 255, custom(32, "pad", 3)),
    ("pad-landscape-nearest", 71, 45, "gray", 255, custom(32, "pad", 1, "nearest")),
    ("pad-up", 7, 12, "rgb", 255, custom(32, "pad", 3)),
    ("crop-resize-down", 61, 75, "gray", 255, custom(32, "crop-resize", 1)),
    ("crop-resize-up-nearest", 20, 17, "gray", 255, custom(32, "crop-resize", 1, "nearest")),
    ("xrv-gray-260x300", 260, 300, "gray", 255, XRV),
    ("xrv-rgb-231x240", 231, 240, "rgb", 255, XRV),
    ("xrv-intensity-custom-3", 45, 38, "gray", 255, custom(24, "crop-resize", 3, intensity="xrv",
                                                           mean=[-10.0, 0.0, 10.0], std=[512.0, 1024.0, 300.0])),
    # Deeper samples (float64 reference, tolerance).
    ("deep-ssc-gray-16bit", 60, 74, "gray", 65535, custom(32, "short-side-crop", 3)),
    ("deep-ssc-up-12bit", 20, 15, "gray", 4095, custom(32, "short-side-crop", 1)),
    ("deep-squash-nearest-16bit", 53, 71, "gray", 65535, custom(32, "squash", 1, "nearest")),
    ("deep-pad-15bit", 50, 71, "gray", 32767, custom(32, "pad", 3)),
    ("deep-rgb-to-L-16bit", 50, 64, "rgb", 65535, custom(32, "short-side-crop", 1)),
    ("deep-rgb-3-16bit", 50, 64, "rgba", 65535, custom(32, "squash", 3)),
    ("deep-xrv-12bit", 45, 52, "gray", 4095, custom(40, "crop-resize", 1, intensity="xrv", mean=[0.0], std=[1.0])),
    ("deep-xrv-preset-15bit", 230, 250, "gray", 32767, XRV),
]


def check_margins():
    """The crop-rounding cases round .5 both ways, as their names say."""
    assert margin_case(60, 70, 32) == (32, 37, 0, 2)  # 2.5 -> 2
    assert margin_case(60, 74, 32) == (32, 39, 0, 4)  # 3.5 -> 4
    assert margin_case(74, 60, 32) == (39, 32, 4, 0)
    assert margin_case(400, 487, 320) == (320, 389, 0, 34)  # 34.5 -> 34
    assert margin_case(32, 41, 32) == (32, 41, 0, 4)  # unchanged, 4.5 -> 4
    assert margin_case(37, 32, 32) == (37, 32, 2, 0)  # unchanged, 2.5 -> 2


def save_npy(relative, array):
    path = os.path.join(OUT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(array))


def make_cases():
    check_margins()
    cases = []
    for name, width, height, layout, maxval, p in CASES:
        values = synthetic(width, height, layout, maxval)
        save_npy(f"inputs/{name}.npy", values)
        if maxval <= 255:
            expected = expected_8bit(values, layout, p, maxval)
            comparison = "bit-exact"
        else:
            expected = expected_deep(values, layout, p, maxval)
            comparison = "tolerance"
        assert list(expected.shape) == [p["channels"], p["size"], p["size"]], (name, expected.shape)
        save_npy(f"expected/{name}.npy", expected)
        cases.append({"name": name, "input": f"inputs/{name}.npy", "layout": layout, "max_value": maxval,
                      "preprocessing": p, "expected": f"expected/{name}.npy", "comparison": comparison,
                      **({"tolerance": TOLERANCE} if comparison == "tolerance" else {})})
    return cases


# ---------------------------------------------------------------------------------------------
# Real films.

def load_film(path):
    """(values, layout, maxval) as the decoders must produce them."""
    if path.endswith(".dcm"):
        ds = pydicom.dcmread(path)
        a = ds.pixel_array
        maxval = 2 ** int(ds.BitsStored) - 1
        if ds.PhotometricInterpretation == "MONOCHROME1":
            a = (maxval - a.astype(np.int64)).astype(a.dtype)
        return a, "gray", maxval
    im = Image.open(path)
    assert im.mode == "L", (path, im.mode)
    return np.asarray(im), "gray", 255


def sha256_f32(x):
    return hashlib.sha256(np.ascontiguousarray(x, dtype="<f4").tobytes()).hexdigest()


def samples(x, count=24, seed=0):
    r = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        c, y, xx = (int(r.integers(0, n)) for n in x.shape)
        out.append([c, y, xx, float(x[c, y, xx])])
    return out


def skimage_xrv(values, maxval, size=224):
    """torchxrayvision's pipeline as its source writes it: normalize, crop, XRayResizer."""
    img = (2 * (values.astype(np.float32) / maxval) - 1.) * 1024
    img = img[None, :, :]
    _, y, x = img.shape
    crop = np.min([y, x])
    startx, starty = x // 2 - (crop // 2), y // 2 - (crop // 2)
    img = img[:, starty:starty + crop, startx:startx + crop]
    return skimage.transform.resize(img, (1, size, size), mode="constant", preserve_range=True).astype(np.float32)


def make_films():
    if not os.path.isdir(FILMS):
        print(f"{FILMS} absent: films.json and xrv_vs_skimage.md not made")
        return None, None
    paths = sorted(glob.glob(os.path.join(FILMS, "*.png")) + glob.glob(os.path.join(FILMS, "nih", "*.png"))
                   + glob.glob(os.path.join(FILMS, "*.dcm")))
    films, comparison = [], []
    for path in paths:
        values, layout, maxval = load_film(path)
        name = os.path.relpath(path, FILMS)
        entry = {"file": name, "width": int(values.shape[1]), "height": int(values.shape[0]), "max_value": maxval,
                 "bits": 8 if values.dtype == np.uint8 else 16,
                 "pixels_sha256": hashlib.sha256(np.ascontiguousarray(values.astype(values.dtype.newbyteorder("<"))).tobytes()).hexdigest(),
                 "presets": {}}
        for preset, p in (("chexpert", CHEXPERT), ("xrv", XRV)):
            if values.dtype == np.uint8:
                x = expected_8bit(values, layout, p, maxval)
                entry["presets"][preset] = {"shape": list(x.shape), "comparison": "bit-exact",
                                            "sha256": sha256_f32(x), "samples": samples(x)}
            else:
                x = expected_deep(values, layout, p, maxval)
                entry["presets"][preset] = {"shape": list(x.shape), "comparison": "tolerance", "tolerance": TOLERANCE,
                                            "max_abs": float(np.max(np.abs(x))), "mean": float(np.mean(x)),
                                            "samples": samples(x, count=256)}
            if preset == "xrv":
                ref = skimage_xrv(values, maxval)
                d = np.abs(x.astype(np.float64) - ref.astype(np.float64))
                comparison.append((name, values.shape, maxval, float(d.max()), float(d.mean()),
                                   float(np.quantile(d, 0.99))))
        films.append(entry)
    return films, comparison


def write_xrv_note(comparison):
    lines = [
        "# torchxrayvision's preprocessing: Pillow bilinear (chexstats `xrv`) vs scikit-image (torchxrayvision)",
        "",
        f"Made by `notebooks-export/make_preprocessing_fixtures.py` ({', '.join(f'{k} {v}' for k, v in VERSIONS.items())}).",
        "",
        "chexstats' `xrv` preset follows torchxrayvision's convention (1 channel; square center crop of side",
        "min(H, W) at `H//2 - c//2`, `W//2 - c//2`; 224 x 224; `(2 v / maxval - 1) * 1024`) but resamples with",
        "Pillow's bilinear filter (bit-exact on 8-bit films, float64 weights on deeper ones) where",
        "torchxrayvision's `XRayResizer` calls `skimage.transform.resize(img, (1, 224, 224), mode='constant',",
        "preserve_range=True)` on the normalised float32 image (order-1 spline after a Gaussian anti-aliasing",
        "filter, sigma = (scale - 1) / 2). The table compares the two tensors on every real film in",
        "`../shared/data/radiographs` (DICOMs via pydicom, MONOCHROME1 inverted), on the [-1024, 1024] scale:",
        "",
        "| film | pixels (H x W) | maxval | max abs diff | mean abs diff | 99th percentile |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, shape, maxval, mx, mean, q99 in comparison:
        lines.append(f"| `{name}` | {shape[0]} x {shape[1]} | {maxval} | {mx:.2f} | {mean:.2f} | {q99:.2f} |")
    mx = max(c[3] for c in comparison)
    mean = np.mean([c[4] for c in comparison])
    lines += [
        "",
        f"Over all films the largest difference is {mx:.1f} (of a 2048 range, {100 * mx / 2048:.2f} %) and the mean",
        f"absolute difference {mean:.2f} ({100 * mean / 2048:.3f} %). The two filters differ most at sharp edges",
        "(burned-in markers, collimator borders): Pillow's triangle spans 2 x scale input pixels, scikit-image",
        "blurs with a Gaussian of sigma (scale - 1) / 2 and then interpolates linearly between the two nearest",
        "pixels. A model trained with torchxrayvision's own loader therefore sees inputs that differ slightly from",
        "chexstats' `xrv` preset; chexstats does not reimplement scikit-image's filter.",
        "",
    ]
    with open(os.path.join(ROOT, "notebooks-export", "xrv_vs_skimage.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    cases = make_cases()
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"_provenance": PROVENANCE, "versions": VERSIONS, "cases": cases}, f, indent=1)
    films, comparison = make_films()
    if films is not None:
        with open(os.path.join(OUT, "films.json"), "w") as f:
            json.dump({"_provenance": PROVENANCE, "versions": VERSIONS, "films": films}, f, indent=1)
        write_xrv_note(comparison)
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(f"""# Preprocessing fixtures

Made by `{PROVENANCE}`; regenerate with `python3 notebooks-export/make_preprocessing_fixtures.py` from
the repository root (the script's docstring says how each expected value is computed).

- `cases.json`: synthetic cases: input `.npy` (uint8 or uint16, H x W or H x W x bands), layout, white
  value, the preprocessing JSON, expected tensor `.npy` (C x H x W) and how to compare:
  `bit-exact` (8-bit: Pillow + torchvision, float32) or `tolerance` (deeper: float64 numpy with Pillow's
  weights; |ours - expected| <= {TOLERANCE} x max |expected|).
- `inputs/`, `expected/`: those arrays.
- `films.json`: the real films of `../shared/data/radiographs`: decoded-pixel SHA-256, and per preset the
  expected tensor's shape, SHA-256 of its float32 little-endian bytes (8-bit films) or summary values
  (the 15-bit DICOM), and sample values `[c, y, x, value]`.
""")


if __name__ == "__main__":
    main()
