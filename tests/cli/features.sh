# SPDX-License-Identifier: MIT
# Image correctness on the feature cases of testdata/features (made by
# scripts/make-testdata): orientation, colour, depth, alpha, animation,
# pages, metadata, vector input and encoder options.
#
# Tolerances (imgbatch compare's figures):
#   golden    PNG output against testdata/golden/features (vips thumbnail):
#             max-diff 16, PSNR >= 45 dB. Measured: identical with SIMD,
#             <= 13 levels and >= 51 dB under VIPS_NOVECTOR=1.
#   reference a decoded, colour-managed reference made without the
#             thumbnail path (full decode, convert to sRGB, then vips
#             resize): max-diff 64, PSNR >= 32 dB, <= 15% of pixels off by
#             more than 16. Converting after the shrink (as thumbnail does)
#             rather than before moves the zone plate of these pictures by
#             up to 55 levels (33.7 dB) through a CMYK profile; ignoring a
#             P3 profile costs 114 levels and 23.6 dB, well outside.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/f"
cp "$TESTDATA"/features/* "$T/f/"
golden_tol=(--max-diff 16 --min-psnr 45)
ref_tol=(--max-diff 64 --min-psnr 32 --max-fraction 0.15)
# 256 colours (GIF, palette PNG) on a zone plate: measured 28.8-30.2 dB.
palette_tol=(--max-diff 64 --min-psnr 28 --max-fraction 0.4)
same() {  # $1 expected, $2 actual, tolerance options...
    local a=$1 b=$2 verdict
    shift 2
    verdict=$("$IMGBATCH" compare "$@" "$a" "$b" 2>&1) || fail "$b vs $a: $verdict"
}
differs() {  # $1 $2: must NOT match at the golden tolerance
    "$IMGBATCH" compare "${golden_tol[@]}" "$1" "$2" > /dev/null 2>&1 && fail "$2 should differ from $1"
    return 0
}
field() { vipsheader -f "$2" "$1" 2>/dev/null; }
expect_no_field() { field "$1" "$2" > /dev/null && fail "$1 has $2 = '$(field "$1" "$2")'"; return 0; }

# --- everything at the defaults, as PNG --------------------------------------
run ib -f png -o "$T/png" "$T/f"
expect_rc 0
# The SVG is not picked up from a folder unless --allow-svg.
expect_stderr_has "20 resized, 0 failed, 0 skipped"
expect_no_file "$T/png/resized_drawing.png"
# Against the goldens, through imgbatch's golden mode, SVG included.
run ib --allow-svg -f png -o "$T/gold" --golden "$TESTDATA/golden/features" "${golden_tol[@]}" "$T/f"
expect_rc 0
expect_stderr_has "golden: 21 match, 0 mismatch, 0 missing, 0 orphan"

# Orientation: all eight come out upright, as orientation 1 does, with no
# rotation tag left.
for o in 2 3 4 5 6 7 8; do
    expect_dims "$T/png/resized_orient-$o.png" 100 75
    same "$T/png/resized_orient-1.png" "$T/png/resized_orient-$o.png" --max-diff 32 --min-psnr 36
    expect_no_field "$T/png/resized_orient-$o.png" orientation
done
# ... and a wrong orientation is caught at that tolerance.
vips flip "$T/png/resized_orient-1.png" "$T/flipped.png" horizontal
differs "$T/png/resized_orient-1.png" "$T/flipped.png"

# Colour: each against a decoded, colour-managed reference.
reference() {  # $1 name (a .v image in $T/t.v) -> $T/ref_$1.png
    vips resize "$T/t.v" "$T/ref_$1.png" 0.833333334
    same "$T/ref_$1.png" "$T/png/resized_$1.png" "${ref_tol[@]}"
}
vips icc_transform "$T/f/p3.png" "$T/t.v" srgb --embedded && reference p3
vips icc_transform "$T/f/cmyk-jpeg.jpg" "$T/t.v" srgb --input-profile cmyk && reference cmyk-jpeg
vips icc_transform "$T/f/cmyk-tiff.tif" "$T/t.v" srgb --input-profile cmyk && reference cmyk-tiff
vips colourspace "$T/f/lab.tif" "$T/t.v" srgb && reference lab
vips colourspace "$T/f/rgb16.png" "$T/t.v" srgb && reference rgb16
vips colourspace "$T/f/grey16.png" "$T/t.v" b-w && reference grey16
# Alpha: resampled premultiplied, or colour bleeds in from transparent
# pixels at the edges.
vips premultiply "$T/f/palette-trns.png" "$T/pm.v"
vips resize "$T/pm.v" "$T/pmr.v" 0.833333334
vips unpremultiply "$T/pmr.v" "$T/um.v"
vips cast "$T/um.v" "$T/ref_palette-trns.png" uchar
same "$T/ref_palette-trns.png" "$T/png/resized_palette-trns.png" "${ref_tol[@]}"
# A P3 picture read as if it were sRGB is caught at that tolerance.
vips copy "$T/f/p3.png" "$T/p3-untagged.png[strip]"
vips resize "$T/p3-untagged.png" "$T/p3-wrong.png" 0.833333334
"$IMGBATCH" compare "${ref_tol[@]}" "$T/ref_p3.png" "$T/p3-wrong.png" > /dev/null && fail "ignored profile not caught"
# The sRGB output carries no profile; 16-bit became 8-bit; grey stayed grey.
expect_no_field "$T/png/resized_p3.png" icc-profile-data
for n in rgb16 grey16 lab cmyk-jpeg cmyk-tiff; do
    case $(field "$T/png/resized_$n.png" format) in *UCHAR*) ;; *) false ;; esac || fail "$n is not 8-bit"
done
[ "$(field "$T/png/resized_grey16.png" bands)" = 1 ] || fail "grey16 became colour"
[ "$(field "$T/png/resized_cmyk-jpeg.png" bands)" = 3 ] || fail "CMYK not converted"
# Alpha kept: palette+tRNS and grey+alpha keep a transparent corner.
[ "$(field "$T/png/resized_palette-trns.png" bands)" = 4 ] || fail "tRNS lost"
[ "$(field "$T/png/resized_grey-alpha.png" bands)" = 2 ] || fail "grey alpha lost"
[ "$(vips getpoint "$T/png/resized_palette-trns.png" 0 0 | awk '{print $4}')" = 0 ] \
    || fail "transparent corner became opaque"

# --- alpha onto JPEG: flattened onto --background ----------------------------
run ib -f jpg -o "$T/jpg" "$T/f/palette-trns.png" "$T/f/grey-alpha.png"
expect_rc 0
[ "$(field "$T/jpg/resized_palette-trns.jpg" bands)" = 3 ] || fail "JPEG with alpha?"
for v in $(vips getpoint "$T/jpg/resized_palette-trns.jpg" 0 0); do
    [ "${v%.*}" -ge 250 ] || fail "corner not white"
done
run ib -f jpg --background '#ff0000' -o "$T/red" "$T/f/palette-trns.png" "$T/f/grey-alpha.png"
expect_rc 0
read -r r g b <<< "$(vips getpoint "$T/red/resized_palette-trns.jpg" 0 0)"
[ "${r%.*}" -ge 240 ] && [ "${g%.*}" -le 15 ] && [ "${b%.*}" -le 15 ] || fail "corner is $r $g $b, not red"
# Grey output: red's luminance (0.299 * 255 = 76).
v=$(vips getpoint "$T/red/resized_grey-alpha.jpg" 0 0)
[ "${v%.*}" -ge 70 ] && [ "${v%.*}" -le 82 ] || fail "grey corner is $v, expected about 76"
run ib --background 'mauve' "$T/f/palette-trns.png"
expect_rc 2
expect_stderr_has "imgbatch: invalid --background 'mauve'"

# --- animation ---------------------------------------------------------------
# Kept when the output can animate: every frame, the delays, the loop.
run ib -o "$T/anim" "$T/f/anim-gif.gif" "$T/f/anim-webp.webp"
expect_rc 0
run ib -f webp --prefix towebp_ -o "$T/anim" "$T/f/anim-gif.gif"
expect_rc 0
for out in resized_anim-gif.gif resized_anim-webp.webp towebp_anim-gif.webp; do
    o=$T/anim/$out
    [ "$(field "$o" n-pages)" = 3 ] || fail "$out has $(field "$o" n-pages) frames"
    [ "$(field "$o[n=-1]" page-height)" = 75 ] || fail "$out frames are not 75 high"
    [ "$(field "$o" delay)" = "100 200 300 " ] || fail "$out delays: $(field "$o" delay)"
    [ "$(field "$o" loop)" = 2 ] || fail "$out loop: $(field "$o" loop)"
done
# Frame 1 of the output is frame 1 of the input, resized (GIF's palette,
# chosen again, costs up to 42 levels and brings PSNR to 30 dB; frame 0 in
# its place gives 7 dB).
vips thumbnail "$T/f/anim-gif.gif[page=1]" "$T/ref1.png" 100
vips crop "$T/anim/resized_anim-gif.gif[n=-1]" "$T/fr1.png" 0 75 100 75
same "$T/ref1.png" "$T/fr1.png" "${palette_tol[@]}"

# --- pages ---------------------------------------------------------------------
run ib --page 1 -f png -o "$T/page" "$T/f/pages.tif" "$T/f/anim-gif.gif" "$T/f/orient-1.jpg"
expect_rc 1
# Page 1 of pages.tif is page 0 turned round.
vips rot "$T/png/resized_pages.png" "$T/pages180.png" d180
same "$T/pages180.png" "$T/page/resized_pages.png" "${golden_tol[@]}"
[ "$(field "$T/page/resized_anim-gif.png" height)" = 75 ] || fail "--page of a GIF is not one frame"
expect_stderr_has "imgbatch: '$T/f/orient-1.jpg': --page 1: the file has a single image"
run ib --page 2 -o "$T/page" "$T/f/pages.tif"
expect_rc 1
expect_stderr_has "imgbatch: '$T/f/pages.tif': --page 2: the file has 2 pages"

# --- metadata ------------------------------------------------------------------
# Default: EXIF (and its GPS position) dropped.
run ib -o "$T/meta" "$T/f/exif-gps.jpg" "$T/f/orient-6.jpg"
expect_rc 0
expect_no_field "$T/meta/resized_exif-gps.jpg" exif-data
expect_no_field "$T/meta/resized_exif-gps.jpg" exif-ifd3-GPSLatitudeRef
expect_no_field "$T/meta/resized_orient-6.jpg" orientation
# --keep-metadata: all kept, orientation 1 since the pixels are upright.
run ib --keep-metadata -o "$T/keep" "$T/f/exif-gps.jpg" "$T/f/orient-6.jpg"
expect_rc 0
[ "$(field "$T/keep/resized_exif-gps.jpg" exif-ifd3-GPSLatitudeRef | cut -c1)" = N ] || fail "GPS not kept"
[ "$(field "$T/keep/resized_orient-6.jpg" orientation)" = 1 ] || fail "orientation not reset"
expect_dims "$T/keep/resized_orient-6.jpg" 100 75
# --no-rotate: pixels as stored; the tag goes (or stays with the rest).
run ib --no-rotate -o "$T/norot" "$T/f/orient-6.jpg"
expect_rc 0
expect_dims "$T/norot/resized_orient-6.jpg" 75 100
expect_no_field "$T/norot/resized_orient-6.jpg" orientation
run ib --no-rotate --keep-metadata -o "$T/norot-keep" "$T/f/orient-6.jpg"
expect_rc 0
[ "$(field "$T/norot-keep/resized_orient-6.jpg" orientation)" = 6 ] || fail "stored pixels lost their tag"

# --- colour options ------------------------------------------------------------
# --keep-profile: the P3 numbers and their profile, which shows the same.
run ib -f png --keep-profile --prefix kp_ -o "$T/prof" "$T/f/p3.png"
expect_rc 0
field "$T/prof/kp_p3.png" icc-profile-data > /dev/null || fail "profile not kept"
same "$T/png/resized_p3.png" "$T/prof/kp_p3.png" "${golden_tol[@]}"
vips copy "$T/prof/kp_p3.png" "$T/kp-stripped.png[strip]"
differs "$T/png/resized_p3.png" "$T/kp-stripped.png"
# --output-profile p3: tagged P3 output of an sRGB input.
run ib -f png --output-profile p3 --prefix op_ -o "$T/prof" "$T/f/orient-1.jpg"
expect_rc 0
field "$T/prof/op_orient-1.png" icc-profile-data > /dev/null || fail "no P3 profile"
same "$T/png/resized_orient-1.png" "$T/prof/op_orient-1.png" "${golden_tol[@]}"
# --input-profile names what an untagged CMYK file is in (cmyk is also the
# fallback); --intent and --linear change pixels, a little.
run ib -f png --input-profile cmyk --prefix ip_ -o "$T/prof" "$T/f/cmyk-jpeg.jpg"
expect_rc 0
same "$T/png/resized_cmyk-jpeg.png" "$T/prof/ip_cmyk-jpeg.png" --max-diff 0
run ib -f png --intent perceptual --prefix in_ -o "$T/prof" "$T/f/cmyk-jpeg.jpg"
expect_rc 0
vips icc_transform "$T/f/cmyk-jpeg.jpg" "$T/t.v" srgb --input-profile cmyk --intent perceptual
vips resize "$T/t.v" "$T/ref_perceptual.png" 0.833333334
same "$T/ref_perceptual.png" "$T/prof/in_cmyk-jpeg.png" "${ref_tol[@]}"
# --linear: the reference shrinks in linear light too (on this zone plate
# the two ways differ by 77 levels).
run ib -f png --linear --prefix li_ -o "$T/prof" "$T/f/orient-1.jpg"
expect_rc 0
vips colourspace "$T/f/orient-1.jpg" "$T/lin.v" scrgb
vips resize "$T/lin.v" "$T/linr.v" 0.833333334
vips colourspace "$T/linr.v" "$T/ref_linear.png" srgb
same "$T/ref_linear.png" "$T/prof/li_orient-1.png" "${ref_tol[@]}"
differs "$T/png/resized_orient-1.png" "$T/prof/li_orient-1.png"
run ib --keep-profile --output-profile srgb "$T/f/p3.png"
expect_rc 2
expect_stderr_has "imgbatch: --keep-profile and --output-profile"
run ib --intent bogus "$T/f/p3.png"
expect_rc 2
expect_stderr_has "imgbatch: invalid --intent 'bogus'"

# --- vector input: off by default ---------------------------------------------
run ib -f png -o "$T/svg" "$T/f/drawing.svg"
expect_rc 1
expect_stderr_has "imgbatch: '$T/f/drawing.svg': SVG input is off (--allow-svg turns it on)"
expect_no_file "$T/svg/resized_drawing.png"
run ib --allow-svg -f png -o "$T/svg" "$T/f"
expect_rc 0
expect_stderr_has "21 resized, 0 failed, 0 skipped"
same "$TESTDATA/golden/features/resized_drawing.png" "$T/svg/resized_drawing.png" "${golden_tol[@]}"
# Content decides the loader: a font named .png fails with a reason.
font=$(find /usr/share/fonts -name '*.ttf' -print -quit 2>/dev/null || true)
if [ -n "$font" ]; then
    cp "$font" "$T/font.png"
    run ib -o "$T/font" "$T/font.png"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/font.png': not an image format imgbatch can read"
    expect_no_file "$T/font/resized_font.png"
    # ImageMagick's loader, whose module is loaded only when allowed,
    # renders it.
    run ib --allow-untrusted -o "$T/font" "$T/font.png"
    expect_rc 0
    expect_file "$T/font/resized_font.png"
fi

# Loaders libvips flags untrusted (here netpbm) only with --allow-untrusted.
vips copy "$T/f/pages.tif" "$T/plain.ppm"
run ib -o "$T/ppm" "$T/plain.ppm"
expect_rc 1
expect_stderr_has "imgbatch: '$T/plain.ppm': ppmload_source is an untrusted loader, off by default (--allow-untrusted turns it on)"
run ib --allow-untrusted -o "$T/ppm" "$T/plain.ppm"
expect_rc 0
expect_dims "$T/ppm/resized_plain.jpg" 100 75

# A worker loads the libvips modules its loader policy allows, and the
# HEIF and JPEG XL ones only once a file needs them (to read or to write):
# ImageMagick, PDF and OpenSlide are never loaded with their loaders off.
# worker_maps DIR OPTION...: the worker's memory map (in $T/maps) after it
# has done the largest file of DIR, taken while it hangs on the smallest.
worker_maps() {
    local dir=$1 pid worker
    shift
    head -c 60 "$T/f/orient-1.jpg" > "$dir/zz-hang.jpg"
    rm -rf "$T/maps-out"
    IMGBATCH_TEST_FAULT=hang:zz-hang "$IMGBATCH" -j1 "$@" -o "$T/maps-out" "$dir" 2> /dev/null &
    pid=$!
    wait_for_outputs "$T/maps-out" 1 100
    sleep 0.3
    worker=$(pgrep -P "$pid" || true)
    cat "/proc/$worker/maps" > "$T/maps" 2> /dev/null || true
    kill "$pid"
    wait "$pid" || true
    [ -s "$T/maps" ] || fail "no memory map of a worker"
}
expect_loaded() { grep -q "/$1.so" "$T/maps" || fail "$1 is not loaded ($2)"; }
expect_not_loaded() { ! grep -q "/$1.so" "$T/maps" || fail "$1 is loaded ($2)"; }
# Which modules load does not depend on the build: the release pass only.
if [ -z "${IMGBATCH_TEST_NO_MODULES:-}${IMGBATCH_TEST_SANITIZED:-}" ]; then
    mkdir -p "$T/mods" "$T/mods-heif"
    cp "$T/f/orient-1.jpg" "$T/mods/"
    worker_maps "$T/mods"
    for m in vips-heif vips-jxl vips-magick vips-poppler vips-openslide; do
        expect_not_loaded $m "a JPEG, by default"
    done
    worker_maps "$T/mods" -f jxl
    expect_loaded vips-jxl "writing JPEG XL"
    expect_not_loaded vips-magick "writing JPEG XL"
    # An AVIF with a name that does not say so: content decides.
    vips copy "$T/f/orient-1.jpg" "$T/disguised.avif"
    mv "$T/disguised.avif" "$T/mods-heif/disguised.jpg"
    worker_maps "$T/mods-heif"
    expect_loaded vips-heif "reading an AVIF"
    expect_dims "$T/maps-out/resized_disguised.jpg" 100 75
    worker_maps "$T/mods" --allow-pdf
    expect_loaded vips-poppler "--allow-pdf"
    expect_not_loaded vips-magick "--allow-pdf"
    worker_maps "$T/mods" --allow-untrusted
    for m in vips-magick vips-poppler vips-openslide; do
        expect_loaded $m "--allow-untrusted"
    done
fi

# --- encoder options -----------------------------------------------------------
run ib --jpeg-progressive --jpeg-optimize --jpeg-subsample off --prefix enc_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
[ "$(field "$T/enc/enc_orient-1.jpg" interlaced)" = 1 ] || fail "not progressive"
[ "$(field "$T/enc/enc_orient-1.jpg" jpeg-chroma-subsample)" = 4:4:4 ] || fail "subsampled"
[ "$(field "$T/meta/resized_orient-6.jpg" jpeg-chroma-subsample)" = 4:2:0 ] || fail "default not 4:2:0"
expect_no_field "$T/meta/resized_orient-6.jpg" interlaced
run ib -f png --png-palette --prefix pal_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
[ "$(field "$T/enc/pal_orient-1.png" palette-bit-depth)" = 8 ] || fail "not a palette PNG"
same "$T/png/resized_orient-1.png" "$T/enc/pal_orient-1.png" "${palette_tol[@]}"
run ib -f png --png-compression 0 --prefix c0_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
[ "$(stat -c %s "$T/enc/c0_orient-1.png")" -gt "$(stat -c %s "$T/png/resized_orient-1.png")" ] \
    || fail "--png-compression 0 is not larger"
run ib -f webp --webp-lossless --prefix wl_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
same "$T/png/resized_orient-1.png" "$T/enc/wl_orient-1.webp" --max-diff 0
run ib -f webp -q 50 --webp-near-lossless --webp-effort 0 --prefix wn_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
same "$T/png/resized_orient-1.png" "$T/enc/wn_orient-1.webp" "${ref_tol[@]}"
# AVIF's 4:2:0 chroma wipes out this zone plate (19 dB whatever the
# effort), so the check is that the effort reaches the encoder.
run ib -f avif --avif-effort 0 --prefix av0_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
run ib -f avif --avif-effort 9 --prefix av9_ -o "$T/enc" "$T/f/orient-1.jpg"
expect_rc 0
expect_dims "$T/enc/av0_orient-1.avif" 100 75
cmp -s "$T/enc/av0_orient-1.avif" "$T/enc/av9_orient-1.avif" && fail "--avif-effort changed nothing"
for bad in "--png-compression 10" "--webp-effort 7" "--avif-effort -1" "--jpeg-subsample maybe"; do
    # shellcheck disable=SC2086
    run ib $bad "$T/f/orient-1.jpg"
    expect_rc 2
    expect_stderr_has "imgbatch: invalid ${bad%% *}"
done
