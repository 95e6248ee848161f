# SPDX-License-Identifier: MIT
# Renditions and what lasts between runs: -u keeps state per output (a
# rendition added is made alone, one whose settings change is redone
# alone), --prune removes the outputs of a rendition dropped from the set;
# --golden has one golden per output; and SIGINT mid-batch leaves no
# partial output of any rendition.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/in"
cp "$TESTDATA/samples/photo.jpg" "$T/in/"

# mtime FILE: its modification time, to the nanosecond.
mtime() { stat -c %y "$1"; }

# ---- -u with a changing set
run ib -u -s 160,80 -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 0 skipped"
t160=$(mtime "$T/out/resized_photo-160.jpg")
t80=$(mtime "$T/out/resized_photo-80.jpg")
run ib_again -u -s 160,80 -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "0 resized, 0 failed, 1 skipped"
# A rendition added is made; the others stay as they are.
run ib_again -u -s 160,80,40 -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 0 skipped"
expect_dims "$T/out/resized_photo-40.jpg" 40 30
[ "$(mtime "$T/out/resized_photo-160.jpg")" = "$t160" ] || fail "the 160 rendition was made again"
[ "$(mtime "$T/out/resized_photo-80.jpg")" = "$t80" ] || fail "the 80 rendition was made again"
# A rendition whose settings change is redone, alone; -n says which.
run ib_again -n -u -s 160,80,40 --variant 'small: -s 20 -q 50' -o "$T/out" "$T/in"
expect_rc 0
expect_stdout_has "'$T/out/resized_photo-small.jpg' (new)"
[ "$(grep -c 'would resize' "$T/stdout")" -eq 1 ] || fail "-n: $(cat "$T/stdout")"
# --prune: the 80 rendition dropped, its output goes (said), nothing else.
run ib_again -u --prune -s 160,40 -o "$T/out" "$T/in"
expect_rc 0
expect_stderr_has "imgbatch: '$T/out/resized_photo-80.jpg': removed: its variant is no longer made"
expect_no_file "$T/out/resized_photo-80.jpg"
expect_file "$T/out/resized_photo-160.jpg"
expect_file "$T/out/resized_photo-40.jpg"
[ "$(mtime "$T/out/resized_photo-160.jpg")" = "$t160" ] || fail "pruning remade the 160 rendition"
# ... and an input gone takes all its renditions with it.
rm "$T/in/photo.jpg"
cp "$TESTDATA/samples/grey.jpg" "$T/in/"
run ib_again -u --prune -s 160,40 -o "$T/out" "$T/in"
expect_rc 0
expect_no_file "$T/out/resized_photo-160.jpg"
expect_no_file "$T/out/resized_photo-40.jpg"
expect_file "$T/out/resized_grey-160.jpg"

# ---- goldens: one per output
cp "$TESTDATA/samples/photo.jpg" "$T/in/"
run ib -s 160,80 -f png -o "$T/g-out" --golden "$T/gold" --update-golden "$T/in/photo.jpg"
expect_rc 0
expect_stderr_has "golden: 2 created, 0 updated, 0 unchanged"
expect_file "$T/gold/resized_photo-160.png"
expect_file "$T/gold/resized_photo-80.png"
run ib_again -s 160,80 -f png -o "$T/g-out" --golden "$T/gold" "$T/in/photo.jpg"
expect_rc 0
expect_stderr_has "golden: 2 match, 0 mismatch, 0 missing, 0 orphan"
vips invert "$T/gold/resized_photo-80.png" "$T/inverted.png"
mv "$T/inverted.png" "$T/gold/resized_photo-80.png"
run ib_again -s 160,80 -f png -o "$T/g-out" --golden "$T/gold" "$T/in/photo.jpg"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/photo.jpg': variant '80': golden mismatch (max-diff): max-diff 255"
expect_stderr_has "golden: 1 match, 1 mismatch, 0 missing, 0 orphan"
# A rendition dropped leaves its golden an orphan (a file PATH does not
# cover the golden folder: --golden-orphans looks all the same).
run ib_again -s 160 -f png -o "$T/g-out" --golden "$T/gold" --golden-orphans "$T/in/photo.jpg"
expect_rc 1
expect_stderr_has "imgbatch: '$T/gold/resized_photo-80.png': golden with no input (orphan)"

# ---- SIGINT while a worker writes the second rendition of a file: the
# first is whole, the second absent, no temp file of either; the hash in a
# name known once made does not hide its temp file from the clean-up.
mkdir -p "$T/int"
cp "$TESTDATA/samples/photo.jpg" "$T/int/a.jpg"
for name in '{stem}-{size}.{ext}' '{stem}-{size}-{hash:6}.{ext}'; do
    rm -rf "$T/int-out"
    IMGBATCH_TEST_FAULT="midwrite:a-80" ${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j1 -s 160,80 \
        --name "$name" -o "$T/int-out" "$T/int" > "$T/stdout" 2> "$T/stderr" &
    pid=$!
    writing=""
    for _ in $(seq 1 300); do
        ls -a "$T/int-out" 2> /dev/null | grep -q '^\.imgbatch-' && writing=1 && break
        ls "$T/int-out" 2> /dev/null | grep -q 'a-160' && ls -l /proc/$(pgrep -P "$pid" | head -1)/fd 2> /dev/null | grep -q int-out && writing=1 && break
        sleep 0.1
    done
    [ -n "$writing" ] || { kill -KILL "$pid"; fail "$name: no worker got to writing a-80"; }
    sleep 0.2
    kill -INT "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    expect_rc 130
    expect_stderr_has "(interrupted)"
    first=$(ls "$T/int-out"/a-160*.jpg)
    expect_dims "$first" 160 120
    [ -z "$(ls "$T/int-out" | grep a-80)" ] || fail "$name: a partial second rendition was left"
    expect_no_temp_files "$T/int-out"
done
