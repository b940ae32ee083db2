#!/usr/bin/env bash
# Builds the fuzz targets and runs one (or all, one after another) for a set time.
#
#   Fuzz/run.sh TARGET SECONDS     TARGET: csv, join, run-json, npy, onnx, jpeg, png, dicom, journal, or all
#   Fuzz/run.sh minimise FOLDER    merges FOLDER/<target> into Fuzz/Corpus/<target> (-merge=1)
#
# Each run reads the committed corpus Fuzz/Corpus/<target>; new inputs go to a scratch folder
# ($CHEXSTATS_FUZZ_WORK, default Fuzz/.build/fuzz-work/<target>/corpus), crash inputs beside it.
# With CHEXSTATS_FUZZ_GROW=1 new inputs go into the committed corpus instead. An allocation over
# -malloc_limit_mb, a process over -rss_limit_mb, or one input over -timeout seconds is reported
# as a crash: that is how a size read from a file and not bounded shows up. Leaks are not:
# Swift 6.3's FoundationEssentials leaks 4 KB reading an empty file (`Data(contentsOf:)`).
# Exits 1 on a crash.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${CHEXSTATS_FUZZ_BUILD:-$here/.build}
work=${CHEXSTATS_FUZZ_WORK:-$build/fuzz-work}
targets=(csv join run-json npy onnx jpeg png dicom journal)

usage() {
  echo "usage: Fuzz/run.sh {${targets[*]// /|}|all} SECONDS | Fuzz/run.sh minimise FOLDER" >&2
  exit 2
}

# The longest input libFuzzer makes for each target: a few rows of CSV, a small model, a small
# image.
max_len() {
  case $1 in
    csv | join) echo 8192 ;;
    run-json | npy) echo 4096 ;;
    onnx) echo 65536 ;;
    jpeg | png) echo 16384 ;;
    dicom | journal) echo 8192 ;;
  esac
}

# SwiftPM's --sanitize=fuzzer links libFuzzer but instruments nothing, so coverage is asked for
# explicitly (what swiftc's -sanitize=fuzzer would add), for every module including the library's.
build_targets() {
  swift build --package-path "$here" --scratch-path "$build" -c debug \
    --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    2>&1 | grep -v "Cannot export local symbol" >&2 || true
  for target in "${targets[@]}"; do
    [[ -x $build/debug/fuzz-$target ]] || { echo "Fuzz/run.sh: fuzz-$target was not built" >&2; exit 1; }
  done
}

# libFuzzer handles crashes itself; Swift's backtracer would only slow each one down.
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

run_target() {
  local target=$1 seconds=$2
  local corpus=$here/Corpus/$target scratch=$work/$target/corpus
  mkdir -p "$scratch" "$work/$target/crashes"
  local folders=("$scratch" "$corpus")
  [[ ${CHEXSTATS_FUZZ_GROW:-0} == 1 ]] && folders=("$corpus")
  echo "== fuzz-$target for ${seconds}s (corpus $corpus, new inputs in ${folders[0]})" >&2
  "$build/debug/fuzz-$target" "${folders[@]}" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=512 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix="$work/$target/crashes/" 2>"$work/$target/log" \
    || { tail -n 60 "$work/$target/log" >&2; echo "Fuzz/run.sh: fuzz-$target crashed; input in $work/$target/crashes" >&2; return 1; }
  grep -E "^(stat::|Done)" "$work/$target/log" | tr '\n' ' ' >&2
  echo >&2
}

[[ $# == 2 ]] || usage
case $1 in
  minimise)
    build_targets
    for target in "${targets[@]}"; do
      [[ -d $2/$target ]] || continue
      mkdir -p "$here/Corpus/$target"
      "$build/debug/fuzz-$target" -merge=1 -max_len="$(max_len "$target")" \
        -rss_limit_mb=2048 -malloc_limit_mb=512 "$here/Corpus/$target" "$2/$target" 2>/dev/null
    done
    ;;
  all)
    build_targets
    failed=0
    for target in "${targets[@]}"; do run_target "$target" "$2" || failed=1; done
    exit $failed
    ;;
  *)
    [[ " ${targets[*]} " == *" $1 "* ]] || usage
    build_targets
    run_target "$1" "$2"
    ;;
esac
