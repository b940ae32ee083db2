#!/usr/bin/env python3
"""Derive data/architectures.csv from the shared reference table of the 16 CheXtransfer architectures.

Usage:
    python3 notebooks-export/make_architectures_csv.py REFERENCE_CSV \
        [--out data/architectures.csv] [--provenance data/architectures.provenance.txt]

REFERENCE_CSV is /work/shared/reference/architectures.csv (torchvision 0.29.2 and timm
results-imagenet.csv values collected for the project). The output keeps one row per architecture,
in the reference file's order (DenseNet121 ... EfficientNet-B3), with the columns

    architecture, family, params_1000_outputs, params_14_outputs, params_5_outputs,
    imagenet_top1_torchvision, imagenet_top1_timm, source_torchvision, source_timm, notes

The CSV is kept pure (header on line 1, no comment lines) so that any CSV reader can load it; its
provenance (this script, the input file and its SHA-256, Python version) goes to a sibling text file.

Two traps from the CheXtransfer reference are stated in `notes`:
  * Inception-v3: torchvision's `num_params` (27,161,264) counts the auxiliary classifier; the
    parameter columns here count the model without it (23,834,568 for 1000 outputs), which is what
    is trained and exported for inference.
  * EfficientNet-B0..B3: torchvision's V1 weights are Ross Wightman's PyTorch-trained weights, not
    the original TensorFlow ones; the timm column is the TF port (tf_efficientnet_bN.in1k), so the
    two top-1 columns differ by about 1 point.
Inception-v4 is not in torchvision, so its torchvision columns are empty.
"""

import argparse
import csv
import hashlib
import platform
import sys

ARCHITECTURES = [
    "DenseNet121", "DenseNet169", "DenseNet201",
    "ResNet18", "ResNet34", "ResNet50", "ResNet101",
    "Inception-v3", "Inception-v4",
    "MNASNet1.0",
    "MobileNetV2", "MobileNetV3-Large",
    "EfficientNet-B0", "EfficientNet-B1", "EfficientNet-B2", "EfficientNet-B3",
]

COLUMNS = [
    "architecture", "family", "params_1000_outputs", "params_14_outputs", "params_5_outputs",
    "imagenet_top1_torchvision", "imagenet_top1_timm", "source_torchvision", "source_timm", "notes",
]


def notes_for(row):
    """A short, self-written note per architecture: the traps first, then other weight caveats."""
    arch = row["architecture"]
    tv_weights = row["torchvision_weights"]
    timm_model = row["timm_model"]
    parts = []
    if arch == "Inception-v3":
        parts.append(
            f"trap: torchvision num_params {int(row['tv_num_params']):,} includes the auxiliary "
            f"classifier (AuxLogits); parameter columns here exclude it "
            f"({int(row['params_1000_outputs']):,} for 1000 outputs; 14 outputs with aux head: 24,382,716)"
        )
    if row["family"] == "EfficientNet":
        parts.append(
            f"trap: torchvision {tv_weights} are rwightman PyTorch-trained weights, not the original "
            f"TensorFlow ones; the timm column ({timm_model}) is the TF port, so the two top-1 values differ"
        )
    if arch == "Inception-v4":
        parts.append(
            "not in torchvision; timm inception_v4.tf_in1k holds the TF-slim weights; parameter counts "
            "from timm 1.0.31"
        )
    if arch in ("MNASNet1.0", "MobileNetV2"):
        parts.append(f"timm top-1 is a different, timm-trained weight set ({timm_model})")
    if arch == "MobileNetV3-Large":
        parts.append(f"timm top-1 is the port of the original TF weights ({timm_model})")
    if arch in ("ResNet50", "ResNet101", "MobileNetV2", "MobileNetV3-Large", "EfficientNet-B1"):
        parts.append("torchvision column = IMAGENET1K_V1; newer IMAGENET1K_V2 weights score higher")
    if tv_weights and not parts:
        parts.append(f"torchvision {tv_weights}; timm {timm_model} is the same weight set ported")
    return "; ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", help="path to the shared reference architectures.csv")
    parser.add_argument("--out", default="data/architectures.csv")
    parser.add_argument("--provenance", default="data/architectures.provenance.txt")
    args = parser.parse_args(argv)

    with open(args.reference, "rb") as handle:
        raw = handle.read()
    digest = hashlib.sha256(raw).hexdigest()
    with open(args.reference, newline="", encoding="utf-8") as handle:
        rows = {row["architecture"]: row for row in csv.DictReader(handle)}
    missing = [a for a in ARCHITECTURES if a not in rows]
    if missing:
        sys.exit(f"{args.reference}: missing architectures {missing}")

    out_rows = []
    for arch in ARCHITECTURES:
        row = rows[arch]
        for key in ("params_1000_outputs", "params_14_outputs", "params_5_outputs"):
            int(row[key])  # must be a plain integer
        out_rows.append({
            "architecture": arch,
            "family": row["family"],
            "params_1000_outputs": row["params_1000_outputs"],
            "params_14_outputs": row["params_14_outputs"],
            "params_5_outputs": row["params_5_outputs"],
            "imagenet_top1_torchvision": row["tv_top1"],
            "imagenet_top1_timm": row["timm_top1"],
            "source_torchvision": (
                f"{row['source_torchvision'].split(';')[0].strip()}" if row["source_torchvision"] else ""
            ),
            "source_timm": f"{row['timm_model']} in {row['source_timm']}" if row["source_timm"] else "",
            "notes": notes_for(row),
        })

    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out_rows)

    with open(args.provenance, "w", encoding="utf-8") as handle:
        handle.write(
            f"data/architectures.csv was written by notebooks-export/make_architectures_csv.py\n"
            f"input: {args.reference} (sha256 {digest})\n"
            f"python: {platform.python_version()} (standard library csv only)\n"
            f"rows: {len(out_rows)}; columns: {', '.join(COLUMNS)}\n"
            f"values are copied unchanged from the input; the input's own sources are in source_torchvision "
            f"and source_timm\n"
        )
    print(f"wrote {args.out} ({len(out_rows)} rows) and {args.provenance}")


if __name__ == "__main__":
    main()
