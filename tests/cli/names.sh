# SPDX-License-Identifier: MIT
# Odd names: spaces, a newline, quotes, '[', '%', a leading dash, bytes that
# are not UTF-8, a path of 2,800 bytes. Each is read, written beside its
# twin under -o, named exactly in the report, and one line on stderr.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
mkdir -p "$T/in"
src=$TESTDATA/samples/photo.jpg
names=("with space.jpg" "$(printf 'new\nline.jpg')" "quote'\"s.jpg" "[bracket].jpg"
       "pct%d%s.jpg" "-dash.jpg" "$(printf 'bytes-\xff\xfe.jpg')" 'back\slash.jpg' "tab	.jpg")
for n in "${names[@]}"; do cp "$src" "$T/in/$n"; done
# A long path: 14 directories of 200 bytes each (a file name can be 255
# bytes, a path far longer than any one name).
long=$T/in
for i in $(seq 1 14); do long=$long/$(printf 'd%02d' "$i")$(printf 'x%.0s' $(seq 1 197)); done
mkdir -p "$long"
cp "$src" "$long/deep.jpg"
[ "${#long}" -gt 2800 ] || fail "long path is only ${#long} bytes"

run ib -r -o "$T/out" --report "$T/report.json" "$T/in"
expect_rc 0
expect_stderr_has "10 resized, 0 failed, 0 skipped"
for n in "${names[@]}"; do
    expect_file "$T/out/resized_$n"
    expect_dims "$T/out/resized_$n" 100 75
done
expect_file "$T/out${long#"$T/in"}/resized_deep.jpg"
jq -e . "$T/report.json" > /dev/null || fail "report is not valid JSON"
# Every UTF-8 name is exact in the report; the other through base64.
for n in "${names[@]}"; do
    case $n in bytes-*) continue ;; esac
    jq -s -e --arg in "$T/in/$n" 'map(select(.type == "file" and .input == $in)) | length == 1' "$T/report.json" > /dev/null \
        || fail "'$n' not exact in the report"
done
b64=$(jq -r 'select(.type == "file" and .input_base64) | .input_base64' "$T/report.json")
[ "$(printf '%s' "$b64" | base64 -d)" = "$(printf '%s/bytes-\xff\xfe.jpg' "$T/in")" ] \
    || fail "non-UTF-8 name not exact in input_base64"

# Failures stay one line each whatever the name: control characters and
# bad bytes are escaped.
for n in "$(printf 'new\nline.jpg')" "$(printf 'bytes-\xff\xfe.jpg')"; do
    printf 'not an image' > "$T/in/$n"
done
run ib -o "$T/out2" "$T/in/$(printf 'new\nline.jpg')" "$T/in/$(printf 'bytes-\xff\xfe.jpg')"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/new\\nline.jpg': not an image format imgbatch can read"
expect_stderr_has "imgbatch: '$T/in/bytes-\\xff\\xfe.jpg': not an image format imgbatch can read"
[ "$(wc -l < "$T/stderr")" -eq 3 ] || fail "expected 2 failure lines and a summary"

# Named on the command line: '[' is a name, not libvips options; a leading
# dash after --.
run ib -o "$T/out3" -- "$T/in/[bracket].jpg" "$T/in/-dash.jpg"
expect_rc 0
expect_file "$T/out3/resized_[bracket].jpg"
expect_file "$T/out3/resized_-dash.jpg"
