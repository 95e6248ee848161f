# SPDX-License-Identifier: MIT
# SIGINT and SIGTERM: stop handing out work, end the workers (SIGTERM, then
# SIGKILL after a 5 s grace), leave every finished output and no partial
# one, print the summary so far, exit 130 or 143. A second SIGINT ends at
# once.
. "$(dirname "$0")/lib.sh"
samples_copy
# The hanging files are the largest: one worker takes the largest file
# (and queues the smallest behind it), the other does the five quick files
# left, smallest up, and then takes a hanging one.
for i in 1 2 3 4; do head -c 200000 /dev/zero > "$T/in/zz-hang$i.jpg"; done

# start FAULT: runs imgbatch in the background until 5 quick files are
# done and both workers hold a hanging file.
start() {
    rm -rf "$T/out"
    IMGBATCH_TEST_FAULT="$1:zz-hang" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j2 -o "$T/out" "$T/in" \
        > "$T/stdout" 2> "$T/stderr" &
    pid=$!
    wait_for_outputs "$T/out" 5 300
    sleep 0.3
}

# finish STATUS: it ended with STATUS, kept what was done, left no trace.
finish() {
    set +e; wait "$pid"; rc=$?; set -e
    expect_rc "$1"
    expect_stderr_has "5 resized, 0 failed, 0 skipped in "
    expect_stderr_has "(interrupted)"
    [ "$(ls "$T/out" | wc -l)" -eq 5 ] || fail "finished outputs not all kept"
    expect_no_temp_files "$T/out"
    [ -z "$(pgrep -f imgbatch-work -P "$pid")" ] || fail "workers left behind"
}

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

start hang; kill -INT "$pid"; finish 130
start hang; kill -TERM "$pid"; finish 143

# A worker that ignores SIGTERM gets SIGKILL after the grace period.
start stuck; t0=$(date +%s.%N); kill -INT "$pid"; finish 130
took=$(seconds_since "$t0")
awk -v t="$took" 'BEGIN { exit !(t >= 4.5 && t < 15) }' || fail "ended after ${took}s, expected the 5 s grace"

# ... unless a second SIGINT says "now".
start stuck; kill -INT "$pid"; sleep 1
kill -0 "$pid" 2>/dev/null || fail "ended before the grace period"
t0=$(date +%s.%N); kill -INT "$pid"; finish 130
took=$(seconds_since "$t0")
awk -v t="$took" 'BEGIN { exit !(t < 2) }' || fail "second SIGINT took ${took}s"
