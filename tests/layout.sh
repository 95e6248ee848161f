# SPDX-License-Identifier: MIT
# The one invariant the build enforces, checked: the parent never loads
# libvips. The parent's half (lib/util, lib/spec, lib/parent, their public
# headers and cmd/) is compiled without libvips' include path, but
# <vips/version.h> sits in /usr/include, so its sources are read too: no
# include of libvips, GLib or libjpeg there. And the binary links none of
# them, nor leaves any of their symbols to be bound.
set -euo pipefail
: "${SOURCE:?SOURCE must name the source tree}"
: "${IMGBATCH:?IMGBATCH must name the binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$SOURCE"
parent_half="lib/util lib/spec lib/parent lib/include cmd"
found=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](vips/|glib|gio/|gobject/|gmodule|jpeglib|lcms2|libexif/|libheif/)' \
    $parent_half --include='*.[ch]' --include='*.in' || true)
[ -z "$found" ] || fail "the parent's half includes a libvips-side header:
$found"
# Nothing of the parent's half includes a header of lib/vips either.
found=$(grep -rnE '#[[:space:]]*include[[:space:]]*"(\.\./)*(vips|jpeg)/' $parent_half --include='*.[ch]' || true)
[ -z "$found" ] || fail "the parent's half includes the module's headers:
$found"
needed=$(readelf -d "$IMGBATCH" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd' ')
case " $needed " in *vips* | *glib* | *gobject* | *jpeg* | *lcms* | *exif* | *heif*)
    fail "the binary links $needed" ;;
esac
undefined=$(nm -D --undefined-only "$IMGBATCH" | grep -E ' (vips_|g_|jpeg_|cms|heif_)' || true)
[ -z "$undefined" ] || fail "the binary leaves libvips-side symbols to bind: $undefined"
echo "the parent's half is free of libvips, GLib and the codecs (binary: $needed)"
