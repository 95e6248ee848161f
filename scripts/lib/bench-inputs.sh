#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/lib/bench-inputs.sh - scripts/bench's inputs in formats other than
# JPEG, made from the corpus' photos, deterministically (the same bytes for
# the same photos and tool versions; nothing is downloaded).
#
#   bench-inputs.sh make  SET PHOTOS DIR   (re)make SET from PHOTOS into DIR
#   bench-inputs.sh check SET PHOTOS DIR   exit 0 when DIR is exactly SET made
#                                          from PHOTOS, else say why (stdout)
#   bench-inputs.sh describe SET           one line: what SET is
#
# Sets (PHOTOS = the corpus' photos/, in C-locale name order):
#   webp    every photo, cwebp -q 90 (method 4, no metadata): <stem>.webp
#   heic    24 photos (below), heif-enc -q 50, x265 (preset slow, 4:2:0,
#           one coded image, no grid), metadata as heif-enc copies it; the
#           odd-numbered ones (the 2nd, 4th, ...) with a 320-px thumbnail
#           as phones write them (heif-enc -t 320): <stem>.heic, and
#           <stem>_t320.heic for those with the thumbnail
#   avif    the same 24, heif-enc -A -q 50, aom (speed 6, 4:2:0), the same
#           thumbnails: <stem>.avif, <stem>_t320.avif
#   tiff8   the same 24, vips tiffsave: 8-bit RGB (grey stays grey), LZW
#           with the horizontal predictor, striped (128 rows a strip), one
#           IFD: no tiles, no pyramid (no pages, no subIFDs); metadata
#           (EXIF, ICC) kept: <stem>.tif
#   tiff16  the same 24, 16 bits a sample: photo x 257 plus Gaussian noise
#           of sigma 64 (a quarter of one 8-bit level; vips gaussnoise,
#           seeded) so the low byte is not a copy of the high one, as in a
#           16-bit file from a raw converter; deflate (zip, level 6) with
#           the horizontal predictor, striped, one IFD: <stem>.tif
# The 24: photo number floor(i * N / 24) for i = 0..23 of the N photos,
# evenly spread over the name order (and so over the sizes).
#
# check: DIR's files are exactly the expected names (hidden files aside);
# .bench-inputs in DIR, written last by make, names the set, the tools'
# versions and every source photo's SHA-256, and matches a fresh one; each
# file's header is what the set says (vipsheader; heif-info for the
# thumbnails; tiffinfo for strips, IFDs and compression); and the file made
# from the smallest source photo is byte-identical to a fresh make of it.
#
# Needs: libvips-tools, webp, libheif-examples, libtiff-tools.
set -euo pipefail
export LC_ALL=C

SELECT=24
THUMB=320

die() {
    echo "bench-inputs.sh: $*" >&2
    exit 2
}

describe() {
    case $1 in
    webp) echo "every photo as WebP (cwebp -q 90)" ;;
    heic) echo "$SELECT photos as HEIC (heif-enc x265 q50), every 2nd with a ${THUMB}-px thumbnail" ;;
    avif) echo "$SELECT photos as AVIF (heif-enc aom q50), every 2nd with a ${THUMB}-px thumbnail" ;;
    tiff8) echo "$SELECT photos as 8-bit TIFF (LZW, predictor, striped, no pyramid)" ;;
    tiff16) echo "$SELECT photos as 16-bit TIFF (deflate, predictor, striped, no pyramid; low byte noise)" ;;
    *) die "unknown set '$1' (webp heic avif tiff8 tiff16)" ;;
    esac
}

photo_list() {  # PHOTOS -> every photo's name, in order
    local f
    for f in "$1"/*; do
        case ${f,,} in *.jpg | *.jpeg) [ -f "$f" ] && echo "${f##*/}" ;; esac
    done
}

# SET PHOTOS -> "source<TAB>output name<TAB>thumbnail (0/1)" for each file
plan() {
    local set=$1 photos=$2 all=() i k n p stem thumb
    mapfile -t all < <(photo_list "$photos")
    n=${#all[@]}
    [ "$n" -gt 0 ] || die "no photos in '$photos'"
    if [ "$set" = webp ]; then
        for p in "${all[@]}"; do printf '%s\t%s\t0\n' "$p" "${p%.*}.webp"; done
        return
    fi
    for ((i = 0; i < SELECT && i < n; i++)); do
        k=$((n >= SELECT ? i * n / SELECT : i))
        p=${all[$k]} stem=${all[$k]%.*} thumb=$((i % 2))
        case $set in
        heic | avif)
            [ "$thumb" = 1 ] && stem=${stem}_t$THUMB
            printf '%s\t%s\t%s\n' "$p" "$stem.$set" "$thumb"
            ;;
        tiff8 | tiff16) printf '%s\t%s\t0\n' "$p" "$stem.tif" ;;
        esac
    done
}

