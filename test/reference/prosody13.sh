#!/bin/sh
# Prosody 13 from Debian trixie, run on this (older) Debian without
# installing anything: its packages and the trixie libc it needs are
# unpacked into one folder and started through that libc's loader.
#
#   sh test/reference/prosody13.sh DIR     unpacks into DIR (once) and
#                                          writes DIR/prosody13, a command
#                                          that runs it like /usr/bin/prosody
#
# Then record what Prosody 13 sends for a script, as with Debian's 0.12:
#   python3 ../shared/tools/scansion_record.py --fresh-prosody \
#       --prosody DIR/prosody13 --port 5299 my.in.scs -o my.rec.scs
#
# Needs deb.debian.org (Debian's own archive). Not part of CI: the library's
# tests carry the recorded output; this is how a developer re-records it.
set -eu

DIR=${1:?usage: prosody13.sh DIR}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
ARCH=amd64
PKGS="prosody libc6 lua5.4 liblua5.4-0 lua-expat lua-filesystem lua-socket
lua-sec lua-bitop libicu76 libssl3t64 libexpat1 libidn2-0 libunistring5
zlib1g libgcc-s1 libstdc++6 libcrypt1 libzstd1"

mkdir -p "$DIR/debs" "$DIR/root"
DIR=$(cd "$DIR" && pwd)
R=$DIR/root

if [ ! -s "$DIR/Packages" ]; then
	curl -fsS "$MIRROR/dists/trixie/main/binary-$ARCH/Packages.xz" |
		xz -dc >"$DIR/Packages"
fi

for p in $PKGS; do
	f=$(awk -v P="$p" '$1 == "Package:" && $2 == P { f = 1 }
		f && $1 == "Filename:" { print $2; exit }' "$DIR/Packages")
	[ -n "$f" ] || { echo "prosody13.sh: no package $p in trixie" >&2; exit 1; }
	deb=$DIR/debs/$(basename "$f")
	[ -s "$deb" ] || curl -fsS -o "$deb" "$MIRROR/$f"
	dpkg-deb -x "$deb" "$R"
done

# The prosody launcher, pointed at the unpacked sources and modules.
sed -e "s#^CFG_SOURCEDIR=.*#CFG_SOURCEDIR='$R/usr/lib/prosody';#" \
    -e "s#^CFG_PLUGINDIR=.*#CFG_PLUGINDIR='$R/usr/lib/prosody/modules/';#" \
    "$R/usr/bin/prosody" >"$R/usr/bin/prosody13"

cat >"$DIR/prosody13" <<EOF
#!/bin/sh
# Prosody 13 from $R (made by test/reference/prosody13.sh)
export LUA_PATH="$R/usr/share/lua/5.4/?.lua;$R/usr/share/lua/5.4/?/init.lua;;"
export LUA_CPATH="$R/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;;"
exec "$R/usr/lib64/ld-linux-x86-64.so.2" --library-path \\
	"$R/usr/lib/x86_64-linux-gnu" "$R/usr/bin/lua5.4" \\
	"$R/usr/bin/prosody13" "\$@"
EOF
chmod +x "$DIR/prosody13"
"$DIR/prosody13" --version 2>/dev/null | head -n 1 || true
echo "prosody13.sh: $DIR/prosody13"
