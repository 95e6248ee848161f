# SPDX-License-Identifier: MIT
# -u/--update: a rerun over an unchanged tree decodes nothing; a changed
# input, a changed setting, a missing or altered output rebuilds exactly
# what it touches; --dry-run says what and why and changes nothing; a run
# killed with SIGKILL leaves nothing that makes the next -u run wrong.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
samples_copy
decoded() { jq -s '[.[] | select(.type == "file" and .status == "ok")] | length' "$1"; }

run ib -u --report "$T/r1.json" -o "$T/out" "$T/in"
expect_rc 0
[ "$(decoded "$T/r1.json")" -eq 6 ] || fail "first run did not make 6 outputs"
expect_file "$T/out/.imgbatch-state"
expect_no_temp_files "$T/out"

# Unchanged: nothing decoded, every input skipped as up to date, exit 0.
run ib -u --report "$T/r2.json" -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "0 resized, 0 failed, 6 skipped"
[ "$(decoded "$T/r2.json")" -eq 0 ] || fail "an unchanged rerun decoded something"
jq -s -e '[.[] | select(.type == "file")] | all(.status == "skipped" and .error == "up to date")' \
    "$T/r2.json" > /dev/null || fail "not every input reported up to date"
# ... and no worker was started for it: a cron job's usual run costs a scan.
jq -s -e '.[-1] | select(.type == "summary") | .worker_rss_kib == 0' "$T/r2.json" > /dev/null ||
    fail "an unchanged rerun started a worker"

# A touched input: exactly that one.
touch -d '+1 minute' "$T/in/photo.jpg"
run ib_again -u -v -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 5 skipped"
expect_stderr_has "imgbatch: '$T/in/photo.jpg' -> '$T/out/resized_photo.jpg'"
# A removed output is made again. An output replaced by something else is
# not imgbatch's any more: -u leaves it, and says so, -n as the real run.
rm "$T/out/resized_grey.jpg"
cp "$T/in/photo.jpg" "$T/out/resized_long.jpg"
theirs=$(sha256sum < "$T/out/resized_long.jpg")
refused="imgbatch: '$T/in/long.jpg': not replaced: '$T/out/resized_long.jpg' has changed since imgbatch made it (-u replaces only its own outputs)"
run ib -u -n -o "$T/out" "$T/in"
expect_rc 1
expect_stdout_has "would resize '$T/in/grey.jpg' -> '$T/out/resized_grey.jpg' (new)"
[ "$(wc -l < "$T/stdout")" -eq 1 ] || fail "dry run announced $(wc -l < "$T/stdout") files, expected 1"
expect_stderr_has "$refused"
expect_stderr_has "1 would resize, 1 failed, 4 skipped in "
run ib_again -u -o "$T/out" "$T/in"
expect_rc 1
expect_stderr_has "$refused"
expect_stderr_has "1 resized, 1 failed, 4 skipped"
[ "$(sha256sum < "$T/out/resized_long.jpg")" = "$theirs" ] || fail "-u replaced a file it did not make"
expect_dims "$T/out/resized_grey.jpg" 100 75
# Once that file is gone, the output is made.
rm "$T/out/resized_long.jpg"
run ib_again -u -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 5 skipped"
expect_dims "$T/out/resized_long.jpg" 1 100

# A file imgbatch never made, at an output's path in a tree -u has no
# state for: -n says it is not replaced, and the run leaves it (without
# -u it is replaced, and -n says that).
mkdir -p "$T/theirs"
cp "$T/in/photo.jpg" "$T/theirs/resized_grey.jpg"
theirs=$(sha256sum < "$T/theirs/resized_grey.jpg")
refused="imgbatch: '$T/in/grey.jpg': not replaced: '$T/theirs/resized_grey.jpg' was not made by imgbatch (-u replaces only its own outputs)"
run ib_again -u -n -o "$T/theirs" "$T/in"
expect_rc 1
expect_stderr_has "$refused"
expect_stderr_has "5 would resize, 1 failed, 0 skipped"
grep -qF "'$T/theirs/resized_grey.jpg'" "$T/stdout" && fail "-n -u announced replacing a file imgbatch did not make"
run ib_again -u -o "$T/theirs" "$T/in"
expect_rc 1
expect_stderr_has "$refused"
expect_stderr_has "5 resized, 1 failed, 0 skipped"
[ "$(sha256sum < "$T/theirs/resized_grey.jpg")" = "$theirs" ] || fail "-u replaced a file it did not make"
run ib_again -n -o "$T/theirs" "$T/in"
expect_rc 0
expect_stdout_has "would resize '$T/in/grey.jpg' -> '$T/theirs/resized_grey.jpg' (replaces the output)"
expect_stderr_has "6 would resize, 0 failed, 0 skipped"
# Another size: every output rebuilt, and dry run first changes nothing.
before=$(checksums "$T/out")
run ib -u -n -s 50x50 -o "$T/out" "$T/in"
expect_rc 0
expect_stdout_has "(settings changed)"
[ "$(wc -l < "$T/stdout")" -eq 6 ] || fail "dry run should announce 6 files"
expect_stderr_has "(dry run: nothing changed)"
[ "$before" = "$(checksums "$T/out")" ] || fail "--dry-run changed files"
run ib_again -n -o "$T/never" "$T/in"
expect_no_file "$T/never"
run ib_again -u -s 50x50 -o "$T/out" "$T/in"
expect_stderr_has "6 resized, 0 failed, 0 skipped"
expect_dims "$T/out/resized_photo.jpg" 50 38

# Killed with SIGKILL mid-batch (one worker stuck, the rest done but maybe
# the file queued behind the stuck one): the next -u run finishes the job
# and every output is whole.
rm -rf "$T/out"
cp "$T/in/photo.jpg" "$T/in/hang.jpg"
IMGBATCH_TEST_FAULT="hang:hang.jpg" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -u -j2 -o "$T/out" "$T/in" \
    > /dev/null 2>&1 &
parent=$!
wait_for_outputs "$T/out" 5 300
sleep 0.5
workers=$(pgrep -P "$parent" || true)
kill -KILL "$parent" $workers 2> /dev/null || true
wait "$parent" 2> /dev/null || true
run ib -u -o "$T/out" "$T/in"
expect_rc 0
[ "$(ls "$T/out" | grep -c resized_)" -eq 7 ] || fail "expected 7 outputs after the rerun"
for f in "$T"/out/resized_*; do vipsheader "$f" > /dev/null || fail "$f is not whole"; done
expect_no_temp_files "$T/out"
run ib_again -u -o "$T/out" "$T/in"
expect_stderr_has "0 resized, 0 failed, 7 skipped"

# --prune: an output whose input is gone is removed (if it is still the
# file imgbatch made); others stay.
rm "$T/in/grey.jpg"
run ib -u --prune -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "imgbatch: '$T/out/resized_grey.jpg': removed: its input '$T/in/grey.jpg' is gone"
expect_no_file "$T/out/resized_grey.jpg"
expect_file "$T/out/resized_photo.jpg"
run ib_again -u --prune -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "0 resized, 0 failed, 6 skipped"
grep -q "resized_grey" "$T/out/.imgbatch-state" && fail "the pruned record is still there"
run ib --prune -o "$T/out" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --prune needs -u"
