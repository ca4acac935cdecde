"""Shared helpers: a service on conference.localhost with deterministic hooks
(no clock: time 0; no id source: the library's counter), and stanza builders.

The package under test is whatever `import libmuc` finds: `make check-python`
puts the freshly built one first on PYTHONPATH; in a venv it is the installed
one."""
from __future__ import annotations

import re
from typing import Iterator

import pytest

import libmuc

DOMAIN = "conference.localhost"
ROOM = "garden@" + DOMAIN
JULIET = "juliet@localhost/balcony"
ROMEO = "romeo@localhost/orchard"
MUC = "<x xmlns='http://jabber.org/protocol/muc'/>"


def join(frm: str, nick: str, room: str = ROOM, extra: str = MUC) -> str:
    return f"<presence from='{frm}' to='{room}/{nick}'>{extra}</presence>"


def leave(frm: str, nick: str, room: str = ROOM) -> str:
    return f"<presence from='{frm}' to='{room}/{nick}' type='unavailable'/>"


def groupchat(frm: str, body: str, ident: str = "m1", room: str = ROOM) -> str:
    return (f"<message from='{frm}' to='{room}' type='groupchat' "
            f"id='{ident}'><body>{body}</body></message>")


def submit_config(frm: str, room: str = ROOM, ident: str = "c1") -> str:
    """An owner accepting the default configuration (XEP-0045 §10.1.2)."""
    return (f"<iq from='{frm}' to='{room}' type='set' id='{ident}'>"
            "<query xmlns='http://jabber.org/protocol/muc#owner'>"
            "<x xmlns='jabber:x:data' type='submit'/></query></iq>")


def pairs(out: list[libmuc.Stanza]) -> list[tuple[str, str]]:
    """Each output stanza as (to, xml text): what the tests compare."""
    return [(s.to, s.text) for s in out]


@pytest.fixture
def service() -> Iterator[libmuc.Service]:
    with libmuc.Service(DOMAIN) as svc:
        yield svc


OCCUPANT_ID = re.compile(
    r"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='([^']+)'/>")


def occupant_id(stanza: libmuc.Stanza) -> str:
    """The XEP-0421 id in a stanza. Its value is a hash of the real JID with
    the room's secret: libmuc's business, so tests read it from the joining
    occupant's own presence and check every other stanza exactly against
    it."""
    found = OCCUPANT_ID.search(stanza.text)
    assert found, stanza.text
    return found.group(1)


@pytest.fixture
def oids() -> dict[str, str]:
    """Occupant ids by nick, filled by the room fixture."""
    return {}


@pytest.fixture
def room(service: libmuc.Service, oids: dict[str, str]) -> libmuc.Room:
    """garden@, created and configured by juliet (owner), romeo joined."""
    oids["juliet"] = occupant_id(service.feed(join(JULIET, "juliet"))[0])
    service.feed(submit_config(JULIET))
    oids["romeo"] = occupant_id(service.feed(join(ROMEO, "romeo"))[-2])
    return service[ROOM]
