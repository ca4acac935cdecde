#!/usr/bin/python3
"""Real XMPP clients (slixmpp, over c2s) against Prosody with muc-component
serving conference.localhost. Run by run.sh, which starts Prosody; this
script starts, kills and restarts the component itself:

  create and configure a persistent room, join with three users, groupchat
  and private messages, history for a late joiner, grant membership, a
  temporary room; SIGKILL the component, restart it, and check that the
  room, its configuration, subject and affiliations survived while the
  temporary room is gone; then a clean stop (SIGTERM) and one more restart.

Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed".
"""
import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

# quiet unless -v (also slixmpp's import-time note about stringprep)
logging.basicConfig(level=logging.CRITICAL)
try:
    import slixmpp
    from slixmpp.exceptions import IqError, IqTimeout
    from slixmpp.xmlstream.handler import Callback
    from slixmpp.xmlstream.matcher import MatchXPath
except ImportError:
    sys.exit("FAIL: slixmpp is missing (apt-get install python3-slixmpp; "
             "run with /usr/bin/python3)")

DOMAIN = "conference.localhost"
ROOM = "persist@" + DOMAIN
TEMP = "temp@" + DOMAIN
NS_MUC = "http://jabber.org/protocol/muc"
NS_USER = NS_MUC + "#user"
NS_OWNER = NS_MUC + "#owner"
NS_ADMIN = NS_MUC + "#admin"
NS_DATA = "jabber:x:data"
NS_DISCO = "http://jabber.org/protocol/disco#info"
NS_DELAY = "urn:xmpp:delay"
C = "{jabber:client}"
WAIT = 5.0

passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("not ok - " + what + (": " + detail if detail else ""))
    return cond


class Fatal(Exception):
    """Something the rest of the test cannot go on without."""


# ---------------------------------------------------------------- clients

class Client(slixmpp.ClientXMPP):
    """A user whose incoming messages and presences queue up in inbox."""

    def __init__(self, user, resource="it"):
        super().__init__("%s@localhost/%s" % (user, resource), "secret")
        self.user = user
        self["feature_mechanisms"].unencrypted_plain = True
        self.inbox = []
        self.arrived = asyncio.Event()
        self.online = asyncio.Event()
        self.add_event_handler("session_start", self._start)
        for kind in ("message", "presence"):
            self.register_handler(Callback(
                "inbox-" + kind, MatchXPath(C + kind), self._queue))

    async def _start(self, _event):
        self.send_presence()
        self.online.set()

    def _queue(self, stanza):
        self.inbox.append(stanza.xml)
        self.arrived.set()

    def clear(self):
        self.inbox.clear()

    async def expect(self, what, pred, timeout=WAIT):
        """The first queued stanza for which pred(xml) holds (removed)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, x in enumerate(self.inbox):
                if pred(x):
                    return self.inbox.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fatal("%s did not get %s within %.0f s; it got: %s" % (
                    self.user, what, timeout,
                    " | ".join(ET.tostring(x, "unicode")[:200]
                               for x in self.inbox) or "nothing"))
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def iq(self, to, kind, payload):
        """Sends an iq with one payload element; the result iq's XML."""
        iq = self.make_iq(ito=to, itype=kind)
        iq.xml.append(payload)
        try:
            res = await iq.send(timeout=WAIT)
        except IqError as e:
            return e.iq.xml
        except IqTimeout:
            raise Fatal("%s: no answer to an iq to %s" % (self.user, to))
        return res.xml

    def send_xml(self, text):
        self.send_raw(text)


def el(tag, attrs=None, *children, text=None):
    e = ET.Element(tag, attrs or {})
    e.extend(children)
    if text is not None:
        e.text = text
    return e


def form(fields):
    x = el("{%s}x" % NS_DATA, {"type": "submit"})
    for var, value in [("FORM_TYPE", NS_MUC + "#roomconfig")] + fields:
        f = el("{%s}field" % NS_DATA, {"var": var})
        for v in value if isinstance(value, list) else [value]:
            f.append(el("{%s}value" % NS_DATA, text=v))
        x.append(f)
    return x


