# SPDX-License-Identifier: MIT
# --keep-metadata=LIST, item by item, read back with exiftool: what is
# named is there, what is not is gone; GPS only when named; orientation
# 1; copyright and datetime picked out of EXIF, else XMP, else IPTC.
. "$(dirname "$0")/lib.sh"
command -v exiftool >/dev/null || skip "exiftool is not installed"
mkdir -p "$T/in"
cp "$TESTDATA/features/exif-gps.jpg" "$T/in/rich.jpg"
exiftool -q -overwrite_original -Orientation#=6 -Make=Cam -Model=X1 \
    -EXIF:Copyright='(c) EXIF Owner' -EXIF:Artist='Ann Artist' \
    -DateTimeOriginal='2019:05:06 07:08:09' -XMP-dc:Rights='(c) XMP Owner' \
    -XMP-dc:Creator=Xavier -IPTC:CopyrightNotice='(c) IPTC Owner' \
    -IPTC:Keywords=cat "$T/in/rich.jpg"

# tags LIST: the tags of the output made with --keep-metadata=LIST, one
# "Group:Tag" a line (exiftool -G1, without its own and the file's).
tags() {
    local out="$T/out-${1//,/_}"
    ib_again -s 60 "--keep-metadata${1:+=$1}" -o "$out" --quiet "$T/in/rich.jpg"
    exiftool -G1 -s -s -a "$out/resized_rich.jpg" | sed -E 's/^\[([^]]*)\] *([^:]*):.*/\1:\2/' |
        grep -vE '^(ExifTool|System|File|Composite):' > "$T/tags"
}
has() { grep -qx -- "$1" "$T/tags" || fail "--keep-metadata=$list: no $1 in: $(tr '\n' ' ' < "$T/tags")"; }
lacks() { ! grep -q -- "$1" "$T/tags" || fail "--keep-metadata=$list: $1 kept: $(grep -- "$1" "$T/tags" | tr '\n' ' ')"; }
orientation_1() {
    [ "$(exiftool -s -s -s -n -Orientation "$T/out-${list//,/_}/resized_rich.jpg")" = 1 ] ||
        fail "--keep-metadata=$list: orientation not 1"
}

# The first run under the wrapper; the rest repeat its path.
run ib -s 60 --keep-metadata=exif -o "$T/first" "$T/in/rich.jpg"
expect_rc 0

list=exif; tags $list
has IFD0:Make; has IFD0:Copyright; has ExifIFD:DateTimeOriginal
lacks '^GPS:'; lacks '^XMP'; lacks '^IPTC:'; orientation_1
list=gps; tags $list
has GPS:GPSLatitude; lacks IFD0:Make; lacks IFD0:Copyright; lacks '^XMP'
list=xmp,iptc; tags $list
has XMP-dc:Rights; has XMP-dc:Creator; has IPTC:Keywords
lacks IFD0:Make; lacks '^GPS:'
list=copyright,datetime; tags $list
has IFD0:Copyright; has ExifIFD:DateTimeOriginal
lacks IFD0:Make; lacks IFD0:Artist; lacks '^GPS:'; lacks '^XMP'; lacks '^IPTC:'
grep -q "EXIF Owner" <(exiftool -s -s -s -Copyright "$T/out-copyright_datetime/resized_rich.jpg") ||
    fail "copyright not EXIF's"
list=all; tags all
has IFD0:Make; has GPS:GPSLatitude; has XMP-dc:Rights; has IPTC:Keywords
orientation_1
list=icc; tags $list
lacks IFD0:Make; lacks '^GPS:'; lacks '^XMP'; lacks '^IPTC:'

# Copyright and date from XMP, then IPTC, when EXIF has none.
cp "$T/in/rich.jpg" "$T/in/xmp.jpg"
exiftool -q -overwrite_original -EXIF:all= -IPTC:all= \
    -XMP-photoshop:DateCreated='2017-03-04T05:06:07+02:00' "$T/in/xmp.jpg"
ib_again -s 60 --keep-metadata=copyright,datetime -o "$T/picked" --quiet "$T/in/xmp.jpg"
exiftool -s -s -s -Copyright -DateTimeOriginal -OffsetTimeOriginal -XMP:all \
    "$T/picked/resized_xmp.jpg" > "$T/picked.txt"
[ "$(cat "$T/picked.txt")" = "$(printf '(c) XMP Owner\n2017:03:04 05:06:07\n+02:00')" ] ||
    fail "from XMP: $(cat "$T/picked.txt")"
cp "$T/in/rich.jpg" "$T/in/iptc.jpg"
exiftool -q -overwrite_original -EXIF:all= -XMP:all= -IPTC:DateCreated=20180102 \
    -IPTC:TimeCreated=10:11:12+01:00 "$T/in/iptc.jpg"
ib_again -s 60 --keep-metadata=copyright,datetime -o "$T/picked" --quiet "$T/in/iptc.jpg"
exiftool -s -s -s -Copyright -DateTimeOriginal -OffsetTimeOriginal -IPTC:all \
    "$T/picked/resized_iptc.jpg" > "$T/picked.txt"
[ "$(cat "$T/picked.txt")" = "$(printf '(c) IPTC Owner\n2018:01:02 10:11:12\n+01:00')" ] ||
    fail "from IPTC: $(cat "$T/picked.txt")"

# A list with an unknown item is a usage error.
run ib_again --keep-metadata=exif,faces "$T/in"
expect_rc 2
expect_stderr_has "invalid --keep-metadata 'exif,faces': 'faces' is not one of icc, exif"
# The bare option is all: GPS included.
ib_again -s 60 --keep-metadata -o "$T/bare" --quiet "$T/in/rich.jpg"
exiftool -s -s -s -GPSLatitude "$T/bare/resized_rich.jpg" | grep -q . || fail "bare: no GPS"

# By default nothing of the input's is kept, in every format. libvips
# 8.14.1's WebP saver writes the image's EXIF, XMP and ICC profile
# whatever it is told (lib/vips/metadata.h): imgbatch removes them first,
# and keeps in WebP what a list names.
for f in jpg png webp tif; do
    ib_again -s 60 -f "$f" -o "$T/none" --quiet "$T/in/rich.jpg"
    exiftool -G1 -s -s -a "$T/none/resized_rich.$f" > "$T/none.txt"
    for tag in GPSLatitude Make Artist Copyright DateTimeOriginal '^\[XMP' '^\[IPTC'; do
        ! grep -q -- "$tag" "$T/none.txt" || fail "-f $f kept $tag by default: $(grep -- "$tag" "$T/none.txt")"
    done
done
ib_again -s 60 -f webp --keep-metadata=gps -o "$T/webp-gps" --quiet "$T/in/rich.jpg"
[ -n "$(exiftool -s -s -s -GPSLatitude "$T/webp-gps/resized_rich.webp" 2> /dev/null)" ] ||
    fail "WebP: GPS not kept when named"
[ -z "$(exiftool -s -s -s -Make "$T/webp-gps/resized_rich.webp" 2> /dev/null)" ] ||
    fail "WebP: Make kept with gps alone"
