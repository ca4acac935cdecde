#!/usr/bin/env python3
"""A Multi-User Chat service as an external XMPP component (XEP-0114).

slixmpp keeps the connection to the server; libmuc does everything MUC.
Every stanza the server routes to the component goes into the libmuc
service, and every stanza libmuc answers with goes back out on the same
stream, in order. That is the whole job of a host: libmuc does no I/O.

    muc_component.py --jid conference.localhost --secret s3cr3t \
        --server 127.0.0.1 --port 5347 [--store DIR] [--admin admin@localhost]

The server side (Prosody):

    Component "conference.localhost"
        component_secret = "s3cr3t"
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import signal
import time
from typing import Optional

from slixmpp import ComponentXMPP
from slixmpp.xmlstream import StanzaBase

import libmuc

log = logging.getLogger("muc_component")


class MucComponent(ComponentXMPP):
    def __init__(self, jid: str, secret: str, server: str, port: int,
                 store: Optional[libmuc.DirStore],
                 admins: list[str]) -> None:
        super().__init__(jid, secret, server, port)
        self.muc = libmuc.Service(
            jid,
            clock=lambda: time.time_ns() // 1_000_000,  # history stamps
            id_source=lambda: secrets.token_urlsafe(12),  # ids, room secrets
            store=store,                                  # None: rooms in RAM
            admins=admins)
        if store is not None:
            log.info("restored %d rooms from %s", store.load(self.muc),
                     store.path)
        # An 'in' filter sees each stanza before slixmpp's own handlers
        # (roster, presence probes, "feature-not-implemented" for iqs);
        # returning None keeps them away from it.
        self.add_filter("in", self.incoming)
        self.add_event_handler("session_start",
                               lambda _: log.info("serving %s", jid))

    def incoming(self, stanza: StanzaBase) -> Optional[StanzaBase]:
        if stanza.name not in ("message", "presence", "iq"):
            return stanza                    # stream business: handshake
        try:
            # str() leaves out the stream's default namespace, so the
            # stanza and its children read as jabber:client.
            answers = self.muc.feed(str(stanza))
        except libmuc.Error as e:
            # Not one well-formed stanza, or not for this domain: the
            # server's business (RFC 6120 stream errors), not the room's.
            log.warning("dropped %s: %s", stanza.name, e)
            return None
        # Every answer is fully addressed (from and to set) and in order.
        # One write for all of them: they reach the server, and so the
        # clients, together, as they would from a server's built-in MUC.
        if answers:
            self.send_raw(b"".join(out.xml for out in answers))
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jid", required=True, help="the MUC domain")
    ap.add_argument("--secret", required=True)
    ap.add_argument("--server", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5347)
    ap.add_argument("--store", help="directory for persistent rooms")
    ap.add_argument("--admin", action="append", default=[],
                    help="a service administrator's bare JID (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")

    store = libmuc.DirStore(args.store) if args.store else None
    component = MucComponent(args.jid, args.secret, args.server, args.port,
                             store, args.admin)
    loop = component.loop
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    component.connect()
    loop.run_until_complete(stopping.wait())
    loop.run_until_complete(component.disconnect(wait=1))
    pending = asyncio.all_tasks(loop)  # what slixmpp leaves behind
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    component.muc.close()
    if store is not None:
        store.close()


if __name__ == "__main__":
    main()
