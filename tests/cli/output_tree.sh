# SPDX-License-Identifier: MIT
# -o mirrors each input's path below its PATH argument; -r descends;
# clashing outputs are refused before any work.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/in/a/b" "$T/in/c" "$T/in/.hidden"
cp "$TESTDATA/samples/photo.jpg" "$T/in/top.jpg"
cp "$TESTDATA/samples/photo.jpg" "$T/in/a/b/deep.jpg"
cp "$TESTDATA/samples/alpha.png" "$T/in/c/x.png"
cp "$TESTDATA/samples/photo.jpg" "$T/in/.hidden/secret.jpg"
cp "$TESTDATA/samples/photo.jpg" "$T/in/c/x.jpg"

run ib -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 0 skipped"
expect_file "$T/out/resized_top.jpg"
expect_no_file "$T/out/a"

run ib -r -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "4 resized, 0 failed, 0 skipped"
expect_file "$T/out/a/b/resized_deep.jpg"
expect_file "$T/out/c/resized_x.png"
expect_file "$T/out/c/resized_x.jpg"
expect_no_file "$T/out/.hidden"

# x.jpg and x.png both become resized_x.webp: neither may have it (which
# one would be chance), both fail naming the other, and nothing is
# written there.
rm -rf "$T/out"
run ib -r -f webp -o "$T/out" "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/c/x.png': same output as '$T/in/c/x.jpg'"
expect_stderr_has "imgbatch: '$T/in/c/x.jpg': same output as '$T/in/c/x.png'"
expect_stderr_has "2 resized, 2 failed, 0 skipped"
expect_no_file "$T/out/c/resized_x.webp"
# A file that cannot be read does not take the name from one that can:
# x.png broken, x.jpg keeps resized_x.webp and x.png fails with its own
# reason.
printf 'not a PNG' > "$T/in/c/x.png"
rm -rf "$T/out"
run ib -r -f webp -o "$T/out" "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/c/x.png': "
expect_stderr_lacks "same output as"
expect_stderr_has "3 resized, 1 failed, 0 skipped"
expect_dims "$T/out/c/resized_x.webp" 100 75
[ "$(vipsheader -f bands "$T/out/c/resized_x.webp")" = 3 ] || fail "resized_x.webp is not x.jpg's"
cp "$TESTDATA/samples/alpha.png" "$T/in/c/x.png"

# An output directory inside the input tree is never scanned as input.
run ib -r -o "$T/in/thumbs" "$T/in"
expect_rc 0
run ib -r -o "$T/in/thumbs" "$T/in"
expect_rc 0
expect_stderr_has "4 resized, 0 failed, 0 skipped"
expect_no_file "$T/in/thumbs/thumbs"

# An output path that is the input itself is refused.
run ib --prefix '' -o "$T/in" "$T/in/top.jpg"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/top.jpg': its output would overwrite the input itself"
cmp -s "$T/in/top.jpg" "$TESTDATA/samples/photo.jpg" || fail "input overwritten"

# An output directory that cannot be created is a set-up error.
touch "$T/file"
run ib -o "$T/file/sub" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: cannot create output directory '$T/file/sub': Not a directory"
