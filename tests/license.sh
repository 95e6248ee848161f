# SPDX-License-Identifier: MIT
# The MIT licence: LICENSE is there, and every source file of the project
# says so on its first line (after the shebang of a script), so a file
# copied out of the tree keeps its licence. The files are git's (those a
# clone has); outside a git checkout, the same kinds found on disk.
set -euo pipefail
: "${SOURCE:?SOURCE must name the source tree}"
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$SOURCE"

grep -qx 'MIT License' LICENSE || fail "LICENSE is not the MIT licence"
grep -qx 'Copyright (c) 2026 the imgbatch authors' LICENSE ||
    fail "LICENSE lacks the copyright line"

# Every file, NUL-separated; test data and fuzz corpora are not source.
all_files() {
    if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
        git ls-files -z
    else
        find . -path ./build -prune -o -path ./.git -prune -o -type f -print0 |
            sed -z 's|^\./||'
    fi
}

# The line FILE must have, and where: "N LINE", or nothing when FILE is
# not a source file.
expected() {
    case "$1" in
    testdata/* | tests/fuzz/corpus/*) return 0 ;;
    *.c | *.h | *.h.in) echo "1 /* SPDX-License-Identifier: MIT */"; return 0 ;;
    esac
    local first
    first=$(head -n 1 "$1")
    case "$first" in
    '#!'*node*) echo "2 // SPDX-License-Identifier: MIT"; return 0 ;;
    '#!'*) echo "2 # SPDX-License-Identifier: MIT"; return 0 ;;
    esac
    case "$1" in
    *.sh | *.py | CMakeLists.txt | */CMakeLists.txt) echo "1 # SPDX-License-Identifier: MIT" ;;
    esac
}

checked=0
missing=()
while IFS= read -r -d '' f; do
    want=$(expected "$f")
    [ -n "$want" ] || continue
    checked=$((checked + 1))
    line=$(sed -n "${want%% *}p" "$f")
    [ "$line" = "${want#* }" ] || missing+=("$f")
done < <(all_files)
[ "$checked" -gt 100 ] || fail "only $checked source files found in $SOURCE"
[ "${#missing[@]}" -eq 0 ] ||
    fail "no SPDX-License-Identifier line where expected in: ${missing[*]}"
echo "$checked source files carry the SPDX line"
