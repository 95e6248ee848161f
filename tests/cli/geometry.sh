# SPDX-License-Identifier: MIT
# -s: each form gives the size users expect, the short side rounds as
# vipsthumbnail rounds it and never reaches 0, and garbage is refused.
. "$(dirname "$0")/lib.sh"
samples_copy
check() {  # $1 geometry, $2 input, $3 W, $4 H
    rm -rf "$T/out"
    run ib -s "$1" -o "$T/out" "$T/in/$2"
    expect_rc 0
    expect_dims "$T/out/resized_$2" "$3" "$4"
}
check 100x100 photo.jpg 100 75          # 320x240 fits by width
check 100x100 rotated-6.jpg 100 75      # after orientation
check 50 photo.jpg 50 38                # W: 240 * 50/320 = 37.5 -> 38
check 50x photo.jpg 50 38
check x50 photo.jpg 67 50               # xH: 320 * 50/240 = 66.7 -> 67
check '100x100!' photo.jpg 100 100      # the Python program's resize
check '100x100!' long.jpg 100 100
check 100x100 long.jpg 1 100            # 1x1000: never a 0-pixel side
check 10x10 long.jpg 1 10
check 640x640 photo.jpg 640 480         # enlarges, like vipsthumbnail
check 100x100 tiny.png 100 100

# The rest of ImageMagick's grammar (photo.jpg is 320x240).
check '100x100^' photo.jpg 133 100      # cover: the short side fills
check '400x400>' photo.jpg 320 240      # only shrink: already smaller
check '200x200>' photo.jpg 200 150
check '200x200<' photo.jpg 320 240      # only enlarge: already larger
check '400x400<' photo.jpg 400 300
check 50% photo.jpg 160 120
check 50%x25% photo.jpg 160 60          # per-axis percentages
check 4800@ photo.jpg 80 60             # area: 80 * 60 = 4800 pixels
# --crop fills the box and cuts it to exactly WxH.
for mode in centre attention entropy; do
    rm -rf "$T/out"
    run ib -s 100x100 --crop "$mode" -o "$T/out" "$T/in/photo.jpg"
    expect_rc 0
    expect_dims "$T/out/resized_photo.jpg" 100 100
done
# centre keeps the middle: the same pixels as cutting the cover in the middle.
run ib -f png -s '100x100^' --prefix cover_ -o "$T/out" "$T/in/photo.jpg"
run ib -f png -s 100x100 --crop centre --prefix crop_ -o "$T/out" "$T/in/photo.jpg"
vips crop "$T/out/cover_photo.png" "$T/mid.png" 16 0 100 100
"$IMGBATCH" compare --max-diff 8 --min-psnr 40 "$T/mid.png" "$T/out/crop_photo.png" > /dev/null \
    || fail "--crop centre is not the middle of the cover"
run ib --crop sideways "$T/in"
expect_rc 2
expect_stderr_has "imgbatch: invalid --crop 'sideways'"

for bad in 12xx 0x100 abc '100x100!^' ''; do
    run ib -s "$bad" "$T/in"
    expect_rc 2
    expect_stderr_has "imgbatch: invalid geometry '$bad': "
done
run ib -s 12xx "$T/in"
expect_stderr_has "imgbatch: invalid geometry '12xx': unexpected 'x'"
[ ! -e "$T/in/resized_photo.jpg" ] || fail "a usage error must not start work"
