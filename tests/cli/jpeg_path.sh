# SPDX-License-Identifier: MIT
# The direct JPEG path (lib/vips/jpeg/jpegpath.c) against libvips' pipeline: for every
# plain JPEG and every option the path takes, the same output size and the
# same pixels (max-diff 0), and with the default options the same bytes;
# everything the path does not cover goes through libvips, and a file
# libjpeg finds fault with gets libvips' verdict. IMGBATCH_DIRECT_JPEG=0
# turns the path off; the report's "pipeline" says which one ran.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || skip "jq is not installed"
command -v vips > /dev/null || skip "vips (libvips-tools) is not installed"

# Plain JPEGs: colour 4:2:0, grey, 4:4:4, progressive, a tall one, all
# eight orientations, odd sizes (libjpeg and libvips round a scaled size
# differently: 1001x667 at 1/2 is 500x333 for libvips), and tagged ones
# (Display P3 and sRGB profiles: converted to sRGB). Progressive ones wide
# enough to be read at 1/8, where the path leaves out the AC scans that
# scale does not read (lib/vips/jpeg/jpegscans.c): 1728x144, 4:2:0 (chroma's AC
# scans kept) and 4:4:4 (none kept). Under valgrind (minutes per pass) six
# of them: the code they run is the same.
mkdir -p "$T/in"
cp "$TESTDATA/samples/photo.jpg" "$TESTDATA/samples/grey.jpg" "$TESTDATA/samples/rotated-6.jpg" "$T/in/"
vips icc_transform "$TESTDATA/samples/photo.jpg" "$T/in/p3.jpg[Q=90]" p3 --embedded
vips resize "$TESTDATA/samples/photo.jpg" "$T/in/odd.jpg[Q=85]" 1.5 --vscale 1.4893
vips resize "$TESTDATA/samples/photo.jpg" "$T/wide.v" 5.4 --vscale 0.6
vips copy "$T/wide.v" "$T/in/wide-progressive.jpg[interlace,Q=90]"
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    vips copy "$T/wide.v" "$T/in/wide-progressive-444.jpg[interlace,Q=90,subsample-mode=off]"
    cp "$TESTDATA/samples/long.jpg" "$T/in/"
    for i in 1 2 3 4 5 6 7 8; do cp "$TESTDATA/features/orient-$i.jpg" "$T/in/"; done
    vips copy "$TESTDATA/samples/photo.jpg" "$T/in/progressive.jpg[interlace,Q=90]"
    vips copy "$TESTDATA/samples/photo.jpg" "$T/in/444.jpg[subsample-mode=off,Q=80]"
    vips icc_transform "$TESTDATA/features/orient-6.jpg" "$T/in/srgb-tagged-6.jpg" srgb --embedded
fi
plain=$(find "$T/in" -type f | wc -l)

# paths_of REPORT: "pipeline" of every ok file record, sorted and counted.
paths_of() { jq -r 'select(.type == "file" and .status == "ok") | .pipeline' "$1" | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd' '; }
# pipeline_of REPORT FILE: the "pipeline" of the input FILE in REPORT.
pipeline_of() { jq -r --arg f "$2" 'select(.type == "file" and .input == $f) | .pipeline' "$1"; }

# same_output ARGS...: the batch with ARGS, through libvips and through the
# direct path; the direct one must take every file and match libvips'
# pixels exactly (its --golden is libvips' output).
same_output() {
    rm -rf "$T/vips" "$T/direct"
    IMGBATCH_DIRECT_JPEG=0 run ib --report "$T/vips.json" -o "$T/vips" "$@" "$T/in"
    expect_rc 0
    [ "$(paths_of "$T/vips.json")" = "libvips=$plain" ] || fail "$*: IMGBATCH_DIRECT_JPEG=0 ran $(paths_of "$T/vips.json")"
    run ib --report "$T/direct.json" --golden "$T/vips" --max-diff 0 --max-fraction 0 \
        -o "$T/direct" "$@" "$T/in"
    expect_rc 0
    [ "$(paths_of "$T/direct.json")" = "direct-jpeg=$plain" ] || fail "$*: ran $(paths_of "$T/direct.json")"
    [ "$(jq -r 'select(.type == "file") | .golden' "$T/direct.json" | sort -u)" = match ] ||
        fail "$*: outputs differ from libvips': $(jq -r 'select(.golden != "match" and .type == "file") | "\(.input): \(.figures)"' "$T/direct.json")"
}

