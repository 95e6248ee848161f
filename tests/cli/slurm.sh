# SPDX-License-Identifier: MIT
# --shard auto under a real Slurm job array: a throw-away single-node
# cluster on this machine (scripts/lib/slurm-cluster.sh), one array job of
# 4 tasks over one tree; the 4 parts must cover every input exactly once,
# each part being the one --shard K/4 picks.
. "$(dirname "$0")/lib.sh"
# The job's runs happen inside slurmstepd, out of the wrapper's reach, and
# valgrind's start-up per run would dwarf the test.
[ -z "${IMGBATCH_WRAPPER:-}" ] || skip "not under IMGBATCH_WRAPPER ($IMGBATCH_WRAPPER): the runs happen in Slurm's jobs"
missing=
for bin in slurmctld slurmd sbatch scontrol sinfo squeue scancel munged mungekey munge unmunge; do
    command -v "$bin" > /dev/null || missing="$missing $bin"
done
if [ -n "$missing" ]; then
    # On CI a missing package must not pass unnoticed as a skip.
    [ "${CI:-}" != true ] || fail "Slurm is not installed (missing:$missing)"
    skip "Slurm is not installed (apt-get install slurmctld slurmd slurm-client munge)"
fi
[ "$(id -u)" -eq 0 ] || skip "a Slurm cluster needs root (slurmd runs jobs as their user)"
command -v jq > /dev/null || skip "jq is not installed"

. "$(dirname "$0")/../../scripts/lib/slurm-cluster.sh"
# munged wants every directory above its socket searchable by all.
chmod 0711 "$T"
# Stop the cluster before lib.sh's cleanup removes its state, on failure
# and on signals too (bash runs no EXIT trap when killed by an untrapped one).
trap 'slurm_cluster_stop "$T/cluster"; cleanup' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ~40 inputs, in subdirectories too, of two formats.
mkdir -p "$T/tree/a" "$T/tree/b/c"
for i in $(seq -w 1 12); do
    cp "$TESTDATA/samples/tiny.png" "$T/tree/t$i.png"
    cp "$TESTDATA/samples/photo.jpg" "$T/tree/a/p$i.jpg"
done
for i in $(seq -w 1 16); do cp "$TESTDATA/samples/tiny.png" "$T/tree/b/c/d$i.png"; done
find "$T/tree" -type f | sort > "$T/inputs.txt"
n=$(wc -l < "$T/inputs.txt")

slurm_cluster_start "$T/cluster" || fail "cannot start a Slurm cluster (see above)"

# The task's script names everything by absolute path: it runs in the
# job's environment and working directory, not the test's. Its shard comes
# from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.
mkdir -p "$T/job" "$T/reports"
{
    echo '#!/bin/bash'
    echo 'set -eu'
    # shellcheck disable=SC2016 # $SLURM_ARRAY_TASK_ID is the job's, not ours
    printf 'exec %q --shard auto -r -j1 --report %q-"$SLURM_ARRAY_TASK_ID".json -o %q %q\n' \
        "$IMGBATCH" "$T/reports/report" "$T/out" "$T/tree"
} > "$T/job/task.sh"
run sbatch --parsable --array=0-3 --job-name=imgbatch-shard --chdir="$T/job" \
    --output="$T/job/task-%a.log" "$T/job/task.sh"
expect_rc 0
job=$(cut -d';' -f1 "$T/stdout")
[ -n "$job" ] || fail "sbatch printed no job ID"

# show_tasks: the task logs and Slurm's view of the job, for a failure.
show_tasks() {
    local f
    scontrol -o show job "$job" 2>&1 | grep -oE '^JobId=[0-9]+|ArrayTaskId=[^ ]+|JobState=[^ ]+|Reason=[^ ]+| ExitCode=[^ ]+' |
        paste -s -d' ' | sed 's/ JobId=/\nJobId=/g' >&2 || true
    for f in "$T"/job/task-*.log; do
        [ -e "$f" ] || continue
        echo "--- $f" >&2
        cat "$f" >&2
    done
}

# Wait for the 4 tasks to end: no sacct without a database, so poll
# scontrol (MinJobAge keeps finished tasks visible). About 3 s when idle.
deadline=$((SECONDS + 120))
while :; do
    scontrol -o show job "$job" > "$T/tasks.txt" 2> "$T/stderr" || fail "scontrol cannot show job $job"
    # Until the array is split it is one line, ArrayTaskId=0-3.
    if [ "$(grep -c 'ArrayTaskId=[0-9]* ' "$T/tasks.txt")" -eq 4 ] &&
        ! grep -qE 'JobState=(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING)' "$T/tasks.txt"; then
        break
    fi
    [ "$SECONDS" -lt "$deadline" ] || { show_tasks; fail "job $job not done after 120 s"; }
    sleep 0.2
done
for k in 0 1 2 3; do
    line=$(grep "ArrayTaskId=$k " "$T/tasks.txt") || { show_tasks; fail "no task $k in job $job"; }
    state=$(grep -o 'JobState=[A-Z_]*' <<< "$line")
    # The leading space leaves DerivedExitCode out.
    code=$(grep -o ' ExitCode=[0-9:]*' <<< "$line" | tr -d ' ')
    [ "$state $code" = "JobState=COMPLETED ExitCode=0:0" ] ||
        { show_tasks; fail "task $k: $state $code, expected COMPLETED with exit 0"; }
done

expect_valid_outputs "$T/out" "$n"
# The reports' file records: all ok, pairwise disjoint, and together every
# input; each task's part is what --shard K/4 picks (as its dry run says).
for k in 0 1 2 3; do
    report_ok_inputs "$T/reports/report-$k.json" > "$T/part$k.txt"
    run "$IMGBATCH" -n --shard "$k/4" -r -o "$T/out2" "$T/tree"
    expect_rc 0
    sed -n "s/^would resize '\(.*\)' -> '.*' (new)\$/\1/p" "$T/stdout" | sort > "$T/dry$k.txt"
    [ "$(wc -l < "$T/dry$k.txt")" -eq "$(wc -l < "$T/stdout")" ] || fail "unexpected dry-run output: $(cat "$T/stdout")"
    cmp -s "$T/part$k.txt" "$T/dry$k.txt" ||
        fail "task $k's inputs differ from --shard $k/4's: $(diff "$T/dry$k.txt" "$T/part$k.txt" | head -n 10)"
done
expect_partition "$T/inputs.txt" "$T"/part?.txt
expect_no_file "$T/out2"
