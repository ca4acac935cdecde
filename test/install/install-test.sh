#!/bin/sh
# Installs libmuc into a scratch DESTDIR (PREFIX=/usr) and checks what a
# packager and a user of the installed library see: the files, the pkg-config
# metadata, a program built only through `pkg-config --cflags --libs libmuc`
# (shared and static), the soname, and that the shared library exports the
# muc_* API and nothing else. Prints "N passed, M failed"; exits non-zero on
# any failure.
#
# Environment: MAKE, CC, B (build directory, as for the Makefile), PKG_CONFIG.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
MAKE=${MAKE:-make}
CC=${CC:-cc}
B=${B:-build}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
prefix=/usr
libdir=$prefix/lib
includedir=$prefix/include

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # description, command...
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

work=$(mktemp -d "${TMPDIR:-/tmp}/libmuc-install.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
dest=$work/root
mkdir -p "$dest"

# ---- make install ----------------------------------------------------------
if (cd "$top" && $MAKE B="$B" install PREFIX="$prefix" DESTDIR="$dest") \
	>"$work/install.log" 2>&1; then
	ok "make install PREFIX=$prefix DESTDIR=<tmp>"
else
	tail -n 40 "$work/install.log"
	not_ok "make install PREFIX=$prefix DESTDIR=<tmp>"
	finish
fi

hdr=$dest$includedir/muc.h
pc=$dest$libdir/pkgconfig/libmuc.pc
version=$(sed -n 's/^#define MUC_VERSION_STRING "\(.*\)"$/\1/p' "$hdr" 2>/dev/null)
major=${version%%.*}
real=$dest$libdir/libmuc.so.$version

check "header installed" test -f "$hdr"
check "header version found ($version)" test -n "$version"
check "libmuc.so.$version installed" test -f "$real"
check "libmuc.so.$major -> libmuc.so.$version" \
	test "$(readlink "$dest$libdir/libmuc.so.$major")" = "libmuc.so.$version"
check "libmuc.so -> libmuc.so.$major" \
	test "$(readlink "$dest$libdir/libmuc.so")" = "libmuc.so.$major"
check "libmuc.a installed" test -f "$dest$libdir/libmuc.a"
check "libmuc.pc installed" test -f "$pc"

# ---- pkg-config metadata ---------------------------------------------------
PKG_CONFIG_PATH=$dest$libdir/pkgconfig
PKG_CONFIG_LIBDIR=$dest$libdir/pkgconfig:$($PKG_CONFIG --variable pc_path pkg-config)
PKG_CONFIG_SYSROOT_DIR=$dest
# Keep -I/usr/include-style flags: under the sysroot they point into $dest.
PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1
PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR \
	PKG_CONFIG_ALLOW_SYSTEM_CFLAGS PKG_CONFIG_ALLOW_SYSTEM_LIBS

check "pkg-config finds libmuc" $PKG_CONFIG --exists libmuc
check "pkg-config --modversion is the header's $version" \
	test "$($PKG_CONFIG --modversion libmuc 2>/dev/null)" = "$version"
# The .pc must describe where this install put things (PREFIX=$prefix),
# not a prefix left over from an earlier build.
check "libmuc.pc libdir is $libdir" \
	test "$(PKG_CONFIG_SYSROOT_DIR= $PKG_CONFIG --variable libdir libmuc)" = "$libdir"
check "libmuc.pc includedir is $includedir" \
	test "$(PKG_CONFIG_SYSROOT_DIR= $PKG_CONFIG --variable includedir libmuc)" = "$includedir"

cflags=$($PKG_CONFIG --cflags libmuc)
libs=$($PKG_CONFIG --libs libmuc)
slibs=$($PKG_CONFIG --static --libs libmuc)

# ---- a program built against the install -----------------------------------
# Explicit -I/-L into $dest come after pkg-config's, in case a pkg-config
# dropped them; nothing points at the build tree.
if $CC -std=c11 -Wall -Wextra -Werror $cflags -I"$dest$includedir" \
	-o "$work/hello" "$here/hello.c" $libs -L"$dest$libdir" \
	>"$work/cc.log" 2>&1; then
	ok "hello.c builds with pkg-config --cflags --libs libmuc"
	out=$(LD_LIBRARY_PATH=$dest$libdir "$work/hello" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/    /'
	check "hello runs and drives a join" test "$rc" -eq 0
	check "hello prints muc_version_string() = $version" \
		test "$(echo "$out" | head -n 1)" = "$version"
	if command -v ldd >/dev/null 2>&1; then
		check "hello loads the installed libmuc.so.$major" \
			sh -c "LD_LIBRARY_PATH='$dest$libdir' ldd '$work/hello' |
				grep -q 'libmuc.so.$major => $dest$libdir/'"
	fi
else
	cat "$work/cc.log"
	not_ok "hello.c builds with pkg-config --cflags --libs libmuc"
fi

if $CC -std=c11 $cflags -I"$dest$includedir" -o "$work/hello-static" \
	"$here/hello.c" -L"$dest$libdir" -Wl,-Bstatic -lmuc -Wl,-Bdynamic \
	$(echo " $slibs " | sed 's/ -lmuc / /') >"$work/cc-static.log" 2>&1; then
	ok "hello.c links libmuc.a with pkg-config --static --libs"
	check "static hello runs" sh -c "'$work/hello-static' >/dev/null"
else
	cat "$work/cc-static.log"
	not_ok "hello.c links libmuc.a with pkg-config --static --libs"
fi

# ---- the shared library's ABI surface --------------------------------------
soname=$(readelf -d "$real" 2>/dev/null |
	sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
check "soname is libmuc.so.$major (got '$soname')" \
	test "$soname" = "libmuc.so.$major"

nm -D --defined-only "$real" | awk '{ print $NF }' | sort >"$work/exported"
grep -v '^muc_' "$work/exported" >"$work/foreign"
if [ -s "$work/exported" ] && [ ! -s "$work/foreign" ]; then
	ok "exports only muc_* ($(wc -l <"$work/exported") symbols)"
else
	sed 's/^/    exported: /' "$work/foreign"
	not_ok "exports only muc_* symbols"
fi

# Every function the header marks MUC_API is exported.
tr '\n' ' ' <"$hdr" | sed 's/;/;\n/g' | grep 'MUC_API' |
	sed -n 's/.*[ *]\(muc_[a-z0-9_]*\)[ ]*(.*/\1/p' | sort -u >"$work/declared"
missing=$(comm -23 "$work/declared" "$work/exported")
if [ -s "$work/declared" ] && [ -z "$missing" ]; then
	ok "all $(wc -l <"$work/declared") MUC_API functions exported"
else
	echo "$missing" | sed 's/^/    missing: /'
	not_ok "all MUC_API functions exported"
fi

finish
