# SPDX-License-Identifier: MIT
# One image through a pipe: '-' reads stdin and writes stdout, in -f's
# format or the input's; failures and limits as for files, on stderr,
# with nothing on stdout and no temp file left; what cannot go with it
# is refused with the reason, and so is -o -.
. "$(dirname "$0")/lib.sh"
samples_copy
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"

run ib -s 100 - < "$T/in/photo.jpg"
expect_rc 0
[ ! -s "$T/stderr" ] || fail "stderr not empty"
cp "$T/stdout" "$T/out.jpg"
expect_dims "$T/out.jpg" 100 75
[ "$(vipsheader -f vips-loader "$T/out.jpg")" = jpegload ] || fail "not a JPEG"
run ib_again -s 50 -f webp - < "$T/in/photo.jpg"
expect_rc 0
cp "$T/stdout" "$T/out.webp"
expect_dims "$T/out.webp" 50 38
[ "$(vipsheader -f vips-loader "$T/out.webp")" = webpload ] || fail "not WebP"
run ib_again -s 40 - < "$T/in/alpha.png"
cp "$T/stdout" "$T/out.png"
[ "$(vipsheader -f vips-loader "$T/out.png")" = pngload ] || fail "not the input's PNG"

# A bad input: its reason, status 1, nothing on stdout.
run ib_again -s 100 - < "$TESTDATA/bad/truncated.jpg"
expect_rc 1
expect_stderr_has "imgbatch: '-': "
[ ! -s "$T/stdout" ] || fail "bytes on stdout after a failure"
run ib_again -s 100 --max-pixels 1000 - < "$T/in/photo.jpg"
expect_rc 1
expect_stderr_has "more than --max-pixels 1000"
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"

# Refused, with the reason.
run ib_again -s 100,200 - < "$T/in/photo.jpg"
expect_rc 2
expect_stderr_has "'-' makes one image on stdout"
run ib_again -s 100 -o "$T/o" - < "$T/in/photo.jpg"
expect_rc 2
expect_stderr_has "-o has no place beside it"
run ib_again -o - "$T/in"
expect_rc 2
expect_stderr_has "-o - is not stdout"
expect_no_file ./-
