#!/usr/bin/env python3
"""Compare what each client received in-process and over the network.

    compare-traffic.py INPROC_TRACE NET_TRACE

INPROC_TRACE is `muc-scansion -v SCRIPT` output, NET_TRACE is
`scansion_net.py -v SCRIPT` stderr, for the same script. A script can pass
both ways and still differ (scansion forgives stanzas after the expected
one); this lists, per client, every stanza received on one side and not the
other, in order. Values that differ between runs by nature are normalized:
each client's full JID (assigned resources), xml:lang (the c2s stream's),
occupant-id values, delay stamps, and ids and ad-hoc session ids the
service or server made up.
Prints nothing and exits 0 when the traffic is the same.
"""
import base64
import binascii
import difflib
import re
import sys
import xml.etree.ElementTree as ET

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MADE_UP_ID = re.compile(r"^(scansion-id-\d+|[A-Za-z0-9_-]{24}|muc\d+)$")


def lines(path, known):
    """The trace's lines, with stanzas whose text holds a newline joined."""
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if out and not known.match(line):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def inproc(path):
    bound, got = {}, {}
    for line in lines(path, re.compile(r"^(    |-- |== |PASS|FAIL|muc-scansion|\d+ passed)")):
        m = re.match(r"^    (.+?) is online as (\S+)$", line)
        if m:
            bound[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^    \S+ -> \S+ \[([^\]]+)\]: (<.*)$", line, re.S)
        if m:
            for name in m.group(1).split(","):
                got.setdefault(name.strip(), []).append(m.group(2))
    return bound, got


def net(path):
    bound, got = {}, {}
    for line in lines(path, re.compile(r"^(  \[| step |== |PASS|FAIL)")):
        m = re.match(r"^\s+\[([^\]]+)\] bound as (\S+)$", line)
        if m:
            bound[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^\s+\[([^\]]+)\] RECV (<.*)$", line, re.S)
        if m and not m.group(2).startswith(("<stream", "<?xml", "<success",
                                            "<iq type='result' id='bind1'")):
            got.setdefault(m.group(1), []).append(m.group(2))
    return bound, got


def forwarded_iq_id(v, sub):
    """An iq forwarded to an occupant gets, as from the reference, the id
    base64(recipient's JID NUL original id NUL digest of the requester):
    the JID is normalized and the digest (keyed per run) dropped."""
    if len(v) < 8 or len(v) % 4:
        return None
    try:
        raw = base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return None
    parts = raw.split(b"\0")
    if len(parts) != 3:
        return None
    try:
        return "b64(%s\\0%s\\0*)" % (sub(parts[0].decode()), parts[1].decode())
    except UnicodeDecodeError:
        return None


def canon(xml, jids):
    def sub(v):
        for real, name in jids:
            v = v.replace(real, name)
        return v

    def walk(e, depth):
        attrs = {k: sub(v) for k, v in e.attrib.items() if k != XML_LANG}
        if e.tag == "{urn:xmpp:occupant-id:0}occupant-id":
            attrs["id"] = "*"
        if e.tag in ("{urn:xmpp:delay}delay", "{jabber:x:delay}x"):
            attrs["stamp"] = "*"
        if "id" in attrs and MADE_UP_ID.match(attrs["id"]):
            attrs["id"] = "*"
        m = re.match(r"^((?:[0-9a-f]{2})+)\.(.*)$", attrs.get("id", ""), re.S)
        if m:
            # An iq to an occupant: the service's id carries the sender's
            # full JID in hex (as the reference does).
            try:
                attrs["id"] = "hex(%s).%s" % (sub(bytes.fromhex(m.group(1)).decode()), m.group(2))
            except UnicodeDecodeError:
                pass
        iq_id = forwarded_iq_id(attrs.get("id", ""), sub)
        if iq_id:
            attrs["id"] = iq_id
        if "sessionid" in attrs:  # ad-hoc command sessions (XEP-0050)
            attrs["sessionid"] = "*"
        tag = e.tag.replace("{jabber:client}", "")
        s = "<" + tag + "".join(" %s=%r" % kv for kv in sorted(attrs.items()))
        kids = [walk(c, depth + 1) for c in e]
        text = sub((e.text or "").strip())
        return s + ">" + text + "".join(kids) + "</" + tag + ">"

    try:
        return walk(ET.fromstring(xml), 0)
    except ET.ParseError:
        return "UNPARSED " + sub(xml)


def main():
    ib, ig = inproc(sys.argv[1])
    nb, ng = net(sys.argv[2])
    ijids = sorted(((j, "${%s}" % n) for n, j in ib.items()), key=lambda p: -len(p[0]))
    njids = sorted(((j, "${%s}" % n) for n, j in nb.items()), key=lambda p: -len(p[0]))
    differ = False
    for name in sorted(set(ig) | set(ng)):
        a = [canon(x, ijids) for x in ig.get(name, [])]
        b = [canon(x, njids) for x in ng.get(name, [])]
        if a == b:
            continue
        if b == a[:len(b)]:
            # The network run ends when the script does: stanzas sent in
            # answer to the last steps may not have been read yet.
            print("%s: the network run stopped reading after %d of %d stanzas "
                  "(the rest agree)" % (name, len(b), len(a)))
            continue
        differ = True
        print("%s: in-process %d stanzas, network %d" % (name, len(a), len(b)))
        for line in difflib.unified_diff(a, b, "in-process", "network", n=1, lineterm=""):
            print("  " + line)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
