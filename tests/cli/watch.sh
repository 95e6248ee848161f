# SPDX-License-Identifier: MIT
# --watch: a new file, a changed one and a removed one (with --prune) are
# handled within a few seconds, a copy in progress only once it is whole,
# a folder removed and made again is picked up; the report streams
# records; SIGTERM ends it with the summary, status 143, no temp file.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
samples_copy
mkdir -p "$T/in/sub"
mv "$T/in/grey.jpg" "$T/in/sub/"

${IMGBATCH_WRAPPER:-} "$IMGBATCH" --watch --watch-settle 0.3 -r --prune -s 50 -o "$T/out" \
    --report "$T/report.json" "$T/in" > "$T/stdout" 2> "$T/stderr" &
pid=$!
trap 'kill -9 $pid 2> /dev/null || true; cleanup' EXIT
# until SECONDS CMD...: waits for CMD to succeed.
until_ok() {
    local t=$1
    shift
    for _ in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done
    return 1
}
until_ok 20 test -f "$T/out/sub/resized_grey.jpg" || fail "first round not done"

# New: made within a few seconds.
cp "$T/in/photo.jpg" "$T/in/sub/new.jpg"
until_ok 10 test -f "$T/out/sub/resized_new.jpg" || fail "new file not made"
expect_dims "$T/out/sub/resized_new.jpg" 50 38
# Changed: made again.
cp "$T/out/resized_photo.jpg" "$T/before.jpg"
vips copy "$T/in/alpha.png" "$T/in/photo.jpg"
until_ok 10 sh -c "! cmp -s '$T/before.jpg' '$T/out/resized_photo.jpg'" ||
    fail "changed file not made again"
# Written slowly, half a file at a time: taken once whole.
head -c 4000 "$T/in/photo.jpg" > "$T/in/slow.jpg"
sleep 0.1
tail -c +4001 "$T/in/photo.jpg" >> "$T/in/slow.jpg"
until_ok 10 test -f "$T/out/resized_slow.jpg" || fail "slow copy not made"
# Removed: its output goes.
rm "$T/in/sub/new.jpg"
until_ok 10 test ! -e "$T/out/sub/resized_new.jpg" || fail "output of a removed file kept"
# A folder removed and made again.
rm -r "$T/in/sub"
until_ok 10 test ! -e "$T/out/sub/resized_grey.jpg" || fail "removed folder's output kept"
mkdir "$T/in/sub"
cp "$TESTDATA/samples/grey.jpg" "$T/in/sub/again.jpg"
until_ok 10 test -f "$T/out/sub/resized_again.jpg" || fail "recreated folder not watched"

kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
expect_rc 143
expect_stderr_has "' -> '$T/out/sub/resized_new.jpg'"
expect_stderr_has "removed: its input '$T/in/sub/new.jpg' is gone"
expect_stderr_has "(interrupted)"
expect_stderr_lacks "failed:"
jq -e -s '.[-1] | .type == "summary" and .interrupted and .exit == 143' \
    "$T/report.json" > /dev/null || fail "no summary: $(tail -n1 "$T/report.json")"
# Streamed: one file record per input made, none for the ones up to date.
[ "$(jq -s '[.[] | select(.type == "file" and .input == "'"$T/in/sub/grey.jpg"'")] | length' \
    "$T/report.json")" = 1 ] || fail "grey.jpg reported more than once"
expect_no_temp_files "$T/out"
