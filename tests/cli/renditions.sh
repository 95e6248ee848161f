# SPDX-License-Identifier: MIT
# Several renditions per input: -s and -f lists (their cross product),
# --variant and --recipe, names by template (every field, escapes, odd
# bytes, names known once made, clashes), --dry-run, the report's output
# records and the srcset manifest; and every bad list, spec or recipe is a
# usage error naming the variant and the reason, before any work.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || skip "jq is not installed"
mkdir -p "$T/in"
cp "$TESTDATA/samples/photo.jpg" "$T/in/" # 320x240

# format_of FILE: the loader libvips reads it with (jpegload, webpload...).
format_of() { vipsheader -f vips-loader "$1"; }

# ---- lists: the cross product, named by size (and format when several)
run ib -s 160,80 -f jpg,webp -o "$T/lists" --report "$T/lists.json" "$T/in/photo.jpg"
expect_rc 0
expect_stderr_has "1 resized, 0 failed, 0 skipped"
for s in "160 120" "80 60"; do
    set -- $s
    expect_dims "$T/lists/resized_photo-$1.jpg" "$1" "$2"
    expect_dims "$T/lists/resized_photo-$1.webp" "$1" "$2"
    [ "$(format_of "$T/lists/resized_photo-$1.webp")" = webpload ] || fail "resized_photo-$1.webp is not WebP"
done
[ "$(find "$T/lists" -type f | wc -l)" -eq 4 ] || fail "expected 4 outputs"
# The report: the input's record, then one per output, in the order asked.
jq -s -e --arg in "$T/in/photo.jpg" '
    map(select(.type == "output")) as $o
    | ($o | map(.variant)) == ["160-jpeg", "160-webp", "80-jpeg", "80-webp"]
    and all($o[]; .input == $in and .status == "ok" and .bytes > 0 and .ms >= 0)
    and ($o | map([.w, .h, .format])) == [[160,120,"jpeg"],[160,120,"webp"],[80,60,"jpeg"],[80,60,"webp"]]
    and (map(select(.type == "file")) | length == 1 and .[0].outputs == 4)' "$T/lists.json" > /dev/null ||
    fail "report: $(cat "$T/lists.json")"

# ---- variants: named or not, each with its own options over the line's
run ib -q 60 -o "$T/var" \
    --variant 'big: -s 200 -f png --name {stem}@2x.{ext}' --variant '-s 50 -q 90' "$T/in/photo.jpg"
expect_rc 0
expect_dims "$T/var/photo@2x.png" 200 150
[ "$(format_of "$T/var/photo@2x.png")" = pngload ] || fail "photo@2x.png is not PNG"
expect_dims "$T/var/resized_photo-v2.jpg" 50 38
[ "$(find "$T/var" -type f | wc -l)" -eq 2 ] || fail "the line's own -s made an output beside variants"

# ---- a recipe: defaults and variants; the command line wins over it
cat > "$T/gallery.recipe" << 'EOF'
# a gallery
[defaults]
quality = 80
name = {stem}-{variant}.{ext}

[variant thumb]
size = 64x64
fit = cover

[variant web]
size = 240
format = webp
EOF
run ib --recipe "$T/gallery.recipe" -o "$T/recipe" --report "$T/recipe.json" "$T/in/photo.jpg"
expect_rc 0
expect_dims "$T/recipe/photo-thumb.jpg" 64 64
expect_dims "$T/recipe/photo-web.webp" 240 180
run ib_again --recipe "$T/gallery.recipe" -o "$T/recipe-q" --name '{stem}.{variant}.q{q}.{ext}' \
    "$T/in/photo.jpg"
expect_rc 0
expect_file "$T/recipe-q/photo.thumb.q80.jpg"

# ---- every field of a template, escapes, odd bytes, {dir} below -o
mkdir -p "$T/tree/sub"
cp "$T/in/photo.jpg" "$T/tree/sub/a.b.jpg"
odd=$(printf 'odd [1] *\xff')
cp "$TESTDATA/samples/alpha.png" "$T/tree/$odd.png"
run ib -r -f webp -q 70 -s 80 --variant 'v: -s 40' -o "$T/tpl" \
    --name '{dir}/{{x}}_{name}_{stem}_{ext}_{w}x{h}_{size}_{format}_q{q}_{variant}_{hash:8}.{ext}' "$T/tree"
