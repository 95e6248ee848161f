# SPDX-License-Identifier: MIT
# The direct TIFF writer (lib/vips/tiff/tiffsave.h): a default TIFF output
# is handed to libtiff a whole strip at a time (which libtiff compresses
# with libdeflate). Its pixels, bands, interpretation and resolution must
# be exactly what libvips' tiffsave writes (IMGBATCH_DIRECT_TIFF_SAVE=0),
# and so must every tag but where the strips lie (deflate, the horizontal
# predictor, 128 rows a strip, photometric, alpha, orientation,
# resolution, sample format): for RGB, RGBA, grey and grey with alpha, on
# one strip and on several with a short last one, and an orientation kept
# with --no-rotate. What it leaves to libvips (metadata kept) is written
# with the same pixels.
. "$(dirname "$0")/lib.sh"
command -v vips > /dev/null || skip "vips (libvips-tools) is not installed"
command -v tiffdump > /dev/null || skip "tiffdump (libtiff-tools) is not installed"

mkdir -p "$T/in" "$T/work"
w=$T/work
colour_types 2 "$w" # 640x480
names="rgb rgba grey ga"
for n in $names; do vips tiffsave "$w/$n.v" "$T/in/$n.tif" --compression lzw; done
vips copy "$TESTDATA/features/orient-6.jpg" "$T/in/turned.tif"
# Under valgrind two of them (4 bands and 2) at one size: the writer's
# code is the same for all, the other passes check every one.
sizes="300x300 100x100"
if [ -n "${IMGBATCH_WRAPPER:-}" ]; then
    names="rgba ga" sizes=300x300
    rm "$T/in/rgb.tif" "$T/in/grey.tif"
fi

# TIFF -> its tags, but the file's name and where the directory and the
# strips lie (the compressed strips differ: libdeflate's, not zlib's).
tags() { tiffdump "$1" | sed 1d | grep -v -E '^Directory 0|^StripOffsets|^StripByteCounts'; }

same_tags() { # A B
    tags "$1" > "$w/a.tags"
    tags "$2" > "$w/b.tags"
    cmp -s "$w/a.tags" "$w/b.tags" || fail "${1##*/}: tags differ from libvips': $(diff "$w/a.tags" "$w/b.tags" | tr '\n' ' ')"
}

strips() { tiffinfo -s "$1" 2>/dev/null | sed -n 's/^ *\([0-9]*\) Strips:.*/\1/p'; }

# 300x225 (two strips, the second of 97 rows) and 100x75 (one).
for size in $sizes; do
    rm -rf "$T/a" "$T/b"
    run ib -s "$size" -f tif -o "$T/a" "$T/in"
    expect_rc 0
    IMGBATCH_DIRECT_TIFF_SAVE=0 run ib_again -s "$size" -f tif -o "$T/b" "$T/in"
    expect_rc 0
    for n in $names; do
        a=$T/a/resized_$n.tif b=$T/b/resized_$n.tif
        expect_file "$a"
        same_pixels "$a" "$b"
        same_tags "$a" "$b"
        ! cmp -s "$a" "$b" || fail "$n at $size: the output is libvips' own"
    done
    case $size in 300x300) want=2 ;; *) want=1 ;; esac
    [ "$(strips "$T/a/resized_rgba.tif")" = "$want" ] ||
        fail "rgba at $size: $(strips "$T/a/resized_rgba.tif") strips, expected $want"
    same_tags "$T/a/resized_turned.tif" "$T/b/resized_turned.tif"
done

# An orientation kept: --no-rotate leaves the EXIF orientation (6) in the
# image, and libvips writes it as the TIFF's. (Not under valgrind, where
# the runs above are the check.)
[ -z "${IMGBATCH_WRAPPER:-}" ] || { expect_no_temp_files "$T/a"; exit 0; }
rm -rf "$T/a" "$T/b"
run ib --no-rotate -s 300x300 -f tif -o "$T/a" "$T/in/turned.tif"
expect_rc 0
IMGBATCH_DIRECT_TIFF_SAVE=0 run ib_again --no-rotate -s 300x300 -f tif -o "$T/b" "$T/in/turned.tif"
expect_rc 0
same_pixels "$T/a/resized_turned.tif" "$T/b/resized_turned.tif"
same_tags "$T/a/resized_turned.tif" "$T/b/resized_turned.tif"
tags "$T/a/resized_turned.tif" | grep -q '^Orientation (274) SHORT (3) 1<6>' ||
    fail "--no-rotate: orientation $(tags "$T/a/resized_turned.tif" | grep Orientation)"

# Left to libvips, pixels unchanged: metadata kept.
rm -rf "$T/a" "$T/c"
run ib -s 300x300 -f tif -o "$T/a" "$T/in/rgba.tif"
expect_rc 0
run ib -s 300x300 -f tif --keep-metadata -o "$T/c" "$T/in/rgba.tif"
expect_rc 0
same_pixels "$T/c/resized_rgba.tif" "$T/a/resized_rgba.tif"
expect_no_temp_files "$T/a"
