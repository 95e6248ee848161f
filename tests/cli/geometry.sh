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

for bad in 12xx 0x100 abc '100x100!^' ''; do
    run ib -s "$bad" "$T/in"
    expect_rc 2
    expect_stderr_has "imgbatch: invalid geometry '$bad': "
done
run ib -s 12xx "$T/in"
expect_stderr_has "imgbatch: invalid geometry '12xx': unexpected 'x'"
[ ! -e "$T/in/resized_photo.jpg" ] || fail "a usage error must not start work"
