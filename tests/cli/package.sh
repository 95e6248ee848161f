# SPDX-License-Identifier: MIT
# The Debian package: cpack -G DEB, in the build tree of the binary under
# test, makes one .deb holding the binary, its vips module, the man page,
# the three completions, the licence (as Debian's copyright file) and the
# changelog, and nothing else; its Depends, from dpkg-shlibdeps, name
# libvips42; and unpacked anywhere, its binary finds its module and
# resizes. The package is the same in every pass: it is built and looked
# at in the release pass only.
. "$(dirname "$0")/lib.sh"
if [ -n "${IMGBATCH_WRAPPER:-}${IMGBATCH_TEST_SANITIZED:-}" ]; then
    skip "the package is built in the release pass only"
fi
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" > /dev/null && continue
    [ "${CI:-}" = true ] && fail "$tool missing under CI=true"
    skip "$tool not installed"
done
build=$(dirname "$IMGBATCH")
source_dir=$(dirname "$TESTDATA")
expect_file "$build/CPackConfig.cmake"

(cd "$build" && cpack -G DEB -B "$T/pkg") > "$T/cpack.log" 2>&1 ||
    fail "cpack failed: $(tail -n 5 "$T/cpack.log")"
version=$("$IMGBATCH" --version | sed -n 's/^imgbatch //p')
debs=("$T"/pkg/imgbatch_"$version"_*.deb)
[ "${#debs[@]}" -eq 1 ] && [ -f "${debs[0]}" ] ||
    fail "no imgbatch_${version}_ARCH.deb: $(ls "$T/pkg")"
deb=${debs[0]}

# What it holds: these files, nothing else (no test, no header).
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
sort > "$T/expected.txt" <<LIST
usr/bin/imgbatch
usr/$libdir/imgbatch/imgbatch-vips.so
usr/share/bash-completion/completions/imgbatch
usr/share/doc/imgbatch/changelog.gz
usr/share/doc/imgbatch/copyright
usr/share/fish/vendor_completions.d/imgbatch.fish
usr/share/man/man1/imgbatch.1.gz
usr/share/zsh/vendor-completions/_imgbatch
LIST
dpkg-deb -x "$deb" "$T/root"
(cd "$T/root" && find . ! -type d | sed 's|^\./||' | sort) > "$T/files.txt"
cmp -s "$T/files.txt" "$T/expected.txt" ||
    fail "the package's files differ from the list: $(diff "$T/expected.txt" "$T/files.txt")"
doc=$T/root/usr/share/doc/imgbatch
cmp -s "$doc/copyright" "$source_dir/LICENSE" || fail "copyright is not LICENSE"
gzip -dc "$doc/changelog.gz" | cmp -s - "$source_dir/CHANGELOG.md" ||
    fail "changelog.gz is not CHANGELOG.md"
gzip -dc "$T/root/usr/share/man/man1/imgbatch.1.gz" | grep -q '^\.TH IMGBATCH 1 ' ||
    fail "imgbatch.1.gz is not the man page"

# Its control fields.
depends=$(dpkg-deb -f "$deb" Depends)
case ", $depends" in *", libvips42 "* | *", libvips42,"* | *", libvips42") ;; *)
    fail "Depends does not name libvips42: $depends" ;;
esac
[ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "no Maintainer"
[ "$(dpkg-deb -f "$deb" Description | wc -l)" -gt 2 ] || fail "no long Description"

# Unpacked where it is, it runs: the binary finds its module relative to
# itself.
run "$T/root/usr/bin/imgbatch" -o "$T/out" "$TESTDATA/samples"
expect_rc 0
for input in "$TESTDATA"/samples/*; do
    out=$T/out/resized_$(basename "$input")
    expect_file "$out"
    w=$(vipsheader -f width "$out") h=$(vipsheader -f height "$out")
    [ "$(( w > h ? w : h ))" -eq 100 ] || fail "$out is ${w}x$h: its long side is not 100"
done
echo "$(basename "$deb"): $(wc -l < "$T/files.txt") files; Depends: $depends"
