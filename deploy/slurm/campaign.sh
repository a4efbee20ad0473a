#!/usr/bin/env bash
# A sharded `bgmd verify` campaign as a Slurm job array, then a merge job
# that runs when every array task has succeeded.
#
#   deploy/slurm/campaign.sh            # from the repository root, after `swift build -c release`
#
# The one place to change is the block below. Each array task runs
# `bgmd verify --shard auto`, which reads SLURM_ARRAY_TASK_ID,
# SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT, and writes
# REPORT_ROOT/shard-<task id>; the merge job writes REPORT_ROOT/merged.
set -euo pipefail

REPORT_ROOT="${REPORT_ROOT:-$PWD/reports/campaign}"
SHARDS="${SHARDS:-8}"
PROFILE="${PROFILE:-standard}"
SEED="${SEED:-1}"
BGMD="${BGMD:-$PWD/.build/release/bgmd}"

mkdir -p "$REPORT_ROOT/logs"
array_job=$(sbatch --parsable --array="0-$((SHARDS - 1))" --cpus-per-task=2 --time=02:00:00 \
  --job-name=bgmd-verify --output="$REPORT_ROOT/logs/shard-%a.log" \
  --export=ALL,REPORT_ROOT="$REPORT_ROOT",BGMD="$BGMD",PROFILE="$PROFILE",SEED="$SEED" \
  --wrap='exec "$BGMD" verify --shard auto --profile "$PROFILE" --seed "$SEED" --jobs "${SLURM_CPUS_PER_TASK:-2}" \
    --report "$REPORT_ROOT/shard-$SLURM_ARRAY_TASK_ID" --fixtures "$REPORT_ROOT/shard-$SLURM_ARRAY_TASK_ID/fixtures"')
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --job-name=bgmd-merge \
  --output="$REPORT_ROOT/logs/merge.log" --export=ALL,REPORT_ROOT="$REPORT_ROOT",BGMD="$BGMD" \
  --wrap='exec "$BGMD" report merge "$REPORT_ROOT"/shard-*/claims.json --report "$REPORT_ROOT/merged"')
echo "array job $array_job ($SHARDS shards), merge job $merge_job; reports under $REPORT_ROOT"
