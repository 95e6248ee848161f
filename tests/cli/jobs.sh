# SPDX-License-Identifier: MIT
# The number of workers changes nothing in the outputs, byte for byte.
. "$(dirname "$0")/lib.sh"
samples_copy
run ib -j1 -o "$T/one" "$T/in"
expect_rc 0
run ib -j4 -o "$T/four" "$T/in"
expect_rc 0
diff -r "$T/one" "$T/four" > /dev/null || fail "-j1 and -j4 outputs differ"
[ "$(ls "$T/one" | wc -l)" -eq 6 ] || fail "expected 6 outputs"

# The hand-out order is the largest file first (so that the batch does not
# end waiting on a big one): one worker reports in that order.
run ib -j1 --report "$T/order.json" -o "$T/order" "$T/in"
expect_rc 0
handed=$(jq -r 'select(.type == "file") | .input' "$T/order.json" | paste -sd' ')
largest=$(cd "$T/in" && ls -S | sed "s|^|$T/in/|" | paste -sd' ')
[ "$handed" = "$largest" ] || fail "hand-out order: $handed, expected largest first: $largest"

# With more workers, one file at a time comes from the large end and the
# others from the small end: the largest files, which need the most memory,
# are not decoded two at a time. The two largest here hang until --timeout
# ends them; largest first would hand both out at once, and the small files
# would wait for them. The small files go from the small end up, one of
# them queued behind the first large one (each worker is given its next
# file while it works): the smallest when the first worker is alone at the
# start, the next smallest when the second is ready as soon. A scheduling
# check, left out under valgrind.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    mkdir -p "$T/ends"
    cp "$T/in/rotated-6.jpg" "$T/ends/big-1.jpg"
    cp "$T/in/photo.jpg" "$T/ends/big-2.jpg"
    cp "$T/in/alpha.png" "$T/in/grey.jpg" "$T/in/long.jpg" "$T/in/tiny.png" "$T/ends/"
    IMGBATCH_TEST_FAULT=hang:big- run ib -j2 --timeout 1 --report "$T/ends.json" -o "$T/ends-out" "$T/ends"
    expect_rc 1
    expect_stderr_has "4 resized, 2 failed, 0 skipped"
    done_order=$(jq -r 'select(.type == "file") | .input | sub(".*/"; "")' "$T/ends.json" | paste -sd' ')
    case "${done_order%% big-*}" in
    "long.jpg grey.jpg alpha.png" | "tiny.png grey.jpg alpha.png") ;;
    *) fail "reported in the order $done_order, expected the small files first, smallest first" ;;
    esac
fi

# Workers are forked before the list is made; only the first starts
# libvips then, the others when there is work for them. One file with -j4:
# while it hangs, the three other workers are still dormant (a few MB each,
# what they share with the parent; a started worker has libvips' 12 or
# more). Not under valgrind or a sanitizer, whose memory is their own.
if [ -z "${IMGBATCH_WRAPPER:-}${IMGBATCH_TEST_SANITIZED:-}" ]; then
    mkdir -p "$T/lone"
    cp "$T/in/photo.jpg" "$T/lone/"
    IMGBATCH_TEST_FAULT=hang:photo "$IMGBATCH" -j4 -o "$T/lone-out" "$T/lone" 2> /dev/null &
    pid=$!
    rss=""
    busy=$(hung_worker "$pid" 100)
    sleep 0.5
    for w in $(pgrep -P "$pid" || true); do
        rss="$rss $w:$(awk '/^VmRSS/ {print $2}' "/proc/$w/status" 2> /dev/null)"
    done
    kill "$pid"
    wait "$pid" || true
    [ -n "$busy" ] || fail "no worker got to photo.jpg"
    [ "$(echo "$rss" | wc -w)" -eq 4 ] || fail "expected 4 workers: $rss"
    started=$(echo "$rss" | tr ' ' '\n' | sed -n "s/^$busy://p")
    for entry in $rss; do
        [ "${entry%%:*}" = "$busy" ] && continue
        [ "${entry#*:}" -lt $((started * 2 / 3)) ] ||
            fail "a worker with no work started anyway (RSS, KiB, pid:kib):$rss"
    done
fi

# Two runs into one output tree at once: safe by construction (each writes
# its own temp file, named by its pid, and renames it into place), so both
# succeed, every output is whole, and no temp file is left.
mkdir -p "$T/twice"
for i in $(seq -w 1 24); do cp "$TESTDATA/samples/photo.jpg" "$T/twice/p$i.jpg"; done
${IMGBATCH_WRAPPER:-} "$IMGBATCH" -j2 -o "$T/twice-out" "$T/twice" 2> "$T/first.err" &
first=$!
run ib -j2 -o "$T/twice-out" "$T/twice"
expect_rc 0
set +e; wait "$first"; rc=$?; set -e
expect_rc 0
[ "$(ls "$T/twice-out" | wc -l)" -eq 24 ] || fail "expected 24 outputs"
for f in "$T"/twice-out/*; do expect_dims "$f" 100 75; done
expect_no_temp_files "$T/twice-out"