# The defaults: the same bytes, not only the same pixels.
same_output
for f in "$T"/vips/*.jpg; do
    cmp -s "$f" "$T/direct/${f##*/}" || fail "$(basename "$f"): not the bytes libvips writes"
done
expect_dims "$T/direct/resized_photo.jpg" 100 75
expect_dims "$T/direct/resized_rotated-6.jpg" 100 75 # stored 240x320, orientation 6

# Every option the path takes: geometry forms, crops, quality either side
# of libvips' subsampling threshold, the JPEG encoder options, no rotation,
# rendering intents. Under valgrind the encoder options alone.
same_output -q 40 --jpeg-subsample off --jpeg-optimize --jpeg-progressive
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    same_output --size 64x64 --crop centre
    same_output --size 90x40 --crop entropy
    same_output --size '50%'
    same_output --size '300x300<'
    same_output --size '80x80!'
    same_output --size 2000@
    same_output -q 90
    same_output --no-rotate --size 33x77
    same_output --intent perceptual
fi

# What the path leaves to libvips: other output formats, a profile asked
# for, linear light, metadata kept, CMYK input. Under valgrind one of them:
# one decision decides them all.
cp "$TESTDATA/features/cmyk-jpeg.jpg" "$TESTDATA/features/exif-gps.jpg" "$T/in/"
declined=("-f png" "--linear" "--keep-metadata" "--output-profile srgb" "--keep-profile")
[ -z "${IMGBATCH_WRAPPER:-}" ] || declined=("--keep-metadata")
for opts in "${declined[@]}"; do
    # shellcheck disable=SC2086 # opts is words
    run ib --report "$T/r.json" -o "$T/opt" $opts "$T/in"
    expect_rc 0
    [ "$(paths_of "$T/r.json")" = "libvips=$((plain + 2))" ] || fail "$opts: ran $(paths_of "$T/r.json")"
done
run ib --report "$T/r.json" -o "$T/mixed" "$T/in"
expect_rc 0
[ "$(pipeline_of "$T/r.json" "$T/in/cmyk-jpeg.jpg")" = libvips ] ||
    fail "cmyk-jpeg.jpg did not go through libvips"
[ "$(pipeline_of "$T/r.json" "$T/in/exif-gps.jpg")" = direct-jpeg ] ||
    fail "exif-gps.jpg (plain JPEG with EXIF) did not take the direct path"
meta=$(vipsheader -a "$T/mixed/resized_exif-gps.jpg" | grep -E '^(exif-|xmp-|iptc-|icc-|orientation)' || true)
[ -z "$meta" ] || fail "metadata kept by the direct path: $meta"

# The orientation as libvips reads it (libexif, then atoi of its text):
# orient-6.jpg's IFD0 entry (big-endian, at byte 22) rewritten as a LONG
# (libexif makes it a SHORT: the direct path), as an ASCII "6" (libvips
# still rotates: left to libvips) and as a SHORT 9 (out of range: upright).
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/exif"
    entry() { # NAME BYTES: orient-6.jpg with its Orientation entry replaced
        cp "$TESTDATA/features/orient-6.jpg" "$T/exif/$1.jpg"
        printf "$2" | dd of="$T/exif/$1.jpg" bs=1 seek=22 conv=notrunc 2> /dev/null
    }
    [ "$(od -An -tx1 -j 22 -N 12 "$TESTDATA/features/orient-6.jpg" | tr -d ' \n')" = 011200030000000100060000 ] ||
        fail "orient-6.jpg's Orientation entry is no longer at byte 22"
    entry long '\x01\x12\x00\x04\x00\x00\x00\x01\x00\x00\x00\x06'
    entry ascii '\x01\x12\x00\x02\x00\x00\x00\x02\x36\x00\x00\x00'
    entry nine '\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09\x00\x00'
    IMGBATCH_DIRECT_JPEG=0 run ib -o "$T/exif-vips" "$T/exif"
    expect_rc 0
    run ib --report "$T/exif.json" -o "$T/exif-direct" "$T/exif"
    expect_rc 0
    for f in long ascii nine; do
        cmp -s "$T/exif-vips/resized_$f.jpg" "$T/exif-direct/resized_$f.jpg" || fail "$f.jpg: not the bytes libvips writes"
    done
    expect_dims "$T/exif-direct/resized_long.jpg" 100 75
    expect_dims "$T/exif-direct/resized_ascii.jpg" 100 75
    expect_dims "$T/exif-direct/resized_nine.jpg" 75 100
    [ "$(pipeline_of "$T/exif.json" "$T/exif/long.jpg")" = direct-jpeg ] || fail "long.jpg did not take the direct path"
    [ "$(pipeline_of "$T/exif.json" "$T/exif/nine.jpg")" = direct-jpeg ] || fail "nine.jpg did not take the direct path"
    [ "$(pipeline_of "$T/exif.json" "$T/exif/ascii.jpg")" = libvips ] || fail "ascii.jpg did not go through libvips"
