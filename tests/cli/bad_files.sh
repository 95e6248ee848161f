# SPDX-License-Identifier: MIT
# Bad files: each is one line naming the file and the reason, exit 1,
# nothing written for it, the good file beside them still done.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/in"
cp "$TESTDATA"/bad/* "$T/in/"
cp "$TESTDATA"/samples/photo.jpg "$T/in/"
run ib "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/empty.jpg': empty file"
expect_stderr_has "imgbatch: '$T/in/text.jpg': not an image format imgbatch can read"
expect_stderr_has "imgbatch: '$T/in/truncated.jpg': VipsJpeg: Premature end of input file"
expect_stderr_has "1 resized, 3 failed, 0 skipped in "
[ "$(wc -l < "$T/stderr")" -eq 4 ] || fail "expected 3 failure lines and a summary"
for f in empty text truncated; do expect_no_file "$T/in/resized_$f.jpg"; done
expect_file "$T/in/resized_photo.jpg"
expect_no_temp_files "$T/in"
