# SPDX-License-Identifier: MIT
# The progress line: only on a terminal (or --progress always), redrawn in
# place, cleared before an error line, gone at the end.
. "$(dirname "$0")/lib.sh"
samples_copy
cp "$TESTDATA/bad/text.jpg" "$T/in/"
# Slow files down so that the progress line is drawn at least once (the
# timeout leaves room for a run under valgrind).
for i in 1 2 3; do cp "$T/in/photo.jpg" "$T/in/hang$i.jpg"; done

# stderr is a file here: no progress by default.
run ib -o "$T/a" "$T/in"
expect_rc 1
! grep -q $'\r' "$T/stderr" || fail "progress drawn although stderr is not a terminal"

# --progress always: drawn with \r, error lines start on a cleared line.
IMGBATCH_TEST_FAULT="hang:hang" run ib --progress always --timeout 4 -j4 -o "$T/b" "$T/in"
expect_rc 1
grep -q $'\r[0-9]*/10 done, [0-9]* failed, [0-9.]* files/s, ETA ' "$T/stderr" || fail "no progress line"
grep -q $'\r\e\\[Kimgbatch: ' "$T/stderr" || fail "error line not preceded by a clear"
# What a terminal shows of the last line (the text after its last \r) is
# the summary alone: any progress drawn on that line was cleared first.
line=$(tail -n 1 "$T/stderr")
shown=${line##*$'\r'}
if [ "$shown" != "$line" ]; then
    [ "${shown:0:3}" = $'\e[K' ] || fail "progress not cleared before the summary"
    shown=${shown:3}
fi
echo "$shown" | grep -qE '^6 resized, 4 failed, 0 skipped in [0-9.]+ s$' || fail "last line shows: $shown"

# A real terminal (script(1) gives imgbatch a pty): drawn by default.
if command -v script >/dev/null; then
    IMGBATCH_TEST_FAULT="hang:hang" script -qec "$IMGBATCH --timeout 4 -j4 -o '$T/c' '$T/in'" /dev/null > "$T/tty.txt" || true
    grep -q ' done, ' "$T/tty.txt" || fail "no progress on a terminal"
fi
# --quiet or --progress never: none even when asked elsewhere.
IMGBATCH_TEST_FAULT="hang:hang" run ib --progress never --timeout 4 -j4 -o "$T/d" "$T/in"
! grep -q ' done, ' "$T/stderr" || fail "--progress never drew progress"
