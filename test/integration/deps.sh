#!/bin/sh
# Installs what the integration targets need, if missing (Debian/Ubuntu):
# Prosody (the server), libstrophe-dev (the component's XMPP library) and
# python3-slixmpp (the test clients). The package's own Prosody service is
# kept from starting: the tests run their own on other ports.
set -e
need=
for p in prosody libstrophe-dev python3-slixmpp; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
command -v apt-get >/dev/null || { echo "missing:$need (no apt-get here)" >&2; exit 1; }
echo "integration-deps: installing$need"
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	guard=1
fi
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $need >/dev/null; } || rc=$?
[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
exit ${rc:-0}
