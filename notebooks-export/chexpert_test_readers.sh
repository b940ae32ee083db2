#!/bin/sh
# The README's radiologist comparison on the real CheXpert test files (../shared/data/chexpert-test),
# and the figure it shows: the three leaderboard models, the two decision files and radiologist bc4.
# Run from the repository root after `swift build -c release`.
set -eu
T=../shared/data/chexpert-test
OUT=${1:-/tmp/chexpert-test}
mkdir -p "$OUT"
.build/release/chexstats compare --labels $T/groundtruth.csv $T/predictions/*.csv $T/decisions/*.csv \
  --readers $T/radiologists/bc4.csv --curves "$OUT/curves" --output "$OUT/chexpert-test.md"
cp "$OUT/curves/pleural-effusion.svg" notebooks-export/figures/chexpert-test-pleural-effusion.svg
echo "report: $OUT/chexpert-test.md, figure: notebooks-export/figures/chexpert-test-pleural-effusion.svg"
