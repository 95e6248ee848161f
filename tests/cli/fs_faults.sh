# SPDX-License-Identifier: MIT
# File-system faults: a full disk, a read-only destination, inputs that are
# not regular files, vanish or change during the batch. Each costs only the
# files it touches, with the reason, and leaves no partial file. The
# mounts need root (CI runs as root); elsewhere those parts are skipped.
. "$(dirname "$0")/lib.sh"
samples_copy
limit=3
[ -z "${IMGBATCH_WRAPPER:-}" ] || limit=10
as_root=0
mkdir -p "$T/full" "$T/ro"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k none "$T/full" 2>/dev/null; then
    as_root=1
    trap 'umount "$T/full" "$T/ro" 2>/dev/null; cleanup' EXIT
else
    echo "not root: the disk-full, read-only and device cases are skipped"
fi

if [ "$as_root" = 1 ]; then
    # Disk full: big PNGs do not fit in 64 KiB; what fits is whole, what
    # does not fails with the reason, nothing partial is left.
    run ib -s 2000x2000 -f png -o "$T/full" "$T/in"
    expect_rc 1
    expect_stderr_has "': cannot write '$T/full/resized_photo.png': No space left on device"
    expect_no_temp_files "$T/full"
    for f in "$T"/full/resized_*; do
        vipsheader "$f" > /dev/null 2>&1 || fail "$f is not a whole image"
    done
    # When every write fails, stop early: exit 2, the rest skipped.
    rm -f "$T"/full/*
    dd if=/dev/zero of="$T/full/filler" bs=1k count=64 2>/dev/null || true
    mkdir -p "$T/many"
    for i in $(seq -w 1 40); do cp "$T/in/photo.jpg" "$T/many/p$i.jpg"; done
    run ib -j2 -f png -o "$T/full" --report "$T/full.json" "$T/many"
    expect_rc 2
    expect_stderr_has "imgbatch: stopped: every write failed (No space left on device)"
    failed=$(grep -c "No space left on device" "$T/stderr" || true)
    [ "$failed" -ge 8 ] && [ "$failed" -le 12 ] || fail "$failed write failures before stopping"
    expect_stderr_has "0 resized, $((failed - 1)) failed, $((41 - failed)) skipped"
    expect_no_temp_files "$T/full"
    # The same while a worker is stuck on the largest file with the next
    # one queued behind it: when --timeout ends it, the queued file, handed
    # back after the stop, is reported skipped like the rest. (Parent
    # bookkeeping: not under valgrind.)
    if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
        head -c 200000 /dev/zero > "$T/many/big-hang.jpg"
        IMGBATCH_TEST_FAULT=hang:big-hang run ib -j2 -f png --timeout 1 -o "$T/full" "$T/many"
        expect_rc 2
        expect_stderr_has "imgbatch: '$T/many/big-hang.jpg': timed out after 1 s"
        counts=$(tail -n 1 "$T/stderr" | sed -E 's/^0 resized, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2/')
        [ "$(echo $counts | awk '{print $1 + $2}')" -eq 41 ] ||
            fail "41 files, reported: $(tail -n 1 "$T/stderr")"
        rm "$T/many/big-hang.jpg"
    fi

    # A read-only destination: every file fails with the reason, exit 2.
    mount -t tmpfs -o ro,size=64k none "$T/ro"
    run ib -o "$T/ro" "$T/in"
    expect_rc 2
    expect_stderr_has "imgbatch: '$T/in/photo.jpg': cannot write in '$T/ro': Read-only file system"
    expect_stderr_has "imgbatch: nothing written: every write failed (Read-only file system)"
    expect_stderr_has "0 resized, 6 failed, 0 skipped"

    # Not regular files, named .jpg: a FIFO (never opened for long, never a
    # hang) and a device; a symlink loop.
    mkdir -p "$T/odd"
    cp "$T/in/photo.jpg" "$T/odd/good.jpg"
    mkfifo "$T/odd/fifo.jpg"
    mknod "$T/odd/device.jpg" c 1 3
    ln -s loop.jpg "$T/odd/loop.jpg"
    run ib -o "$T/odd-out" "$T/odd"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/odd/fifo.jpg': not a regular file"
    expect_stderr_has "imgbatch: '$T/odd/device.jpg': not a regular file"
    expect_stderr_has "imgbatch: '$T/odd/loop.jpg': Too many levels of symbolic links"
    expect_stderr_has "1 resized, 3 failed, 0 skipped"
    # Named on the command line too: the worker refuses them, never blocks.
    run ib --timeout "$limit" -o "$T/odd-out2" "$T/odd/fifo.jpg" "$T/odd/device.jpg"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/odd/fifo.jpg': not a regular file"
    expect_stderr_has "0 resized, 2 failed, 0 skipped"

    # Unreadable input and directory (as an unprivileged user, with a copy
    # of the binary it can reach: the build tree may be private; valgrind
    # would need the private suppressions file too, so not under it).
    if command -v setpriv > /dev/null && [ -z "${IMGBATCH_WRAPPER:-}" ]; then
        mkdir -p "$T/bin"
        cp "$IMGBATCH" "$T/bin/imgbatch"
        cp "$(dirname "$IMGBATCH")/imgbatch-vips.so" "$T/bin/"
        chmod 755 "$T/bin" "$T/bin/imgbatch"
        chmod 644 "$T/bin/imgbatch-vips.so"
        mkdir -p "$T/locked/secret"
        cp "$T/in/photo.jpg" "$T/locked/open.jpg"
        cp "$T/in/photo.jpg" "$T/locked/closed.jpg"
        cp "$T/in/photo.jpg" "$T/locked/secret/x.jpg"
        chmod 000 "$T/locked/closed.jpg" "$T/locked/secret"
        mkdir -p "$T/locked-out" && chmod 777 "$T/locked-out"
        chmod 755 "$T" "$T/locked"
        run setpriv --reuid=65534 --regid=65534 --clear-groups "$T/bin/imgbatch" -r -o "$T/locked-out" "$T/locked"
        expect_rc 1
        expect_stderr_has "imgbatch: '$T/locked/closed.jpg': Permission denied"
        expect_stderr_has "imgbatch: '$T/locked/secret': cannot read directory: Permission denied"
        expect_file "$T/locked-out/resized_open.jpg"
        chmod 755 "$T/locked/secret"
    fi
fi

# An output replaces what is there, whole, whichever way its temp file is
# made: unnamed and linked into place (O_TMPFILE, where the filesystem has
# it), or named and renamed (elsewhere: a mount namespace that hides /proc,
# through which unnamed files are linked, makes imgbatch fall back to it).
# Each pass writes at 100x100 and then over that at 40x40; the report
# says which outputs were new and which replaced a file, as the link or
# the rename found it.
replace_outputs() {
    local out=$1 size why
    shift
    for size in 100x100 40x40; do
        run "$@" -s "$size" --report "$out.json" -o "$out" "$T/in"
        expect_rc 0
        expect_stderr_has "6 resized, 0 failed, 0 skipped"
        why='"why":"new"'
        [ "$size" = 100x100 ] || why='"why":"replaces the output"'
        [ "$(grep -o "$why" "$out.json" | wc -l)" -eq 12 ] ||
            fail "$size into $out: the report's whys are $(grep -o '"why":"[^"]*"' "$out.json" | sort | uniq -c | tr '\n' ' ')"
    done
    expect_dims "$out/resized_photo.jpg" 40 30
    expect_dims "$out/resized_tiny.png" 40 40
    expect_no_temp_files "$out"
    [ "$(ls -A "$out" | wc -l)" -eq 6 ] || fail "expected 6 files in $out: $(ls -A "$out")"
}
# (Under valgrind, the other tests' reruns take both paths' code.)
[ -n "${IMGBATCH_WRAPPER:-}" ] || replace_outputs "$T/unnamed" ib
# (ASan and valgrind need /proc: the release pass only.)
if [ "$as_root" = 1 ] && [ -z "${IMGBATCH_TEST_SANITIZED:-}${IMGBATCH_WRAPPER:-}" ] &&
    unshare -m true 2> /dev/null; then
    cat > "$T/no-proc.sh" << 'EOF'
mount --make-rprivate / && mount -t tmpfs none /proc && exec "$@"
EOF
    replace_outputs "$T/named" unshare -m sh "$T/no-proc.sh" "$IMGBATCH"
else
    echo "the named temp file case is skipped (needs root, a mount namespace, no sanitizer)"
fi

# A file that vanishes and one that is cut short while the batch runs:
# one worker holds a.jpg (hung) while the two are changed.
mkdir -p "$T/live"
for n in a b c d; do cp "$T/in/photo.jpg" "$T/live/$n.jpg"; done
IMGBATCH_TEST_FAULT="hang:a.jpg" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j1 --timeout "$limit" \
    -o "$T/live-out" "$T/live" > "$T/stdout" 2> "$T/stderr" &
pid=$!
# The workers are forked (by a spawner, which loads libvips first: seconds
# under valgrind) just before the list of four is made: once the parent
# has adopted one and a moment has passed, change files.
for _ in $(seq 1 300); do
    [ -n "$(pgrep -P "$pid" imgbatch-work || true)" ] && break
    sleep 0.1
done
sleep 0.5
rm "$T/live/b.jpg"
head -c 2000 "$T/in/photo.jpg" > "$T/live/c.jpg"
set +e; wait "$pid"; rc=$?; set -e
expect_rc 1
expect_stderr_has "imgbatch: '$T/live/a.jpg': timed out after $limit s"
expect_stderr_has "imgbatch: '$T/live/b.jpg': No such file or directory"
expect_stderr_has "imgbatch: '$T/live/c.jpg': "
expect_stderr_has "1 resized, 3 failed, 0 skipped"
expect_file "$T/live-out/resized_d.jpg"
expect_no_file "$T/live-out/resized_c.jpg"
expect_no_temp_files "$T/live-out"
