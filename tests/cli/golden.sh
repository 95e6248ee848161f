# SPDX-License-Identifier: MIT
# --golden: outputs compared with goldens by decoded pixels at the default
# tolerance (max-diff 48, PSNR >= 33 dB, <= 2% of pixels off by > 16).
# Libvips' non-vector path passes; a one-pixel shift, swapped channels, a
# rotation, recompression at quality 20 and one wrong pixel in a flat area
# are each caught, with the figure that caught them.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is not installed"
samples_copy
cp -r "$TESTDATA/golden/samples" "$T/golden"

# The goldens were made with SIMD; the non-vector path matches them.
VIPS_NOVECTOR=1 run ib -o "$T/out" --golden "$T/golden" --report "$T/r.json" "$T/in"
expect_rc 0
expect_stderr_has "golden: 6 match, 0 mismatch, 0 missing, 0 orphan"
jq -s -e '[.[] | select(.type == "file")] | all(.golden == "match" and (.figures | test("psnr")))' \
    "$T/r.json" > /dev/null || fail "report lacks golden/figures"

# Each fault in a golden, and what catches it: the line names the limit
# it failed, in imgbatch compare's words, then the figures.
fault() {  # $1 name, $2 golden file, $3 limit, $4 figure text; vips makes $T/bad
    cp "$T/bad" "$T/golden/$2"
    run ib -o "$T/out" --golden "$T/golden" "$T/in"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/in/${2#resized_}': golden mismatch ($3): "
    grep -F "golden mismatch" "$T/stderr" | grep -qE -- "$4" || fail "$1: not caught by $4: $(cat "$T/stderr")"
    expect_stderr_has "golden: 5 match, 1 mismatch, 0 missing, 0 orphan"
    cp "$TESTDATA/golden/samples/$2" "$T/golden/$2"
}
g=$T/golden/resized_photo.jpg
vips embed "$g" "$T/shift.v" 1 0 100 75 --extend copy && vips jpegsave "$T/shift.v" "$T/bad" --Q 85
fault "one-pixel shift" resized_photo.jpg max-diff "% of pixels differ"
# With the other two limits out of the way, the shift fails on the
# fraction, and the batch says so as imgbatch compare does, word for word.
cp "$T/bad" "$g"
run ib -o "$T/out" --golden "$T/golden" --max-diff 255 --min-psnr 0 "$T/in"
expect_rc 1
said=$(grep -F "golden mismatch" "$T/stderr")
run "$IMGBATCH" compare --max-diff 255 --min-psnr 0 "$g" "$T/out/resized_photo.jpg"
expect_rc 1
expect_stdout_has "mismatch (fraction): "
[ "$said" = "imgbatch: '$T/in/photo.jpg': golden $(cat "$T/stdout")" ] ||
    fail "the batch says '$said', compare '$(cat "$T/stdout")'"
cp "$TESTDATA/golden/samples/resized_photo.jpg" "$g"
# Under valgrind two of the five: the comparison code is the same.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    vips extract_band "$g" "$T/r.v" 0; vips extract_band "$g" "$T/gb.v" 1; vips extract_band "$g" "$T/b.v" 2
    vips bandjoin "$T/gb.v $T/r.v $T/b.v" "$T/swap.v" && vips jpegsave "$T/swap.v" "$T/bad" --Q 85
    fault "swapped channels" resized_photo.jpg max-diff "max-diff (2[0-9][0-9]|1[0-9][0-9])"
    vips rot "$T/golden/resized_rotated-6.jpg" "$T/rot.v" d180 && vips jpegsave "$T/rot.v" "$T/bad" --Q 85
    fault "rotation" resized_rotated-6.jpg max-diff "max-diff"
    vips jpegsave "$g" "$T/bad" --Q 20
    fault "recompression at quality 20" resized_photo.jpg max-diff "psnr (2[0-9]|3[0-2])\\."
fi
vips copy "$T/golden/resized_tiny.png" "$T/flat.v"
vips draw_rect "$T/flat.v" "0 0 0" 50 50 1 1
vips pngsave "$T/flat.v" "$T/bad"
fault "one wrong pixel in a flat area" resized_tiny.png max-diff "max-diff 200 at 50,50"

# A missing golden and an orphan.
mv "$T/golden/resized_grey.jpg" "$T/golden/stray.jpg"
run ib -o "$T/out" --golden "$T/golden" --report "$T/r2.json" "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/grey.jpg': no golden for its output"
expect_stderr_has "imgbatch: '$T/golden/stray.jpg': golden with no input (orphan)"
expect_stderr_has "golden: 5 match, 0 mismatch, 1 missing, 1 orphan"
jq -s -e --arg g "$T/golden/stray.jpg" 'map(select(.type == "orphan" and .golden == $g)) | length == 1' \
    "$T/r2.json" > /dev/null || fail "orphan not in the report"

# --update-golden writes what is missing, replaces what differs, removes
# orphans and says so; then --golden passes.
cp "$T/bad" "$T/golden/resized_tiny.png"
run ib -o "$T/out" --golden "$T/golden" --update-golden "$T/in"
expect_rc 0
expect_stderr_has "imgbatch: '$T/in/grey.jpg': golden created"
expect_stderr_has "imgbatch: '$T/in/tiny.png': golden updated: max-diff 200 at 50,50"
expect_stderr_has "imgbatch: '$T/golden/stray.jpg': golden removed: no input makes it (orphan)"
expect_stderr_has "golden: 1 created, 1 updated, 4 unchanged"
expect_no_file "$T/golden/stray.jpg"
expect_no_temp_files "$T/golden"
run ib_again -o "$T/out" --golden "$T/golden" "$T/in"
expect_rc 0
expect_stderr_has "golden: 6 match, 0 mismatch, 0 missing, 0 orphan"

# A run over some of the fixtures (a PATH that is not a whole folder)
# checks their goldens and calls none of the others an orphan, and
# --update-golden leaves the others in place...
run ib -o "$T/out" --golden "$T/golden" "$T/in/photo.jpg"
expect_rc 0
expect_stderr_lacks "(orphan)"
expect_stderr_has "golden: 1 match, 0 mismatch, 0 missing, 0 orphan (orphans not looked for: a PATH is not a whole folder; --golden-orphans looks)"
run ib_again -o "$T/out" --golden "$T/golden" --update-golden "$T/in/photo.jpg" "$T/in/grey.jpg"
expect_rc 0
expect_stderr_lacks "(orphan)"
[ "$(ls "$T/golden" | wc -l)" -eq 6 ] || fail "a run over two files removed goldens: $(ls "$T/golden")"
# ... unless --golden-orphans asks.
run ib_again -o "$T/out" --golden "$T/golden" --golden-orphans "$T/in/photo.jpg"
expect_rc 1
expect_stderr_has "imgbatch: '$T/golden/resized_grey.jpg': golden with no input (orphan)"
expect_stderr_has "golden: 1 match, 0 mismatch, 0 missing, 5 orphan"
# An input that fails this time, or whose output is up to date under -u,
# still makes its golden: not an orphan, and --update-golden keeps it.
head -c 3000 "$TESTDATA/samples/photo.jpg" > "$T/in/photo.jpg"
run ib -o "$T/out" --golden "$T/golden" --update-golden "$T/in"
expect_rc 1
expect_stderr_has "imgbatch: '$T/in/photo.jpg': VipsJpeg: Premature end of input file"
expect_stderr_lacks "(orphan)"
expect_file "$T/golden/resized_photo.jpg"
cp "$TESTDATA/samples/photo.jpg" "$T/in/photo.jpg"
run ib_again -u -o "$T/out-u" --golden "$T/golden" "$T/in"
expect_rc 0
run ib_again -u -o "$T/out-u" --golden "$T/golden" "$T/in"
expect_rc 0
expect_stderr_lacks "(orphan)"
run ib_again -o "$T/out" --golden-orphans "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --golden-orphans needs --golden DIR"
run ib_again -o "$T/out" --golden "$T/golden" --golden-orphans --shard 0/2 "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --golden-orphans cannot be used with --shard (each shard would find the others' goldens)"

# Tolerance options: a stricter PSNR turns the non-vector path's
# differences into mismatches (JPEG at quality 85 is not bit-identical).
VIPS_NOVECTOR=1 run ib_again -o "$T/out" --golden "$T/golden" --min-psnr 900 --max-diff 0 "$T/in"
expect_rc 1
expect_stderr_has "mismatch"
run ib --update-golden "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --update-golden needs --golden DIR"
run ib --golden "$T/golden" --min-psnr loud "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: invalid --min-psnr 'loud'"

# --diff-dir and its page: diffpage.sh.
run ib --diff-dir "$T/d2" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --diff-dir needs --golden DIR"
# Without -o the outputs would land among the fixtures: refused, and the
# fixture folder is as it was.
ls -A "$T/in" > "$T/before.txt"
run ib --golden "$T/golden" "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --golden needs -o DIR (the outputs would land among the inputs)"
ls -A "$T/in" | cmp -s - "$T/before.txt" || fail "the fixture folder changed: $(ls -A "$T/in")"
