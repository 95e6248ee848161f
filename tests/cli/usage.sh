# SPDX-License-Identifier: MIT
# Options: help, version, and every usage or set-up error is exit 2 with
# a message that says what is wrong, before any work.
. "$(dirname "$0")/lib.sh"
run ib --help
expect_rc 0
expect_stdout_has "Usage: imgbatch [OPTION]... PATH..."
expect_stdout_has "Exit status: 0 every input done"
# --version: imgbatch's, then the libvips the module loads and the one it
# was built against (-u's records and goldens depend on it), and which
# loaders are on and off, each off one with the option that turns it on.
run ib --version
expect_rc 0
head -n 1 "$T/stdout" | grep -qE '^imgbatch [0-9]+\.[0-9]+\.[0-9]+$' || fail "version line"
grep -qE '^libvips 8\.[0-9]+\.[0-9]+ \(imgbatch built against 8\.[0-9]+\.[0-9]+\)$' "$T/stdout" || fail "no libvips versions: $(cat "$T/stdout")"
grep -E '^loaders on: ' "$T/stdout" | grep -qw jpeg || fail "jpeg not among the loaders on"
grep -E '^loaders on: ' "$T/stdout" | grep -qw png || fail "png not among the loaders on"
grep -qE '^loaders off: .*svg \(--allow-svg\)' "$T/stdout" || fail "svg not off with its option"
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    run ib --allow-svg --version
    expect_rc 0
    grep -E '^loaders on: ' "$T/stdout" | grep -qw svg || fail "--allow-svg --version: svg not on"
fi

samples_copy
usage_error() {  # $1 expected message, then the arguments
    local msg=$1; shift
    run ib "$@"
    expect_rc 2
    expect_stderr_has "$msg"
}
usage_error "imgbatch: no PATH given" -s 10x10
usage_error "imgbatch: invalid --quality '0': expected a whole number from 1 to 100" -q 0 "$T/in"
usage_error "imgbatch: cannot read '$T/nope': No such file or directory" "$T/in" "$T/nope"
# Under valgrind (a second and a half a run) the three above: the rest
# take the same paths through the option parser.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    usage_error "unrecognized option '--frobnicate'" --frobnicate "$T/in"
    usage_error "imgbatch: invalid --quality '9x': expected a whole number" -q 9x "$T/in"
    usage_error "imgbatch: invalid --jobs '0'" -j 0 "$T/in"
    usage_error "imgbatch: invalid --timeout '-1'" --timeout -1 "$T/in"
    usage_error "imgbatch: an empty --prefix needs --output" --prefix '' "$T/in"
    usage_error "imgbatch: invalid --prefix 'a/b'" --prefix a/b "$T/in"
    usage_error "imgbatch: invalid --crop 'middle'" --crop middle "$T/in"
fi
[ -z "$(ls "$T/in" | grep resized_)" ] || fail "a set-up error must not start work"

# Every usage error is the same two lines, whoever finds it: the option
# table's value parsers, getopt, or a check of several options.
two_lines() {  # $1 the first line, then the arguments
    local first=$1; shift
    run ib "$@"
    expect_rc 2
    printf '%s\nTry %s for more information.\n' "$first" "'imgbatch --help'" > "$T/want"
    cmp -s "$T/want" "$T/stderr" || fail "stderr is not two lines '$first' and Try: $(cat "$T/stderr")"
}
two_lines "imgbatch: unrecognized option '--bogus'" --bogus "$T/in"
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    two_lines "imgbatch: invalid --max-memory '12Q': expected a size such as 512M" \
        --max-memory 12Q "$T/in"
    two_lines "imgbatch: invalid --shard '4/4': expected K/N with 0 <= K < N (N up to 1048576)" \
        --shard 4/4 "$T/in"
    two_lines "imgbatch: option '--size' requires an argument" "$T/in" --size
    two_lines "imgbatch: option '--quiet' doesn't allow an argument" --quiet=yes "$T/in"
    two_lines "imgbatch: invalid option -- 'Z'" -Z "$T/in"
    two_lines "imgbatch: --diff-dir needs --golden DIR" --diff-dir d "$T/in"
    # A value given twice, and options that contradict each other, are
    # refused, not settled by the last one.
    two_lines "imgbatch: --size given twice: it takes one value (or a list: a,b)" \
        -s 50 -s 70 "$T/in"
    two_lines "imgbatch: --format given twice: it takes one value (or a list: a,b)" \
        -f png --format jpg "$T/in"
    two_lines "imgbatch: --quiet and --verbose cannot be combined" --quiet -v "$T/in"
    two_lines "imgbatch: -o - is not stdout: to write one image to stdout, read it from stdin (imgbatch -s 100 - < in.jpg > out.jpg); -o ./- names a directory '-'" \
        -o - "$T/in"
    expect_no_file ./-
    expect_no_file "$T/in/-"
    run ib compare --max-diff 300 a b
    expect_rc 2
    expect_stderr_has "imgbatch: invalid --max-diff '300': expected a whole number from 0 to 255"
    expect_stderr_has "Try 'imgbatch compare --help' for more information."
fi

# Every option --help names is one the parser knows (both come from the
# one table).
run ib --help
for option in $(grep -oE -- '--[a-z0-9-]+' "$T/stdout" | sort -u); do
    run ib_again "$option"
    expect_stderr_lacks "unrecognized option"
    expect_stderr_lacks "ambiguous"
done

# imgbatch compare words a file no loader takes as the batch does.
if [ -z "${IMGBATCH_WRAPPER:-}" ]; then
    run ib compare "$TESTDATA/bad/text.jpg" "$T/in/photo.jpg"
    expect_rc 2
    expect_stderr_has "imgbatch: cannot read '$TESTDATA/bad/text.jpg': not an image format imgbatch can read"
fi

# -n -v: one line per file (the plan on stdout), not a second one on
# stderr.
run ib -n -v -o "$T/plan" "$T/in"
expect_rc 0
[ "$(wc -l < "$T/stdout")" -eq 6 ] || fail "-n -v: $(wc -l < "$T/stdout") lines on stdout, expected 6"
expect_stderr_lacks "skipped: dry run"
[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "-n -v: more than the summary on stderr: $(cat "$T/stderr")"

# Nothing to do is success.
mkdir "$T/empty"
run ib "$T/empty"
expect_rc 0
expect_stderr_has "0 resized, 0 failed, 0 skipped"

# -- ends the options: a file named with a leading dash.
cp "$T/in/photo.jpg" "$T/in/-dash.jpg"
run ib -o "$T/out" -- "$T/in/-dash.jpg"
expect_rc 0
expect_file "$T/out/resized_-dash.jpg"

# --quiet: nothing at all when all is well.
run ib --quiet -o "$T/out" "$T/in/photo.jpg"
expect_rc 0
[ ! -s "$T/stderr" ] && [ ! -s "$T/stdout" ] || fail "--quiet printed something"
