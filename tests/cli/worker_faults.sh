# SPDX-License-Identifier: MIT
# A worker that crashes, is killed, exits or talks nonsense costs exactly
# the file it held: that file fails with the reason, the rest are done, no
# temp file is left, and the batch goes on with a new worker.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || skip "jq is not installed"
samples_copy
faults=("segv:killed by SIGSEGV" "kill:killed by SIGKILL"
        "abort:killed by SIGABRT" "exit:worker exited with status 3"
        "garbage:worker sent a malformed message")
# Under valgrind a death and a malformed message: the parent's other
# paths differ from the first only in the reason's text.
[ -z "${IMGBATCH_WRAPPER:-}" ] || faults=("${faults[0]}" "${faults[4]}")
for fault in "${faults[@]}"; do
    action=${fault%%:*} reason=${fault#*:}
    rm -rf "$T/out"
    IMGBATCH_TEST_FAULT="$action:photo.jpg" run ib -j2 -o "$T/out" "$T/in"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/in/photo.jpg': $reason"
    expect_stderr_has "5 resized, 1 failed, 0 skipped"
    expect_no_file "$T/out/resized_photo.jpg"
    [ "$(ls "$T/out" | wc -l)" -eq 5 ] || fail "$action: expected 5 outputs"
    expect_no_temp_files "$T/out"
done

# A worker that says a lot on stderr (256 KiB on each of the four JPEGs,
# four times what a pipe holds, which the parent reads a tick at a time)
# is neither stalled for good nor taken for a failure.
rm -rf "$T/out"
IMGBATCH_TEST_FAULT="chatty:.jpg" run ib -j2 --timeout 30 -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "6 resized, 0 failed, 0 skipped"
expect_stderr_lacks "xxxx"

# With one worker, the replacement does all the files after the crash,
# the one queued behind the crashing file too.
rm -rf "$T/out"
IMGBATCH_TEST_FAULT="segv:alpha.png" run ib -j1 -o "$T/out" "$T/in"
expect_rc 1
expect_stderr_has "5 resized, 1 failed, 0 skipped"

# Quick files are handed out several at a time (lib/parent/pace.h): a
# crash among 80 of them still costs that file alone, and every file
# queued behind it is done by the next worker. (Not under valgrind, where
# no file is quick.)
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/many"
    for i in $(seq -w 1 80); do cp "$T/in/tiny.png" "$T/many/t$i.png"; done
    IMGBATCH_TEST_FAULT="segv:t40.png" run ib -j2 -o "$T/many-out" "$T/many"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/many/t40.png': killed by SIGSEGV"
    expect_stderr_has "79 resized, 1 failed, 0 skipped"
    [ "$(ls "$T/many-out" | wc -l)" -eq 79 ] || fail "expected 79 outputs"
    expect_no_temp_files "$T/many-out"
fi

# The file queued behind one that times out is done even when the other
# worker has done all the rest meanwhile: the largest file hangs, the
# smallest is queued behind it, the other worker does the four others.
# (The parent's bookkeeping: not under valgrind.)
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/late"
    head -c 200000 /dev/zero > "$T/late/big-hang.jpg"
    cp "$T/in/photo.jpg" "$T/in/grey.jpg" "$T/in/long.jpg" "$T/in/tiny.png" "$T/in/alpha.png" "$T/late/"
    IMGBATCH_TEST_FAULT="hang:big-hang" run ib -j2 --timeout 1 -o "$T/late-out" "$T/late"
    expect_rc 1
    expect_stderr_has "5 resized, 1 failed, 0 skipped"
    expect_file "$T/late-out/resized_tiny.png"
fi

# Killed from outside: once the other file is done, SIGKILL every worker.
# The idle one costs nothing; the one stuck on hang.jpg costs that file.
# Two files, so nothing is left for the idle worker to wait on: it is idle
# for good, however slowly the parent runs. (A file queued behind a killed
# worker going back to the batch: the --timeout case above.)
mkdir -p "$T/kill"
cp "$T/in/photo.jpg" "$T/kill/photo.jpg"
cp "$T/in/photo.jpg" "$T/kill/hang.jpg"
IMGBATCH_TEST_FAULT="hang:hang.jpg" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j2 -o "$T/kill-out" "$T/kill" \
    > "$T/stdout" 2> "$T/stderr" &
parent=$!
settled() {
    [ -f "$T/kill-out/resized_photo.jpg" ] || return 1
    workers=$(pgrep -P "$parent" || true)
    waiting=""
    for w in $workers; do
        case "$(cat "/proc/$w/wchan" 2> /dev/null)" in
        *pause*) waiting="$waiting hung" ;;
        *pipe_read*) waiting="$waiting idle" ;;
        esac
    done
    case "$waiting" in *hung*idle* | *idle*hung*) return 0 ;; esac
    return 1
}
for _ in $(seq 1 300); do
    settled && break
    sleep 0.1
