# SPDX-License-Identifier: MIT
# A grey image with a grey ICC profile of its own (here Gray Gamma 2.2) is
# converted to sRGB's tone curve, as colour ones are, and stays one band
# (and its alpha): its pixels are vipsthumbnail -e srgb's, on both JPEG
# paths, byte for byte the same JPEG; never the input's tone curve written
# untagged. --keep-profile keeps the profile instead.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || skip "jq is not installed"
mkdir -p "$T/in"
# A minimal ICC v2 grey display profile: desc, cprt, wtpt, kTRC (gamma).
python3 - "$T/gamma22.icc" << 'PY'
import struct, sys
def s15(v): return struct.pack(">i", round(v * 65536))
desc = b"Gray Gamma 2.2\0"
tags = [(b"desc", b"desc\0\0\0\0" + struct.pack(">I", len(desc)) + desc + b"\0" * 78),
        (b"cprt", b"text\0\0\0\0test data\0"),
        (b"wtpt", b"XYZ \0\0\0\0" + s15(0.9642) + s15(1.0) + s15(0.8249)),
        (b"kTRC", b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0")]
offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
for sig, data in tags:
    body += b"\0" * (-(offset + len(body)) % 4)
    table += sig + struct.pack(">II", offset + len(body), len(data))
    body += data
body += b"\0" * (-len(body) % 4)
head = struct.pack(">I", offset + len(body)) + b"lcms" + struct.pack(">I", 0x02100000)
head += b"mntrGRAYXYZ " + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acspAPPL" + b"\0" * 24
head += s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48
open(sys.argv[1], "wb").write(head + struct.pack(">I", len(tags)) + table + body)
PY
# A ramp from black to white (the shadows are where the curves part), as
# a JPEG tagged through libvips' own writer, and with alpha as a PNG.
vips xyz "$T/xy.v" 256 64
vips extract_band "$T/xy.v" "$T/x.v" 0
vips cast "$T/x.v" "$T/ramp.v" uchar
vips copy "$T/ramp.v" "$T/ramp.tiff[profile=$T/gamma22.icc]"
vips copy "$T/ramp.tiff" "$T/in/ramp.jpg[Q=95]"
vips bandjoin_const "$T/ramp.v" "$T/ra.v" 200
vips copy "$T/ra.v" "$T/in/ramp-alpha.png[profile=$T/gamma22.icc]"
[ "$(vipsheader -f bands "$T/in/ramp.jpg")" = 1 ] || fail "the input is not grey"
vipsheader -f icc-profile-data "$T/in/ramp.jpg" > /dev/null 2>&1 || fail "the input has no profile"

# max_diff A B: the largest difference between A's green band (libvips'
# reference is three bands, equal within lcms' rounding) and B's first.
max_diff() {
    vips extract_band "$1" "$T/a.v" 1
    vips extract_band "$2" "$T/b.v" 0
    vips subtract "$T/a.v" "$T/b.v" "$T/d.v"
    vips abs "$T/d.v" "$T/ad.v"
    vips max "$T/ad.v"
}
vipsthumbnail -s 256 -e srgb "$T/in/ramp.jpg" -o "$T/ref.png"
vipsthumbnail -s 256 -e srgb "$T/in/ramp-alpha.png" -o "$T/ref-alpha.png"
for direct in 1 0; do
    rm -rf "$T/out"
    IMGBATCH_DIRECT_JPEG=$direct run ib -s 256 -f png -o "$T/out" "$T/in"
    expect_rc 0
    for f in ramp ramp-alpha; do
        out=$T/out/resized_$f.png
        want=1
        [ $f = ramp ] || want=2
        [ "$(vipsheader -f bands "$out")" = $want ] || fail "$f: $(vipsheader -f bands "$out") bands"
        ! vipsheader -f icc-profile-data "$out" > /dev/null 2>&1 || fail "$f: written tagged"
        ref=$T/ref.png
        [ $f = ramp ] || ref=$T/ref-alpha.png
        diff=$(max_diff "$ref" "$out")
        [ "${diff%.*}" -le 1 ] || fail "direct=$direct $f: $diff levels from vipsthumbnail -e srgb"
    done
done
# The direct JPEG path writes libvips' bytes.
IMGBATCH_DIRECT_JPEG=0 run ib_again -s 256 --report "$T/vips.json" -o "$T/vips" "$T/in/ramp.jpg"
run ib -s 256 --report "$T/direct.json" -o "$T/direct" "$T/in/ramp.jpg"
[ "$(jq -r 'select(.type == "file") | .pipeline' "$T/direct.json")" = direct-jpeg ] || fail "not the direct path"
cmp -s "$T/vips/resized_ramp.jpg" "$T/direct/resized_ramp.jpg" || fail "the two paths wrote different bytes"
# --keep-profile: the input's pixels, with their profile.
run ib --keep-profile -s 256 -o "$T/keep" "$T/in/ramp.jpg"
expect_rc 0
cmp -s <(vipsheader -f icc-profile-data "$T/keep/resized_ramp.jpg") \
    <(vipsheader -f icc-profile-data "$T/in/ramp.jpg") || fail "--keep-profile lost the profile"