def from_is(jid):
    return lambda x: x.get("from") == jid


def presence_from(jid, *codes):
    def pred(x):
        if x.tag != C + "presence" or x.get("from") != jid:
            return False
        got = {s.get("code") for s in x.iter("{%s}status" % NS_USER)}
        return all(c in got for c in codes)
    return pred


def body_is(frm, text):
    return lambda x: (x.tag == C + "message" and x.get("from") == frm and
                      x.findtext(C + "body") == text)


def item_of(x):
    return x.find("{%s}x/{%s}item" % (NS_USER, NS_USER))


def field_values(iq):
    out = {}
    for f in iq.iter("{%s}field" % NS_DATA):
        out[f.get("var")] = [v.text or "" for v in f.findall("{%s}value" % NS_DATA)]
    return out


def is_error(iq, condition=None):
    if iq.get("type") != "error":
        return False
    return condition is None or iq.find(
        "{jabber:client}error/{urn:ietf:params:xml:ns:xmpp-stanzas}" +
        condition) is not None


# --------------------------------------------------------------- component

class Component:
    def __init__(self, args):
        self.args = args
        self.proc = None
        self.log = os.path.join(args.work, "clients-component.log")

    def start(self):
        start = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.args.component, "--server-host", "127.0.0.1",
                 "--port", str(self.args.component_port),
                 "--domain", DOMAIN, "--secret", self.args.secret,
                 "--state-dir", self.args.state_dir,
                 "--admin", "admin@localhost", "--log-level", "info"],
                stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(self.log, "rb") as f:
                f.seek(start)
                if b"serving " + DOMAIN.encode() in f.read():
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        with open(self.log, "rb") as f:
            f.seek(start)
            tail = f.read().decode(errors="replace").strip().splitlines()
        raise Fatal("muc-component did not come up: " +
                    (tail[-1] if tail else "no output"))

    def stop(self, sig):
        if not self.proc:
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        return rc


# ----------------------------------------------------------------- scenario

async def join(c, room, nick, *codes):
    c.send_xml("<presence to='%s/%s'><x xmlns='%s'/></presence>" %
               (room, nick, NS_MUC))
    return await c.expect("its own presence in %s" % room,
                          presence_from("%s/%s" % (room, nick), "110", *codes))


