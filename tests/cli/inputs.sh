# SPDX-License-Identifier: MIT
# Inputs from a list (--files-from, -0), --shard over one tree, --lock.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
mkdir -p "$T/tree/sub"
src=$TESTDATA/samples/tiny.png
for i in $(seq -w 1 12); do cp "$src" "$T/tree/p$i.png"; done
for n in "new
line.png" "sp ace.png" "$(printf 'bytes-\xff.png')"; do cp "$src" "$T/tree/sub/$n"; done

# find -print0 | imgbatch --files-from - -0: odd names and all; outputs
# keep their place below the current directory.
(cd "$T" && find tree -name '*.png' -print0 | ${IMGBATCH_WRAPPER:-} "$IMGBATCH" \
    --files-from - -0 -o out --report report.json) > "$T/stdout" 2> "$T/stderr" && rc=0 || rc=$?
expect_rc 0
expect_stderr_has "15 resized, 0 failed, 0 skipped"
expect_file "$T/out/tree/sub/resized_new
line.png"
expect_file "$T/out/tree/sub/resized_$(printf 'bytes-\xff.png')"
expect_file "$T/out/tree/resized_p01.png"
# One path per line; blank lines ignored; a missing file fails alone; an
# absolute path keeps only its name below -o.
printf '%s\n\n%s\n%s\n' "$T/tree/p01.png" "$T/tree/gone.png" "$T/tree/p02.png" > "$T/list.txt"
run ib --files-from "$T/list.txt" -o "$T/out2"
expect_rc 1
expect_stderr_has "imgbatch: '$T/tree/gone.png': No such file or directory"
expect_stderr_has "2 resized, 1 failed, 0 skipped"
expect_file "$T/out2/resized_p01.png"
# Retry exactly what failed, from a report, with jq (the README's recipe):
# a file that was broken and is now mended.
printf 'broken' > "$T/tree/p12.png"
(cd "$T" && ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -r --report r1.json -o out3 tree) > "$T/stdout" 2> "$T/stderr" && rc=0 || rc=$?
expect_rc 1
cp "$src" "$T/tree/p12.png"
(cd "$T" && jq -j 'select(.type == "file" and .status == "failed") | .input + "\u0000"' r1.json |
    ${IMGBATCH_WRAPPER:-} "$IMGBATCH" --files-from - -0 -o out3) > "$T/stdout" 2> "$T/stderr" && rc=0 || rc=$?
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 0 skipped"
expect_file "$T/out3/tree/resized_p12.png"
run ib --files-from "$T/nope.txt" -o "$T/out4"
expect_rc 2
expect_stderr_has "imgbatch: cannot read '$T/nope.txt': No such file or directory"
run ib -0 "$T/tree"
expect_rc 2
expect_stderr_has "imgbatch: -0 needs --files-from"

# --shard: 4 parts of the tree are disjoint and their union is all of it.
run ib -r --shard 0/4 --report "$T/shard0.json" -o "$T/sharded" "$T/tree"
expect_rc 0
for k in 1 2 3; do
    run ib_again -r --shard "$k/4" --report "$T/shard$k.json" -o "$T/sharded" "$T/tree"
    expect_rc 0
done
jq -c 'select(.type == "file") | .input_base64 // .input' "$T"/shard?.json | sort > "$T/union.txt"
[ "$(wc -l < "$T/union.txt")" -eq 15 ] || fail "shards cover $(wc -l < "$T/union.txt") of 15 inputs"
[ -z "$(uniq -d "$T/union.txt")" ] || fail "an input is in two shards: $(uniq -d "$T/union.txt")"
[ "$(find "$T/sharded" -type f -printf x | wc -c)" -eq 15 ] || fail "expected 15 outputs"
# auto: from a Slurm array's environment.
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 run ib_again -r --shard auto --report "$T/auto1.json" -o "$T/auto" "$T/tree"
expect_rc 0
cmp -s <(jq -r '.input // empty' "$T/auto1.json" | sort) <(jq -r '.input // empty' "$T/shard1.json" | sort) \
    || fail "--shard auto with task 1 of 4 is not --shard 1/4"
