#!/usr/bin/env python3
"""A made-up human reader for the demo labels, for the leaderboard's golden test.

Reads data/demo/labels.csv and writes Tests/chexstatsTests/Fixtures/leaderboard/reader-a.csv:
the 5 CheXpert competition tasks, each label (uncertain and blank read as 0) kept with
probability 0.85 and flipped otherwise, numpy.random.default_rng(14). Columns are written in
a different order than the labels' on purpose (readers' files are matched by name).

Run from the repository root:  python3 notebooks-export/make_demo_reader.py
"""
import csv

import numpy as np

TASKS = ["Pleural Effusion", "Edema", "Atelectasis", "Consolidation", "Cardiomegaly"]
rng = np.random.default_rng(14)
with open("data/demo/labels.csv", newline="") as f:
    rows = list(csv.DictReader(f))
with open("Tests/chexstatsTests/Fixtures/leaderboard/reader-a.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["Study"] + TASKS)
    for row in rows:
        reads = []
        for task in TASKS:
            truth = 1 if row[task] == "1" else 0
            reads.append(truth if rng.random() < 0.85 else 1 - truth)
        out.writerow([row["Study"]] + reads)
print("numpy", np.__version__, "rows", len(rows))