done
[ "$(echo "$workers" | wc -w)" -eq 2 ] || { kill "$parent"; fail "expected 2 workers, found: $workers"; }
case "$waiting" in *hung*idle* | *idle*hung*) ;; *)
    kill "$parent"; fail "the workers never settled (one hung, one idle):$waiting" ;;
esac
kill -KILL $workers
set +e; wait "$parent"; rc=$?; set -e
expect_rc 1
expect_stderr_has "imgbatch: '$T/kill/hang.jpg': killed by SIGKILL"
expect_stderr_has "1 resized, 1 failed, 0 skipped"
expect_no_file "$T/kill-out/resized_hang.jpg"
expect_no_temp_files "$T/kill-out"

# The whole run SIGKILLed while a worker writes (the OOM killer, a node
# taken away): nobody is left to clean up, and nothing needs it. The file
# being written has no name until it is whole (O_TMPFILE, linked into
# place), so no temp file and no output is left behind.
mkdir -p "$T/mw"
cp "$T/in/photo.jpg" "$T/mw/a.jpg"
IMGBATCH_TEST_FAULT="midwrite:a.jpg" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j1 -o "$T/mw-out" "$T/mw" \
    > /dev/null 2>&1 &
parent=$!
writing=""
for _ in $(seq 1 300); do
    for w in $(pgrep -P "$parent" || true); do
        ls -l "/proc/$w/fd" 2> /dev/null | grep -q "mw-out/" && writing=$w
    done
    [ -n "$writing" ] && break
    sleep 0.1
done
[ -n "$writing" ] || { kill -KILL "$parent"; fail "no worker got to writing a.jpg"; }
kill -KILL "$parent"
set +e; wait "$parent"; set -e
# The worker follows its parent (PR_SET_PDEATHSIG). Dead is gone, or a
# zombie that whoever adopted it has not reaped yet.
running() {
    local state
    state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2> /dev/null || true)
    [ -n "$state" ] && [ "$state" != Z ]
}
for _ in $(seq 1 100); do running "$writing" || break; sleep 0.1; done
running "$writing" && fail "worker $writing outlived its parent"
expect_no_temp_files "$T/mw-out"
expect_no_file "$T/mw-out/resized_a.jpg"
[ -z "$(ls -A "$T/mw-out")" ] || fail "left in the output folder: $(ls -A "$T/mw-out")"

# A worker that never answers is killed after --timeout. Under valgrind a
# normal decode can take seconds, so the limit there is looser.
limit=1
[ -z "${IMGBATCH_WRAPPER:-}" ] || limit=8
rm -rf "$T/out"
cp "$T/in/photo.jpg" "$T/in/hang.jpg"
IMGBATCH_TEST_FAULT="hang:hang.jpg" run ib -j2 --timeout "$limit" -o "$T/out" "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/hang.jpg': timed out after $limit s"
expect_stderr_has "6 resized, 1 failed, 0 skipped"

# Workers that cannot start (libvips' start fails): stop with exit 2, not
# a loop, with the reason the worker gave; every input is reported
# skipped, with why (a rerun from the report picks them up).
why="workers keep dying at start-up (cannot start libvips: imgbatch: IMGBATCH_TEST_FAULT=startup)"
IMGBATCH_TEST_FAULT=startup run ib -j2 --report "$T/startup.json" -o "$T/out2" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: $why"
expect_stderr_has "0 resized, 0 failed, 7 skipped"
[ "$(wc -l < "$T/stderr")" -eq 2 ] || fail "more than the reason and the summary"
[ "$(jq -r 'select(.type == "file" and .status == "skipped") | .error' "$T/startup.json" | sort -u)" = \
    "not tried: $why" ] ||
    fail "the report does not name every input as not tried"
[ "$(jq -s '[.[] | select(.type == "file")] | length' "$T/startup.json")" -eq 7 ] ||
    fail "the report does not name all 7 inputs"

# A worker's own stderr never reaches the user: glibc's words on a corrupt
# heap become part of the reason of the file the worker died on, and
# nothing else is printed. (Under valgrind the second free is only
# reported, and the worker goes on: not there.)
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    rm -rf "$T/out"
    IMGBATCH_TEST_FAULT="doublefree:photo.jpg" run ib -j2 -o "$T/out" "$T/in"
    expect_rc 1
    [ "$(wc -l < "$T/stderr")" -eq 2 ] || fail "more than the failure and the summary"
    if [ -z "${IMGBATCH_TEST_SANITIZED:-}" ]; then
        expect_stderr_has "imgbatch: '$T/in/photo.jpg': killed by SIGABRT (free(): double free detected in tcache 2)"
    else
        expect_stderr_has "imgbatch: '$T/in/photo.jpg': worker exited with status 1 ("
    fi
    expect_stderr_has "6 resized, 1 failed, 0 skipped"
fi
