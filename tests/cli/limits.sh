# SPDX-License-Identifier: MIT
# Resource limits: decompression bombs (huge dimensions in a few bytes) are
# refused from the header by --max-pixels, before any pixel is decoded, and
# the batch's memory stays bounded; --max-memory fails a file that needs
# more than it allows, and the batch goes on.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
mkdir -p "$T/bombs"
cp "$TESTDATA"/bombs/* "$T/bombs/"
# Under valgrind the WebP, the one bomb that is decoded (268 megapixels
# through shrink-on-load, a minute there), is left to the two other runs.
[ -z "${IMGBATCH_WRAPPER:-}" ] || mv "$T/bombs/bomb.webp" "$T/"
run ib -j2 --report "$T/report.json" -o "$T/out" "$T/bombs"
expect_rc 1
expect_stderr_has "imgbatch: '$T/bombs/bomb.png': image is 100000x100000 (10000000000 pixels), more than --max-pixels 268402689"
expect_stderr_has "imgbatch: '$T/bombs/bomb.jpg': image is 65500x65500 (4290250000 pixels), more than --max-pixels 268402689"
expect_stderr_has "imgbatch: '$T/bombs/bomb.gif': image is 65535x65535 (4294836225 pixels), more than --max-pixels 268402689"
expect_stderr_has "imgbatch: '$T/bombs/bomb.tif': image is 1000000x1000000 (1000000000000 pixels), more than --max-pixels 268402689"
# WebP cannot be bigger than 16383x16383, exactly the limit: it is decoded,
# with shrink-on-load, in bounded memory.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    expect_stderr_has "1 resized, 4 failed, 0 skipped"
    expect_dims "$T/out/resized_bomb.webp" 100 100
    # Measured: 155 MiB for the largest worker (the 268-megapixel WebP).
    rss=$(jq -r 'select(.type == "summary") | .worker_rss_kib' "$T/report.json")
    [ "$rss" -gt 0 ] && [ "$rss" -lt $((400 * 1024)) ] || fail "largest worker peaked at $rss KiB"
else
    expect_stderr_has "0 resized, 4 failed, 0 skipped"
    mv "$T/bomb.webp" "$T/bombs/"
fi
# A lower limit refuses the WebP too.
run ib --max-pixels 1000000 -o "$T/out2" "$T/bombs/bomb.webp"
expect_rc 1
expect_stderr_has "more than --max-pixels 1000000"

# --max-memory: an interlaced PNG must be decoded whole (5000x5000x3: 72
# MiB), more than 40 MiB allow; the photo beside it is done.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/mem"
    vips black "$T/black.v" 5000 5000 --bands 3
    vips pngsave "$T/black.v" "$T/mem/interlaced.png" --interlace
    cp "$TESTDATA/samples/photo.jpg" "$T/mem/"
    run ib --max-memory 40M -o "$T/mem-out" "$T/mem"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/mem/interlaced.png': out of memory (over --max-memory 40 MiB)"
    expect_stderr_has "1 resized, 1 failed, 0 skipped"
    expect_file "$T/mem-out/resized_photo.jpg"
    expect_no_temp_files "$T/mem-out"
    run ib --max-memory 1G -o "$T/mem-out2" "$T/mem"
    expect_rc 0
    # The HEIF module, loaded when first needed otherwise, is there under
    # the limit too.
    vips copy "$TESTDATA/samples/photo.jpg" "$T/photo.avif"
    run ib --max-memory 40M -f jpg -o "$T/mem-avif" "$T/photo.avif"
    expect_rc 0
    expect_dims "$T/mem-avif/resized_photo.jpg" 100 75
    # The AV1 encoder cannot start in 40 MiB, and libheif still says it
    # wrote the file (201 bytes, no image in it): the output is read back,
    # fails, and nothing is left.
    run ib --max-memory 40M -f avif -o "$T/mem-avif" "$TESTDATA/samples/photo.jpg"
    expect_rc 1
    expect_stderr_has "imgbatch: '$TESTDATA/samples/photo.jpg': the encoder wrote an unreadable file, out of memory (over --max-memory 40 MiB; "
    expect_no_file "$T/mem-avif/resized_photo.avif"
    expect_no_temp_files "$T/mem-avif"
    run ib --max-memory 1G -f avif -o "$T/mem-avif" "$TESTDATA/samples/photo.jpg"
    expect_rc 0
    expect_dims "$T/mem-avif/resized_photo.avif" 100 75
fi

# A worker gives back what a file with large decode buffers took (a
# progressive JPEG keeps all its DCT coefficients: 90 MiB here, three
# planes of 30 MiB, each under glibc's mmap threshold, so on the heap)
# beyond its warm margin of 48 MiB, instead of holding it for the rest of
# the batch; the worker is looked at while it hangs on the next file. Not
# under valgrind or a sanitizer, whose allocators are their own.
if [ -z "${IMGBATCH_WRAPPER:-}${IMGBATCH_TEST_SANITIZED:-}" ]; then
    mkdir -p "$T/give"
    vips black "$T/give/a-big.jpg[Q=85,interlace,subsample-mode=off]" 5600 2800 --bands 3
    head -c 60 "$TESTDATA/samples/photo.jpg" > "$T/give/b-hang.jpg"
    IMGBATCH_TEST_FAULT=hang:b-hang "$IMGBATCH" -j1 -o "$T/give-out" "$T/give" 2> /dev/null &
    pid=$!
    wait_for_outputs "$T/give-out" 1 100
    sleep 0.3
    worker=$(pgrep -P "$pid" || true)
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$worker/status" 2> /dev/null || echo 0)
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$worker/status" 2> /dev/null || echo 0)
    kill "$pid"
    wait "$pid" || true
    expect_file "$T/give-out/resized_a-big.jpg"
    [ "$hwm" -gt 0 ] && [ $((hwm - rss)) -ge $((32 * 1024)) ] ||
        fail "the worker holds $rss KiB after a file that took it to $hwm KiB"
fi

# A long list costs the parent its paths, and the workers nothing: they are
# forked before the list is made, so they hold no copy of it. With a list
# of 60,000 files (19 MB of it in each worker when they were forked after
# it), a worker's anonymous memory is within 4 MiB of what it is with one
# file; the workers are looked at while they
# hang on their first file. Not under valgrind or a sanitizer, whose
# allocators are their own.
worker_anon_kib() { # DIR: the largest RssAnon of a worker on DIR
    local pid worker most=0 kib
    IMGBATCH_TEST_FAULT=hang:f "$IMGBATCH" -j2 -o "$T/anon-out" "$1" 2> /dev/null &
    pid=$!
    for _ in $(seq 1 100); do
        [ "$(pgrep -P "$pid" | wc -l)" -eq 2 ] && break
        sleep 0.1
    done
    sleep 1
    for worker in $(pgrep -P "$pid"); do
        kib=$(awk '/^RssAnon/ {print $2}' "/proc/$worker/status" 2> /dev/null || echo 0)
        [ "$kib" -gt "$most" ] && most=$kib
    done
    kill "$pid"
    wait "$pid" || true
    echo "$most"
}
if [ -z "${IMGBATCH_WRAPPER:-}${IMGBATCH_TEST_SANITIZED:-}" ]; then
    mkdir -p "$T/one" "$T/long"
    cp "$TESTDATA/samples/photo.jpg" "$T/one/f.jpg"
    cp "$TESTDATA/samples/photo.jpg" "$T/long/f.jpg"
    python3 -c 'import os, sys
d = sys.argv[1]
for i in range(60000):
    os.link(os.path.join(d, "f.jpg"), os.path.join(d, "f%05d-with-a-long-enough-name.jpg" % i))' "$T/long"
    one=$(worker_anon_kib "$T/one")
    long=$(worker_anon_kib "$T/long")
    [ "$one" -gt 0 ] && [ "$long" -le $((one + 4096)) ] ||
        fail "a worker holds $long KiB with 60,000 files in the list, $one KiB with one"
    # And the parent holds the list, not the directory's listing on top:
    # 7.8 MB at its peak for these 60,000 (fts(3) took it to 22.9 MB).
    run "$IMGBATCH" -n --report "$T/long.json" -o "$T/long-out" "$T/long"
    expect_rc 0
    kib=$(jq -r 'select(.type == "summary") | .parent_rss_kib' "$T/long.json")
    [ "$kib" -lt $((10 * 1024)) ] || fail "the parent peaked at $kib KiB for a list of 60,000 files"
    rm -rf "$T/long"
fi

# Every allocation that fails under --max-memory ends as one line, the
# limit's: a thread's stack (a 3000x3000 PNG under 8 to 24 MiB: "Error
# creating thread" before), libjpeg's own words ("Insufficient memory
# (case 4)"), glib's abort on a GIF's canvas (a blank line, "GLib-ERROR
# ... failed to allocate", then "killed by SIGTRAP"). The last two are
# bombs of a few bytes declaring 16000x16000, refused from the header
# now: the coefficients of a progressive JPEG (1.5 GB at 4:4:4) and the
# canvas of a GIF (1 GB) are allocated whole at any scale. Both JPEG
# paths. Not under valgrind, whose own mappings count against the limit.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/oom"
    vips black "$T/oom/big.png" 3000 3000 --bands 3
    vips black "$T/small.v" 16 16 --bands 3
    vips copy "$T/small.v" "$T/small.jpg[interlace,strip,Q=50,subsample-mode=off]"
    python3 - "$T" << 'PY'
import struct, sys
t = sys.argv[1]
w = h = 16000
gif = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
gif += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\x02\x02\x44\x01\x00\x3b"
open(f"{t}/oom/bomb.gif", "wb").write(gif)
jpeg = bytearray(open(f"{t}/small.jpg", "rb").read())
sof = jpeg.find(b"\xff\xc2")
jpeg[sof + 5:sof + 9] = struct.pack(">HH", h, w)
open(f"{t}/oom/bomb.jpg", "wb").write(bytes(jpeg))
PY
    for limit in 8 16 24; do
        run ib --max-memory ${limit}M -o "$T/oom-out" "$T/oom/big.png"
        expect_rc 1
        expect_stderr_has "imgbatch: '$T/oom/big.png': out of memory (over --max-memory $limit MiB)"
        [ "$(wc -l < "$T/stderr")" -eq 2 ] || fail "more than the failure and the summary"
    done
    for direct in 1 0; do
        IMGBATCH_DIRECT_JPEG=$direct run ib -j1 --max-memory 500M -o "$T/oom-out" \
            "$T/oom/bomb.gif" "$T/oom/bomb.jpg"
        expect_rc 1
        for f in bomb.gif bomb.jpg; do
            expect_stderr_has "imgbatch: '$T/oom/$f': out of memory (over --max-memory 500 MiB)"
        done
        [ "$(wc -l < "$T/stderr")" -eq 3 ] || fail "more than two failures and the summary"
    done
    # The default limit: half the memory, shared by the workers (the
    # cgroup's, in a container). A JPEG declaring 65500x65500, which
    # --max-pixels 0 lets through, needs 25 GB of coefficients.
    kib=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
    for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
        c=$(cat "$f" 2> /dev/null || true)
        case $c in '' | max | *[!0-9]*) ;; *) [ $((c / 1024)) -lt "$kib" ] && kib=$((c / 1024)) ;; esac
    done
    share=$((kib / 2 / 2 / 1024))
    [ "$share" -ge 256 ] || share=256
    python3 - "$T" << 'PY'
import struct, sys
t = sys.argv[1]
jpeg = bytearray(open(f"{t}/small.jpg", "rb").read())
sof = jpeg.find(b"\xff\xc2")
jpeg[sof + 5:sof + 9] = struct.pack(">HH", 65500, 65500)
open(f"{t}/oom/huge.jpg", "wb").write(bytes(jpeg))
PY
    if [ "$share" -lt $((25 * 1024)) ]; then
        run ib -j2 --max-pixels 0 -o "$T/oom-out" "$T/oom/huge.jpg"
        expect_rc 1
        expect_stderr_has "imgbatch: '$T/oom/huge.jpg': out of memory (over --max-memory $share MiB)"
    fi
fi

run ib --max-memory lots "$T/bombs"
expect_rc 2
expect_stderr_has "imgbatch: invalid --max-memory 'lots': expected a size such as 512M"
