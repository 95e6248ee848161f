# SPDX-License-Identifier: MIT
# --fit and --gravity against references made with libvips' own tools
# (vips thumbnail, embed, crop), at max-diff 2: contain pads (transparent
# where the format has alpha, else --background) at the gravity; cover
# crops at the gravity (a point, or attention); fill stretches; outside
# covers without a crop. PNG outputs, so that no encoder's loss counts.
. "$(dirname "$0")/lib.sh"
photo=$TESTDATA/samples/photo.jpg # 320x240
rotated=$TESTDATA/samples/rotated-6.jpg # 240x320 stored, 320x240 upright

# same REFERENCE OUTPUT: the pixels agree within 2 per channel.
same() {
    local verdict
    verdict=$("$IMGBATCH" compare --max-diff 2 --min-psnr 0 --max-fraction 1 "$1" "$2" 2>&1) ||
        fail "$2 is not its reference $1: $verdict"
}

# fit NAME INPUT OPTIONS...: one output, $T/NAME.png.
fit() {
    local name=$1 input=$2
    shift 2
    run ib -f png -o "$T/out" --name "$name.png" "$@" "$input"
    expect_rc 0
    mv "$T/out/$name.png" "$T/$name.png"
}

# The photo inside 200x200 is 200x150: contain pads 50 rows.
vips thumbnail "$photo" "$T/inside.v" 200 --height 200
vips bandjoin_const "$T/inside.v" "$T/inside-alpha.v" 255

fit contain "$photo" -s 200x200 --fit contain
expect_dims "$T/contain.png" 200 200
vips embed "$T/inside-alpha.v" "$T/ref.png" 0 25 200 200 --extend background --background "0 0 0 0"
same "$T/ref.png" "$T/contain.png"

for g in "north 0" "south 50" "0.5,0.2 10"; do
    set -- $g
    fit "contain-$1" "$photo" -s 200x200 --fit contain --gravity "$1"
    vips embed "$T/inside-alpha.v" "$T/ref.png" 0 "$2" 200 200 --extend background --background "0 0 0 0"
    same "$T/ref.png" "$T/contain-$1.png"
done

# A named background is opaque padding, even where the format has alpha.
fit contain-red "$photo" -s 200x200 --fit contain --background '#ff0000'
vips embed "$T/inside.v" "$T/ref.png" 0 25 200 200 --extend background --background "255 0 0"
same "$T/ref.png" "$T/contain-red.png"
[ "$(vipsheader -f bands "$T/contain-red.png")" = 3 ] || fail "an opaque pad added an alpha band"

# An image with alpha keeps it; a taller box pads left and right.
fit contain-alpha "$TESTDATA/samples/alpha.png" -s 100x100 --fit contain --gravity west
vips thumbnail "$TESTDATA/samples/alpha.png" "$T/a.v" 100 --height 100
vips embed "$T/a.v" "$T/ref.png" 0 12 100 100 --extend background --background "0 0 0 0"
same "$T/ref.png" "$T/contain-alpha.png"

# Cover 100x100: the photo covering it is 133x100, cropped at the gravity.
vips thumbnail "$photo" "$T/cover.v" 10000 --height 100
for g in "northwest 0" "east 33" "0.25,0 8"; do
    set -- $g
    fit "cover-$1" "$photo" -s 100x100 --fit cover --gravity "$1"
    expect_dims "$T/cover-$1.png" 100 100
    vips crop "$T/cover.v" "$T/ref.png" "$2" 0 100 100
    same "$T/ref.png" "$T/cover-$1.png"
done
fit cover-centre "$photo" -s 100x100 --fit cover
vips thumbnail "$photo" "$T/ref.png" 100 --height 100 --crop centre
same "$T/ref.png" "$T/cover-centre.png"
fit cover-attention "$photo" -s 100x100 --fit cover --gravity attention
vips thumbnail "$photo" "$T/ref.png" 100 --height 100 --crop attention
same "$T/ref.png" "$T/cover-attention.png"
# --crop is --fit cover at that gravity.
fit crop-attention "$photo" -s 100x100 --crop attention
same "$T/ref.png" "$T/crop-attention.png"

# Gravity is where the image shows once upright: north of the rotated
# photo is the top of what a viewer sees.
fit cover-rotated "$rotated" -s 100x50 --fit cover --gravity north
vips thumbnail "$rotated" "$T/rot.v" 100 --height 10000
vips crop "$T/rot.v" "$T/ref.png" 0 0 100 50
same "$T/ref.png" "$T/cover-rotated.png"

# Fill stretches to exactly the box; outside covers it, uncropped.
fit fill "$photo" -s 100x50 --fit fill
vips thumbnail "$photo" "$T/ref.png" 100 --height 50 --size force
same "$T/ref.png" "$T/fill.png"
fit outside "$photo" -s 100x100 --fit outside
expect_dims "$T/outside.png" 133 100
vips copy "$T/cover.v" "$T/ref.png"
same "$T/ref.png" "$T/outside.png"
fit inside "$photo" -s 100x100 --fit inside
expect_dims "$T/inside.png" 100 75

# An animation is padded frame by frame.
run ib -s 150x150 --fit contain -f gif -o "$T/anim" "$TESTDATA/features/anim-gif.gif"
expect_rc 0
[ "$(vipsheader -f page-height "$T/anim/resized_anim-gif.gif[n=-1]")" = 150 ] || fail "frames not padded to 150"
[ "$(vipsheader -f n-pages "$T/anim/resized_anim-gif.gif")" = "$(vipsheader -f n-pages "$TESTDATA/features/anim-gif.gif")" ] ||
    fail "frames lost"

# What does not go together is a usage error, before any work.
for bad in "--fit contain -s 100|--fit contain needs a size WxH, not '100'" \
    "--crop centre --fit contain -s 10x10|--crop needs --fit cover, not contain" \
    "--crop centre --gravity north -s 10x10|--crop and --gravity both place the crop: give --gravity only" \
    "--fit cover --gravity 2,0 -s 10x10|invalid --gravity '2,0'" \
    "--fit contain --gravity attention -s 10x10|--gravity attention and entropy place a crop" \
    "-s 10x10! --fit cover|the size's flag and --fit cover disagree"; do
    # shellcheck disable=SC2086 # the options are words
    run ib ${bad%%|*} -o "$T/bad" "$photo"
    expect_rc 2
    expect_stderr_has "imgbatch: ${bad#*|}"
    expect_no_file "$T/bad"
done