async def phase_one(alice, bob, carol, dave):
    await join(alice, ROOM, "Alice", "201")
    check(True, "alice creates %s (status 201)" % ROOM)
    res = await alice.iq(ROOM, "get", el("{%s}query" % NS_OWNER))
    check(res.get("type") == "result" and
          "muc#roomconfig_persistentroom" in field_values(res),
          "the owner gets the configuration form")
    res = await alice.iq(ROOM, "set", el("{%s}query" % NS_OWNER, {}, form([
        ("muc#roomconfig_roomname", "Integration Room"),
        ("muc#roomconfig_roomdesc", "survives restarts"),
        ("muc#roomconfig_persistentroom", "1"),
        ("muc#roomconfig_publicroom", "1"),
        ("muc#roomconfig_historylength", "20"),
        ("muc#roomconfig_whois", "anyone")])))
    if not check(res.get("type") == "result", "alice configures it persistent",
                 ET.tostring(res, "unicode")):
        raise Fatal("the room could not be configured")

    await join(bob, ROOM, "Bob")
    await join(carol, ROOM, "Carol")
    await alice.expect("bob's presence", presence_from(ROOM + "/Bob"))
    await alice.expect("carol's presence", presence_from(ROOM + "/Carol"))
    await bob.expect("carol's presence", presence_from(ROOM + "/Carol"))
    check(True, "bob and carol join; everyone sees everyone")

    alice.send_xml("<message to='%s' type='groupchat'><subject>Welcome to "
                   "the integration test</subject></message>" % ROOM)
    for c in (alice, bob, carol):
        await c.expect("the subject", lambda x: x.findtext(C + "subject") ==
                       "Welcome to the integration test")
    check(True, "alice sets the subject; all three see it")

    alice.send_xml("<message to='%s' type='groupchat'><body>hello from "
                   "alice</body></message>" % ROOM)
    bob.send_xml("<message to='%s' type='groupchat'><body>hello from bob"
                 "</body></message>" % ROOM)
    for c in (alice, bob, carol):
        await c.expect("alice's message", body_is(ROOM + "/Alice", "hello from alice"))
        await c.expect("bob's message", body_is(ROOM + "/Bob", "hello from bob"))
    check(True, "groupchat messages reach every occupant, the sender included")

    bob.send_xml("<message to='%s/Carol' type='chat'><body>psst carol</body>"
                 "<x xmlns='%s'/></message>" % (ROOM, NS_USER))
    await carol.expect("bob's private message", body_is(ROOM + "/Bob", "psst carol"))
    await asyncio.sleep(0.3)
    check(not any(x.findtext(C + "body") == "psst carol"
                  for c in (alice, bob) for x in c.inbox),
          "a private message reaches carol only")

    dave.send_xml("<presence to='%s/Dave'><x xmlns='%s'/></presence>" %
                  (ROOM, NS_MUC))
    await dave.expect("its own presence", presence_from(ROOM + "/Dave", "110"))
    h1 = await dave.expect("history 1", body_is(ROOM + "/Alice", "hello from alice"))
    h2 = await dave.expect("history 2", body_is(ROOM + "/Bob", "hello from bob"))
    subj = await dave.expect("the subject", lambda x: x.findtext(C + "subject") is not None)
    check(h1.find("{%s}delay" % NS_DELAY) is not None and
          h2.find("{%s}delay" % NS_DELAY) is not None,
          "a late joiner gets the history, delayed, in order")
    check(subj.findtext(C + "subject") == "Welcome to the integration test",
          "and then the subject")

    res = await alice.iq(ROOM, "set", el("{%s}query" % NS_ADMIN, {},
                         el("{%s}item" % NS_ADMIN, {"jid": "dave@localhost",
                                                    "affiliation": "member"})))
    check(res.get("type") == "result", "alice makes dave a member")
    upd = await dave.expect("its new affiliation",
                            lambda x: presence_from(ROOM + "/Dave")(x) and
                            item_of(x) is not None and
                            item_of(x).get("affiliation") == "member")
    check(upd is not None, "dave is told he is a member")
    res = await alice.iq(ROOM, "set", el("{%s}query" % NS_ADMIN, {},
                         el("{%s}item" % NS_ADMIN, {"jid": "bob@localhost",
                                                    "affiliation": "admin"})))
    check(res.get("type") == "result", "alice makes bob an admin")

    await join(carol, TEMP, "Carol", "201")
    res = await carol.iq(TEMP, "set", el("{%s}query" % NS_OWNER, {},
                                         el("{%s}x" % NS_DATA, {"type": "submit"})))
    check(res.get("type") == "result", "carol opens a temporary room (instant)")
    res = await bob.iq(TEMP, "get", el("{%s}query" % NS_DISCO))
    check(res.get("type") == "result", "the temporary room exists")


