# SPDX-License-Identifier: MIT
# One decode per input: each rendition made among others is the one made
# alone, at the issue's tolerance (PSNR >= 40 dB, max-diff <= 8), where the
# loader reads the whole image either way (PNG, TIFF, GIF, and JPEG
# renditions that alone would be shrunk on load as far as the largest).
# Where a rendition alone would have been shrunk further on load (libjpeg's
# scaled DCT, libwebp's scaled decode), one decode resamples a larger
# rendition instead: measured against a full-precision resize of the whole
# image (lanczos3, no box shrink), it must be within the issue's PSNR (40
# dB), or as close as the one made alone when that one is not; and the same
# size. PNG outputs, so that no encoder's loss hides a difference.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/in"
cp "$TESTDATA"/features/{grey-alpha,grey16,p3,palette-trns,rgb16}.png \
    "$TESTDATA"/features/{anim-gif.gif,cmyk-tiff.tif,lab.tif,pages.tif,anim-webp.webp} \
    "$TESTDATA"/samples/{alpha.png,photo.jpg,rotated-6.jpg,grey.jpg} "$T/in/"
sizes=(100 60 30)

run ib -s "$(IFS=,; echo "${sizes[*]}")" -f png -o "$T/multi" --name '{stem}-{size}.{ext}' "$T/in"
expect_rc 0
expect_stderr_has "14 resized, 0 failed, 0 skipped"
for s in "${sizes[@]}"; do
    run ib_again -s "$s" -f png -o "$T/alone" --name "{stem}-$s.{ext}" "$T/in"
    expect_rc 0
done

# psnr A B: the PSNR of B against A ("inf" when identical).
psnr() {
    local out
    out=$("$IMGBATCH" compare --max-diff 255 --min-psnr 0 --max-fraction 1 "$1" "$2") || fail "$2: $out"
    case $out in *identical*) echo inf ;; *) sed 's/.*psnr \([0-9.]*\) dB.*/\1/' <<< "$out" ;; esac
}

# shrunk_further INPUT SIZE: whether alone, INPUT fit inside SIZExSIZE
# would have been shrunk on load further than for the largest size (as
# libvips' thumbnail does: a JPEG by 2, 4 or 8 while the shrink is at least
# twice that; a WebP by the whole shrink).
shrunk_further() {
    local w h
    w=$(vipsheader -f width "$T/in/$1") h=$(vipsheader -f height "$T/in/$1")
    awk -v w="$w" -v h="$h" -v s="$2" -v top="${sizes[0]}" -v kind="${1##*.}" '
        function shrink(box) { x = w / box; if (h / box > x) x = h / box; return x }
        function jpeg(x) { return x >= 16 ? 8 : x >= 8 ? 4 : x >= 4 ? 2 : 1 }
        function onload(box) { x = shrink(box); return kind == "jpg" ? jpeg(x) : kind == "webp" ? (x > 1 ? x : 1) : 1 }
        BEGIN { exit !(onload(s) > onload(top)) }'
}

# ideal IMAGE W H: the whole image, upright, resized to WxH with lanczos3
# and no box shrink first (libvips' resize with gap 0), into $T/ideal.png.
ideal() {
    vips autorot "$T/in/$1" "$T/upright.v"
    local fw fh
    fw=$(vipsheader -f width "$T/upright.v")
    fh=$(vipsheader -f height "$T/upright.v")
    vips resize "$T/upright.v" "$T/ideal.png" "$(echo "$2 / $fw" | bc -l)" \
        --vscale "$(echo "$3 / $fh" | bc -l)" --gap 0
}

checked=0 further=0
for alone in "$T"/alone/*.png; do
    name=${alone##*/}
    multi=$T/multi/$name
    expect_file "$multi"
    w=$(vipsheader -f width "$alone") h=$(vipsheader -f height "$alone")
    expect_dims "$multi" "$w" "$h"
    input=$(cd "$T/in" && ls "${name%-*}".*)
    size=${name##*-} size=${size%.png}
    if ! shrunk_further "$input" "$size"; then
        verdict=$("$IMGBATCH" compare --max-diff 8 --min-psnr 40 "$alone" "$multi") ||
            fail "$name: one decode differs from alone: $verdict"
        checked=$((checked + 1))
        continue
    fi
    ideal "$input" "$w" "$h"
    a=$(psnr "$T/ideal.png" "$alone") m=$(psnr "$T/ideal.png" "$multi")
    awk -v a="$a" -v m="$m" 'BEGIN { exit !(m >= 40 || m >= a) }' ||
        fail "$name: one decode is $m dB from a full resize, alone $a dB"
    further=$((further + 1))
done
[ "$checked" -eq 35 ] && [ "$further" -eq 7 ] || fail "compared $checked + $further renditions, expected 35 + 7"

# The direct JPEG path (JPEG outputs from a JPEG) decodes once too: the
# rendition at the largest's DCT scale is the very file made alone.
run ib -s 200,100 -f jpg -o "$T/jmulti" --name '{stem}-{size}.{ext}' --report "$T/j.json" "$T/in/photo.jpg"
expect_rc 0
[ "$(jq -r 'select(.type == "output") | .pipeline' "$T/j.json" | sort -u)" = direct-jpeg ] ||
    fail "the renditions did not take the direct path"
run ib_again -s 200 -f jpg -o "$T/jalone" --name '{stem}-200.{ext}' "$T/in/photo.jpg"
cmp -s "$T/jmulti/photo-200.jpg" "$T/jalone/photo-200.jpg" || fail "direct path: photo-200.jpg differs from alone"
run ib_again -s 100 -f jpg -o "$T/jalone" --name '{stem}-100.{ext}' "$T/in/photo.jpg"
expect_dims "$T/jmulti/photo-100.jpg" "$(vipsheader -f width "$T/jalone/photo-100.jpg")" \
    "$(vipsheader -f height "$T/jalone/photo-100.jpg")"
verdict=$("$IMGBATCH" compare --min-psnr 40 "$T/jalone/photo-100.jpg" "$T/jmulti/photo-100.jpg") ||
    fail "direct path: photo-100.jpg: $verdict"
