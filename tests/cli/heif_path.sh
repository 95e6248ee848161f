# SPDX-License-Identifier: MIT
# The HEIF path (lib/vips/heif/heifbase.h): a HEIC or AVIF decoded by
# libheif as planes makes libvips' own outputs, byte for byte
# (IMGBATCH_DIRECT_HEIF=0 turns the path off), for every output format,
# renditions and crops, a file with an ICC profile and one with an
# embedded thumbnail libvips' thumbnail does not take. What the path does
# not take goes through libvips: alpha, an output libvips' thumbnail makes
# from the embedded thumbnail, kept metadata, --fit fill; renditions of
# those keep their colours (the profile outlives the decode); and a broken
# file fails with libvips' reason.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || skip "jq is not installed"
command -v vips > /dev/null || skip "vips (libvips-tools) is not installed"
command -v heif-enc > /dev/null || skip "heif-enc (libheif-examples) is not installed"
# The valgrind pass runs without libvips' modules, which read HEIF.
[ -z "${IMGBATCH_TEST_NO_MODULES:-}" ] || skip "libvips' modules are off"

# Inputs: the sample photo enlarged to 1200x900, as HEIC and AVIF.
mkdir -p "$T/in" "$T/work"
w=$T/work
vips resize "$TESTDATA/samples/photo.jpg" "$w/big.png" 3.75
vips icc_transform "$w/big.png" "$w/p3.v" p3
vips pngsave "$w/p3.v" "$w/p3.png"
vips resize "$TESTDATA/samples/alpha.png" "$w/alpha.png" 3
heif-enc -q 60 -o "$T/in/hevc.heic" "$w/big.png" > /dev/null
heif-enc -q 60 -A -p speed=9 -o "$T/in/av1.avif" "$w/big.png" > /dev/null
heif-enc -q 60 -o "$T/in/p3.heic" "$w/p3.png" > /dev/null
heif-enc -q 60 -t 320 -o "$T/in/thumb.heic" "$w/big.png" > /dev/null
heif-enc -q 60 -o "$T/in/alpha.heic" "$w/alpha.png" > /dev/null
[ "$(vipsheader -f bands "$T/in/alpha.heic")" = 4 ] || fail "alpha.heic has no alpha"
vipsheader -f icc-profile-data "$T/in/p3.heic" > /dev/null 2>&1 || fail "p3.heic has no profile"

pipelines() { # REPORT -> "name pipeline" per output record, sorted
    jq -r 'select(.type == "output") | "\(.output | split("/") | last) \(.pipeline)"' "$1" | sort
}

# same_runs OPTION...: the outputs with the path and without are the same
# bytes; each output's pipeline is left in $T/a.pipelines.
same_runs() {
    rm -rf "$T/a" "$T/b"
    run ib "$@" --report "$T/a.json" -o "$T/a" "$T/in"
    expect_rc 0
    IMGBATCH_DIRECT_HEIF=0 run ib_again "$@" --report "$T/b.json" -o "$T/b" "$T/in"
    expect_rc 0
    [ "$(ls "$T/a")" = "$(ls "$T/b")" ] || fail "$*: not the same outputs"
    for f in "$T"/b/*; do
        cmp -s "$f" "$T/a/${f##*/}" || fail "$*: ${f##*/} is not libvips' own"
    done
    ! grep -q direct-heif <(pipelines "$T/b.json") || fail "IMGBATCH_DIRECT_HEIF=0 did not turn the path off"
    pipelines "$T/a.json" > "$T/a.pipelines"
}

# expect_pipeline NAME PIPELINE: every output of input NAME came from it.
expect_pipeline() {
    local got
    got=$(grep "^resized_$1[-.]" "$T/a.pipelines" | awk '{print $2}' | sort -u)
    [ "$got" = "$2" ] || fail "$1: pipeline '$got', expected $2 ($(cat "$T/a.pipelines"))"
}

# Renditions in every format that keeps no metadata by default.
same_runs -s 800x800,320x320 -f jpg,png,webp,tif
for n in hevc av1 p3 thumb; do expect_pipeline "$n" direct-heif; done
expect_pipeline alpha libvips
[ "$(vipsheader -f width "$T/a/resized_av1-800x800.jpg")" = 800 ] || fail "800x800 is not 800 wide"

# At 100x100 libvips' thumbnail shrinks the 320-px embedded thumbnail
# (narrower than the image, and still shrunk): that file goes to libvips.
same_runs -s 100x100 -f jpg
expect_pipeline hevc direct-heif
expect_pipeline thumb libvips

# Crops take the path; a stretch and kept metadata do not.
same_runs -s 200x200 --fit cover --gravity attention -f jpg
expect_pipeline hevc direct-heif
same_runs -s 300x100 --fit fill -f webp
expect_pipeline hevc libvips
same_runs -s 300x300 --keep-metadata=exif -f webp
expect_pipeline hevc libvips

# Renditions of what libvips decodes (alpha, here with a P3 profile) are
# each the output made alone: their ICC profile outlives the decode.
mkdir -p "$T/tagged"
vips icc_transform "$w/alpha.png" "$w/alpha-p3.v" p3
vips pngsave "$w/alpha-p3.v" "$w/alpha-p3.png"
heif-enc -q 60 -o "$T/tagged/alpha-p3.heic" "$w/alpha-p3.png" > /dev/null
run ib -s 320x320,100x100 -f png -o "$T/tagged-r" "$T/tagged"
expect_rc 0
for s in 320x320 100x100; do
    run ib -s "$s" -f png -o "$T/tagged-$s" "$T/tagged"
    expect_rc 0
    same_pixels "$T/tagged-r/resized_alpha-p3-$s.png" "$T/tagged-$s/resized_alpha-p3.png"
done

# A truncated file fails with libvips' reason, the path on or off.
mkdir -p "$T/bad"
head -c 20000 "$T/in/hevc.heic" > "$T/bad/cut.heic"
run ib -o "$T/bad-a" "$T/bad"
expect_rc 1
grep -F "cut.heic" "$T/stderr" > "$T/a.err" || fail "no reason for cut.heic"
IMGBATCH_DIRECT_HEIF=0 run ib_again -o "$T/bad-b" "$T/bad"
expect_rc 1
grep -F "cut.heic" "$T/stderr" > "$T/b.err"
cmp -s "$T/a.err" "$T/b.err" || fail "not libvips' reason: $(cat "$T/a.err")"
