# SPDX-License-Identifier: MIT
# The direct PNG path (lib/vips/box/boxpath.h): a PNG that libvips would
# shrink by 4 or more is decoded box-shrunk as its rows stream, by a box
# that divides both sides (the box itself is checked pixel for pixel
# against libvips' by test_box). The outputs then differ from libvips'
# own only where libvips would have boxed more and resampled less: on
# these inputs, enlarged 3.75 times (so a box aliases, the worst case for
# that), each must be within PSNR 40 dB, max-diff 32 and 0.5% of pixels
# off by more than 16 of libvips' own (IMGBATCH_DIRECT_PNG=0); on the
# bench's wallpapers it is 50 dB and max-diff 11 or better (README). What
# the path does not take (interlaced, 16-bit, crops, a shrink under 4, no
# box dividing both sides) goes through libvips, and a broken file fails
# with libvips' reason either way.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || skip "jq is not installed"
command -v vips > /dev/null || skip "vips (libvips-tools) is not installed"

# Inputs: the sample photo enlarged to 1200x900, in every colour type and
# with transparency.
mkdir -p "$T/in" "$T/work"
w=$T/work
colour_types 3.75 "$w"
mv "$w/rgb.v" "$w/big.v"
vips pngsave "$w/big.v" "$T/in/rgb.png"
vips pngsave "$w/rgba.v" "$T/in/rgba.png"
vips pngsave "$w/grey.v" "$T/in/grey.png"
vips pngsave "$w/ga.v" "$T/in/grey-alpha.png"
vips pngsave "$w/big.v" "$T/in/palette.png" --palette
vips pngsave "$w/rgba.v" "$T/in/palette-trns.png" --palette
vips pngsave "$w/grey.v" "$T/in/grey-4bit.png" --bitdepth 4
vips pngsave "$w/big.v" "$T/in/interlaced.png" --interlace
vips colourspace "$w/big.v" "$w/rgb16.v" rgb16
vips pngsave "$w/rgb16.v" "$T/in/rgb16.png"
direct="rgb rgba grey grey-alpha palette palette-trns grey-4bit"
not_taken="interlaced rgb16"

pipelines() { # REPORT -> "name pipeline" per output record, sorted
    jq -r 'select(.type == "output") | "\(.output | split("/") | last) \(.pipeline)"' "$1" | sort
}

psnr() { # A B: their PSNR in dB, inf when identical
    local out
    out=$("$IMGBATCH" compare --max-diff 255 --min-psnr 0 --max-fraction 1 "$1" "$2") || fail "$2: $out"
    case $out in *identical*) echo inf ;; *) sed 's/.*psnr \([0-9.]*\) dB.*/\1/' <<< "$out" ;; esac
}

# compare_runs SIZE FORMAT [ideal]: the path's outputs against libvips'
# own; with "ideal" (a box smaller than libvips' would be, so more of the
# shrink is lanczos), each must be at least as close as libvips' (within
# 0.5 dB) to the whole image resized with lanczos3 and no box at all.
compare_runs() {
    rm -rf "$T/a" "$T/b"
    run ib -s "$1" -f "$2" --report "$T/a.json" -o "$T/a" "$T/in"
    expect_rc 0
    IMGBATCH_DIRECT_PNG=0 run ib_again -s "$1" -f "$2" --report "$T/b.json" -o "$T/b" "$T/in"
    expect_rc 0
    for n in $direct; do
        grep -qx "resized_$n.$2 direct-png" <(pipelines "$T/a.json") ||
            fail "$n.png ($1, $2) did not take the direct PNG path"
    done
    for n in $not_taken; do
        grep -qx "resized_$n.$2 libvips" <(pipelines "$T/a.json") ||
            fail "$n.png ($1, $2) should have gone through libvips"
    done
    ! grep -q direct-png <(pipelines "$T/b.json") || fail "IMGBATCH_DIRECT_PNG=0 did not turn the path off"
    for f in "$T/b"/*; do
        n=${f##*/}
        [ "$(vipsheader -f bands "$f")" = "$(vipsheader -f bands "$T/a/$n")" ] ||
            fail "$n: bands differ from libvips' own"
        if [ "${3:-}" = ideal ]; then
            vips resize "$T/in/${n#resized_}" "$T/ideal.png" \
                "$(echo "$(vipsheader -f width "$f") / 1200" | bc -l)" --gap 0
            p=$(psnr "$T/ideal.png" "$T/a/$n") l=$(psnr "$T/ideal.png" "$f")
            awk -v p="$p" -v l="$l" 'BEGIN { exit !(p >= l - 0.5) }' ||
                fail "$n ($1): $p dB from a whole-image resize, libvips' own $l dB"
            continue
        fi
        run ib_again compare --min-psnr 40 --max-diff 32 --fuzz 16 --max-fraction 0.005 "$f" "$T/a/$n"
        [ "$rc" -eq 0 ] || fail "$n ($1, $2) is not within tolerance of libvips' own: $(cat "$T/stdout" "$T/stderr")"
    done
}

