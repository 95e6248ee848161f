# SPDX-License-Identifier: MIT
# -f picks the encoder and the extension; -q sets lossy quality; formats
# without alpha get it flattened onto white.
. "$(dirname "$0")/lib.sh"
samples_copy
# IMGBATCH_TEST_NO_MODULES: the valgrind pass runs without libvips'
# loadable modules, which hold JPEG XL, AVIF and HEIC (see scripts/test).
formats="jpg png webp avif tif gif jxl heic"
[ -n "${IMGBATCH_TEST_NO_MODULES:-}" ] && formats="jpg png webp tif gif"
for f in $formats; do
    rm -rf "$T/out"
    run ib -f "$f" -o "$T/out" "$T/in/photo.jpg" "$T/in/alpha.png"
    expect_rc 0
    expect_file "$T/out/resized_photo.$f"
    expect_file "$T/out/resized_alpha.$f"
    expect_dims "$T/out/resized_photo.$f" 100 75
    loader=$(vipsheader -f vips-loader "$T/out/resized_photo.$f")
    case $f in
        jpg) want=jpegload ;; png) want=pngload ;; webp) want=webpload ;;
        avif|heic) want=heifload ;; tif) want=tiffload ;; gif) want=gifload ;;
        jxl) want=jxlload ;;
    esac
    [ "$loader" = "$want" ] || fail "-f $f wrote $loader"
done

# JPEG XL is written, but libvips 8.14 flags its loader untrusted: a .jxl
# named is refused by default with how to allow it, read under
# --allow-untrusted; a folder's .jxl files count only then. (The loader
# policy against libvips' flags as a whole: tests/unit/test_loaders.c.)
if [ -z "${IMGBATCH_TEST_NO_MODULES:-}" ]; then
    mkdir -p "$T/jxl"
    vips copy "$T/in/photo.jpg" "$T/jxl/photo.jxl"
    run ib -o "$T/jxl-out" "$T/jxl/photo.jxl"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/jxl/photo.jxl': jxlload_source is an untrusted loader, off by default (--allow-untrusted turns it on)"
    run ib -o "$T/jxl-out" "$T/jxl"
    expect_rc 0
    expect_stderr_has "0 resized, 0 failed, 0 skipped"
    run ib --allow-untrusted -o "$T/jxl-out" "$T/jxl"
    expect_rc 0
    expect_dims "$T/jxl-out/resized_photo.jxl" 100 75
fi

# Quality: q20 is visibly smaller than q95.
run ib -q 20 --prefix q20_ -o "$T/q" "$T/in/photo.jpg"
run ib -q 95 --prefix q95_ -o "$T/q" "$T/in/photo.jpg"
small=$(stat -c %s "$T/q/q20_photo.jpg") big=$(stat -c %s "$T/q/q95_photo.jpg")
[ "$small" -lt "$big" ] || fail "q20 ($small bytes) not smaller than q95 ($big)"

# Alpha: kept for PNG, flattened onto white for JPEG (the corner of
# alpha.png is fully transparent).
rm -rf "$T/out"
run ib -f jpg -o "$T/out" "$T/in/alpha.png"
expect_rc 0
[ "$(vipsheader -f bands "$T/out/resized_alpha.jpg")" = 3 ] || fail "JPEG has alpha?"
corner=$(vips getpoint "$T/out/resized_alpha.jpg" 0 0)
for v in $corner; do
    [ "${v%.*}" -ge 250 ] || fail "transparent corner is '$corner', expected white"
done

# The format of a file is its content: a PNG named .jpg is read as PNG and
# written as JPEG, its name's format.
cp "$T/in/tiny.png" "$T/in/really-png.jpg"
rm -rf "$T/out"
run ib -o "$T/out" "$T/in/really-png.jpg"
expect_rc 0
[ "$(vipsheader -f vips-loader "$T/out/resized_really-png.jpg")" = jpegload ] || fail "not JPEG"

run ib -f bmp "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: invalid --format 'bmp'"
