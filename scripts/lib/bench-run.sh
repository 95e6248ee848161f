#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/lib/bench-run.sh VARIANT SRC_DIR DST_DIR - one timed command of
# scripts/bench's format workloads (PNG, WebP, HEIC, AVIF, TIFF inputs), as
# ../shared/bench/peers.sh's run mode is for the JPEG ones: it changes into
# SRC_DIR and hands the tool the plain names of its images.
#
# Environment: BOX, QUALITY, JOBS, OUTFMT (keep: the input's own format;
# jpg: JPEG), PYTHON, SHARP_DIR, INPUTS (decode-dwebp-sol: a file of "name
# TAB width TAB height" lines, bench-util.py dims).
#
# Peers, each writing DST_DIR/resized_<stem>.<ext> (ext: jpg, or the
# input's own):
#   pil-thumbnail, pil-resize  multiprocessing.Pool(JOBS) + Pillow
#                              (bench-pil.py; PNG, WebP, TIFF only)
#   sharp                      bench-sharp.js, 2*JOBS files at a time, one
#                              libvips thread each (not HEIC: sharp's own
#                              libheif has no HEVC decoder)
#   vips-xargs, vips-xargs-c1  xargs -PJOBS -n8 vipsthumbnail (-c1:
#                              VIPS_CONCURRENCY=1); its defaults (metadata
#                              kept), Q=QUALITY, TIFF deflate
# Decode floors (nothing written):
#   decode-vips        libvips' loader, every pixel, in a Pool(JOBS) of
#                      processes that start libvips once (bench-decode.py)
#   decode-vips-sol    the same, but loaded as libvips' thumbnail loads for
#                      BOX (its shrink-on-load): a HEIF file's embedded
#                      thumbnail where it takes it, a WebP file at the
#                      scale libwebp decodes to (the target size)
#   decode-pil         Pillow's Image.load() in a Pool(JOBS)
#   decode-dwebp       xargs -PJOBS dwebp (decodes to RGB, writes nothing)
#   decode-dwebp-sol   the same at the size libvips' thumbnail has libwebp
#                      decode to (dwebp -resize W H: the same rescaler)
#   decode-heif        xargs -PJOBS heif-convert to Y4M (4:2:0 YCbCr, no
#                      RGB conversion) into /dev/null: libheif + libde265
#                      or dav1d alone
#   decode-tiff        xargs -PJOBS tiffinfo -D (libtiff reads and
#                      decompresses every strip)
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
variant=$1 src=$2 dst=$3
: "${BOX:?}" "${QUALITY:?}" "${JOBS:?}" "${OUTFMT:?}" "${PYTHON:=/usr/bin/python3}"
cd "$src"
shopt -s nullglob nocaseglob
files=(*.png *.webp *.heic *.heif *.avif *.tif *.tiff)
[ "${#files[@]}" -gt 0 ] || {
    echo "no inputs in $src" >&2
    exit 1
}

# The output name and options for vipsthumbnail.
ext=jpg
if [ "$OUTFMT" = keep ]; then
    ext=${files[0]##*.} ext=${ext,,}
    [ "$ext" = tiff ] && ext=tif
    [ "$ext" = heif ] && ext=heic
fi
case $ext in
jpg | webp | heic | avif) vopts="[Q=$QUALITY]" ;;
tif) vopts="[compression=deflate]" ;;
*) vopts="" ;;
esac
vt=(vipsthumbnail -s "${BOX}x${BOX}" -o "$dst/resized_%s.$ext$vopts")

case $variant in
pil-thumbnail | pil-resize)
    exec "$PYTHON" "$here/bench-pil.py" --mode "${variant#pil-}" --format "$OUTFMT" \
        --workers "$JOBS" --box "$BOX" --quality "$QUALITY" --out "$dst" "${files[@]}"
    ;;
sharp)
    NODE_PATH="$SHARP_DIR/node_modules" exec node "$here/bench-sharp.js" --box "$BOX" \
        --quality "$QUALITY" --format "$OUTFMT" --parallel $((2 * JOBS)) --threads 1 \
        --out "$dst" "${files[@]}"
    ;;
vips-xargs)
    printf '%s\0' "${files[@]}" | xargs -0 -P"$JOBS" -n8 "${vt[@]}"
    ;;
vips-xargs-c1)
    printf '%s\0' "${files[@]}" | VIPS_CONCURRENCY=1 xargs -0 -P"$JOBS" -n8 "${vt[@]}"
    ;;
decode-vips)
    exec "$PYTHON" "$here/bench-decode.py" --workers "$JOBS" "${files[@]}"
    ;;
decode-vips-sol)
    exec "$PYTHON" "$here/bench-decode.py" --workers "$JOBS" --shrink-on-load "$BOX" "${files[@]}"
    ;;
decode-pil)
    exec "$PYTHON" "$here/bench-pil.py" --mode decode --workers "$JOBS" "${files[@]}"
    ;;
decode-dwebp)
    printf '%s\0' "${files[@]}" | xargs -0 -P"$JOBS" -n1 dwebp -quiet
    ;;
decode-dwebp-sol)
    # libvips 8.14 thumbnail.c: shrink = the larger of w / BOX, h / BOX (at
    # least 1); webp2vips.c: decode to VIPS_RINT(w / shrink) x VIPS_RINT(h /
    # shrink).
    [ -f "${INPUTS:-}" ] || {
        echo "INPUTS unset" >&2
        exit 2
    }
    # shellcheck disable=SC2016 # sh -c expands them
    awk -F'\t' -v box="$BOX" '{
        s = $2 / box; if ($3 / box > s) s = $3 / box; if (s < 1) s = 1
        printf "%s%c%d%c%d%c", $1, 0, int($2 / s + 0.5), 0, int($3 / s + 0.5), 0
    }' "$INPUTS" | xargs -0 -P"$JOBS" -n3 sh -c 'exec dwebp -quiet "$0" -resize "$1" "$2"'
    ;;
decode-heif)
    # heif-convert picks the format by the name's suffix: a .y4m link to
    # /dev/null.
    null=$(mktemp -d)
    trap 'rm -rf "$null"' EXIT
    ln -s /dev/null "$null/null.y4m"
    printf '%s\0' "${files[@]}" |
        xargs -0 -P"$JOBS" -I{} heif-convert --quiet {} "$null/null.y4m"
    ;;
decode-tiff)
    printf '%s\0' "${files[@]}" | xargs -0 -P"$JOBS" -n1 tiffinfo -D > /dev/null
    ;;
*)
    echo "bench-run.sh: unknown variant '$variant'" >&2
    exit 2
    ;;
esac
