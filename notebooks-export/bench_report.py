#!/usr/bin/env python3
"""Benchmark: `chexstats report` vs the same CheXtransfer analysis in pandas + scikit-learn + scipy +
statsmodels (notebooks-export/chextransfer_anchor.py), in one run, on the same files.

Job: 100 runs x 500 studies x 5 tasks x 1000 bootstrap replicates: the first 100 runs of the demo
study (data/demo/runs, in name order), linked into a temporary folder. chexstats is timed as a whole
process (reading 100 CSVs, the shared bootstrap, every table, CSV/JSON/Markdown/SVG output) on 1
thread and on all cores. The anchor loops over replicates calling roc_auc_score per run and task, as
researchers do; at 1000 replicates it takes about half an hour here, so it is timed on
`--anchor-replicates` (default 50) and its bootstrap part scaled linearly to 1000 (per-replicate cost
is constant); its non-bootstrap part is added unscaled. The output states this.

Run from the repository root after `swift build -c release`:
    env -u OPENBLAS_CORETYPE python3 notebooks-export/bench_report.py
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=".build/release/chexstats")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--anchor-replicates", type=int, default=50)
    args = parser.parse_args()
    cores = os.cpu_count()
    names = sorted(os.listdir("data/demo/runs"))[: args.runs]
    print(f"# report benchmark: {len(names)} runs x 500 studies x 5 tasks, {args.replicates} replicates; "
          f"{cores} cores; load average before {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = os.path.join(tmp, "runs")
        os.makedirs(runs)
        for name in names:
            os.symlink(os.path.abspath(os.path.join("data/demo/runs", name)), os.path.join(runs, name))
        times = {}
        for threads in (1, cores):
            samples = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run([args.binary, "report", runs, "--labels", "data/demo/labels.csv",
                                "--out", os.path.join(tmp, "out"), "--replicates", str(args.replicates),
                                "--threads", str(threads)], check=True, capture_output=True)
                samples.append(time.perf_counter() - start)
            times[threads] = sorted(samples)[1]
            print(f"chexstats report, {threads} thread(s): {times[threads]:.3f} s (median of 3)", flush=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "notebooks-export/chextransfer_anchor.py", "data/demo/labels.csv",
                        runs, "--replicates", str(args.anchor_replicates), "--out",
                        os.path.join(tmp, "anchor")], check=True, capture_output=True)
        wall = time.perf_counter() - start
        timing = json.load(open(os.path.join(tmp, "anchor", "timings.json")))
        boot = timing["bootstrap_seconds"]
        rest = wall - boot
        scaled = rest + boot * args.replicates / args.anchor_replicates
        print(f"anchor (pandas + scikit-learn + scipy + statsmodels): {wall:.1f} s at "
              f"{args.anchor_replicates} replicates (bootstrap {boot:.1f} s); scaled to "
              f"{args.replicates} replicates: {scaled:.0f} s")
    best = min(times.values())
    print()
    print(f"| job | chexstats 1 thread (s) | chexstats {cores} threads (s) | anchor (s) | speed-up |")
    print("|---|---:|---:|---:|---:|")
    print(f"| {len(names)} runs x 500 studies x 5 tasks x {args.replicates} replicates | {times[1]:.2f} | "
          f"{times[cores]:.2f} | {scaled:.0f}* | {scaled / best:,.0f}x |")
    print(f"\n* timed at {args.anchor_replicates} replicates, bootstrap part scaled linearly.")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
