#!/usr/bin/env python3
"""Writes the seed inputs of each fuzz target, from the repository's test fixtures and demo data.

Usage: Fuzz/seed-corpora.py OUT   (then `Fuzz/run.sh minimise` merges OUT/<target> into
Fuzz/Corpus/<target>, keeping only inputs that add coverage). Python 3 standard library only.
"""
import glob
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]


def write(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def small(pattern, limit):
    return sorted(p for p in glob.glob(os.path.join(root, pattern), recursive=True)
                  if os.path.getsize(p) <= limit)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def head(path, rows):
    return b"".join(read(path).splitlines(keepends=True)[: rows + 1])


# csv: the small CSV files, the reader's quirk cases, and the inputs the fuzzer found.
for path in small("Tests/**/*.csv", 8192) + small("data/**/*.csv", 8192):
    write("csv", os.path.relpath(path, root).replace("/", "_"), read(path))
quirks = json.load(open(os.path.join(root, "Tests/ChexDataTests/Fixtures/csv-quirks.json")))["cases"]
for case in quirks:
    if not case["name"].startswith("random") or case["name"] in ("random-0", "random-1"):
        write("csv", "quirk-" + case["name"], case["text"])

# join: labels, a line `====`, predictions (the first studies of the demo experiment).
labels = os.path.join(root, "data/demo/labels.csv")
uncertain = os.path.join(root, "data/demo/labels-uncertain.csv")
runs = sorted(glob.glob(os.path.join(root, "data/demo/runs/*/predictions.csv")))
write("join", "demo-8", head(labels, 8) + b"====\n" + head(runs[0], 8))
write("join", "demo-uncertain-8", head(uncertain, 8) + b"====\n" + head(runs[1], 8))
write("join", "demo-intersect", head(labels, 6) + b"====\n" + head(runs[2], 4))
images = b"Path,Atelectasis,Cardiomegaly,Consolidation,Edema,Pleural Effusion\n"
for study in (1, 2):
    for view in (1, 2):
        images += f"CheXpert-v1.0/valid/patient{study:05}/study1/view{view}_frontal.jpg,".encode()
        images += b"0.1,0.2,0.3,0.4,0.5\n"
write("join", "image-level", head(labels, 0) + b"CheXpert-v1.0/valid/patient00001/study1,"
      + b"0,1,0,0,0,0,0,0,0,0,1,0,0,1\nCheXpert-v1.0/valid/patient00002/study1,"
      + b"1,0,0,0,0,0,0,0,1,0,0,0,0,0\n====\n" + images)

# run-json: a few of the demo runs' run.json files (they differ in their fields' values).
for path in sorted(glob.glob(os.path.join(root, "data/demo/runs/*/run.json")))[::12]:
    write("run-json", os.path.basename(os.path.dirname(path)) + ".json", read(path))
write("run-json", "empty-object.json", "{}")

# npy: the small .npy inputs and outputs of the one-node ONNX fixtures.
for path in small("Tests/ChexInferenceTests/Fixtures/*/*.npy", 4096)[::4]:
    write("npy", os.path.relpath(path, root).replace("/", "_"), read(path))

# onnx: the one-node models and the loader's fixtures (the architectures are too big).
for path in small("Tests/ChexInferenceTests/Fixtures/*/model.onnx", 12288) + small(
        "Tests/ChexONNXTests/Fixtures/**/*.onnx", 12288):
    write("onnx", os.path.relpath(path, root).replace("/", "_"), read(path))

# jpeg, png, dicom: the decoding fixtures up to 6 KB (odd sizes, progressive, restart markers,
# palettes, 16 bits, interlaced; DICOMs with sequences, MONOCHROME1, encapsulated JPEG).
for target, pattern in (("jpeg", "*.jpg"), ("png", "*.png"), ("dicom", "*.dcm")):
    for path in small("Tests/ChexImagingTests/Fixtures/Decoding/" + pattern, 6144):
        write(target, os.path.basename(path), read(path))
