#!/usr/bin/env bash
# The score benchmark: chexstats score against the Python pipeline researchers write
# (torch Dataset + DataLoader + torchvision transforms + onnxruntime), on real films made small
# (CheXpert-small size) and large (full detector size), 1 and 2 threads, 1 and 4 models.
#
#   notebooks-export/bench_score.sh .build/release/chexstats [bench_score.py options]
#   notebooks-export/bench_score.sh --python-only [options]     (the Python side alone)
#
# Build first: swift build -c release --product chexstats. Inputs and the DenseNet121 go to
# /tmp/chexstats-bench-score (made on the first run, about a minute; never committed).
# OPENBLAS_CORETYPE is unset for this command only (these machines set it to Haswell; see
# /work/shared/reference/python-tooling.md); tests and CI keep it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: $0 CHEXSTATS_BINARY|--python-only [bench_score.py options]" >&2
  exit 2
fi
if [ "$1" = --python-only ]; then
  binary_args=(--python-only)
else
  [ -x "$1" ] || { echo "bench_score.sh: no executable at $1" >&2; exit 1; }
  binary_args=(--chexstats "$1")
fi
shift
echo "machine: $(lscpu | grep 'Model name' | sed 's/  */ /g'), $(nproc) cores; $(uptime | sed 's/^ *//')"
env -u OPENBLAS_CORETYPE python3 notebooks-export/bench_score.py "${binary_args[@]}" "$@"
echo "after: $(uptime | sed 's/^ *//')"
