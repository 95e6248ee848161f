# SPDX-License-Identifier: MIT
# The real-world edge cases of ../shared/corpus: no crash, no hang, and each
# file is either written with the size MANIFEST.tsv expects after
# orientation or reported failed with a reason. Never copied in: read in
# place.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
if [ ! -f "${CORPUS:-}/MANIFEST.tsv" ]; then
    [ "${CI:-}" = true ] && fail "corpus missing at '${CORPUS:-}' under CI=true"
    skip "corpus not found at '${CORPUS:-}'"
fi
# Keep the run short on 2 cores: --max-pixels stops the 4-gigapixel PNG
# before it is decoded (it is checked from the header).
run ib -j2 --timeout 120 -s 256x256 --report "$T/report.json" -o "$T/out" "$CORPUS"
[ "$rc" -le 1 ] || fail "exit status $rc"
jq -e . "$T/report.json" > /dev/null || fail "invalid report"
n_inputs=$(find "$CORPUS" -maxdepth 1 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \
    -o -iname '*.webp' -o -iname '*.tif' -o -iname '*.tiff' -o -iname '*.gif' -o -iname '*.heic' \
    -o -iname '*.heif' -o -iname '*.avif' -o -iname '*.jxl' \) | wc -l)
[ "$(jq -s '[.[] | select(.type == "file")] | length' "$T/report.json")" -eq "$n_inputs" ] \
    || fail "not every input has a record"
# One jq pass (input, status, output, error) and one vipsheader over every
# output (libvips' start-up would otherwise dominate the test).
jq -r 'select(.type == "file") | [.input, .status, .output // "-", .error // "-"] | @tsv' \
    "$T/report.json" > "$T/records.tsv"
find "$T/out" -type f -print0 | xargs -0 -r vipsheader > "$T/headers.txt" 2>/dev/null || true
# Decodable only by filling in what is missing, or not an image at all:
# these must fail, never become a plausible-looking thumbnail.
must_fail=" truncated.jpg truncated.png truncated.gif xcsn0g01.png not-an-image_NotoSans-Regular.ttf.png "
checked=0 failed=0
while IFS=$'\t' read -r file _ _ loads _ _ _ dw dh _; do
    [ "$file" = file ] && continue
    rec=$(awk -F'\t' -v want="$CORPUS/$file" '$1 == want' "$T/records.tsv")
    if [ -z "$rec" ]; then
        case $file in *.svg) continue ;; esac  # not an image extension
        fail "no record for $file"
    fi
    IFS=$'\t' read -r _ status out error <<< "$rec"
    if [ "$status" = failed ]; then
        failed=$((failed + 1))
        [ "$error" != - ] && [ -n "$error" ] || fail "$file failed without a reason"
        [ -z "$(find "$T/out" -name "resized_${file%.*}.*")" ] || fail "$file failed but left output"
        continue
    fi
    [ "$status" = ok ] || fail "$file: status $status"
    case $must_fail in *" $file "*) fail "$file was written, but it must fail" ;; esac
    case $loads in no:*) fail "$file: libvips cannot load it, yet it was written" ;; esac
    size=$(awk -v f="$out:" '$1 == f { print $2; exit }' "$T/headers.txt")
    [ -n "$size" ] || fail "$file: output $out unreadable"
    w=${size%x*} h=${size#*x}
    # Fit inside 256x256, the aspect of the upright image kept.
    awk -v w="$w" -v h="$h" -v dw="$dw" -v dh="$dh" 'BEGIN {
        long = (dw > dh) ? dw : dh; s = 256 / long
        ew = dw * s; eh = dh * s; if (ew < 1) ew = 1; if (eh < 1) eh = 1
        exit !((w - ew) ^ 2 <= 1.01 && (h - eh) ^ 2 <= 1.01)
    }' || fail "$file: ${w}x$h, expected the shape of ${dw}x$dh in 256x256"
    checked=$((checked + 1))
done < "$CORPUS/MANIFEST.tsv"
echo "corpus: $checked written with the expected size, $failed failed with a reason"
[ "$checked" -ge 50 ] || fail "only $checked files written"
expect_no_temp_files "$T/out"

