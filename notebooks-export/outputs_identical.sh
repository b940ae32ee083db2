#!/usr/bin/env bash
# Runs one chexstats binary over the demo data, the real CheXpert test files in ../shared/data and
# the ONNX test fixtures, writing every output (stdout, stderr, exit status, written files) into
# OUT_DIR. Run it with the binary before and after a change, then `diff -r BEFORE AFTER`: a
# refactoring that changes no behaviour leaves the diff empty.
#
# usage: notebooks-export/outputs_identical.sh CHEXSTATS_BINARY OUT_DIR   (from the repository root)
set -uo pipefail
bin=$(realpath "$1")
out=$2
rm -rf "$out" && mkdir -p "$out"
shared=../shared/data/chexpert-test
n=0
# case NAME ARGS...: runs the binary, keeps stdout, stderr and the exit status.
case_() {
  local name=$1
  shift
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
  echo $? >"$out/$name.status"
  n=$((n + 1))
}
demo=data/demo
runs=$demo/runs
for format in markdown csv json; do
  case_ demo-compare-$format compare $runs/mobilenet_v2-pretrained-s1 $runs/mobilenet_v2-random-s1 \
    --labels $demo/labels.csv --format $format --replicates 200
done
case_ demo-compare-mean-all compare $runs/densenet121-pretrained-s1 $runs/densenet121-trunc1-s1 \
  --labels $demo/labels.csv --aggregate study-mean --tasks all --replicates 100 --seed 7
case_ demo-compare-uncertain compare $runs/densenet121-pretrained-s1 $runs/densenet121-random-s2 \
  --labels $demo/labels-uncertain.csv --uncertain ones --blank ignore --replicates 100 --format json
case_ demo-compare-stratified compare $runs/densenet121-pretrained-s1 $runs/densenet121-random-s2 \
  --labels $demo/labels.csv --tasks Edema --stratified --replicates 100 --format csv
case_ demo-compare-file-output compare $runs/densenet121-pretrained-s1 $runs/densenet121-random-s2 \
  --labels $demo/labels.csv --replicates 50 --format csv --output "$out/compare-output.csv"
case_ demo-report report $runs --labels $demo/labels.csv --out "$out/demo-report" --replicates 200
case_ demo-report-no-table report $runs --labels $demo/labels.csv --out "$out/demo-report-explicit" \
  --replicates 100 --architectures data/architectures.csv --tasks all --seed 3
case_ err-missing-labels compare $runs/densenet121-pretrained-s1 $runs/densenet121-random-s2 --labels nope.csv
case_ err-missing-run compare nope $runs/densenet121-random-s2 --labels $demo/labels.csv
case_ err-report-missing report nope --labels $demo/labels.csv --out "$out/nope-report"
case_ err-stratified compare $runs/densenet121-pretrained-s1 $runs/densenet121-random-s2 \
  --labels $demo/labels.csv --stratified
case_ err-replicates compare a b --labels $demo/labels.csv --replicates 0
if [ -d "$shared" ]; then
  p=$shared/predictions
  for pair in "desmond drnet" "drnet jfaboy" "desmond jfaboy"; do
    set -- $pair
    for format in markdown csv json; do
      case_ real-$1-$2-$format compare $p/$1_predictions.csv $p/$2_predictions.csv \
        --labels $shared/groundtruth.csv --format $format --replicates 200
    done
  done
  case_ real-labeler-all compare $p/desmond_predictions.csv $p/drnet_predictions.csv \
    --labels $shared/labeler_chexpert_labels.csv --tasks all --intersect --replicates 100
fi
for model in Tests/ChexInferenceTests/Fixtures/*/model.onnx Tests/ChexInferenceTests/Architectures/*/model.onnx \
  Tests/ChexONNXTests/Fixtures/*.onnx Tests/ChexONNXTests/Fixtures/light/*.onnx; do
  name=$(echo "$model" | tr '/' '_')
  case_ inspect-$name inspect "$model"
  case_ inspect-json-$name inspect "$model" --format json
  input=$(dirname "$model")/input.npy
  if [ -f "$input" ]; then
    for kernels in automatic fast openblas; do
      case_ run-$kernels-$name run "$model" --input "$input" --output "$out/run-$kernels-$name.npy" \
        --kernels $kernels --threads 2
    done
  fi
done
case_ err-run-missing run nope.onnx --input nope.npy --output "$out/nope.npy"
# Paths of temporary output folders appear in messages: make them relative to OUT_DIR.
sed -i "s|$out|OUT|g" "$out"/*.out "$out"/*.err
echo "$n cases -> $out"
