# SPDX-License-Identifier: MIT
# The vips module (lib/include/imgbatch/vipsmodule.h, lib/parent/vipsmodule.c): the parent never
# maps libvips, its workers do, and they are the parent's own children
# (adopted from the spawner that forked them); a binary without its module,
# or with a broken one, says so on one line and exits 2; `cmake --install`
# puts the two where the binary finds the module.
. "$(dirname "$0")/lib.sh"
samples_copy
module=$(dirname "$IMGBATCH")/imgbatch-vips.so
expect_file "$module"

# While one worker hangs on a file and the other waits: libvips in the
# workers' maps, not in the parent's; no spawner left behind.
cp "$T/in/photo.jpg" "$T/in/hang.jpg"
IMGBATCH_TEST_FAULT="hang:hang.jpg" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j2 -o "$T/out" "$T/in" \
    > /dev/null 2> "$T/stderr" &
parent=$!
hung=$(hung_worker "$parent" 600)
[ -n "$hung" ] || { kill "$parent"; fail "no worker got to hang.jpg"; }
children=$(pgrep -P "$parent" | sort)
names=$(for c in $children; do cat "/proc/$c/comm"; done | sort -u | paste -sd' ')
grep -q 'libvips\.so' "/proc/$hung/maps" || { kill "$parent"; fail "the worker has no libvips mapped"; }
grep -q 'imgbatch-vips\.so' "/proc/$hung/maps" || { kill "$parent"; fail "the worker has no module mapped"; }
if grep -qE 'libvips\.so|imgbatch-vips\.so' "/proc/$parent/maps"; then
    kill "$parent"
    fail "the parent maps libvips: $(grep -E 'libvips\.so|imgbatch-vips\.so' "/proc/$parent/maps" | head -n 2)"
fi
kill -TERM "$parent"
set +e; wait "$parent"; set -e
[ "$(echo "$children" | wc -w)" -eq 2 ] || fail "the parent's children: $children (expected its 2 workers)"
[ "$names" = imgbatch-work ] || fail "the parent's children are named '$names', expected imgbatch-work"

# The binary alone: one line, exit 2, nothing made. compare says the same.
# --dry-run needs no worker, so no module.
mkdir -p "$T/alone"
cp "$IMGBATCH" "$T/alone/imgbatch"
# Both places it looks are named: beside the binary, and where an
# install puts it.
missing="imgbatch: cannot find the vips module 'imgbatch-vips.so' in '$T/alone' or '$T/alone/../lib"
missing_end="/imgbatch': No such file or directory"
run ${IMGBATCH_WRAPPER:-} "$T/alone/imgbatch" -o "$T/alone-out" "$T/in"
expect_rc 2
expect_stderr_has "$missing"
expect_stderr_has "$missing_end"
[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "more than one line: $(cat "$T/stderr")"
expect_no_file "$T/alone-out"
run ${IMGBATCH_WRAPPER:-} "$T/alone/imgbatch" compare "$T/in/photo.jpg" "$T/in/photo.jpg"
expect_rc 2
expect_stderr_has "$missing"
# --version asks the module about libvips: its own line, then why not.
run ${IMGBATCH_WRAPPER:-} "$T/alone/imgbatch" --version
expect_rc 2
grep -qE '^imgbatch [0-9.]+$' "$T/stdout" || fail "--version without the module: $(cat "$T/stdout")"
expect_stderr_has "$missing"
run ${IMGBATCH_WRAPPER:-} "$T/alone/imgbatch" -n -o "$T/alone-out" "$T/in"
expect_rc 0
expect_stdout_has "would resize '$T/in/photo.jpg'"

# A module that is not one: the batch stops with exit 2, every input
# skipped, not tried, and one line saying why, the dynamic linker's words.
printf 'not a shared object' > "$T/alone/imgbatch-vips.so"
run ${IMGBATCH_WRAPPER:-} "$T/alone/imgbatch" -j2 -o "$T/broken-out" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: workers keep dying at start-up (cannot load the vips module: $T/alone/imgbatch-vips.so: file too short)"
expect_stderr_has "0 resized, 0 failed, 7 skipped"
[ "$(wc -l < "$T/stderr")" -eq 2 ] || fail "more than the reason and the summary: $(cat "$T/stderr")"
expect_no_file "$T/broken-out/resized_photo.jpg"

# Installed: bin/imgbatch finds lib/.../imgbatch/imgbatch-vips.so.
build=$(dirname "$IMGBATCH")
if [ -z "${IMGBATCH_WRAPPER:-}" ] && [ -f "$build/cmake_install.cmake" ] && command -v cmake > /dev/null; then
    cmake --install "$build" --prefix "$T/prefix" > "$T/install.log" 2>&1 ||
        fail "cmake --install failed: $(tail -n 3 "$T/install.log")"
    installed=$(find "$T/prefix" -name imgbatch-vips.so)
    case "$installed" in "$T/prefix/lib"*/imgbatch/imgbatch-vips.so) ;; *)
        fail "module installed at '$installed'" ;;
    esac
    run "$T/prefix/bin/imgbatch" -o "$T/installed-out" "$T/in/photo.jpg"
    expect_rc 0
    expect_dims "$T/installed-out/resized_photo.jpg" 100 75
fi
