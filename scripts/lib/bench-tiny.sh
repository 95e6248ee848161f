#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/lib/bench-tiny.sh PHOTOS SET OUT: the tiny-files workload of
# scripts/bench, where the per-file costs are all there is: 20,032 JPEGs
# of 32x32 (each of the 64 bench photos made 32x32 at quality 90 with
# `vips thumbnail --size force`, then hard-linked under 312 more names;
# made in SET when it does not hold them), each fit inside 16x16, JOBS
# processes.
#
# imgbatch writes to OUT (the bench's own file system) and to a tmpfs
# (/dev/shm), each run into a new folder, the outputs of the runs before
# kept until the end: ext4 can skip inodes freed in the last minute when
# it allocates (recently_deleted() in fs/ext4/ialloc.c), so a run right
# after deleting 20,000 files can measure that instead of imgbatch.
# Pool(JOBS) + Pillow writes to OUT for reference. Figures: median wall and
# CPU (the whole tree) over RUNS, and the parent's own CPU per file
# (perf stat --no-inherit, when perf may count here).
#
# Environment: IMGBATCH, PYTHON, SHARED (../shared/bench), JOBS, RUNS.
set -euo pipefail
photos=$1 set=$2 out=$3
copies=312
per_photo=$((copies + 1))

make_set() {
    local i=0 p c
    rm -rf "$set" && mkdir -p "$set"
    for p in "$photos"/*.jpg; do
        vips thumbnail "$p" "$set/t$i.jpg[Q=90,strip]" 32 --height 32 --size force 2> /dev/null
        for ((c = 1; c <= copies; c++)); do ln "$set/t$i.jpg" "$set/c${c}_t$i.jpg"; done
        i=$((i + 1))
    done
}
want=$(($(find "$photos" -maxdepth 1 -name '*.jpg' | wc -l) * per_photo))
have=$( (find "$set" -maxdepth 1 -name '*.jpg' 2> /dev/null || true) | wc -l)
if [ "$have" -ne "$want" ]; then
    echo "bench: making the tiny-files set in $set ($want files)" >&2
    make_set
fi
files=$want

can_perf=""
perf stat --no-inherit -x, -e task-clock -o /dev/null true 2> /dev/null && can_perf=1

# timed TOOL DST: "wall cpu parent_ms" of one run.
timed() {
    local t=$1 dst=$2 cmd stat=$out/tiny-perf.txt times=$out/tiny-time.txt
    case $t in
    imgbatch*) cmd=("$IMGBATCH" -j "$JOBS" -s 16x16 --quiet -o "$dst" "$set") ;;
    pil-thumbnail) cmd=(env BOX=16 bash "$SHARED/peers.sh" __run pil-thumbnail "$set" "$dst") ;;
    esac
    mkdir -p "$dst"
    sync
    if [ -n "$can_perf" ] && [[ $t == imgbatch* ]]; then
        /usr/bin/time -f '%e %U %S' -o "$times" \
            perf stat --no-inherit -x, -e task-clock -o "$stat" "${cmd[@]}" > /dev/null
    else
        /usr/bin/time -f '%e %U %S' -o "$times" "${cmd[@]}" > /dev/null
        echo "-,msec,task-clock" > "$stat"
    fi
    local n
    n=$(find "$dst" -type f -name '*.jpg' | wc -l)
    [ "$n" -eq "$files" ] || { echo "bench: tiny: $t wrote $n of $files" >&2; exit 1; }
    awk '{ printf "%s %.2f ", $1, $2 + $3 }' "$times"
    awk -F, '/task-clock/ { print $1 }' "$stat"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

tmpfs=$(mktemp -d /dev/shm/imgbatch-bench-tiny.XXXXXX)
trap 'rm -rf "$tmpfs" "$out/tiny"' EXIT
rm -rf "$out/tiny"
echo "## workload tiny: $files JPEGs of 32x32, fit inside 16x16 ($JOBS processes)"
echo
echo "| tool | writes to | runs | median wall s | files/s | CPU s | parent CPU per file |"
echo "|---|---|---:|---:|---:|---:|---:|"
for case in "imgbatch $out/tiny/ext" "imgbatch-tmpfs $tmpfs/run" "pil-thumbnail $out/tiny/pil"; do
    read -r t base <<< "$case"
    fs=$(findmnt -n -o FSTYPE -T "${base%/*/*}" 2> /dev/null | head -n 1)
    : > "$out/tiny-runs.txt"
    for ((r = 1; r <= RUNS; r++)); do
        echo "bench: tiny $t run $r" >&2
        timed "$t" "$base-$r" >> "$out/tiny-runs.txt"
    done
    wall=$(cut -d' ' -f1 "$out/tiny-runs.txt" | median)
    cpu=$(cut -d' ' -f2 "$out/tiny-runs.txt" | median)
    parent=$(cut -d' ' -f3 "$out/tiny-runs.txt" | grep -v -- - | median || true)
    per=$([ -n "$parent" ] && [[ $t == imgbatch* ]] && awk -v p="$parent" -v n="$files" 'BEGIN { printf "%.1f us", p * 1000 / n }' || echo "-")
    echo "| $t | $fs | $RUNS | $wall | $(awk -v w="$wall" -v n="$files" 'BEGIN { printf "%.0f", n / w }') | $cpu | $per |"
done
echo
[ -n "$can_perf" ] || echo "(perf cannot count here: no parent CPU figure.)"
echo
