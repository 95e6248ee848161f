# The number of workers changes nothing in the outputs, byte for byte.
. "$(dirname "$0")/lib.sh"
samples_copy
run ib -j1 -o "$T/one" "$T/in"
expect_rc 0
run ib -j4 -o "$T/four" "$T/in"
expect_rc 0
diff -r "$T/one" "$T/four" > /dev/null || fail "-j1 and -j4 outputs differ"
[ "$(ls "$T/one" | wc -l)" -eq 6 ] || fail "expected 6 outputs"

# The hand-out order is the largest file first (so that the batch does not
# end waiting on a big one): one worker reports in that order.
run ib -j1 --report "$T/order.json" -o "$T/order" "$T/in"
expect_rc 0
handed=$(jq -r 'select(.type == "file") | .input' "$T/order.json" | paste -sd' ')
largest=$(cd "$T/in" && ls -S | sed "s|^|$T/in/|" | paste -sd' ')
[ "$handed" = "$largest" ] || fail "hand-out order: $handed, expected largest first: $largest"

# Two runs into one output tree at once: safe by construction (each writes
# its own temp file, named by its pid, and renames it into place), so both
# succeed, every output is whole, and no temp file is left.
mkdir -p "$T/twice"
for i in $(seq -w 1 24); do cp "$TESTDATA/samples/photo.jpg" "$T/twice/p$i.jpg"; done
${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j2 -o "$T/twice-out" "$T/twice" 2> "$T/first.err" &
first=$!
run ib -j2 -o "$T/twice-out" "$T/twice"
expect_rc 0
set +e; wait "$first"; rc=$?; set -e
expect_rc 0
[ "$(ls "$T/twice-out" | wc -l)" -eq 24 ] || fail "expected 24 outputs"
for f in "$T"/twice-out/*; do expect_dims "$f" 100 75; done
expect_no_temp_files "$T/twice-out"
