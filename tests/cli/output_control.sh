# SPDX-License-Identifier: MIT
# Output control: --max-bytes finds a quality whose output fits (on the
# direct JPEG path, through libvips, in WebP), says so in the report, and
# fails a file that does not fit at --min-quality; --skip-larger copies an
# input that is already the size and format asked and smaller; --sharpen
# makes edges crisper; --mtime input and exif set the outputs' mtimes, and
# -u still tells a changed input from an unchanged one.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v exiftool >/dev/null || skip "exiftool is not installed"
mkdir -p "$T/in"
# A photo-like picture that JPEG cannot squeeze much: noise on a gradient.
vips gaussnoise "$T/noise.v" 640 480 --sigma 40
vips xyz "$T/xy.v" 640 480
vips extract_band "$T/xy.v" "$T/x.v" 0
vips linear "$T/x.v" "$T/ramp.v" 0.3 20
vips add "$T/noise.v" "$T/ramp.v" "$T/sum.v"
vips cast "$T/sum.v" "$T/grey.v" uchar
vips bandjoin "$T/grey.v $T/grey.v $T/grey.v" "$T/rgb.v"
vips copy "$T/rgb.v" "$T/in/photo.jpg[Q=95]"
vips copy "$T/rgb.v" "$T/in/photo.png"

# --max-bytes 20k at 400 px: -q 85 does not fit, a lower quality does.
run ib -s 400 --max-bytes 20k -o "$T/out" --report "$T/r.json" "$T/in/photo.jpg"
expect_rc 0
size=$(stat -c %s "$T/out/resized_photo.jpg")
[ "$size" -le 20480 ] || fail "photo.jpg is $size bytes, over 20 KiB"
jq -e -s --argjson size "$size" 'map(select(.type == "output"))[0]
    | .bytes == $size and .quality < 85 and .quality >= 40 and .encodes >= 2
      and .pipeline == "direct-jpeg"' "$T/r.json" > /dev/null ||
    fail "report: $(grep output "$T/r.json")"
q=$(jq -s 'map(select(.type == "output"))[0].quality' "$T/r.json")
# The highest that fits: one quality up does not.
vips thumbnail "$T/in/photo.jpg" "$T/up.jpg[Q=$((q + 1)),strip]" 400
[ "$(stat -c %s "$T/up.jpg")" -gt 20480 ] || fail "quality $((q + 1)) fits too"
# The same through libvips, and in WebP.
IMGBATCH_DIRECT_JPEG=0 ib_again -s 400 --max-bytes 20k -o "$T/vips" "$T/in/photo.jpg"
cmp -s "$T/out/resized_photo.jpg" "$T/vips/resized_photo.jpg" ||
    fail "the libvips path chose other bytes than the direct path"
run ib -s 400 --max-bytes 24k -f webp -o "$T/webp" "$T/in/photo.jpg"
expect_rc 0
[ "$(stat -c %s "$T/webp/resized_photo.webp")" -le 24576 ] || fail "webp over 24 KiB"
vipsheader "$T/webp/resized_photo.webp" > /dev/null || fail "webp does not decode"

# Too small a budget: the file fails with the sizes, nothing is written.
run ib_again -s 400 --max-bytes 2k -o "$T/small" "$T/in/photo.jpg"
expect_rc 1
expect_stderr_has "photo.jpg': cannot fit in 2 KiB: "
expect_stderr_has " KiB at quality 40"
expect_no_file "$T/small/resized_photo.jpg"
run ib_again -s 400 --max-bytes 2k --min-quality 10 -o "$T/small" "$T/in/photo.jpg"
expect_stderr_has " at quality 10"
run ib_again -s 400 --max-bytes 2k -f png -o "$T/small" "$T/in/photo.png"
expect_rc 1
expect_stderr_has "(png has no quality to lower)"

# --skip-larger: the input is already 320x240 JPEG at quality 30; made
# again at -q 95 it would be larger, so its bytes are copied.
vips copy "$T/rgb.v[shrink=2]" "$T/in/small.jpg[Q=30]" 2> /dev/null ||
    vips resize "$T/rgb.v" "$T/in/small.jpg[Q=30]" 0.5