expect_rc 0
expect_stderr_has "2 resized, 0 failed, 0 skipped"
# hashed NAME-WITHOUT-HASH: the file, named with the first 8 hex digits of
# its own SHA-256.
hashed() {
    local f
    for f in "$1"_*.webp; do
        [ -f "$f" ] || fail "no output named $1_*"
        [ "${f##*_}" = "$(sha256sum "$f" | cut -c1-8).webp" ] || fail "$f: not its hash"
    done
}
hashed "$T/tpl/sub/{x}_a.b.jpg_a.b_webp_80x60_80_webp_q70_80"
hashed "$T/tpl/sub/{x}_a.b.jpg_a.b_webp_40x30_40_webp_q70_v"
hashed "$T/tpl/{x}_${odd}.png_${odd}_webp_80x60_80_webp_q70_80"
[ "$(find "$T/tpl" -type f | wc -l)" -eq 4 ] || fail "expected 4 outputs"
# No extension: the '.' before {ext} goes with it.
cp "$T/in/photo.jpg" "$T/tree/README"
run ib --name '{stem}.{ext}' -o "$T/noext" "$T/tree/README"
expect_rc 0
expect_file "$T/noext/README"

# ---- renditions that come out the same size and format are written once
run ib -s 80,80x60 --name '{stem}-{w}w.{ext}' -o "$T/once" --report "$T/once.json" "$T/in/photo.jpg"
expect_rc 0
[ "$(find "$T/once" -type f)" = "$T/once/photo-80w.jpg" ] || fail "expected photo-80w.jpg alone"
[ "$(jq -r 'select(.type == "output") | .status + " " + .output' "$T/once.json" | sort -u)" = "ok $T/once/photo-80w.jpg" ] ||
    fail "both renditions should be ok with one output"

# ---- clashes: two inputs, one name: both fail naming the other; a name
# known once made ({w}) is refused when taken, and never replaces an input
cp "$T/in/photo.jpg" "$T/tree/b.jpg"
cp "$TESTDATA/samples/alpha.png" "$T/tree/b.png"
run ib --name '{stem}.webp' -o "$T/clash" "$T/tree/b.jpg" "$T/tree/b.png"
expect_rc 1
expect_stderr_has "imgbatch: '$T/tree/b.jpg': same output as '$T/tree/b.png'"
expect_stderr_has "imgbatch: '$T/tree/b.png': same output as '$T/tree/b.jpg'"
expect_no_file "$T/clash/b.webp"
mkdir -p "$T/late"
cp "$T/in/photo.jpg" "$T/late/p.jpg"
cp "$T/in/photo.jpg" "$T/late/q.jpg"
run ib -j1 -s 100 --name '{w}.{ext}' -o "$T/late-out" "$T/late"
expect_rc 1
expect_stderr_has "1 resized, 1 failed, 0 skipped"
expect_stderr_has "imgbatch: '$T/late/q.jpg': same output as '$T/late/p.jpg'"
expect_dims "$T/late-out/100.jpg" 100 75
cp "$T/in/photo.jpg" "$T/late/100.jpg"
run ib -j1 -s 100 --name '{w}.{ext}' -o "$T/late" "$T/late/p.jpg" "$T/late/100.jpg"
expect_rc 1
expect_stderr_has "imgbatch: '$T/late/p.jpg': its output would overwrite the input '$T/late/100.jpg'"
expect_stderr_has "imgbatch: '$T/late/100.jpg': its output would overwrite the input itself"
cmp -s "$T/late/100.jpg" "$T/in/photo.jpg" || fail "an input was overwritten"

# ---- --dry-run names every output it would make, and makes none
run ib -n -s 160,80 -f jpg,webp -o "$T/dry" "$T/in/photo.jpg"
expect_rc 0
for o in 160.jpg 160.webp 80.jpg 80.webp; do
    expect_stdout_has "would resize '$T/in/photo.jpg' -> '$T/dry/resized_photo-$o' (new)"
done
expect_no_file "$T/dry"

# ---- the manifest: every input's renditions for srcset, merged under -u
cp "$TESTDATA/samples/grey.jpg" "$T/in/"
run ib -u -s 160,80 -f jpg,webp -o "$T/man" --manifest "$T/m.json" "$T/in/photo.jpg"
expect_rc 0
jq -e --arg in "$T/in/photo.jpg" --arg d "$T/man" '.inputs[$in] | length == 4
    and (map(.variant) == ["160-jpeg", "160-webp", "80-jpeg", "80-webp"])
    and .[0] == {"path": ($d + "/resized_photo-160.jpg"), "width": 160, "height": 120, "format": "jpeg",
                  "bytes": .[0].bytes, "variant": "160-jpeg"}
    and all(.[]; .bytes > 0)' "$T/m.json" > /dev/null || fail "manifest: $(cat "$T/m.json")"
