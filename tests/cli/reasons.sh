# SPDX-License-Identifier: MIT
# A failure's reason is the file's own: a worker that has just made a file
# libjpeg warned about (libvips keeps the warning in its error buffer)
# gives the next file that fails the reason it has alone, with one output
# and with several (one decode, then each output). The pairs run in one
# worker (-j1), the warned-about file first (the larger goes first).
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/in"
cd "$T/in"
# w-junk.jpg: 5 bytes between two markers ("Corrupt JPEG data: 5
# extraneous bytes before marker 0xdb"), made all the same; the others
# are cut short or corrupt, each failing in its own decoder.
vips black "$T/black.v" 400 300 --bands 3
vips linear "$T/black.v" "$T/grey.v" 1 90 --uchar
vips copy "$T/grey.v" "$T/big.jpg[Q=95]"
vips black "$T/small.v" 20 20 --bands 3
for ext in png jpg webp gif; do vips copy "$T/small.v" "$T/small.$ext"; done
python3 - "$T" << 'EOF'
import struct, sys, zlib
t = sys.argv[1]
def read(name):
    return open(f"{t}/{name}", "rb").read()
jpeg = read("big.jpg")
dqt = jpeg.find(b"\xff\xdb")
open("w-junk.jpg", "wb").write(jpeg[:dqt] + b"\0" * 5 + jpeg[dqt:])
png = bytearray(read("small.png"))
idat = png.find(b"IDAT")
n = struct.unpack(">I", png[idat - 4:idat])[0]
for k in range(idat + 6, idat + 2 + n):
    png[k] ^= 0x55
png[idat + 4 + n:idat + 8 + n] = struct.pack(">I", zlib.crc32(bytes(png[idat:idat + 4 + n])))
open("f-broken.png", "wb").write(bytes(png))
for ext in ("png", "jpg", "webp"):
    data = read("small." + ext)
    open("f-cut." + ext, "wb").write(data[:len(data) * 2 // 3])
open("f-cut.gif", "wb").write(read("small.gif")[:40])
EOF
cd - > /dev/null

# reason FILE...: the reason the last FILE fails with, in one worker.
reason() {
    rm -rf "$T/out"
    run "${runner[@]}" -j1 "${sizes[@]}" -o "$T/out" "$@"
    sed -n "s|^imgbatch: '${*: -1}': ||p" "$T/stderr"
}
for sizes in "-s 100" "-s 30,40"; do
    read -ra sizes <<< "$sizes"
    # Under valgrind the first pair is the one checked there; the others
    # repeat its path with other decoders.
    runner=(ib)
    for f in "$T"/in/f-*; do
        alone=$(reason "$f")
        [ -n "$alone" ] || fail "$f: no reason alone"
        paired=$(reason "$T/in/w-junk.jpg" "$f")
        [ "$paired" = "$alone" ] ||
            fail "${sizes[*]}: after w-junk.jpg, $(basename "$f") fails with '$paired'; alone, '$alone'"
        runner=(ib_again)
    done
done
