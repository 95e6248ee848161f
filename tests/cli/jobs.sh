# The number of workers changes nothing in the outputs, byte for byte.
. "$(dirname "$0")/lib.sh"
samples_copy
run ib -j1 -o "$T/one" "$T/in"
expect_rc 0
run ib -j4 -o "$T/four" "$T/in"
expect_rc 0
diff -r "$T/one" "$T/four" > /dev/null || fail "-j1 and -j4 outputs differ"
[ "$(ls "$T/one" | wc -l)" -eq 6 ] || fail "expected 6 outputs"
