# SPDX-License-Identifier: MIT
# --report: one JSON object per input, each followed by one per output,
# then a summary; valid JSON for any name; stdout with '-'.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
samples_copy
cp "$TESTDATA/bad/truncated.jpg" "$T/in/"
cp "$T/in/photo.jpg" "$T/in/$(printf 'new\nline "quoted" \\.jpg')"
cp "$T/in/photo.jpg" "$T/in/$(printf 'latin1-\xe9.jpg')"
run ib --report "$T/report.json" "$T/in"
expect_rc 1
jq -e . "$T/report.json" > /dev/null || fail "report is not valid JSON"
[ "$(jq -s 'length' "$T/report.json")" -eq 19 ] || fail "expected 9 files, 9 outputs and a summary"
[ "$(jq -s '[.[] | select(.type == "file")] | length' "$T/report.json")" -eq 9 ] || fail "file records"
[ "$(jq -s '[.[] | select(.type == "output")] | length' "$T/report.json")" -eq 9 ] || fail "output records"
jq -e -s '.[-1] | .type == "summary" and .version == 3 and .total == 9 and .ok == 8
          and .failed == 1 and .skipped == 0 and .exit == 1' "$T/report.json" > /dev/null \
    || fail "summary: $(tail -n1 "$T/report.json")"
# The summary says which imgbatch and libvips made the outputs, when the
# run started and ended, and has the counts a cron job wants in one place.
version=$("$IMGBATCH" --version | sed -n 's/^imgbatch //p')
jq -e -s --arg v "$version" '.[-1] | .imgbatch_version == $v
          and (.libvips_version | test("^8\\.[0-9]+\\.[0-9]+$"))
          and .dry_run == false and .would_resize == 0 and .pruned == 0
          and .golden == null
          and (.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$"))
          and .time >= .started' "$T/report.json" > /dev/null \
    || fail "summary lacks versions, times or counts: $(tail -n1 "$T/report.json")"
# Every record has its time.
jq -e -s 'all(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$"))' "$T/report.json" > /dev/null \
    || fail "a record without a time"
# An ok record carries sizes and the output; a failed one the reason.
file='select(.type == "file")'
jq -s -e --arg in "$T/in/photo.jpg" --arg out "$T/in/resized_photo.jpg" \
    "map($file | select(.input == \$in))[0]"' | .status == "ok" and .output == $out and .error == null
     and .in_w == 320 and .in_h == 240 and .out_w == 100 and .out_h == 75
     and .in_bytes > 0 and .out_bytes > 0 and .ms >= 0' "$T/report.json" > /dev/null \
    || fail "record for photo.jpg"
# Its one output's record follows it, with the variant's name.
jq -s -e --arg in "$T/in/photo.jpg" --arg out "$T/in/resized_photo.jpg" \
    '(map(.input == $in and .type == "file") | index(true)) as $i | .[$i + 1]
     | .type == "output" and .input == $in and .output == $out
     and .variant == "default" and .status == "ok" and .format == "jpeg"
     and .w == 100 and .h == 75 and .bytes > 0 and .ms >= 0' "$T/report.json" > /dev/null \
    || fail "output record for photo.jpg"
jq -s -e --arg in "$T/in/truncated.jpg" \
    "map($file | select(.input == \$in))[0]"' | .status == "failed" and .output == null
     and (.error | test("Premature end"))' "$T/report.json" > /dev/null \
    || fail "record for truncated.jpg"
# The odd name survives exactly; the non-UTF-8 one through its base64.
name=$(printf '%s/new\nline "quoted" \\.jpg' "$T/in")
jq -s -e --arg in "$name" "map($file | select(.input == \$in))[0] | .status == \"ok\"" "$T/report.json" > /dev/null \
    || fail "odd name not exact in the report"
b64=$(jq -r "$file"' | select(.input_base64) | .input_base64' "$T/report.json")
[ "$(printf '%s' "$b64" | base64 -d)" = "$(printf '%s/latin1-\xe9.jpg' "$T/in")" ] \
    || fail "non-UTF-8 name not exact in input_base64"

# Why each output was made: new, then (without -u) replaces the output;
# under -u, input changed, settings changed; a skipped input's record
# names its output, which exists.
why() {  # $1 report, $2 input: the why of its file record and its output's
    jq -r -s --arg in "$2" 'map(select(.input == $in and (.type == "file" or .type == "output")) | .why) | join(" ")' "$1"
}
rm -f "$T"/in/resized_*
run ib -u --report "$T/w1.json" "$T/in/photo.jpg"
[ "$(why "$T/w1.json" "$T/in/photo.jpg")" = "new new" ] || fail "first run: why is '$(why "$T/w1.json" "$T/in/photo.jpg")'"
run ib_again --report "$T/w2.json" "$T/in/photo.jpg"
[ "$(why "$T/w2.json" "$T/in/photo.jpg")" = "replaces the output replaces the output" ] || fail "rerun without -u: why is '$(why "$T/w2.json" "$T/in/photo.jpg")'"
run ib_again -u --report "$T/w3.json" "$T/in/photo.jpg"
[ "$(why "$T/w3.json" "$T/in/photo.jpg")" = "up to date up to date" ] || fail "up to date: why is '$(why "$T/w3.json" "$T/in/photo.jpg")'"
jq -e -s --arg out "$T/in/resized_photo.jpg" '.[0] | .status == "skipped" and .output == $out' "$T/w3.json" > /dev/null \
    || fail "a skipped record does not name its output: $(head -n 1 "$T/w3.json")"
touch -d '+1 minute' "$T/in/photo.jpg"
run ib_again -u --report "$T/w4.json" "$T/in/photo.jpg"
[ "$(why "$T/w4.json" "$T/in/photo.jpg")" = "input changed input changed" ] || fail "touched input: why is '$(why "$T/w4.json" "$T/in/photo.jpg")'"
run ib_again -u -q 50 --report "$T/w5.json" "$T/in/photo.jpg"
[ "$(why "$T/w5.json" "$T/in/photo.jpg")" = "settings changed settings changed" ] || fail "new quality: why is '$(why "$T/w5.json" "$T/in/photo.jpg")'"

# --prune: each removal is a record and counted in the summary, also
# under --quiet (which prints none).
mkdir -p "$T/pin"
cp "$T/in/photo.jpg" "$T/in/grey.jpg" "$T/pin/"
run ib_again -u -o "$T/pout" "$T/pin"
rm "$T/pin/grey.jpg"
run ib_again -u --prune --quiet --report "$T/prune.json" -o "$T/pout" "$T/pin"
expect_rc 0
[ ! -s "$T/stderr" ] || fail "--quiet printed: $(cat "$T/stderr")"
jq -e -s --arg out "$T/pout/resized_grey.jpg" --arg in "$T/pin/grey.jpg" \
    'map(select(.type == "pruned")) | length == 1 and .[0].output == $out
     and .[0].input == $in and .[0].reason == "its input is gone"' "$T/prune.json" > /dev/null \
    || fail "no pruned record: $(cat "$T/prune.json")"
jq -e -s '.[-1].pruned == 1' "$T/prune.json" > /dev/null || fail "summary: pruned is not 1"
run ib_again -u --prune -o "$T/pout" "$T/pin"
expect_stderr_has "0 resized, 0 failed, 1 skipped, 0 pruned in "

# --golden: the figures as numbers beside their text, and the counts in
# the summary. A golden of another quality: a mismatch with figures.
run ib_again -o "$T/gout" --golden "$T/golden" --update-golden --report "$T/g1.json" "$T/in/photo.jpg"
jq -e -s '.[-1].golden == {"created": 1, "updated": 0, "unchanged": 0}' "$T/g1.json" > /dev/null \
    || fail "--update-golden summary: $(tail -n 1 "$T/g1.json")"
run ib_again -o "$T/gout" --golden "$T/golden" --report "$T/g2.json" "$T/in/photo.jpg"
jq -e -s '(map(select(.type == "output"))[0] | .golden == "match" and .max_diff == 0
          and .psnr == null and .fraction == 0)
          and .[-1].golden == {"match": 1, "mismatch": 0, "missing": 0, "orphan": 0}' "$T/g2.json" > /dev/null \
    || fail "golden match: $(cat "$T/g2.json")"
