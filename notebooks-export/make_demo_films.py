#!/usr/bin/env python3
"""Makes data/films/: ten small real chest radiographs (NIH ChestX-ray14) and their labels, so that a
fresh clone can run `chexstats score` and `chexstats compare` without ../shared.

Usage (from the repository root):
    python3 notebooks-export/make_demo_films.py [--source /work/shared/data/radiographs] [--out data/films]

Needs Pillow only (checked with Pillow 13.0.0). Deterministic: the same sources give byte-identical
files (PNG written by Pillow with optimize=True, no ancillary chunks).

What it does to each source film (all 8-bit grayscale, mode L):
  1. crops the film to the target aspect ratio, centred (a square film cropped to 840 x 1024 for a
     320 x 390 portrait; nothing for a square target),
  2. resizes it with Pillow's BILINEAR filter (antialiased when shrinking) to the target size,
  3. saves it as an 8-bit gray PNG named by its NIH image index (00000001_000.png).
The sizes differ on purpose, so that the films exercise every branch of the CheXpert transform
(Resize(320) on the shorter side, CenterCrop(320)):
  - 320 x 390 (width x height), the CheXpert-small frontal size: Resize(320) leaves it untouched
    (torchvision returns an image already of the asked size as it is), crop top = 35;
  - 360 x 440: Resize(320) shrinks it to 320 x 391 (int(320 * 440 / 360)), crop top = round(35.5) = 36;
  - 300 x 366: Resize(320) enlarges it to 320 x 390, crop top = 35;
  - 320 x 389: crop top = round(34.5) = 34 (Python's round half to even: 35.5 -> 36, 34.5 -> 34);
  - 390 x 320 landscape: the crop runs along the width (left = 35);
  - 384 x 384: Resize(320) shrinks a square, no crop;
  - 320 x 320: already the model size, no resampling and no crop.

labels.csv: `Path` (the file name, relative to data/films) and the 14 CheXpert observations in the
CheXpert column order, 1 / 0 / blank. The NIH labels come from the source file names (the NIH
ChestX-ray14 "Finding Labels", complete for NIH's 14 findings); a film whose name carries no finding
has unknown labels (all blank). Mapping, for a film with known NIH labels:
  No Finding        1 for NIH "No Finding"; 0 when a finding that CheXpert also labels is present;
                    blank when the only findings are ones CheXpert has no column for (Hernia, Emphysema)
  Enlarged Cardiomediastinum
                    0 for NIH "No Finding"; else blank (NIH does not label it; Cardiomegaly and a
                    hiatal hernia may or may not come with it)
  Cardiomegaly, Edema, Consolidation, Pneumonia, Atelectasis, Pneumothorax
                    the NIH finding of the same name: 1 present, 0 absent
  Pleural Effusion  NIH Effusion
  Lung Lesion       NIH Mass or Nodule
  Lung Opacity      NIH Infiltration, Consolidation, Atelectasis, Edema, Pneumonia, Mass, Nodule or
                    Fibrosis
  Pleural Other     NIH Pleural_Thickening
  Fracture, Support Devices
                    blank (NIH does not label them)
Compare on them with `--blank ignore` (the default `--blank zeros` would count the unknown films as
negatives) and `--tasks Cardiomegaly,"Pleural Effusion"`, the two tasks with both classes here.
"""

import argparse
import csv
import hashlib
import os

import PIL
from PIL import Image

