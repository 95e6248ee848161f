# SPDX-License-Identifier: MIT
# The man page, written at build time from the option tables (gendocs):
# groff and mandoc read it without a warning, and as rendered it lists
# every option --help lists (and compare's under COMPARE), the values of
# an option that has them, every exit status, and vipsthumbnail(1).
. "$(dirname "$0")/lib.sh"
man=$(dirname "$IMGBATCH")/doc/imgbatch.1
expect_file "$man"

# need TOOL: skip the test without it, but fail under CI=true.
need() {
    command -v "$1" > /dev/null && return 0
    [ "${CI:-}" = true ] && fail "$1 missing under CI=true"
    skip "$1 not installed"
}
need groff
need mandoc

run groff -man -Tutf8 -ww -z "$man"
expect_rc 0
[ ! -s "$T/stderr" ] || fail "groff warns: $(head -n 5 "$T/stderr")"
mandoc -T lint -W warning "$man" > "$T/lint" 2>&1 ||
    fail "mandoc -T lint: $(head -n 5 "$T/lint")"

# As a reader sees it: plain text, no overstriking.
groff -man -Tascii -P-cbou "$man" > "$T/page.txt" 2> /dev/null
# section TITLE: the rendered text of one section.
section() { awk -v title="$1" '/^[A-Z]/ { on = ($0 == title) } on' "$T/page.txt"; }
section OPTIONS > "$T/options.txt"
section COMPARE > "$T/compare.txt"
section "EXIT STATUS" > "$T/exit.txt"

# help_options [compare]: the long options --help lists, one a line.
help_options() {
    "$IMGBATCH" "$@" --help | sed -nE 's/^  (-[^ ], |    )(--[a-z0-9-]+).*/\2/p'
}
# expect_tags FILE OPTION...: each option heads an entry of FILE.
expect_tags() {
    local file=$1 o
    shift
    for o in "$@"; do
        grep -qE -- "^ +(-[^ ], )?$o( |\[|$)" "$file" || fail "the man page lacks $o"
    done
}
mapfile -t options < <(help_options)
[ "${#options[@]}" -gt 40 ] || fail "only ${#options[@]} options in --help"
expect_tags "$T/options.txt" "${options[@]}"
mapfile -t options < <(help_options compare)
[ "${#options[@]}" -ge 5 ] || fail "only ${#options[@]} options in compare --help"
expect_tags "$T/compare.txt" "${options[@]}"
# The aliases --help leaves out are left out here too.
! grep -qF -- "--import-profile" "$T/page.txt" || fail "the man page lists an alias"

grep -qF "Named values: none, centre, attention, entropy." "$T/options.txt" ||
    fail "the man page lacks --crop's values"
grep -qF "Named values: jpg, png, webp, avif, tif, gif, jxl, heic." "$T/options.txt" ||
    fail "the man page lacks --format's values"
for code in 0 1 2 75 130 143; do
    grep -qE "^ +$code +[A-Z]" "$T/exit.txt" || fail "EXIT STATUS lacks $code"
done
grep -qF "vipsthumbnail(1)" "$T/page.txt" || fail "no SEE ALSO vipsthumbnail(1)"
grep -q "^EXAMPLES" "$T/page.txt" || fail "no EXAMPLES"
echo "man page: ${#options[@]} compare options and every --help option"