run ib_again -q 5 -o "$T/gout" --golden "$T/golden" --max-diff 1 --report "$T/g3.json" "$T/in/photo.jpg"
expect_rc 1
jq -e -s '(map(select(.type == "output"))[0] | .golden == "mismatch"
          and (.max_diff | type) == "number" and .max_diff > 1
          and (.psnr | type) == "number" and .psnr > 0
          and (.fraction | type) == "number" and .fraction >= 0 and .fraction <= 1)
          and .[-1].golden.mismatch == 1' "$T/g3.json" > /dev/null \
    || fail "golden mismatch: $(cat "$T/g3.json")"

# '-' is stdout, and the summary line still goes to stderr.
run ib --report - "$T/in/photo.jpg"
expect_rc 0
jq -e -s 'length == 3 and .[0].status == "ok"' "$T/stdout" > /dev/null || fail "stdout report"
expect_stderr_has "1 resized, 0 failed, 0 skipped"

run ib --report "$T/no/such/dir/r.json" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: cannot write report '$T/no/such/dir/r.json': No such file or directory"

# --report - into a pipe that closes (SIGPIPE): the batch is not killed;
# every file is still done, the report's loss is said, and the exit is 1.
rm -f "$T"/in/resized_*
set +e
${IMGBATCH_WRAPPER:-} "$IMGBATCH" --report - "$T/in" 2> "$T/stderr" | true
rc=${PIPESTATUS[0]}
set -e
expect_rc 1
expect_stderr_has "imgbatch: cannot write report '-': Broken pipe"
expect_stderr_has "8 resized, 1 failed, 0 skipped"
expect_file "$T/in/resized_photo.jpg"

# Records reach the file while the run goes on (written a tick at a time,
# whole lines): with one worker hung on the largest file (the smallest
# queued behind it), the other's five are in the report before the run
# ends.
rm -rf "$T/live" "$T/live-out" && mkdir -p "$T/live"
cp "$TESTDATA"/samples/* "$T/live/"
head -c 200000 /dev/zero > "$T/live/zz-hang.jpg"
IMGBATCH_TEST_FAULT="hang:zz-hang" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j2 --report "$T/live.json" \
    -o "$T/live-out" "$T/live" > /dev/null 2>&1 &
pid=$!
wait_for_outputs "$T/live-out" 5 300
live=""
for _ in $(seq 1 50); do
    live=$(jq -s '[.[] | select(.type == "file")] | length' "$T/live.json" 2> /dev/null || echo 0)
    [ "$live" -ge 5 ] && break
    sleep 0.1
done
kill -0 "$pid" 2> /dev/null || fail "the run ended before the check"
kill -INT "$pid"
set +e; wait "$pid"; set -e
[ "$live" -ge 5 ] || fail "$live of the 5 files done were in the report mid-run"
jq -e -s '.[-1] | .type == "summary" and .interrupted' "$T/live.json" > /dev/null ||
    fail "no summary after SIGINT: $(tail -n1 "$T/live.json")"

