# SPDX-License-Identifier: MIT
# --diff-dir: the pictures of each mismatch, and the page that shows every
# reason the run failed, looked at in headless Chromium at a desktop's and
# at a phone's width: no horizontal scrolling, every picture loaded and
# fitted, every case on it, the worst mismatch first.
. "$(dirname "$0")/lib.sh"
samples_copy
g=$T/golden
# A name too long for one line of a phone: the page must wrap it.
p=photo_taken_on_a_phone_with_a_name_too_long_for_one_line.jpg
mv "$T/in/photo.jpg" "$T/in/$p"

# Outputs 480 pixels wide: wider than a phone, and three side by side
# wider than a desktop window.
run ib_again -s 480x480 -o "$T/out" --golden "$g" --update-golden "$T/in"
expect_rc 0

# Four mismatches, each past a different limit by a different amount:
# long.jpg's golden is another size; the photo's is flipped (95% of the
# pixels); tiny.png's has one pixel 200 levels off; alpha.png's is tinted
# by 12 levels all over (PSNR 32.8 dB, just under 33).
vips resize "$g/resized_long.jpg" "$T/long.v" 2 && vips jpegsave "$T/long.v" "$g/resized_long.jpg"
vips flip "$g/resized_$p" "$T/flip.v" horizontal && vips jpegsave "$T/flip.v" "$g/resized_$p" --Q 85
vips copy "$g/resized_tiny.png" "$T/flat.v"
vips draw_rect "$T/flat.v" "0 0 0" 50 50 1 1 && vips pngsave "$T/flat.v" "$g/resized_tiny.png"
vips linear "$g/resized_alpha.png" "$T/tint.v" "1 1 1 1" "12 -9 12 0" --uchar && vips pngsave "$T/tint.v" "$g/resized_alpha.png"
# And grey.jpg has no golden; a golden has no input.
mv "$g/resized_grey.jpg" "$g/stray.jpg"
run ib -s 480x480 -o "$T/out" --golden "$g" --diff-dir "$T/diff" "$T/in"
expect_rc 1
expect_stderr_has "golden: 1 match, 4 mismatch, 1 missing, 1 orphan"
expect_stderr_has "imgbatch: '$T/in/alpha.png': golden mismatch (psnr): "

# The pictures: each image as compared, and where they differ, a heat map
# over a faded copy of the golden (the wrong pixel is hot), the largest
# difference ringed in blue (a tenth of the picture from it).
d=$T/diff/resized_tiny.png
expect_dims "$d.expected.png" 480 480
expect_dims "$d.actual.png" 480 480
expect_dims "$d.diff.png" 480 480
expect_dims "$d.sbs.png" 1448 480
"$IMGBATCH" compare --max-diff 0 "$g/resized_tiny.png" "$d.expected.png" > /dev/null ||
    fail "the expected picture is not the golden"
"$IMGBATCH" compare --max-diff 0 "$T/out/resized_tiny.png" "$d.actual.png" > /dev/null ||
    fail "the actual picture is not the output"
pixel() { vips getpoint "$d.diff.png" "$1" "$2" | tr -s ' \n' ' ' | sed 's/ $//'; }
read -r r gr b <<< "$(pixel 50 50)"
[ "$r" -ge 150 ] && [ "$gr" -le 40 ] && [ "$b" -lt "$r" ] || fail "the wrong pixel is $r $gr $b, not hot"
read -r r gr b <<< "$(pixel 10 10)"
[ "$r" = "$gr" ] && [ "$gr" = "$b" ] || fail "an unchanged pixel is $r $gr $b, not grey"
[ "$(pixel 98 50)" = "0 102 255" ] || fail "no blue ring around the largest difference: $(pixel 98 50)"
# Sizes that differ have no difference to picture; a missing golden has
# the output that would become it.
expect_file "$T/diff/resized_long.jpg.expected.png"
expect_no_file "$T/diff/resized_long.jpg.diff.png"
expect_dims "$T/diff/resized_grey.jpg.actual.png" 480 360
expect_no_file "$T/diff/resized_grey.jpg.expected.png"

# The page: every reason the run failed. The mismatches worst first (by
# the figure furthest past its limit: another size; the flip, its PSNR
# some 20 dB short; 200 levels against 48; a PSNR 0.2 dB short), not in
# the workers' order nor by name; then the missing golden, then the
# orphan.
page=$T/diff/index.html
expect_file "$page"
grep -o '<h3>[^<]*</h3>' "$page" | sed 's/<[^>]*>//g' > "$T/order.txt"
printf '%s\n' "$T/in/long.jpg" "$T/in/$p" "$T/in/tiny.png" "$T/in/alpha.png" \
    "$T/in/grey.jpg" "$g/stray.jpg" > "$T/want.txt"
cmp -s "$T/want.txt" "$T/order.txt" || fail "the page's order: $(cat "$T/order.txt")"
grep -qF '<title>imgbatch golden check: 4 mismatches, 1 missing golden, 1 orphan</title>' "$page" ||
    fail "page lacks the counts: $(grep -o '<title>.*</title>' "$page")"