run ib -s 320 -q 95 --skip-larger -o "$T/skip" --report "$T/s.json" "$T/in/small.jpg"
expect_rc 0
cmp -s "$T/in/small.jpg" "$T/skip/resized_small.jpg" || fail "--skip-larger did not copy"
jq -e -s 'map(select(.type == "output"))[0] | .status == "ok" and .pipeline == "copy"' \
    "$T/s.json" > /dev/null || fail "report: $(grep output "$T/s.json")"
# Smaller when made again (-q 20): made, not copied.
run ib_again -s 320 -q 20 --skip-larger -o "$T/skip2" "$T/in/small.jpg"
cmp -s "$T/in/small.jpg" "$T/skip2/resized_small.jpg" && fail "copied a larger input"
[ "$(stat -c %s "$T/skip2/resized_small.jpg")" -lt "$(stat -c %s "$T/in/small.jpg")" ] ||
    fail "--skip-larger output not smaller"

# --sharpen: more contrast on edges (the mean Laplacian), same size.
printf '3 3 1 0\n0 -1 0\n-1 4 -1\n0 -1 0\n' > "$T/lap.mat"
acutance() {
    vips colourspace "$1" "$T/g.v" b-w
    vips conv "$T/g.v" "$T/l.v" "$T/lap.mat" --precision integer
    vips abs "$T/l.v" "$T/a.v"
    vips avg "$T/a.v"
}
run ib_again -s 200 -o "$T/plain" "$T/in/photo.png"
run ib -s 200 --sharpen -o "$T/sharp" "$T/in/photo.png"
expect_rc 0
expect_dims "$T/sharp/resized_photo.png" 200 150
plain=$(acutance "$T/plain/resized_photo.png")
sharp=$(acutance "$T/sharp/resized_photo.png")
awk -v p="$plain" -v s="$sharp" 'BEGIN { exit !(s > p * 1.05) }' ||
    fail "--sharpen: acutance $sharp, without it $plain"
run ib_again -s 200 --sharpen=abc "$T/in/photo.png"
expect_rc 2
expect_stderr_has "invalid --sharpen 'abc': expected a sigma from 0.1 to 10"

# --mtime input: the input's mtime; exif: DateTimeOriginal (with offset).
touch -d '2001-02-03 04:05:06 UTC' "$T/in/photo.jpg"
run ib -u -s 50 --mtime input -o "$T/m" "$T/in/photo.jpg"
expect_rc 0
[ "$(stat -c %Y "$T/m/resized_photo.jpg")" = "$(date -d '2001-02-03 04:05:06 UTC' +%s)" ] ||
    fail "--mtime input: $(stat -c %y "$T/m/resized_photo.jpg")"
cp "$TESTDATA/features/exif-gps.jpg" "$T/in/dated.jpg"
exiftool -q -overwrite_original -DateTimeOriginal='2019:05:06 07:08:09' \
    -OffsetTimeOriginal='+02:00' "$T/in/dated.jpg"
run ib_again -s 50 --mtime exif -o "$T/m" "$T/in/dated.jpg"
[ "$(stat -c %Y "$T/m/resized_dated.jpg")" = "$(date -d '2019-05-06 05:08:09 UTC' +%s)" ] ||
    fail "--mtime exif: $(stat -c %y "$T/m/resized_dated.jpg")"
# -u with --mtime input: unchanged is skipped, a touched input is made.
run ib_again -u -s 50 --mtime input -o "$T/m" "$T/in/photo.jpg"
expect_stderr_has "0 resized, 0 failed, 1 skipped"
touch -d '2002-02-03 04:05:06 UTC' "$T/in/photo.jpg"
run ib_again -u -s 50 --mtime input -o "$T/m" "$T/in/photo.jpg"
expect_stderr_has "1 resized, 0 failed, 0 skipped"
[ "$(stat -c %Y "$T/m/resized_photo.jpg")" = "$(date -d '2002-02-03 04:05:06 UTC' +%s)" ] ||
    fail "--mtime input after a change"