make_one() {  # SET SRC DST THUMB TMPDIR
    local set=$1 src=$2 dst=$3 thumb=$4 tmp=$5 bands t=()
    [ "$thumb" = 1 ] && t=(-t "$THUMB")
    case $set in
    webp) cwebp -quiet -q 90 "$src" -o "$dst" ;;
    heic) heif-enc -q 50 "${t[@]}" -o "$dst" "$src" > /dev/null ;;
    avif) heif-enc -A -q 50 "${t[@]}" -o "$dst" "$src" > /dev/null ;;
    tiff8)
        vips tiffsave "$src" "$dst" --compression lzw --predictor horizontal
        ;;
    tiff16)
        bands=$(vipsheader -f bands "$src")
        local w h b noise=()
        w=$(vipsheader -f width "$src") h=$(vipsheader -f height "$src")
        for ((b = 0; b < bands; b++)); do
            vips gaussnoise "$tmp/n$b.v" "$w" "$h" --sigma 64 --mean 0 --seed $((b + 1))
            noise+=("$tmp/n$b.v")
        done
        if [ "$bands" -gt 1 ]; then
            vips bandjoin "${noise[*]}" "$tmp/noise.v"
        else
            mv "$tmp/n0.v" "$tmp/noise.v"
        fi
        vips linear "$src" "$tmp/x257.v" 257 0
        vips add "$tmp/x257.v" "$tmp/noise.v" "$tmp/sum.v"
        vips cast "$tmp/sum.v" "$tmp/u16.v" ushort
        vips copy "$tmp/u16.v" "$tmp/typed.v" --interpretation \
            "$([ "$bands" -gt 1 ] && echo rgb16 || echo grey16)"
        vips tiffsave "$tmp/typed.v" "$dst" --compression deflate --predictor horizontal
        rm -f "$tmp"/*.v
        ;;
    esac
}

versions() {  # SET -> the tools that make it
    case $1 in
    webp) cwebp -version ;;
    heic | avif) heif-enc --list-encoders 2>&1 | grep -E '^-' | tr '\n' ' '; echo ;;
    tiff8 | tiff16) vips --version ;;
    esac
}

stamp() {  # SET PHOTOS -> the contents of .bench-inputs
    local set=$1 photos=$2 src name thumb
    echo "set: $set: $(describe "$set")"
    echo "tools: $(versions "$set")"
    while IFS=$'\t' read -r src name thumb; do
        printf '%s\t%s\t%s\t%s\n' "$name" "$thumb" "$src" "$(sha256sum < "$photos/$src" | cut -d' ' -f1)"
    done < <(plan "$set" "$photos")
}

cmd_make() {  # SET PHOTOS DIR
    local set=$1 photos=$2 dir=$3 tmp
    tmp=$dir.tmp.$$
    rm -rf "$tmp" && mkdir -p "$tmp/.work"
    echo "bench-inputs.sh: making $set in $dir: $(describe "$set")" >&2
    # One file per job (the encoders are deterministic whatever runs beside
    # them); each job's intermediates in a folder of its own.
    if ! plan "$set" "$photos" | tr '\t\n' '\0\0' |
        xargs -0 -n3 -P"$(nproc)" "$self" __one "$set" "$photos" "$tmp"; then
        rm -rf "$tmp"
        die "making $set failed"
    fi
    rmdir "$tmp/.work"
    stamp "$set" "$photos" > "$tmp/.bench-inputs"
    rm -rf "$dir" && mv "$tmp" "$dir"
}

cmd_one() {  # SET PHOTOS TMP SRC NAME THUMB (one job of make)
    local w
    w=$(mktemp -d "$3/.work/XXXXXX")
    make_one "$1" "$2/$4" "$3/$5" "$6" "$w" || {
        echo "bench-inputs.sh: cannot make $5 from $2/$4" >&2
        return 1
    }
    rm -rf "$w"
}

# SET DIR FILE... -> "why" on stdout and status 1 when a header is not what
# the set says.
check_headers() {
    local set=$1 dir=$2 bad
    shift 2
    # vipsheader: "path: WxH FORMAT, N bands, INTERPRETATION, LOADER"
    bad=$(cd "$dir" && vipsheader "$@" 2> /dev/null | awk -v set="$set" '
        {
            want = (set == "tiff16") ? "ushort," : "uchar,"
            loader = (set == "webp") ? "webpload" : (set ~ /^tiff/) ? "tiffload" : "heifload"
            if ($3 != want || $NF != loader) { print $0; exit }
        }')
    [ -z "$bad" ] || {
        echo "not a $set file: $bad"
        return 1
    }
    case $set in
    heic | avif)
        local f t
        for f in "$@"; do
            t=$(heif-info "$dir/$f" 2> /dev/null | grep -c 'thumbnail:' || true)
            case $f in
            *_t$THUMB.*) [ "$t" = 1 ] || { echo "$f has $t thumbnails, not 1"; return 1; } ;;
            *) [ "$t" = 0 ] || { echo "$f has $t thumbnails, not 0"; return 1; } ;;
            esac
        done
        ;;
    tiff8 | tiff16)
        local info dirs comp bits
        info=$(cd "$dir" && tiffinfo "$@" 2> /dev/null)
        dirs=$(grep -c '^TIFF Directory' <<< "$info" || true)
        [ "$dirs" = $# ] || { echo "$dirs IFDs in $# files, not one each"; return 1; }
        if grep -qE 'Tile Width|SubIFD' <<< "$info"; then
            echo "tiled or with subIFDs"
            return 1
        fi
        comp=$([ "$set" = tiff8 ] && echo LZW || echo AdobeDeflate)
        bits=$([ "$set" = tiff8 ] && echo 8 || echo 16)
        [ "$(grep -c "Compression Scheme: $comp" <<< "$info")" = $# ] || {
            echo "not all $comp"
            return 1
        }
        [ "$(grep -c "Bits/Sample: $bits\$" <<< "$info")" = $# ] || {
            echo "not all $bits bits a sample"
            return 1
        }
        ;;
    esac
}

cmd_check() {  # SET PHOTOS DIR
    local set=$1 photos=$2 dir=$3 want have names=() src name thumb small="" size best=-1 tmp
    [ -d "$dir" ] || { echo "missing"; return 1; }
    want=$(plan "$set" "$photos" | cut -f2 | sort)
    have=$(cd "$dir" && find . -mindepth 1 -maxdepth 1 ! -name '.*' -printf '%f\n' | sort)
    [ "$have" = "$want" ] || {
        echo "$(grep -c . <<< "$have" || true) files, not the $(grep -c . <<< "$want") expected names"
        return 1
    }
    [ -f "$dir/.bench-inputs" ] || { echo "no .bench-inputs"; return 1; }
    cmp -s "$dir/.bench-inputs" <(stamp "$set" "$photos") || {
        echo ".bench-inputs differs from a fresh one (other photos or tool versions)"
        return 1
    }
    mapfile -t names <<< "$want"
    check_headers "$set" "$dir" "${names[@]}" || return 1
    while IFS=$'\t' read -r src name thumb; do
        size=$(stat -c %s "$photos/$src")
        if [ "$best" -lt 0 ] || [ "$size" -lt "$best" ]; then
            best=$size small="$src"$'\t'"$name"$'\t'"$thumb"
        fi
    done < <(plan "$set" "$photos")
    IFS=$'\t' read -r src name thumb <<< "$small"
    tmp=$(mktemp -d)
    make_one "$set" "$photos/$src" "$tmp/$name" "$thumb" "$tmp"
    if ! cmp -s "$tmp/$name" "$dir/$name"; then
        rm -rf "$tmp"
        echo "$name differs from a fresh make of it"
        return 1
    fi
    rm -rf "$tmp"
}

usage() {
    sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'
    exit 2
}

self=$(realpath "${BASH_SOURCE[0]}")
[ $# -ge 2 ] || usage
cmd=$1 set=$2
describe "$set" > /dev/null
case $cmd in
describe) describe "$set" ;;
make) [ $# = 4 ] || usage; cmd_make "$set" "$(realpath "$3")" "$(realpath -m "$4")" ;;
check) [ $# = 4 ] || usage; cmd_check "$set" "$(realpath "$3")" "$(realpath -m "$4")" ;;
__one) [ $# = 7 ] || usage; cmd_one "$2" "$3" "$4" "$5" "$6" "$7" ;;
*) usage ;;
esac