OBSERVATIONS = [
    "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion",
    "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion",
    "Pleural Other", "Fracture", "Support Devices",
]
NIH_FINDINGS = [
    "Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Effusion", "Emphysema", "Fibrosis",
    "Hernia", "Infiltration", "Mass", "Nodule", "Pleural_Thickening", "Pneumonia", "Pneumothorax",
]
# (output name, source file relative to --source, NIH findings from the file name or None if the
#  name carries none, (width, height) of the output)
FILMS = [
    ("00000001_000.png", "nih/00000001_000-Cardiomegaly.png", ["Cardiomegaly"], (320, 390)),
    ("00000001_001.png", "nih/00000001_001-Cardiomegaly-Emphysema.png", ["Cardiomegaly", "Emphysema"], (320, 390)),
    ("00000001_002.png", "nih/00000001_002-Cardiomegaly-Effusion.png", ["Cardiomegaly", "Effusion"], (320, 390)),
    ("00000002_000.png", "nih/00000002_000-No Finding.png", [], (320, 390)),
    ("00000003_000.png", "nih/00000003_000-Hernia.png", ["Hernia"], (384, 384)),
    ("00000047_005.png", "nih/00000047_005.png", None, (360, 440)),
    ("00000050_000.png", "nih/00000050_000.png", None, (300, 366)),
    ("00000053_001.png", "nih/00000053_001.png", None, (320, 320)),
    ("00000054_004.png", "nih/00000054_004.png", None, (390, 320)),
    ("00027426_000.png", "00027426_000.png", None, (320, 389)),
]
SIMPLE = {
    "Cardiomegaly": "Cardiomegaly", "Edema": "Edema", "Consolidation": "Consolidation",
    "Pneumonia": "Pneumonia", "Atelectasis": "Atelectasis", "Pneumothorax": "Pneumothorax",
    "Pleural Effusion": "Effusion",
}
OPACITY = {"Infiltration", "Consolidation", "Atelectasis", "Edema", "Pneumonia", "Mass", "Nodule", "Fibrosis"}
CHEXPERT_PATHOLOGY_FROM_NIH = OPACITY | {"Cardiomegaly", "Effusion", "Pneumothorax", "Pleural_Thickening"}


def chexpert_labels(findings):
    """CheXpert cells ('1', '0', '') from a complete list of NIH findings ([] = No Finding), or None."""
    if findings is None:
        return {name: "" for name in OBSERVATIONS}
    present = set(findings)
    assert present <= set(NIH_FINDINGS), present
    bit = lambda flag: "1" if flag else "0"  # noqa: E731
    labels = {name: "" for name in OBSERVATIONS}
    if not present:
        labels["No Finding"] = "1"
        labels["Enlarged Cardiomediastinum"] = "0"
    elif present & CHEXPERT_PATHOLOGY_FROM_NIH:
        labels["No Finding"] = "0"
    for name, nih in SIMPLE.items():
        labels[name] = bit(nih in present)
    labels["Lung Lesion"] = bit(bool(present & {"Mass", "Nodule"}))
    labels["Lung Opacity"] = bit(bool(present & OPACITY))
    labels["Pleural Other"] = bit("Pleural_Thickening" in present)
    return labels


def centred_crop_box(size, target):
    """The largest centred box of `size` with the aspect ratio of `target` (integer pixels)."""
    width, height = size
    target_width, target_height = target
    if width * target_height > height * target_width:  # too wide: crop the width
        crop = round(height * target_width / target_height)
        left = (width - crop) // 2
        return (left, 0, left + crop, height)
    crop = round(width * target_height / target_width)
    top = (height - crop) // 2
    return (0, top, width, top + crop)


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="/work/shared/data/radiographs")
    parser.add_argument("--out", default="data/films")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    print(f"make_demo_films.py with Pillow {PIL.__version__}")
    for name, source, findings, target in FILMS:
        path = os.path.join(args.source, source)
        with Image.open(path) as image:
            image.load()
            assert image.mode == "L", (path, image.mode)
            box = centred_crop_box(image.size, target)
            film = image.crop(box).resize(target, Image.BILINEAR)
            source_size = image.size
        out = os.path.join(args.out, name)
        film.save(out, format="PNG", optimize=True)
        rows.append([name] + [chexpert_labels(findings)[o] for o in OBSERVATIONS])
        nih = "unknown" if findings is None else ("|".join(findings) or "No Finding")
        print(f"{name}: {source} {source_size[0]}x{source_size[1]} sha256 {sha256(path)[:16]} "
              f"crop {box} -> {target[0]}x{target[1]}, {os.path.getsize(out)} bytes, NIH {nih}")
    with open(os.path.join(args.out, "labels.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Path"] + OBSERVATIONS)
        writer.writerows(rows)
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print(f"wrote {len(rows)} films and labels.csv to {args.out} ({total} bytes)")


if __name__ == "__main__":
    main()
