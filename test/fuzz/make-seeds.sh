#!/bin/sh
# Builds the fuzzer's seed corpus (test/fuzz/fuzz_service.c's input format)
# from the scansion scripts: for each script, one seed holding every stanza
# its clients send, in order, each as a record "<control byte><stanza>" with
# records separated by NUL bytes. The control byte names the sender ('@' + its
# index among the harness's eight JIDs, which stamps from= as the client's
# server would); ${Name's JID} and ${Name's full JID} become the harness's
# JIDs. As the runner's client server does, a presence without 'to' goes to
# every room JID the client has presence in, and a disconnect sends them an
# unavailable presence. A few hand-written seeds add the other record modes.
#
#   sh test/fuzz/make-seeds.sh OUTDIR
set -eu

out=${1:?usage: make-seeds.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"

# The harness's senders (fuzz_service.c senders[]): index -> JID.
# Distinct users in a script take slots 0 1 3 6 5 in order; a second client of
# an earlier user takes slot 2 (the harness's second resource); the service
# administrator (admin@localhost) takes slot 4.
extract() {
	awk '
	function subst(s, from, to,   i, r) {
		r = ""
		while ((i = index(s, from)) > 0) {
			r = r substr(s, 1, i - 1) to
			s = substr(s, i + length(from))
		}
		return r s
	}
	function attr(tag, name,   re, m) {
		re = " " name "=(\"[^\"]*\"|\047[^\047]*\047)"
		if (match(tag, re)) {
			m = substr(tag, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
			return m
		}
		return ""
	}
	function emit(slot, st) {
		printf "%c%s\n", 64 + slot, st
	}
	function bare(j,   k) {
		k = index(j, "/")
		return k ? substr(j, 1, k - 1) : j
	}
	function flush(   st, tag, to, ty, k, n, key, rest) {
		if (sender == "") return
		st = stanza
		for (k = 1; k <= nclients; k++) {
			st = subst(st, "${" cname[k] "\047s full JID}", hfull[slot[cname[k]]])
			st = subst(st, "${" cname[k] "\047s JID}", bare(hfull[slot[cname[k]]]))
		}
		tag = st
		sub(/>.*/, "", tag)
		if (substr(st, 1, 9) == "<presence") {
			to = attr(tag, "to")
			ty = attr(tag, "type")
			if (to == "") {
				# undirected: to every room JID with presence
				n = ndir[sender]
				for (k = 1; k <= n; k++) {
					if (dir[sender, k] == "") continue
					rest = substr(st, 10)
					emit(slot[sender], "<presence to=\047" dir[sender, k] "\047" rest)
				}
				if (ty == "unavailable") ndir[sender] = 0
				sender = ""
				return
			}
			key = bare(to)
			if (ty == "") {
				for (k = 1; k <= ndir[sender]; k++)
					if (bare(dir[sender, k]) == key) break
				if (k > ndir[sender]) ndir[sender] = k
				dir[sender, k] = to
			} else if (ty == "unavailable") {
				for (k = 1; k <= ndir[sender]; k++)
					if (bare(dir[sender, k]) == key) dir[sender, k] = ""
			}
		}
		emit(slot[sender], st)
		sender = ""
	}
	BEGIN {
		hfull[0] = "alba@localhost/desk"; hfull[1] = "bruno@localhost/phone"
		hfull[2] = "bruno@localhost/laptop"; hfull[3] = "carmen@localhost/c"
		hfull[4] = "admin@localhost/x"; hfull[5] = "dario@example.org/d"
		hfull[6] = "emilia@localhost/e"; hfull[7] = "fool@localhost"
		order[0] = 0; order[1] = 1; order[2] = 3; order[3] = 6; order[4] = 5
		nusers = 0; nclients = 0; body = 0; sender = ""
	}
	/^\[Client\] / { cur = substr($0, 10); cname[++nclients] = cur; next }
	/^[ \t]+jid:/ && !body {
		j = $0; sub(/^[ \t]+jid:[ \t]*/, "", j); b = bare(j)
		if (b == "admin@localhost") slot[cur] = 4
		else if (b in user) slot[cur] = 2
		else { user[b] = 1; slot[cur] = (nusers < 5) ? order[nusers] : 7; nusers++ }
		next
	}
	/^-----/ { body = 1; next }
	!body { next }
	/^\t/ && sender != "" { l = $0; sub(/^\t+/, "", l); stanza = stanza (stanza == "" ? "" : "\001") l; next }
	{ flush() }
	/ sends:$/ { sender = $0; sub(/ sends:$/, "", sender); stanza = ""; if (!(sender in slot)) sender = ""; next }
	/ disconnects$/ {
		who = $0; sub(/ disconnects$/, "", who)
		if (who in slot) {
			for (k = 1; k <= ndir[who]; k++)
				if (dir[who, k] != "")
					emit(slot[who], "<presence type=\047unavailable\047 to=\047" dir[who, k] "\047/>")
			ndir[who] = 0
		}
	}
	END { flush() }
	' "$1" | tr '\n\001' '\000\n'
}

n=0
for f in $(find "$root/test/scenarios" -name '*.scs' | sort) \
	 $(ls "$root"/../shared/conformance/prosody-scansion/*.scs 2>/dev/null | sort); do
	name=$(basename "$(dirname "$f")")-$(basename "$f" .scs)
	extract "$f" > "$out/scs-$name"
	if [ ! -s "$out/scs-$name" ]; then
		rm -f "$out/scs-$name"
	else
		n=$((n + 1))
	fi
done

# Hand-written seeds for the other record modes (see fuzz_service.c).
R="r@conference.localhost"
J="<x xmlns='http://jabber.org/protocol/muc'/>"
CFG="<iq type='set' id='c' to='$R'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query></iq>"
# raw bytes (mode 1: 'H' + sender), a tree (mode 2: 'P' + sender)
printf "H<message from='x@y/z' to='$R' type='groupchat'><body>hi</body></message>\000H<a>\000H<!-- c --><iq/>\000" > "$out/hand-raw"
printf "P<presence to='$R/alba'>$J</presence>\000@$CFG\000R<presence to='$R/carm'>$J</presence>\000R<message to='$R' type='groupchat'><body>t</body></message>\000" > "$out/hand-tree"
# C API calls (mode 3: 'X' + sender): set affiliation, find, destroy
printf "@<presence to='$R/alba'>$J</presence>\000@$CFG\000C<presence to='$R/carm'>$J</presence>\000Xa\002carmen@localhost\000Xf.$R\000Xg.carmen@localhost\000Xd.gone\000" > "$out/hand-api"
# failing deliver hook (bit 5) and a failing allocation (bit 7)
printf "@<presence to='$R/alba'>$J</presence>\000@$CFG\000c<presence to='$R/carm'>$J</presence>\000\303<message to='$R' type='groupchat'><body>hello</body></message>\000" > "$out/hand-failures"
# an admin list with many items, and a nick change and a PM
printf "@<presence to='$R/alba'>$J</presence>\000@$CFG\000C<presence to='$R/carm'>$J</presence>\000@<iq type='set' id='a' to='$R'><query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member' jid='u1@localhost'/><item affiliation='outcast' jid='u2@localhost'><reason>r</reason></item><item nick='carm' role='visitor'/></query></iq>\000C<presence to='$R/carmen'/>\000C<message to='$R/alba' type='chat'><body>pm</body></message>\000" > "$out/hand-admin"
# probes, the occupant limit, a creator's language, two sessions, options
# (an error bounce from one of two sessions: see regressions/)
MAX="<iq type='set' id='m' to='$R'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field><field var='muc#roomconfig_maxusers'><value>2</value></field><field var='muc#roomconfig_membersonly'><value>0</value></field><field var='muc#roomconfig_persistentroom'><value>1</value></field></x></query></iq>"
printf "@<presence to='$R/alba' xml:lang='de'>$J</presence>\000@$MAX\000A<presence to='$R/bruno'>$J</presence>\000B<presence to='$R/bruno'>$J</presence>\000C<presence to='$R/carm'>$J</presence>\000A<presence to='$R/alba' type='probe'/>\000C<presence to='$R/bruno' type='probe'/>\000@<presence to='$R/nobody' type='probe'/>\000X\006.1\000X\007.5\000F<presence to='other@conference.localhost/e'>$J</presence>\000" > "$out/hand-probes-limits"
# the host stops: everyone removed (C API 'z'), then a fresh join
printf "@<presence to='$R/alba'>$J</presence>\000@$CFG\000A<presence to='$R/bruno'>$J</presence>\000B<presence to='$R/bruno'>$J</presence>\000Xz.\000@<presence to='$R/alba'>$J</presence>\000" > "$out/hand-remove-all"
echo "make-seeds: $n scenario seeds and 7 hand-written seeds in $out"
