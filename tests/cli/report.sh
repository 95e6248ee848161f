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
jq -e -s '.[-1] | .type == "summary" and .version == 2 and .total == 9 and .ok == 8
          and .failed == 1 and .skipped == 0 and .exit == 1' "$T/report.json" > /dev/null \
    || fail "summary: $(tail -n1 "$T/report.json")"
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