# Pixels: vipsthumbnail's shared behaviour is the reference. Both sides
# lossless (-f png) so the comparison sees the pipeline, not an encoder;
# tagged colour inputs exported to sRGB, as imgbatch does by default.
# Measured: 68 of 69 identical, the last (concert.jpg, a grey JPEG with a
# Gray Gamma 2.2 profile, which imgbatch converts to sRGB's tone curve and
# vipsthumbnail leaves tagged) within a level, 86.3 dB (9 levels and 38.7
# dB while imgbatch wrote it unconverted and untagged). What the pixels are is the release
# pass's to check; the sanitizer pass (IMGBATCH_TEST_SANITIZED) has had
# every file through the pipeline above and goes on to the direct path.
if [ -z "${IMGBATCH_TEST_SANITIZED:-}" ]; then
    run ib -j2 --timeout 120 -s 256x256 -f png --report "$T/png.json" -o "$T/png" "$CORPUS"
    jq -r 'select(.type == "file" and .status == "ok") | [.input, .output] | @tsv' "$T/png.json" > "$T/png.tsv"
    # MANIFEST.tsv's notes say how libvips reads each file ("3 band(s) ...;
    # has ICC"): no vipsheader per file.
    compared=0
    while IFS=$'\t' read -r in out; do
        args=()
        notes=$(awk -F'\t' -v f="${in##*/}" '$1 == f { print $10; exit }' "$CORPUS/MANIFEST.tsv")
        case $notes in
            [3-9]" band(s)"*"has ICC"*) args=(--export-profile srgb) ;;
        esac
        vips thumbnail "$in" "$T/ref.png" 256 --height 256 "${args[@]}" 2> /dev/null || fail "vips thumbnail cannot read $in"
        verdict=$("$IMGBATCH" compare --max-diff 16 --min-psnr 36 "$T/ref.png" "$out" 2>&1 | tail -n 1) \
            || fail "$in: imgbatch and vipsthumbnail differ: $verdict"
        compared=$((compared + 1))
    done < "$T/png.tsv"
    echo "corpus: $compared outputs match vipsthumbnail (max-diff 16, PSNR >= 36 dB)"
    [ "$compared" -ge 50 ] || fail "only $compared outputs compared"
fi

# The direct JPEG path on the corpus' tagged and rotated JPEGs: libvips'
# bytes for each rendering intent, through the worker's cached sRGB
# transforms. sample-xyb.jpg's profile is a LUT that supports only the
# perceptual intent: under the others libvips will not use it (it warns
# and falls back to sRGB), and neither may the cache; the two outputs
# differ, which the last check makes sure of.
jpegs=()
for f in sample-xyb.jpg sample.jpg concert.jpg Landscape_2.jpg Landscape_6.jpg Portrait_8.jpg; do
    [ -f "$CORPUS/$f" ] || fail "corpus file '$f' missing"
    jpegs+=("$CORPUS/$f")
done
for intent in relative perceptual saturation absolute; do
    IMGBATCH_DIRECT_JPEG=0 run ib -j2 --intent "$intent" -o "$T/vips-$intent" "${jpegs[@]}"
    expect_rc 0
    run ib -j2 --intent "$intent" --report "$T/direct.json" -o "$T/direct-$intent" "${jpegs[@]}"
    expect_rc 0
    took=$(jq -r 'select(.type == "file" and .pipeline == "direct-jpeg") | .input' "$T/direct.json" | wc -l)
    [ "$took" -eq "${#jpegs[@]}" ] || fail "--intent $intent: the direct path took $took of ${#jpegs[@]}"
    for f in "$T/vips-$intent"/*; do
        cmp -s "$f" "$T/direct-$intent/${f##*/}" || fail "--intent $intent: ${f##*/} differs from libvips' output"
    done
done
! cmp -s "$T/vips-relative/resized_sample-xyb.jpg" "$T/vips-perceptual/resized_sample-xyb.jpg" ||
    fail "sample-xyb.jpg: perceptual and relative agree, so the check above proves nothing"
echo "corpus: the direct path wrote libvips' bytes for ${#jpegs[@]} tagged JPEGs under 4 intents"
