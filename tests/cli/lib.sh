# SPDX-License-Identifier: MIT
# Helpers for the CLI tests. Each test is a bash script that sources this
# file; ctest passes IMGBATCH (the binary) and TESTDATA (testdata/).
# IMGBATCH_WRAPPER (e.g. valgrind) is put in front of every imgbatch run.
# Exit 77 means skipped.
set -euo pipefail
export LC_ALL=C
: "${IMGBATCH:?IMGBATCH must name the binary}"
: "${TESTDATA:?TESTDATA must name testdata/}"

T=$(mktemp -d "${TMPDIR:-/tmp}/imgbatch-test.XXXXXX")
cleanup() { chmod -R u+rwX "$T" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    if [ -s "$T/stderr" ]; then echo "--- stderr of the last run:" >&2; cat "$T/stderr" >&2; fi
    exit 1
}
skip() { echo "SKIP: $*" >&2; exit 77; }

# Under a wrapper (valgrind) one worker unless the test asks for some:
# every worker pays libvips' start-up under valgrind, seconds each.
ib() {
    local jobs=${IMGBATCH_WRAPPER:+-j1} a
    for a in "$@"; do
        case $a in -j* | --jobs*) jobs= ;; esac
    done
    ${IMGBATCH_WRAPPER:-} "$IMGBATCH" $jobs "$@"
}

# ib_again: ib for a run that repeats what an earlier run of the same test
# took through the worker under the wrapper, with other parent options (a
# rerun, another shard): outside the wrapper, so valgrind checks the path
# once. The sanitizer pass has no wrapper and checks every run.
ib_again() { "$IMGBATCH" "$@"; }

# run CMD...: runs it, keeping its stdout, stderr and exit status ($rc).
run() {
    set +e
    "$@" > "$T/stdout" 2> "$T/stderr"
    rc=$?
    set -e
}

expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
expect_stderr_has() { grep -qF -- "$1" "$T/stderr" || fail "stderr lacks: $1"; }
expect_stderr_lacks() { ! grep -qF -- "$1" "$T/stderr" || fail "stderr has: $1"; }
expect_stdout_has() { grep -qF -- "$1" "$T/stdout" || fail "stdout lacks: $1"; }
expect_file() { [ -f "$1" ] || fail "missing file: $1"; }
expect_no_file() { [ ! -e "$1" ] || fail "unexpected file: $1"; }

# expect_dims FILE W H: the decoded image is W x H (read by vipsheader).
expect_dims() {
    local w h
    w=$(vipsheader -f width "$1") || fail "cannot read $1"
    h=$(vipsheader -f height "$1")
    [ "$w $h" = "$2 $3" ] || fail "$1 is ${w}x$h, expected $2x$3"
}

# expect_golden GOLDEN ACTUAL: pixels match within imgbatch compare's
# default tolerance (README, "Tolerance").
expect_golden() {
    local verdict
    verdict=$("$IMGBATCH" compare "$1" "$2" 2>&1) || fail "$2 vs $1: $verdict"
}

# expect_no_temp_files DIR: no temp file of ours left anywhere under DIR.
expect_no_temp_files() {
    local left
    left=$(find "$1" -name '.imgbatch-*' ! -name '.imgbatch-state' ! -name '.imgbatch-state.*-of-*' | head -n 5)
    [ -z "$left" ] || fail "temp files left: $left"
}

# count_lines TEXT FILE: how many lines of FILE contain TEXT.
count_lines() { grep -cF -- "$1" "$2" || true; }

