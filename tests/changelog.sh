# SPDX-License-Identifier: MIT
# The changelog (CHANGELOG.md, Keep a Changelog) has an Unreleased section
# and an entry, with its date, for the version the binary says it is: a
# version is not bumped without saying what it changed.
set -euo pipefail
: "${SOURCE:?SOURCE must name the source tree}"
: "${IMGBATCH:?IMGBATCH must name the binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
log=$SOURCE/CHANGELOG.md
[ -f "$log" ] || fail "no CHANGELOG.md"
version=$("$IMGBATCH" --version | sed -n 's/^imgbatch //p')
[ -n "$version" ] || fail "imgbatch --version says no version"
grep -qx '## \[Unreleased\]' "$log" || fail "CHANGELOG.md has no Unreleased section"
grep -qE "^## \[${version//./\\.}\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$" "$log" ||
    fail "CHANGELOG.md has no dated entry for $version"
echo "CHANGELOG.md has an entry for $version"