fi

# A profile split over two chunks whose first is empty: libvips skips the
# empty chunk and so sees no profile at all, libjpeg would join the rest.
# Left to libvips, whose output (untagged, so no transform) it must be.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/icc"
    vips icc_transform "$TESTDATA/samples/photo.jpg" "$T/p3.jpg" p3 --embedded
    at=$(LC_ALL=C grep -obUa ICC_PROFILE "$T/p3.jpg" | awk -F: 'NR == 1 {print $1}')
    len=$(od -An -tu1 -j $((at - 2)) -N 2 "$T/p3.jpg" | awk '{print $1 * 256 + $2}')
    dd if="$T/p3.jpg" of="$T/p3.icc" bs=1 skip=$((at + 14)) count=$((len - 16)) 2> /dev/null
    {
        head -c 2 "$TESTDATA/samples/photo.jpg"
        printf '\xff\xe2\x00\x10ICC_PROFILE\x00\x01\x02'
        printf "\\xff\\xe2\\x$(printf %02x $((len >> 8)))\\x$(printf %02x $((len & 255)))"
        printf 'ICC_PROFILE\x00\x02\x02'
        cat "$T/p3.icc"
        tail -c +3 "$TESTDATA/samples/photo.jpg"
    } > "$T/icc/split.jpg"
    [ -z "$(vipsheader -f icc-profile-data "$T/icc/split.jpg" 2> /dev/null)" ] || fail "libvips sees a profile in split.jpg"
    IMGBATCH_DIRECT_JPEG=0 run ib -o "$T/icc-vips" "$T/icc"
    expect_rc 0
    run ib --report "$T/icc.json" -o "$T/icc-direct" "$T/icc"
    expect_rc 0
    [ "$(pipeline_of "$T/icc.json" "$T/icc/split.jpg")" = libvips ] || fail "split.jpg did not go through libvips"
    cmp -s "$T/icc-vips/resized_split.jpg" "$T/icc-direct/resized_split.jpg" || fail "split.jpg: not the bytes libvips writes"
fi

