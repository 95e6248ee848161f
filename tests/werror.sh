# SPDX-License-Identifier: MIT
# -Werror is the packager's choice (IMGBATCH_WERROR, off by default): a
# plain configure compiles without it, IMGBATCH_WERROR=ON with it. Under
# CI=true the build under test must be one with it, as scripts/test
# configures every build, so CI still fails on a warning.
set -euo pipefail
: "${SOURCE:?SOURCE must name the source tree}"
: "${IMGBATCH:?IMGBATCH must name the binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/imgbatch-werror.XXXXXX")
trap 'rm -rf "$T"' EXIT

# c_flags DIR OPTION...: the flags the binary's C files are compiled with,
# in a fresh configure of the source tree with OPTIONs.
c_flags() {
    local dir=$1
    shift
    cmake -S "$SOURCE" -B "$dir" -DBUILD_TESTS=OFF "$@" > "$T/configure.log" 2>&1 ||
        fail "configure failed: $(tail -n 5 "$T/configure.log")"
    sed -n 's/^C_FLAGS = //p' "$dir/cmd/CMakeFiles/imgbatch.dir/flags.make"
}

flags=$(c_flags "$T/default")
case " $flags " in *" -Wall "*) ;; *) fail "no -Wall by default: $flags" ;; esac
case " $flags " in *" -Werror "*) fail "-Werror by default: $flags" ;; esac
flags=$(c_flags "$T/werror" -DIMGBATCH_WERROR=ON)
case " $flags " in *" -Werror "*) ;; *) fail "no -Werror with IMGBATCH_WERROR=ON: $flags" ;; esac

if [ "${CI:-}" = true ]; then
    grep -qx 'IMGBATCH_WERROR:BOOL=ON' "$(dirname "$IMGBATCH")/CMakeCache.txt" ||
        fail "the build under test was configured without IMGBATCH_WERROR=ON"
fi
echo "-Werror only with IMGBATCH_WERROR=ON"
