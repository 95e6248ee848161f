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
grep -q $'\r[0-9]*/10 done ([0-9]*%), [0-9]* failed, [0-9.]* files/s, [0-9:]* elapsed, ETA ' "$T/stderr" || fail "no progress line"
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
    grep -q ' done (' "$T/tty.txt" || fail "no progress on a terminal"
fi
# The line fits the terminal, whatever its width, and follows a resize:
# at 40 columns no redraw may reach the last column (it would wrap and
# leave a stale line at every redraw); after a resize to 25, none reaches
# 25. stty in the background resizes the pty, and the kernel sends the
# run SIGWINCH.
# progress_segments FILE: each redraw of the line, one a line.
progress_segments() { tr '\r' '\n' < "$1" | sed 's/\x1b\[K//g' | grep -E '^[0-9]+/[0-9]+ |^[0-9]+%' || true; }
if command -v script > /dev/null; then
    IMGBATCH_TEST_FAULT="hang:hang" script -qec "stty cols 40; (sleep 1.5; stty cols 25 < /dev/tty) & $IMGBATCH --timeout 4 -j4 -o '$T/w' '$T/in'" /dev/null > "$T/tty40.txt" || true
    progress_segments "$T/tty40.txt" > "$T/seg40.txt"
    [ -s "$T/seg40.txt" ] || fail "no progress at 40 columns"
    awk 'length($0) > 39 { bad = 1 } END { exit bad }' "$T/seg40.txt" || fail "a redraw is wider than 39 columns: $(awk 'length($0) > 39' "$T/seg40.txt" | head -n 1)"
    [ "$(tail -n 1 "$T/seg40.txt" | awk '{ print length($0) }')" -le 24 ] || fail "not fitted to 25 columns after the resize: $(tail -n 1 "$T/seg40.txt")"
    grep -qE '^[0-9]+/10 \([0-9]+%\)' "$T/seg40.txt" || fail "no percentage at 40 columns"
    # Wide enough, everything: the percentage and the elapsed time.
    IMGBATCH_TEST_FAULT="hang:hang" script -qec "stty cols 120; $IMGBATCH --timeout 2 -j4 -o '$T/w2' '$T/in'" /dev/null > "$T/tty120.txt" || true
    progress_segments "$T/tty120.txt" | grep -qE '^[0-9]+/10 done \([0-9]+%\), [0-9]+ failed, [0-9.]+ files/s, [0-9]+:[0-9]{2} elapsed, ETA ' ||
        fail "no full progress line at 120 columns"
    # --report - on the same terminal: no progress line cuts the report's
    # lines apart (stdout and stderr are the one pty here).
    IMGBATCH_TEST_FAULT="hang:hang" script -qec "$IMGBATCH --report - --timeout 2 -j4 -o '$T/r' '$T/in'" /dev/null > "$T/ttyreport.txt" || true
    grep -q '"type":"summary"' "$T/ttyreport.txt" || fail "no report on the terminal"
    [ -z "$(progress_segments "$T/ttyreport.txt")" ] || fail "progress drawn on the terminal the report writes to"
    ! grep -q $'\r' <(sed 's/\r$//' "$T/ttyreport.txt") || fail "a redraw on the report's terminal"
fi
# --quiet or --progress never: none even when asked elsewhere.
IMGBATCH_TEST_FAULT="hang:hang" run ib --progress never --timeout 4 -j4 -o "$T/d" "$T/in"
! grep -q ' done (' "$T/stderr" || fail "--progress never drew progress"