# The worker's cached resize pipelines (lib/vips/jpeg/resizecache.c), in one worker:
# three images of each of six sizes in a row (the first builds the size's
# pipeline, the next two reuse it with other pixels), a grey one beside an
# RGB one of the same size, then the first size again after the cache (4
# sizes) has let it go. Every output must be libvips' bytes: a pipeline
# that kept the last image's pixels would give the wrong picture. Under
# valgrind the earlier batches have reused pipelines already.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/sizes"
    photo=$TESTDATA/samples/photo.jpg
    vips flip "$photo" "$T/flipped.v" horizontal
    vips invert "$photo" "$T/inverted.v"
    vips colourspace "$photo" "$T/grey.v" b-w
    for w in 200 210 220 230 240 250; do
        vips crop "$photo" "$T/sizes/w$w-1.jpg[Q=90]" 0 0 "$w" 200
        vips crop "$T/flipped.v" "$T/sizes/w$w-2.jpg[Q=90]" 0 0 "$w" 200
        vips crop "$T/inverted.v" "$T/sizes/w$w-3.jpg[Q=90]" 0 0 "$w" 200
    done
    vips crop "$T/grey.v" "$T/sizes/w200-4.jpg[Q=90]" 0 0 200 200
    vips crop "$T/inverted.v" "$T/sizes/z200-5.jpg[Q=90]" 20 20 200 200
    IMGBATCH_DIRECT_JPEG=0 run ib -j1 -o "$T/sizes-vips" "$T/sizes"
    expect_rc 0
    run ib -j1 --report "$T/sizes.json" -o "$T/sizes-direct" "$T/sizes"
    expect_rc 0
    [ "$(paths_of "$T/sizes.json")" = "direct-jpeg=20" ] || fail "sizes: ran $(paths_of "$T/sizes.json")"
    for f in "$T"/sizes-vips/*.jpg; do
        cmp -s "$f" "$T/sizes-direct/${f##*/}" || fail "sizes: ${f##*/} is not the bytes libvips writes"
    done
    ! cmp -s "$T/sizes-direct/resized_w220-1.jpg" "$T/sizes-direct/resized_w220-3.jpg" ||
        fail "sizes: two different inputs gave one output"
fi

# Decodes too big for the resize cache (over 1 MB) take the split resize
# (lib/vips/resample/: libvips' vertical reduce, our horizontal one):
# libvips' bytes for RGB and grey, 4:2:0 and 4:4:4, reduced by 1.003 to
# 3.96 across, down by the same, by a box and a reduce (8.4), or not at all
# (a 3008x192 strip made 1500x192!), and read at 1/2 first (380x380).
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/big"
    photo=$TESTDATA/samples/photo.jpg
    vips resize "$photo" "$T/big/rgb.jpg[Q=90]" 4.7
    vips resize "$photo" "$T/big.v" 5.1 --vscale 6.7
    vips colourspace "$T/big.v" "$T/big/grey.jpg[Q=90]" b-w
    vips copy "$T/big.v" "$T/big/444.jpg[Q=90,subsample-mode=off]"
    vips resize "$photo" "$T/big/strip.jpg[Q=90]" 9.4 --vscale 0.8
    for size in 700x700 1500x1500 380x380 "1500x192!"; do
        IMGBATCH_DIRECT_JPEG=0 run ib -s "$size" -o "$T/big-vips" "$T/big"
        expect_rc 0
        run ib -s "$size" --report "$T/big.json" -o "$T/big-direct" "$T/big"
        expect_rc 0
        [ "$(paths_of "$T/big.json")" = "direct-jpeg=4" ] || fail "big at $size: ran $(paths_of "$T/big.json")"
        for f in "$T"/big-vips/*.jpg; do
            cmp -s "$f" "$T/big-direct/${f##*/}" || fail "big at $size: ${f##*/} is not the bytes libvips writes"
        done
        rm -rf "$T/big-vips" "$T/big-direct"
    done
fi

# A file libjpeg finds fault with: libvips' verdict, word for word.
rm -rf "$T/in" && mkdir -p "$T/in"
cp "$TESTDATA/bad/truncated.jpg" "$T/in/"
head -c 3000 "$TESTDATA/samples/photo.jpg" > "$T/in/cut.jpg"
# Cut short inside an AC scan that a 1/8 read leaves out: the missing end
# is still found.
vips copy "$T/wide.v" "$T/wide-progressive.jpg[interlace,Q=90]"
head -c $(($(stat -c %s "$T/wide-progressive.jpg") * 3 / 4)) "$T/wide-progressive.jpg" > "$T/in/cut-progressive.jpg"
IMGBATCH_DIRECT_JPEG=0 run ib -o "$T/out" "$T/in"
expect_rc 1
grep '^imgbatch: ' "$T/stderr" | sort > "$T/vips-errors"
run ib -o "$T/out" "$T/in"
expect_rc 1
grep '^imgbatch: ' "$T/stderr" | sort > "$T/direct-errors"
[ "$(wc -l < "$T/direct-errors")" -eq 3 ] || fail "expected 3 errors: $(cat "$T/direct-errors")"
cmp -s "$T/vips-errors" "$T/direct-errors" || fail "errors differ: $(diff "$T/vips-errors" "$T/direct-errors")"
expect_no_file "$T/out/resized_cut.jpg"
expect_no_file "$T/out/resized_cut-progressive.jpg"
expect_no_temp_files "$T/out"
