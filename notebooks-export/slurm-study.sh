#!/usr/bin/env bash
# Score a whole study on a Slurm cluster: every model x every shard of the image list.
#
#   notebooks-export/slurm-study.sh [--wait]
#
# Settings come from the environment (defaults: the demo films and models of this repository):
#   CHEXSTATS  the chexstats binary               (.build/release/chexstats)
#   MODELS     a folder of .onnx models           (data/models)
#   IMAGES     the image root                     (data/films)
#   LIST       a CSV with a Path column           (data/films/labels.csv)
#   OUT        where the study goes               (study-out)
#   SHARDS     array tasks (slices of the list)   (4)
#   THREADS    CPUs per task (chexstats --threads) (1)
#   PRESET     preprocessing preset               (chexpert)
#   SBATCH_ARGS  extra sbatch options for every job, e.g. "--partition=cpu --time=02:00:00"
#
# What it submits:
# 1. one job array of SHARDS tasks; task K runs ONE `chexstats score` with ALL the models on the
#    K-th contiguous slice of the list (chexstats reads K and SHARDS from SLURM_ARRAY_TASK_ID and
#    SLURM_ARRAY_TASK_COUNT, so the command has no --shard). Each film is read and preprocessed
#    once for all the models, and the task writes OUT/shards/K/<model file stem>/ (a run folder per
#    model holding only its slice; with a single model, OUT/shards/K is that run folder). --resume lets a requeued or resubmitted task keep the images it
#    had already scored;
# 2. one merge job per model, held until every array task has succeeded (--dependency=afterok):
#    `chexstats merge OUT/shards/*/<stem> --out OUT/runs/<stem>`, which refuses gaps, overlaps and
#    shards of different models, lists or presets. OUT/runs/<stem>/predictions.csv is byte for byte
#    what one unsharded `score` would have written.
# With --wait the script returns when every merge has finished (non-zero if one failed). Then, e.g.:
#   chexstats compare "$OUT/runs/tiny-a" "$OUT/runs/tiny-b" --labels "$LIST" --blank ignore \
#     --tasks Cardiomegaly,"Pleural Effusion"
set -euo pipefail
cd "$(dirname "$0")/.."
CHEXSTATS=$(realpath "${CHEXSTATS:-.build/release/chexstats}")
MODELS=$(realpath "${MODELS:-data/models}")
IMAGES=$(realpath "${IMAGES:-data/films}")
LIST=$(realpath "${LIST:-data/films/labels.csv}")
OUT=$(realpath -m "${OUT:-study-out}")
SHARDS=${SHARDS:-4}
THREADS=${THREADS:-1}
PRESET=${PRESET:-chexpert}
read -r -a extra <<<"${SBATCH_ARGS:-}"
wait_flag=()
[ "${1:-}" = --wait ] && wait_flag=(--wait)

models=("$MODELS"/*.onnx)
[ -e "${models[0]}" ] || { echo "slurm-study: no .onnx files in $MODELS" >&2; exit 1; }
mkdir -p "$OUT/shards" "$OUT/runs" "$OUT/logs"

# 1. The array: one task per shard, all models in one score call. The single quotes keep
#    $SLURM_ARRAY_TASK_ID for the task to expand; printf %q quotes the paths.
score_command="$(printf '%q ' "$CHEXSTATS" score "${models[@]}" --images "$IMAGES" --list "$LIST" \
  --preset "$PRESET" --threads "$THREADS" --resume --quiet) --out $(printf '%q' "$OUT/shards")"'/$SLURM_ARRAY_TASK_ID'
array_job=$(sbatch --parsable "${extra[@]}" --job-name=chex-score --array="0-$((SHARDS - 1))" \
  --cpus-per-task="$THREADS" --output="$OUT/logs/score-%A_%a.out" --wrap="$score_command")
echo "slurm-study: array job $array_job: $SHARDS tasks, ${#models[@]} models each, $THREADS CPU(s) per task"

# 2. One merge per model once the whole array succeeded. The shard folders are listed in task
#    order (0 1 ... SHARDS-1), not in the shell's alphabetical order (10 before 2).
merge_jobs=()
for model in "${models[@]}"; do
  stem=$(basename "$model" .onnx)
  shard_dirs=()
  for ((k = 0; k < SHARDS; k++)); do
    # With one model, score writes the run folder itself; with several, a folder per model stem.
    if [ ${#models[@]} -eq 1 ]; then shard_dirs+=("$OUT/shards/$k"); else shard_dirs+=("$OUT/shards/$k/$stem"); fi
  done
  merge_command=$(printf '%q ' "$CHEXSTATS" merge "${shard_dirs[@]}" --out "$OUT/runs/$stem")
  job=$(sbatch --parsable "${extra[@]}" --job-name="chex-merge-$stem" --dependency="afterok:$array_job" \
    --kill-on-invalid-dep=yes --output="$OUT/logs/merge-$stem-%j.out" --wrap="$merge_command")
  merge_jobs+=("$job")
  echo "slurm-study: merge job $job -> $OUT/runs/$stem (after $array_job)"
done

# --wait: a no-op job that runs only when every merge succeeded; sbatch --wait returns its status.
if [ ${#wait_flag[@]} -gt 0 ]; then
  dependency=$(IFS=:; echo "afterok:${merge_jobs[*]}")
  sbatch --parsable "${extra[@]}" --wait --job-name=chex-study-done --dependency="$dependency" \
    --kill-on-invalid-dep=yes --output=/dev/null --wrap=true >/dev/null
  echo "slurm-study: done; runs in $OUT/runs: $(cd "$OUT/runs" && echo *)"
fi
