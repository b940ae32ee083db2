"""Synthetic train.csv-like files for the CSV benchmark (.benchmarks/csv).

Rows look like CheXpert's train.csv: a Path, Sex, Age, Frontal/Lateral, AP/PA and the 14
observations coded 1.0 / 0.0 / -1.0 / blank with about the real file's frequencies; one Path in
50 is quoted and holds a comma (in its file name, so studies are unchanged), so the quoted path of the reader is exercised too.
Run: python3 notebooks-export/make_benchmark_csv.py OUT_DIR  (writes rows-1000.csv ...)
"""
import os
import random
import sys

OBSERVATIONS = ["No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity",
                "Lung Lesion", "Edema", "Consolidation", "Pneumonia", "Atelectasis",
                "Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices"]
SIZES = [1000, 10000, 100000, 223414]

out = sys.argv[1] if len(sys.argv) > 1 else "bench-out"
os.makedirs(out, exist_ok=True)
rng = random.Random(7)
for size in SIZES:
    with open(os.path.join(out, f"rows-{size}.csv"), "w", newline="") as f:
        f.write("Path,Sex,Age,Frontal/Lateral,AP/PA," + ",".join(OBSERVATIONS) + "\n")
        written, patient = 0, 0
        while written < size:
            patient += 1
            # One study per patient, 1-3 views sharing the study's labels (as in train.csv).
            cells = [rng.choices(["1.0", "0.0", "-1.0", ""], [0.2, 0.1, 0.1, 0.6])[0]
                     for _ in OBSERVATIONS]
            sex, age = rng.choice(["Male", "Female"]), str(rng.randint(18, 90))
            for view in range(1, min(rng.randint(1, 3), size - written) + 1):
                path = f"CheXpert-v1.0-small/train/patient{patient:05d}/study1/view{view}_frontal.jpg"
                if written % 50 == 0:
                    path = f'"{path[:-4]}, copy.jpg"'
                f.write(",".join([path, sex, age, "Frontal", rng.choice(["AP", "PA"])] + cells)
                        + "\n")
                written += 1