# auto in a Kubernetes Indexed Job: the pod's JOB_COMPLETION_INDEX, with N
# from auto/N or from IMGBATCH_SHARD_COUNT (README's manifest sets it).
JOB_COMPLETION_INDEX=1 run ib_again -r --shard auto/4 --report "$T/k8s1.json" -o "$T/k8s" "$T/tree"
expect_rc 0
cmp -s <(jq -r '.input // empty' "$T/k8s1.json" | sort) <(jq -r '.input // empty' "$T/shard1.json" | sort) \
    || fail "--shard auto/4 with JOB_COMPLETION_INDEX=1 is not --shard 1/4"
JOB_COMPLETION_INDEX=1 IMGBATCH_SHARD_COUNT=4 run ib_again -r --shard auto --report "$T/k8s2.json" -o "$T/k8s" "$T/tree"
expect_rc 0
cmp -s <(jq -r '.input // empty' "$T/k8s2.json" | sort) <(jq -r '.input // empty' "$T/shard1.json" | sort) \
    || fail "--shard auto with JOB_COMPLETION_INDEX=1 IMGBATCH_SHARD_COUNT=4 is not --shard 1/4"
JOB_COMPLETION_INDEX=1 run ib_again --shard auto "$T/tree"
expect_rc 2
expect_stderr_has "imgbatch: invalid --shard 'auto': JOB_COMPLETION_INDEX is 1, but of how many? Give --shard auto/N or IMGBATCH_SHARD_COUNT"
run ib --shard auto "$T/tree"
expect_rc 2
expect_stderr_has "imgbatch: invalid --shard 'auto': 'auto' needs SLURM_ARRAY_TASK_ID"
run ib --shard 4/4 "$T/tree"
expect_rc 2
expect_stderr_has "imgbatch: invalid --shard '4/4'"

# --lock: a second run while the first holds the lock exits 75 at once.
if command -v flock > /dev/null; then
    exec 9> "$T/lock"
    flock -n 9 || fail "cannot take the lock for the test"
    run ib --lock "$T/lock" -o "$T/locked" "$T/tree"
    expect_rc 75
    expect_stderr_has "imgbatch: '$T/lock' is locked by another run: exiting"
    expect_no_file "$T/locked"
    # --quiet keeps quiet: exit 75 says it (an overlapping cron run must
    # not send mail).
    run ib_again --quiet --lock "$T/lock" -o "$T/locked" "$T/tree"
    expect_rc 75
    [ ! -s "$T/stderr" ] || fail "--quiet printed: $(cat "$T/stderr")"
    # --lock-wait: gives up after that long while the lock stays held...
    start=$(date +%s%N)
    run ib_again --lock "$T/lock" --lock-wait 0.5 -o "$T/locked" "$T/tree"
    expect_rc 75
    expect_stderr_has "imgbatch: '$T/lock' is still locked by another run after 0.5 s: exiting"
    [ $(( ($(date +%s%N) - start) / 1000000 )) -ge 500 ] || fail "--lock-wait 0.5 did not wait"
    expect_no_file "$T/locked"
    exec 9>&-
    # ... and runs once the other run lets go within it.
    flock "$T/lock" sleep 1 &
    holder=$!
    sleep 0.2
    run ib_again --lock "$T/lock" --lock-wait 30 -o "$T/waited" "$T/tree"
    expect_rc 0
    wait "$holder"
    expect_file "$T/waited/resized_p01.png"
    run ib_again --lock-wait 5 -o "$T/locked" "$T/tree"
    expect_rc 2
    expect_stderr_has "imgbatch: --lock-wait needs --lock FILE"
    run ib_again --lock "$T/lock" -o "$T/locked" "$T/tree"
    expect_rc 0
fi
