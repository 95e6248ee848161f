# SPDX-License-Identifier: MIT
# A second run over the same folder leaves the outputs alone as inputs:
# no resized_resized_*, and the same outputs again.
. "$(dirname "$0")/lib.sh"
samples_copy
run ib "$T/in"
expect_rc 0
first=$(cd "$T/in" && ls | sort)
run ib "$T/in"
expect_rc 0
expect_stderr_has "6 resized, 0 failed, 0 skipped"
second=$(cd "$T/in" && ls | sort)
[ "$first" = "$second" ] || fail "the second run changed the file set"
! ls "$T/in" | grep -q resized_resized_ || fail "an output was taken as an input"
# Named explicitly (a shell glob), an output is skipped, not resized.
run ib -v "$T/in/resized_photo.jpg"
expect_rc 0
expect_stderr_has "0 resized, 0 failed, 1 skipped"
expect_stderr_has "skipped: named like an output of imgbatch"
expect_no_file "$T/in/resized_resized_photo.jpg"
