# SPDX-License-Identifier: MIT
# ensure_packages PKG...: installs the Debian packages that are missing,
# with apt-get (as root, or through sudo). Sourced by scripts/run and
# scripts/test; prints nothing when everything is there.
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || {
            echo "imgbatch: missing packages: ${missing[*]} (run as root or install them)" >&2
            return 1
        }
        sudo=(sudo)
    fi
    echo "installing: ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >&2
}

# What building imgbatch needs.
BUILD_PACKAGES="gcc make libc6-dev cmake pkg-config libvips-dev libpng-dev libdeflate-dev libtiff-dev libheif-dev"