[ "$(jq '.inputs[$in][0].bytes' --arg in "$T/in/photo.jpg" "$T/m.json")" = "$(stat -c %s "$T/man/resized_photo-160.jpg")" ] ||
    fail "manifest bytes are not the file's"
run ib_again -u -s 160,80 -f jpg,webp -o "$T/man" --manifest "$T/m.json" "$T/in/grey.jpg"
expect_rc 0
jq -e --arg a "$T/in/photo.jpg" --arg b "$T/in/grey.jpg" \
    '(.inputs | keys | sort) == ([$a, $b] | sort) and (.inputs[$b] | length == 4)' "$T/m.json" > /dev/null ||
    fail "manifest not merged under -u: $(cat "$T/m.json")"
expect_no_temp_files "$T"

# ---- usage errors: exit 2, one line naming the variant and the reason,
# nothing written
printf '[variant x]\nsize = 10\nbogus = 1\n' > "$T/bad1.recipe"
printf '[variant x]\nsize = 10,20\n' > "$T/bad2.recipe"
printf 'size 10\n' > "$T/bad3.recipe"
printf '[variant x y]\n' > "$T/bad4.recipe"
printf '[defaults]\nrecipe = other\n' > "$T/bad5.recipe"
while IFS='|' read -r args message; do
    eval "set -- $args"
    run ib "$@" -o "$T/bad" "$T/in/photo.jpg"
    expect_rc 2
    expect_stderr_has "imgbatch: $message"
    [ "$(wc -l < "$T/stderr")" -eq 2 ] || fail "$args: not one line and the --help hint"
    expect_no_file "$T/bad"
done << EOF
-s 320,abc|invalid geometry '320,abc': 'abc': expected a size such as 100x100
-s 80,80|invalid geometry '80,80': '80' is in the list twice
-f jpg,bmp|invalid --format 'jpg,bmp': 'bmp' is not jpg, png, webp, avif, tif, gif, jxl or heic
-f jpg,jpeg|invalid --format 'jpg,jpeg': jpeg is in the list twice
-s 100 -s 200|--size given twice: it takes one value (or a list: a,b)
-q 50 -q 60|--quality given twice: it takes one value
--variant 'x: -s 10,20'|variant 'x': a variant makes one output: give it one size (-s) and at most one format (-f)
--variant 'x: --bogus'|variant 'x': unrecognized option '--bogus'
--variant 'x: -s 10 -o out'|variant 'x': --output applies to the whole run, not to one output
--variant 'x: -s 10' --variant 'x: -s 20'|two outputs are named 'x': name the variants
--variant 'a b: -s 10'|invalid --variant 'a b: -s 10': a variant's name is letters, digits, '-', '_' and '.', not 'a b'
--variant 'a: -s "10'|invalid --variant 'a: -s "10': a quote is not closed
--variant 'a: -s 10 --name x.jpg' --variant 'b: -s 20 --name x.jpg'|variants 'a' and 'b' would write one name for every input: put {variant}, {size}, {format} or {w} in --name
--name '{nope}'|invalid --name '{nope}': unknown field '{nope}'
--name '{hash}'|invalid --name '{hash}': '{hash}' needs a length: {hash:8}
--name '{hash:99}'|invalid --name '{hash:99}': '{hash:99}': N must be from 1 to 64
--name '../{name}'|invalid --name '../{name}': '../x.jpg' would leave the output folder
--name '/tmp/{name}'|invalid --name '/tmp/{name}': a name may not be an absolute path
--name 'a//{name}'|invalid --name 'a//{name}': 'a//x.jpg' has an empty component
--name '{stem'|invalid --name '{stem': '{' without '}'
--recipe $T/none.recipe|cannot read recipe '$T/none.recipe': No such file or directory
--recipe $T/bad1.recipe|recipe '$T/bad1.recipe' line 3: unknown option 'bogus'
--recipe $T/bad2.recipe|variant 'x': a variant makes one output
--recipe $T/bad3.recipe|recipe '$T/bad3.recipe' line 1: expected 'option = value', not 'size 10'
--recipe $T/bad4.recipe|recipe '$T/bad4.recipe' line 1: a variant's name is letters, digits, '-', '_' and '.', not 'x y'
--recipe $T/bad5.recipe|recipe '$T/bad5.recipe' line 2: --recipe has no place in a recipe
EOF
# Without -o, a template must set outputs apart from inputs.
run ib --name '{stem}.{ext}' -f webp "$T/in/photo.jpg"
expect_rc 2
expect_stderr_has "imgbatch: --name '{stem}.{ext}' without --output: its outputs could not be told from inputs"
