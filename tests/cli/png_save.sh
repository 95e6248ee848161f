# SPDX-License-Identifier: MIT
# The direct PNG writer (lib/vips/png/pngsave.h): a default PNG output is
# written with adaptive row filters and libdeflate. Its pixels, bands,
# interpretation and resolution must be exactly what libvips' pngsave writes
# (IMGBATCH_DIRECT_PNG_SAVE=0) for every colour type and both depths; it
# must hold no chunk but IHDR, pHYs, IDAT and IEND, as libvips' stripped
# output; and it must be smaller than libvips' pngsave at its own defaults
# (no filter), the filtering's point. What the writer leaves to libvips (a
# zlib level asked for, a palette, metadata kept, an image too large to
# hold filtered) is still written, with the same pixels.
. "$(dirname "$0")/lib.sh"
command -v vips > /dev/null || skip "vips (libvips-tools) is not installed"

# Inputs: the sample photo in each colour type PNG has, 8- and 16-bit (the
# 16-bit ones with noise in the low byte; outputs are 8-bit either way).
mkdir -p "$T/in" "$T/work"
w=$T/work
colour_types 2 "$w"
vips gaussnoise "$w/noise.v" "$(vipsheader -f width "$w/rgb.v")" "$(vipsheader -f height "$w/rgb.v")" --mean 128 --sigma 60
for n in rgb rgba grey ga; do
    vips pngsave "$w/$n.v" "$T/in/$n.png"
    vips linear "$w/$n.v" "$w/$n-s.v" 256 0
    vips add "$w/$n-s.v" "$w/noise.v" "$w/$n-n.v"
    vips cast "$w/$n-n.v" "$w/$n-16.v" ushort
    case $n in rgb*) t=rgb16 ;; *) t=grey16 ;; esac
    vips copy "$w/$n-16.v" "$w/$n-16t.v" --interpretation "$t"
    vips pngsave "$w/$n-16t.v" "$T/in/$n-16.png"
done
names="rgb rgba grey ga rgb-16 rgba-16 grey-16 ga-16"
# Under valgrind two of them (4 bands and 2, from 8 and 16 bits): the
# writer's code is the same for all, the other passes check every one.
if [ -n "${IMGBATCH_WRAPPER:-}" ]; then
    names="rgba ga-16"
    for n in rgb grey ga rgb-16 rgba-16 grey-16; do rm "$T/in/$n.png"; done
fi

chunks() { # PNG -> the chunk types in it, each once, in order
    LC_ALL=C grep -a -o -E 'IHDR|PLTE|tRNS|pHYs|iCCP|sRGB|gAMA|eXIf|tEXt|iTXt|zTXt|IDAT|IEND' "$1" | uniq | tr '\n' ' '
}

size() { stat -c %s "$1"; }

# The writer against libvips, every colour type and depth, resized (so the
# pixels went through libvips' pipeline, as every output's do).
run ib -s 300x300 -o "$T/a" "$T/in"
expect_rc 0
IMGBATCH_DIRECT_PNG_SAVE=0 run ib_again -s 300x300 -o "$T/b" "$T/in"
expect_rc 0
for n in $names; do
    a=$T/a/resized_$n.png b=$T/b/resized_$n.png
    expect_file "$a"
    same_pixels "$a" "$b"
    [ "$(chunks "$a")" = "IHDR pHYs IDAT IEND " ] || fail "$n: chunks $(chunks "$a")"
    [ "$(chunks "$b")" = "IHDR pHYs IDAT IEND " ] || fail "$n (libvips): chunks $(chunks "$b")"
    ! cmp -s "$a" "$b" || fail "$n: the default output is libvips' own"
    # libvips' pngsave at its defaults (no row filter) on the same pixels:
    # both of imgbatch's writers filter the rows, and are smaller.
    vips pngsave "$b" "$w/plain.png"
    [ "$(size "$a")" -lt "$(size "$w/plain.png")" ] ||
        fail "$n: $(size "$a") bytes, not smaller than libvips' unfiltered $(size "$w/plain.png")"
    [ "$(size "$b")" -lt "$(size "$w/plain.png")" ] ||
        fail "$n (libvips): $(size "$b") bytes, not smaller than libvips' unfiltered $(size "$w/plain.png")"
done

# Left to libvips, pixels unchanged: a zlib level asked for, metadata kept,
# a palette. (libvips' saver: not under valgrind, where the runs above
# are the check.)
[ -z "${IMGBATCH_WRAPPER:-}" ] || { expect_no_temp_files "$T/a"; exit 0; }
run ib -s 300x300 --png-compression 9 -o "$T/c" "$T/in/rgba.png" "$T/in/ga-16.png"
expect_rc 0
same_pixels "$T/c/resized_rgba.png" "$T/a/resized_rgba.png"
same_pixels "$T/c/resized_ga-16.png" "$T/a/resized_ga-16.png"
run ib -s 300x300 --keep-metadata -o "$T/d" "$T/in/rgba.png"
expect_rc 0
same_pixels "$T/d/resized_rgba.png" "$T/a/resized_rgba.png"
run ib -s 300x300 --png-palette -o "$T/e" "$T/in/rgba.png"
expect_rc 0
chunks "$T/e/resized_rgba.png" | grep -q PLTE ||
    fail "--png-palette wrote no palette: $(chunks "$T/e/resized_rgba.png")"

# An image whose filtered rows pass 64 MiB (4100x4100 RGBA: 67.3 MB) is
# left to libvips' own filtered writer.
mkdir -p "$T/big"
vips black "$w/k.v" 4100 4100 --bands 4
vips draw_circle "$w/k.v" 200 2050 2050 1500 --fill
vips copy "$w/k.v" "$T/big/big.png" --interpretation srgb
run ib -s 4100x4100 -o "$T/f" "$T/big"
expect_rc 0
IMGBATCH_DIRECT_PNG_SAVE=0 run ib_again -s 4100x4100 -o "$T/g" "$T/big"
expect_rc 0
same_pixels "$T/f/resized_big.png" "$T/g/resized_big.png"
cmp -s "$T/f/resized_big.png" "$T/g/resized_big.png" ||
    fail "the 4100x4100 output was not left to libvips"

# Under --max-memory the writer takes an image only when its buffers (the
# filtered rows twice, about) are at most a quarter of the allowance:
# 2000x2000 RGBA (16 MB of rows) is the writer's without a limit and at
# 200M, libvips' at 100M, and is written under that limit either way.
rm -rf "$T/big"/* "$T/f" "$T/g"
vips crop "$w/k.v" "$w/k2.v" 1050 1050 2000 2000
vips copy "$w/k2.v" "$T/big/mid.png" --interpretation srgb
IMGBATCH_DIRECT_PNG_SAVE=0 run ib_again -s 2000x2000 -o "$T/g" "$T/big"
expect_rc 0
for limit in none 200M 100M; do
    rm -rf "$T/f"
    if [ "$limit" = none ]; then run ib -s 2000x2000 -o "$T/f" "$T/big"; else run ib --max-memory "$limit" -s 2000x2000 -o "$T/f" "$T/big"; fi
    expect_rc 0
    same_pixels "$T/f/resized_mid.png" "$T/g/resized_mid.png"
    if cmp -s "$T/f/resized_mid.png" "$T/g/resized_mid.png"; then by=libvips; else by=writer; fi
    case $limit in 100M) want=libvips ;; *) want=writer ;; esac
    [ "$by" = "$want" ] || fail "2000x2000 under --max-memory $limit: written by $by, expected $want"
done
expect_no_temp_files "$T/a"
