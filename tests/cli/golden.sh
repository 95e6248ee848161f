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

# Each fault in a golden, and what catches it.
fault() {  # $1 name, $2 golden file, $3 expected figure text; vips makes $T/bad
    cp "$T/bad" "$T/golden/$2"
    run ib -o "$T/out" --golden "$T/golden" "$T/in"
    expect_rc 1
    expect_stderr_has "imgbatch: '$T/in/${2#resized_}': does not match its golden: "
    grep -F "does not match" "$T/stderr" | grep -qE -- "$3" || fail "$1: not caught by $3: $(cat "$T/stderr")"
    expect_stderr_has "golden: 5 match, 1 mismatch, 0 missing, 0 orphan"
    cp "$TESTDATA/golden/samples/$2" "$T/golden/$2"
}
g=$T/golden/resized_photo.jpg
vips embed "$g" "$T/shift.v" 1 0 100 75 --extend copy && vips jpegsave "$T/shift.v" "$T/bad" --Q 85
fault "one-pixel shift" resized_photo.jpg "% of pixels differ"
vips extract_band "$g" "$T/r.v" 0; vips extract_band "$g" "$T/gb.v" 1; vips extract_band "$g" "$T/b.v" 2
vips bandjoin "$T/gb.v $T/r.v $T/b.v" "$T/swap.v" && vips jpegsave "$T/swap.v" "$T/bad" --Q 85
fault "swapped channels" resized_photo.jpg "max-diff (2[0-9][0-9]|1[0-9][0-9])"
vips rot "$T/golden/resized_rotated-6.jpg" "$T/rot.v" d180 && vips jpegsave "$T/rot.v" "$T/bad" --Q 85
fault "rotation" resized_rotated-6.jpg "max-diff"
vips jpegsave "$g" "$T/bad" --Q 20
fault "recompression at quality 20" resized_photo.jpg "psnr (2[0-9]|3[0-2])\\."
vips copy "$T/golden/resized_tiny.png" "$T/flat.v"
vips draw_rect "$T/flat.v" "0 0 0" 50 50 1 1
vips pngsave "$T/flat.v" "$T/bad"
fault "one wrong pixel in a flat area" resized_tiny.png "max-diff 200 at 50,50"

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
run ib -o "$T/out" --golden "$T/golden" "$T/in"
expect_rc 0
expect_stderr_has "golden: 6 match, 0 mismatch, 0 missing, 0 orphan"

# Tolerance options: a stricter PSNR turns the non-vector path's
# differences into mismatches (JPEG at quality 85 is not bit-identical).
VIPS_NOVECTOR=1 run ib -o "$T/out" --golden "$T/golden" --min-psnr 900 --max-diff 0 "$T/in"
expect_rc 1
expect_stderr_has "mismatch"
run ib --update-golden "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: --update-golden needs --golden DIR"
run ib --golden "$T/golden" --min-psnr loud "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: invalid --min-psnr 'loud'"
