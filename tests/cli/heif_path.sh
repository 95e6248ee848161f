# SPDX-License-Identifier: MIT
# HEIC and AVIF inputs. Renditions of a file libvips decodes once for all
# of them (alpha, here with a Display P3 profile) are each the output made
# alone: the profile outlives the decode.
. "$(dirname "$0")/lib.sh"
command -v vips > /dev/null || skip "vips (libvips-tools) is not installed"
command -v heif-enc > /dev/null || skip "heif-enc (libheif-examples) is not installed"
# The valgrind pass runs without libvips' modules, which read HEIF.
[ -z "${IMGBATCH_TEST_NO_MODULES:-}" ] || skip "libvips' modules are off"

mkdir -p "$T/work"
w=$T/work
vips resize "$TESTDATA/samples/alpha.png" "$w/alpha.png" 3
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