# A copy of the sample folder to work in.
samples_copy() {
    mkdir -p "$T/in"
    cp "$TESTDATA"/samples/* "$T/in/"
}

# colour_types SCALE DIR: the sample photo resized by SCALE in every
# colour type a PNG has, as libvips images: DIR/rgb.v, rgba.v, grey.v,
# ga.v (the alpha is the green band, so it varies), and g.v, that band.
colour_types() {
    vips resize "$TESTDATA/samples/photo.jpg" "$2/rgb.v" "$1"
    vips extract_band "$2/rgb.v" "$2/g.v" 1
    vips colourspace "$2/rgb.v" "$2/grey.v" b-w
    vips bandjoin "$2/rgb.v $2/g.v" "$2/rgba.v"
    vips bandjoin "$2/grey.v $2/g.v" "$2/ga.v"
}

# same_pixels A B: A's pixels are B's exactly (libvips reads both), as are
# its size, bands, format, interpretation and resolution; B is libvips'
# own output in the tests that use it.
same_pixels() {
    local h
    for h in width height bands format interpretation xres yres; do
        [ "$(vipsheader -f "$h" "$1")" = "$(vipsheader -f "$h" "$2")" ] ||
            fail "${1##*/}: $h $(vipsheader -f "$h" "$1") against $(vipsheader -f "$h" "$2")"
    done
    vips subtract "$1" "$2" "$T/same-d.v" && vips abs "$T/same-d.v" "$T/same-a.v"
    [ "$(vips max "$T/same-a.v")" = 0 ] || [ "$(vips max "$T/same-a.v")" = 0.000000 ] ||
        fail "${1##*/}: pixels differ from libvips' own by up to $(vips max "$T/same-a.v")"
}

# wait_for_outputs DIR N TRIES: waits (TRIES tenths of a second at most)
# until DIR holds N outputs (resized_*) or more, for a test that must act
# mid-batch; the test checks afterwards what it needs.
wait_for_outputs() {
    local _
    for _ in $(seq 1 "$3"); do
        [ "$(ls "$1" 2>/dev/null | grep -c resized_)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 0
}

# hung_worker PID TRIES: waits (TRIES tenths of a second at most) until a
# child of PID sleeps in pause(), where IMGBATCH_TEST_FAULT=hang leaves a
# worker, and prints its pid; prints nothing when none did.
hung_worker() {
    local _ w
    for _ in $(seq 1 "$2"); do
        for w in $(pgrep -P "$1" || true); do
            case "$(cat "/proc/$w/wchan" 2> /dev/null)" in *pause*) echo "$w"; return 0 ;; esac
        done
        sleep 0.1
    done
    return 0
}

# expect_valid_outputs DIR N: DIR holds N files, all images libvips reads
# (one vipsheader for all: a start-up each would take seconds).
expect_valid_outputs() {
    find "$1" -type f | sort > "$T/outputs.txt"
    [ "$(wc -l < "$T/outputs.txt")" -eq "$2" ] || fail "$(wc -l < "$T/outputs.txt") outputs for $2 inputs"
    tr '\n' '\0' < "$T/outputs.txt" | xargs -0 vipsheader > /dev/null 2> "$T/stderr" ||
        fail "outputs that are not valid images"
}

# report_ok_inputs REPORT: prints the sorted inputs of REPORT's file
# records; fails unless the run exited 0 with every file ok.
report_ok_inputs() {
    expect_file "$1"
    [ "$(jq -r 'select(.type == "summary") | .exit' "$1")" = 0 ] || fail "$1: summary exit is not 0"
    jq -r 'select(.type == "file" and .status != "ok") | .input' "$1" > "$T/notok.txt"
    [ ! -s "$T/notok.txt" ] || fail "$1: not resized: $(cat "$T/notok.txt")"
    jq -r 'select(.type == "file") | .input' "$1" | sort
}

# expect_partition INPUTS PART...: the PART lists are pairwise disjoint and
# together exactly the sorted list INPUTS.
expect_partition() {
    local inputs=$1 dups
    shift
    sort "$@" > "$T/union.txt"
    dups=$(uniq -d "$T/union.txt")
    [ -z "$dups" ] || fail "inputs in two parts: $dups"
    cmp -s "$T/union.txt" "$inputs" ||
        fail "the parts are not the whole list: $(diff "$inputs" "$T/union.txt" | head -n 10)"
}

# checksums DIR: one line per file, to prove inputs are left untouched.
checksums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