compare_runs 200x200 png # a box of 3
# Under valgrind the one above is the path's check: these take the same
# code with other factors and savers.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    compare_runs 100x100 jpg # a box of 6, and JPEG out
    compare_runs 60x60 png        # a box of 10
    compare_runs 70x70 png ideal  # libvips' box would be 8; 6 divides both sides
fi

# A box that divides neither side is not taken: 1203x902 goes to libvips.
vips resize "$TESTDATA/samples/photo.jpg" "$w/odd.v" 3.76
mkdir -p "$T/odd"
vips pngsave "$w/odd.v" "$T/odd/odd.png"
rm -rf "$T/a"
run ib -s 100x100 --report "$T/a.json" -o "$T/a" "$T/odd"
expect_rc 0
pipelines "$T/a.json" | grep -qx "resized_odd.png libvips" || fail "1203x902 took the path: $(pipelines "$T/a.json")"

# Several outputs of one input share one shrunk decode (the largest's box).
rm -rf "$T/a"
run ib -s 300x300,100x100 -f png,jpg --report "$T/a.json" -o "$T/a" --name '{stem}-{w}.{ext}' "$T/in/rgb.png"
expect_rc 0
[ "$(pipelines "$T/a.json" | grep -c direct-png)" -eq 4 ] || fail "not every rendition took the path: $(pipelines "$T/a.json")"
expect_dims "$T/a/rgb-300.png" 300 225
expect_dims "$T/a/rgb-100.jpg" 100 75

# A crop (cover) is libvips' own, as is a shrink under 2 (box of 1).
rm -rf "$T/a"
run ib --fit cover -s 200x200 --report "$T/a.json" -o "$T/a" "$T/in/rgb.png"
expect_rc 0
pipelines "$T/a.json" | grep -qx "resized_rgb.png libvips" || fail "a cover crop took the path"
expect_dims "$T/a/resized_rgb.png" 200 200
rm -rf "$T/a"
run ib -s 700x700 --report "$T/a.json" -o "$T/a" "$T/in/rgb.png"
pipelines "$T/a.json" | grep -qx "resized_rgb.png libvips" || fail "a shrink of 1.7 took the path"

# A tagged PNG (Display P3, RGB and RGBA): the path converts each
# thumbnail to sRGB with the worker's cached transform, not thumbnail's
# own (lib/vips/box/boxcolour.h). The bytes are those of thumbnail's
# conversion (IMGBATCH_CACHED_SRGB=0), for two outputs of one decode,
# and the colours did change (the same pixels untagged come out else).
# Not under valgrind: ASan's leak check covers the conversion.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/p3" "$T/plain"
    vips icc_transform "$w/big.v" "$w/p3.v" p3 --embedded
    vips pngsave "$w/p3.v" "$T/p3/p3.png"
    vips bandjoin "$w/p3.v $w/g.v" "$w/p3a.v"
    vips copy "$w/p3a.v" "$w/p3a-s.v" --interpretation srgb
    vips pngsave "$w/p3a-s.v" "$T/p3/p3-alpha.png"
    vips copy "$w/p3.v" "$T/plain/p3.png[strip]"
    rm -rf "$T/a" "$T/b"
    run ib -s 200x200,100x100 --report "$T/a.json" -o "$T/a" "$T/p3"
    expect_rc 0
    [ "$(pipelines "$T/a.json" | awk '{print $2}' | sort -u)" = direct-png ] ||
        fail "tagged PNGs: $(pipelines "$T/a.json" | tr '\n' ' ')"
    IMGBATCH_CACHED_SRGB=0 run ib_again -s 200x200,100x100 -o "$T/b" "$T/p3"
    expect_rc 0
    for f in "$T"/b/*.png; do
        cmp -s "$f" "$T/a/${f##*/}" || fail "${f##*/}: not the bytes of thumbnail's own conversion"
    done
    run ib -s 200x200 -o "$T/c" "$T/plain"
    expect_rc 0
    expect_file "$T/c/resized_p3.png"
    expect_file "$T/a/resized_p3-200x200.png"
    ! "$IMGBATCH" compare --max-diff 8 "$T/c/resized_p3.png" "$T/a/resized_p3-200x200.png" > /dev/null ||
        fail "the tagged PNG's colours were not converted"
fi

# A truncated PNG fails with libvips' reason, path or not.
mkdir -p "$T/bad"
head -c 20000 "$T/in/rgb.png" > "$T/bad/cut.png"
run ib -s 100x100 -o "$T/a" "$T/bad"
expect_rc 1
reason=$(grep -F "cut.png" "$T/stderr" | head -n 1)
[ -n "$reason" ] || fail "no reason for the truncated file"
IMGBATCH_DIRECT_PNG=0 run ib_again -s 100x100 -o "$T/b" "$T/bad"
expect_rc 1
[ "$reason" = "$(grep -F "cut.png" "$T/stderr" | head -n 1)" ] ||
    fail "the truncated file's reason differs with the path: '$reason' against '$(cat "$T/stderr")'"
expect_no_temp_files "$T/a"
