# SPDX-License-Identifier: MIT
# --shard K/N under GNU parallel: 4 runs at once over one tree, one output
# tree; together they cover every input exactly once. Runs under
# IMGBATCH_WRAPPER too (each of the 4 runs inside it).
. "$(dirname "$0")/lib.sh"
if ! command -v parallel > /dev/null; then
    # On CI a missing package must not pass unnoticed as a skip.
    [ "${CI:-}" != true ] || fail "GNU parallel is not installed"
    skip "GNU parallel is not installed (apt-get install parallel)"
fi
command -v jq > /dev/null || skip "jq is not installed"

# ~40 inputs, in subdirectories too, of two formats; fewer under a wrapper
# (valgrind), where each file costs a second.
per=12
[ -z "${IMGBATCH_WRAPPER:-}" ] || per=4
mkdir -p "$T/tree/a" "$T/tree/b/c"
for i in $(seq -w 1 "$per"); do
    cp "$TESTDATA/samples/tiny.png" "$T/tree/t$i.png"
    cp "$TESTDATA/samples/photo.jpg" "$T/tree/a/p$i.jpg"
    cp "$TESTDATA/samples/tiny.png" "$T/tree/b/c/d$i.png"
done
cp "$TESTDATA/samples/grey.jpg" "$T/tree/b/grey.jpg"
find "$T/tree" -type f | sort > "$T/inputs.txt"
n=$(wc -l < "$T/inputs.txt")

# -q: the command's words are passed as they are (no shell re-splitting of
# paths or of the wrapper's options); {} is the shard. PARALLEL_HOME keeps
# parallel's state out of $HOME; --will-cite silences its notice.
read -ra wrapper <<< "${IMGBATCH_WRAPPER:-}"
PARALLEL_HOME=$T/parallel-home run parallel --will-cite -q --joblog "$T/joblog" -j4 \
    "${wrapper[@]}" "$IMGBATCH" --shard '{}/4' -r -j1 --report "$T/report-{}.json" -o "$T/out" "$T/tree" \
    ::: 0 1 2 3
expect_rc 0
# The job log: a header, then one line per run with its exit status (7th
# column) and signal (8th).
[ "$(tail -n +2 "$T/joblog" | wc -l)" -eq 4 ] || fail "parallel ran $(tail -n +2 "$T/joblog" | wc -l) of 4 runs"
tail -n +2 "$T/joblog" | awk -F'\t' '$7 != 0 || $8 != 0 { bad = 1 } END { exit bad }' ||
    fail "a run failed: $(cat "$T/joblog")"

expect_valid_outputs "$T/out" "$n"
# The reports' file records: all ok, pairwise disjoint, and together every
# input.
for k in 0 1 2 3; do
    report_ok_inputs "$T/report-$k.json" > "$T/part$k.txt"
done
expect_partition "$T/inputs.txt" "$T"/part?.txt