grep -qF 'golden: 1 match, 4 mismatch, 1 missing, 1 orphan.' "$page" || fail "page lacks the summary"
grep -qF '<span class="limit">mismatch (psnr)</span>' "$page" || fail "page lacks the limit alpha.png failed"
grep -qF '<span class="limit">no golden</span>' "$page" || fail "page lacks the missing golden"
grep -qF '<span class="limit">orphan</span>' "$page" || fail "page lacks the orphan"
# A run over one file, into a folder that holds an earlier run's pictures
# (this one's), a file of the user's, and the run's own output folder with
# a file named like a picture. Only the earlier pictures go; the page and
# the folder show this run's one case. It looks for no orphans, and its
# page says so.
cp -r "$T/diff" "$T/diff1"
echo "notes" > "$T/diff1/notes.txt"
mkdir -p "$T/diff1/out"
cp "$T/diff/resized_tiny.png.sbs.png" "$T/diff1/out/keep.sbs.png"
run ib_again -s 480x480 -o "$T/diff1/out" --golden "$g" --diff-dir "$T/diff1" "$T/in/tiny.png"
expect_rc 1
(cd "$T/diff1" && find . -type f | sort) > "$T/left.txt"
printf '%s\n' ./index.html ./notes.txt ./out/keep.sbs.png ./out/resized_tiny.png \
    ./resized_tiny.png.actual.png ./resized_tiny.png.diff.png \
    ./resized_tiny.png.expected.png ./resized_tiny.png.sbs.png > "$T/want-left.txt"
cmp -s "$T/want-left.txt" "$T/left.txt" || fail "the diff folder holds: $(cat "$T/left.txt")"
grep -qF 'golden: 0 match, 1 mismatch, 0 missing, 0 orphan (orphans not looked for: a PATH is not a whole folder; --golden-orphans looks)' \
    "$T/diff1/index.html" || fail "the page does not say why no orphans: $(grep -o 'golden: [^<]*' "$T/diff1/index.html")"

# In a browser, through a page that holds the diff page in a frame of a
# given size (headless Chromium's window is never narrower than 500
# pixels) and writes what it finds there into the DOM. The page is the
# same in every pass: the browser looks at it in the release pass only.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -n "${IMGBATCH_WRAPPER:-}${IMGBATCH_TEST_SANITIZED:-}" ]; then
    echo "the browser check is left to the release pass"
    exit 0
elif [ -z "$chromium" ]; then
    [ "${CI:-}" = true ] && fail "chromium missing under CI=true"
    echo "chromium not installed: the browser check is skipped"
    exit 0
fi
# look W H: the findings, as JSON: the page's width and scroll width, the
# pictures that did not load, the cases in order, each panel's label, and
# the width each picture is shown at by its source.
look() {
    cat > "$T/diff/look.html" <<EOF
<!doctype html><html><body style="margin:0">
<iframe id="page" src="index.html" style="border:0;width:$1px;height:$2px"></iframe>
<script>
addEventListener("load", () => {
  const d = document.getElementById("page").contentDocument, e = d.documentElement;
  const shown = {};
  for (const i of d.images) shown[i.getAttribute("src")] = i.getBoundingClientRect().width;
  const out = document.createElement("pre");
  out.id = "findings";
  out.textContent = JSON.stringify({
    width: e.clientWidth, scroll: e.scrollWidth,
    broken: [...d.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src),
    cases: [...d.querySelectorAll("section.case")].map(s => s.querySelector("h3").textContent),
    labels: [...d.querySelectorAll("figcaption")].map(c => c.textContent),
    shown: shown,
  });
  document.body.append(out);
});
</script></body></html>
EOF
    HOME=$T "$chromium" --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
        --window-size="$(( $1 < 500 ? 500 : $1 )),$2" --dump-dom "file://$T/diff/look.html" \
        > "$T/dom.html" 2> "$T/chromium.log" || fail "chromium failed: $(tail -n 3 "$T/chromium.log")"
    sed -n 's:.*<pre id="findings">\(.*\)</pre>.*:\1:p' "$T/dom.html" | sed 's/&amp;/\&/g'
}
# The 480-pixel photo is scaled to fit: three across a desktop window (a
# third of it, not less than 300 pixels), the whole width of a phone's.
for size in "1400 1000 300 466" "390 844 300 390"; do
    read -r w h least most <<< "$size"
    look "$w" "$h" > "$T/found.json"
    [ -s "$T/found.json" ] || fail "at ${w}x$h the page could not be looked at: $(tail -n 3 "$T/chromium.log")"
    jq -e '.width > 0 and .scroll <= .width' "$T/found.json" > /dev/null ||
        fail "at ${w}x$h the page scrolls sideways: $(jq -c '{width, scroll}' "$T/found.json")"
    jq -e '.broken == []' "$T/found.json" > /dev/null ||
        fail "at ${w}x$h pictures do not load: $(jq -c .broken "$T/found.json")"
    jq -r '.cases[]' "$T/found.json" | cmp -s - "$T/want.txt" ||
        fail "at ${w}x$h the cases are: $(jq -c .cases "$T/found.json")"
    jq -e '[.labels[] | select(. == "expected (golden)" or . == "actual (this run)" or . == "difference")]
        | length == 13' "$T/found.json" > /dev/null || fail "at ${w}x$h the labels are: $(jq -c .labels "$T/found.json")"
    jq -e --argjson least "$least" --argjson most "$most" --arg src "resized_$p.actual.png" \
        '.shown[$src] | . >= $least and . <= $most' "$T/found.json" > /dev/null ||
        fail "at ${w}x$h the photo is shown $(jq --arg src "resized_$p.actual.png" '.shown[$src]' "$T/found.json") wide"
done
