# Options: help, version, and every usage or set-up error is exit 2 with
# a message that says what is wrong, before any work.
. "$(dirname "$0")/lib.sh"
run ib --help
expect_rc 0
expect_stdout_has "Usage: imgbatch [OPTION]... PATH..."
expect_stdout_has "Exit status: 0 every input done"
run ib --version
expect_rc 0
grep -qE '^imgbatch [0-9]+\.[0-9]+\.[0-9]+$' "$T/stdout" || fail "version line"

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