async def phase_two(alice, bob, carol, dave):
    res = await bob.iq(ROOM, "get", el("{%s}query" % NS_DISCO))
    ident = res.find(".//{%s}identity" % NS_DISCO)
    feats = {f.get("var") for f in res.iter("{%s}feature" % NS_DISCO)}
    check(res.get("type") == "result" and ident is not None and
          ident.get("name") == "Integration Room",
          "the room is back, with its name", ET.tostring(res, "unicode")[:300])
    check({"muc_persistent", "muc_public", "muc_nonanonymous"} <= feats,
          "persistent, public, non-anonymous", str(sorted(feats)))

    res = await alice.iq(ROOM, "get", el("{%s}query" % NS_OWNER))
    v = field_values(res)
    check(v.get("muc#roomconfig_roomdesc") == ["survives restarts"] and
          v.get("muc#roomconfig_persistentroom") == ["1"] and
          v.get("muc#roomconfig_historylength") == ["20"] and
          v.get("muc#roomconfig_whois") == ["anyone"],
          "its configuration survived", str(v))

    want = {"owner": "alice@localhost", "admin": "bob@localhost",
            "member": "dave@localhost"}
    for aff, jid in want.items():
        res = await alice.iq(ROOM, "get", el("{%s}query" % NS_ADMIN, {},
                                             el("{%s}item" % NS_ADMIN,
                                                {"affiliation": aff})))
        jids = [i.get("jid") for i in res.iter("{%s}item" % NS_ADMIN)]
        check(jids == [jid], "the %s list survived" % aff, str(jids))

    carol.clear()
    carol.send_xml("<presence to='%s/Carol'><x xmlns='%s'/></presence>" %
                   (ROOM, NS_MUC))
    await carol.expect("its own presence", presence_from(ROOM + "/Carol", "110"))
    subj = await carol.expect("the subject", lambda x: x.findtext(C + "subject") is not None)
    check(subj.findtext(C + "subject") == "Welcome to the integration test",
          "the subject survived")

    await join(dave, ROOM, "Dave")
    pres = await carol.expect("dave's presence", presence_from(ROOM + "/Dave"))
    check(item_of(pres) is not None and item_of(pres).get("affiliation") == "member",
          "dave comes back as a member")
    dave.send_xml("<message to='%s' type='groupchat'><body>back again</body>"
                  "</message>" % ROOM)
    await carol.expect("dave's message", body_is(ROOM + "/Dave", "back again"))
    check(True, "the room works after the restart")

    res = await bob.iq(TEMP, "get", el("{%s}query" % NS_DISCO))
    check(is_error(res, "item-not-found"), "the temporary room is gone",
          ET.tostring(res, "unicode")[:300])


async def main(args):
    comp = Component(args)
    users = [Client(u) for u in ("alice", "bob", "carol", "dave")]
    bob = users[1]
    try:
        comp.start()
        check(True, "muc-component is up")
        for c in users:
            c.connect(address=("127.0.0.1", args.c2s_port),
                      force_starttls=False, disable_starttls=True)
        try:
            await asyncio.wait_for(
                asyncio.gather(*(c.online.wait() for c in users)), 10)
        except asyncio.TimeoutError:
            raise Fatal("the clients could not log in to Prosody on "
                        "127.0.0.1:%d" % args.c2s_port)
        check(True, "four clients logged in over c2s")

        await phase_one(*users)

        rc = comp.stop(signal.SIGKILL)
        check(rc == -signal.SIGKILL, "muc-component killed with SIGKILL")
        files = sorted(os.listdir(args.state_dir))
        check(files == [ROOM + ".xml"], "one room file on disk", str(files))
        comp.start()
        check(True, "muc-component restarted")
        await phase_two(*users)

        rc = comp.stop(signal.SIGTERM)
        check(rc == 0, "SIGTERM stops it cleanly (exit 0)", "exit %s" % rc)
        comp.start()
        res = await bob.iq(ROOM, "get", el("{%s}query" % NS_DISCO))
        check(res.get("type") == "result", "the room is there after a clean stop")
        rc = comp.stop(signal.SIGINT)
        check(rc == 0, "SIGINT stops it cleanly too", "exit %s" % rc)
    except Fatal as e:
        check(False, str(e))
    finally:
        comp.stop(signal.SIGKILL)
        for c in users:
            c.disconnect()
        await asyncio.sleep(0.2)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--component", required=True)
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--c2s-port", type=int, default=25222)
    ap.add_argument("--component-port", type=int, default=25347)
    ap.add_argument("--secret", default="libmuc-test-secret")
    ap.add_argument("-v", action="store_true", help="slixmpp debug log")
    args = ap.parse_args()
    if args.v:
        logging.getLogger().setLevel(logging.DEBUG)
    asyncio.get_event_loop().run_until_complete(main(args))
    print("integration: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
