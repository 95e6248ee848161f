# SPDX-License-Identifier: MIT
# The core job: every sample resized next to itself, pixels as the goldens
# (made by vips thumbnail), inputs untouched, no temp files, one summary.
. "$(dirname "$0")/lib.sh"
samples_copy
before=$(checksums "$T/in")
run ib "$T/in"
expect_rc 0
expect_stderr_has "6 resized, 0 failed, 0 skipped in "
[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "expected only the summary line"
[ ! -s "$T/stdout" ] || fail "stdout should be empty"
for g in "$TESTDATA"/golden/samples/resized_*; do
    expect_file "$T/in/$(basename "$g")"
done
# The pixels, through imgbatch's own golden mode (README, "Golden images").
run ib -o "$T/out" --golden "$TESTDATA/golden/samples" "$T/in"
expect_rc 0
expect_stderr_has "golden: 6 match, 0 mismatch, 0 missing, 0 orphan"
expect_dims "$T/in/resized_photo.jpg" 100 75
expect_dims "$T/in/resized_rotated-6.jpg" 100 75
expect_dims "$T/in/resized_long.jpg" 1 100
expect_dims "$T/in/resized_tiny.png" 100 100
[ "$(vipsheader -f bands "$T/in/resized_alpha.png")" = 4 ] || fail "alpha lost"
[ "$(vipsheader -f bands "$T/in/resized_grey.jpg")" = 1 ] || fail "grey became colour"
expect_no_temp_files "$T/in"
after=$(checksums "$T/in" | grep -v resized_)
[ "$before" = "$after" ] || fail "inputs changed"
