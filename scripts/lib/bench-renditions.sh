#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/lib/bench-renditions.sh SRC DST: one timed run of the renditions
# workload (scripts/bench) by RUN_TOOL, writing DST/resized_<stem>-<B>x<B>.<ext>
# for every photo of SRC, sizes 320x320, 640x640 and 1280x1280 (fit inside),
# JPEG and
# WebP at QUALITY (WebP effort 4, libvips' default and Pillow's method 4),
# EXIF orientation applied, JOBS processes:
#   imgbatch          one run: -s 320,640,1280 -f jpg,webp
#   imgbatch-six      six runs, one per size and format, one after another:
#                     what the same job cost before renditions
#   pil-renditions    Pool(JOBS) + Pillow, one decode per photo
#                     (bench-renditions-pil.py)
#   sharp-renditions  sharp, clone() per output, 2*JOBS files at a time, one
#                     libvips thread each, as peers.sh runs sharp
#                     (bench-renditions-sharp.js)
# Environment: RUN_TOOL, IMGBATCH, PYTHON, SHARP_DIR, JOBS, QUALITY.
set -euo pipefail
src=$1 dst=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Boxes, as every peer fits: -s 320 alone would be a width.
boxes=320,640,1280 formats=jpg,webp
sizes=$(sed -E 's/([0-9]+)/\1x\1/g' <<< "$boxes")
name='resized_{stem}-{size}.{ext}'
files=()
for f in "$src"/*; do
    case ${f,,} in *.jpg | *.jpeg) files+=("$f") ;; esac
done
case $RUN_TOOL in
imgbatch)
    exec "$IMGBATCH" -j "$JOBS" -s "$sizes" -f "$formats" -q "$QUALITY" \
        --name "$name" --quiet -o "$dst" "$src"
    ;;
imgbatch-six)
    for s in ${sizes//,/ }; do
        for f in ${formats//,/ }; do
            "$IMGBATCH" -j "$JOBS" -s "$s" -f "$f" -q "$QUALITY" \
                --name "$name" --quiet -o "$dst" "$src"
        done
    done
    ;;
pil-renditions)
    exec "$PYTHON" "$here/bench-renditions-pil.py" --sizes "$boxes" \
        --formats "$formats" --quality "$QUALITY" --workers "$JOBS" \
        --out "$dst" "${files[@]}"
    ;;
sharp-renditions)
    NODE_PATH="$SHARP_DIR/node_modules" exec node "$here/bench-renditions-sharp.js" \
        --sizes "$boxes" --formats "$formats" --quality "$QUALITY" \
        --parallel $((2 * JOBS)) --threads 1 --out "$dst" "${files[@]}"
    ;;
*)
    echo "bench-renditions.sh: unknown tool '$RUN_TOOL'" >&2
    exit 2
    ;;
esac
