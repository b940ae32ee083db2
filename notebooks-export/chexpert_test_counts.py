"""Counts and values read from the real CheXpert test files with Python's csv module: the oracle
for ChexDataTests' real-data tests.

Reads /work/shared/data/chexpert-test (groundtruth.csv, labeler_chexpert_labels.csv,
predictions/*.csv) and writes Tests/ChexDataTests/Fixtures/chexpert-test-counts.json:
- per label file: rows, and per observation the counts of 1 / 0 / -1 / blank (values parsed
  with float());
- per prediction file: header, rows, and the scores (float(), as IEEE-754 bits in hex) of
  three studies.
Run: python3 notebooks-export/chexpert_test_counts.py [DATA_DIR]
"""
import csv
import json
import os
import platform
import struct
import sys

data = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/chexpert-test"
OBSERVATIONS = ["No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity",
                "Lung Lesion", "Edema", "Consolidation", "Pneumonia", "Atelectasis",
                "Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices"]
SAMPLE = ["CheXpert-v1.0/test/patient64741/study1", "CheXpert-v1.0/test/patient65000/study1",
          "CheXpert-v1.0/test/patient65240/study1"]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


labels = {}
for name in ["groundtruth.csv", "labeler_chexpert_labels.csv"]:
    header, rows = read(os.path.join(data, name))
    counts = {}
    for task in OBSERVATIONS:
        column = header.index(task)
        tally = {"positive": 0, "negative": 0, "uncertain": 0, "blank": 0}
        for row in rows:
            cell = row[column].strip()
            if cell == "":
                tally["blank"] += 1
            else:
                tally[{1.0: "positive", 0.0: "negative", -1.0: "uncertain"}[float(cell)]] += 1
        counts[task] = tally
    labels[name] = {"rows": len(rows), "counts": counts}

predictions = {}
for name in sorted(os.listdir(os.path.join(data, "predictions"))):
    header, rows = read(os.path.join(data, "predictions", name))
    by_key = {row[0]: row for row in rows}
    # IEEE-754 bit patterns in hex, because Foundation's JSON reader on Linux rounds some
    # 17-digit decimals to a neighbouring double.
    samples = {key: {task: "%016x" % struct.unpack("<Q", struct.pack("<d", float(
        by_key[key][header.index(task)])))[0] for task in header[1:]} for key in SAMPLE}
    predictions[name] = {"header": header, "rows": len(rows), "samples": samples}

provenance = (f"notebooks-export/chexpert_test_counts.py; Python {platform.python_version()} "
              f"csv module; data {data}")
json.dump({"_provenance": provenance, "labels": labels, "predictions": predictions},
          open("Tests/ChexDataTests/Fixtures/chexpert-test-counts.json", "w"), indent=1)
