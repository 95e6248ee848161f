# SPDX-License-Identifier: MIT
# Bad files: each is one line naming the file and the reason, exit 1,
# nothing written for it, the good file beside them still done.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/in"
cp "$TESTDATA"/bad/* "$T/in/"
cp "$TESTDATA"/samples/photo.jpg "$T/in/"
run ib "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/empty.jpg': empty file"
expect_stderr_has "imgbatch: '$T/in/text.jpg': not an image format imgbatch can read"
expect_stderr_has "imgbatch: '$T/in/truncated.jpg': VipsJpeg: Premature end of input file"
expect_stderr_has "1 resized, 3 failed, 0 skipped in "
[ "$(wc -l < "$T/stderr")" -eq 4 ] || fail "expected 3 failure lines and a summary"
for f in empty text truncated; do expect_no_file "$T/in/resized_$f.jpg"; done
expect_file "$T/in/resized_photo.jpg"
expect_no_temp_files "$T/in"

# gzip'd bytes whose gzip stream ends before the file does, with little
# inflated: libvips 8.14's SVG check loops forever on them, even with SVG
# off and whatever the name says. Each fails at once (a regression would
# show as "timed out"), SVG inside or not, SVG on or off.
mkdir -p "$T/svgz"
python3 - "$T/svgz" << 'PY'
import gzip, sys
d = sys.argv[1]
svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
tail = b"bytes after the end of the gzip stream"
for name in ("svg-inside.svgz", "svg-inside.jpg"):
    open(f"{d}/{name}", "wb").write(gzip.compress(svg) + tail)
for name in ("not-svg.svgz", "not-svg.png"):
    open(f"{d}/{name}", "wb").write(gzip.compress(b'{"not": "an image"}') + tail)
PY
for svg_option in "" --allow-svg; do
    run ib $svg_option -j2 --timeout 20 -o "$T/svgz-out" "$T/svgz/svg-inside.svgz" \
        "$T/svgz/svg-inside.jpg" "$T/svgz/not-svg.svgz" "$T/svgz/not-svg.png"
    expect_rc 1
    for f in svg-inside.svgz svg-inside.jpg; do
        if [ -z "$svg_option" ]; then
            expect_stderr_has "imgbatch: '$T/svgz/$f': SVG input is off (--allow-svg turns it on)"
        else
            expect_stderr_has "imgbatch: '$T/svgz/$f': damaged SVGZ: bytes after the end of its gzip data"
        fi
    done
    for f in not-svg.svgz not-svg.png; do
        expect_stderr_has "imgbatch: '$T/svgz/$f': not an image format imgbatch can read"
    done
    expect_stderr_has "0 resized, 4 failed, 0 skipped"
done
run ib_again compare "$T/svgz/svg-inside.svgz" "$T/svgz/not-svg.svgz"
expect_rc 2
expect_stderr_has "imgbatch: cannot read '$T/svgz/svg-inside.svgz': damaged gzip data (not an image)"

# A truncated interlaced PNG is the input's fault, whatever is written:
# libvips decodes it as it saves (libvips is lazy), and its saver used to
# blame the output ("vips2png: unable to write to target target_custom").
mkdir -p "$T/cut"
vips gaussnoise "$T/noise.v" 300 200
vips bandjoin "$T/noise.v $T/noise.v $T/noise.v" "$T/noise3.v"
vips copy "$T/noise3.v" "$T/interlaced.png[interlace]"
head -c "$(($(stat -c %s "$T/interlaced.png") * 3 / 4))" "$T/interlaced.png" > "$T/cut/interlaced.png"
for f in "" "-f jpg" "-f webp" "-s 50,60"; do
    # shellcheck disable=SC2086
    run ib $f -o "$T/cut-out" "$T/cut/interlaced.png"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/cut/interlaced.png': not enough data"
    expect_stderr_lacks "target"
done
