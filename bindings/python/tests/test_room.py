"""A room driven through the binding: the exact stanzas libmuc sends."""
from __future__ import annotations

import libmuc
from conftest import (DOMAIN, JULIET, ROMEO, ROOM, groupchat, join, leave,
                      occupant_id, pairs, submit_config)

MUC_USER = "http://jabber.org/protocol/muc#user"


def oid(value: str) -> str:
    return f"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='{value}'/>"


def test_first_join_creates_a_locked_room(service: libmuc.Service) -> None:
    out = service.feed(join(JULIET, "juliet"))
    OID_JULIET = occupant_id(out[0])
    assert pairs(out) == [
        (JULIET,
         f"<presence to='{JULIET}' from='{ROOM}/juliet'>{oid(OID_JULIET)}"
         f"<x xmlns='{MUC_USER}'><status code='201'/>"
         f"<item affiliation='owner' role='moderator' jid='{JULIET}'/>"
         "<status code='110'/></x></presence>"),
        (JULIET,
         f"<message to='{JULIET}' from='{ROOM}' type='groupchat'>"
         "<subject/></message>"),
    ]
    assert [(s.to, s.from_) for s in out] == [(JULIET, f"{ROOM}/juliet"),
                                              (JULIET, ROOM)]
    assert isinstance(out[0].xml, bytes) and str(out[0]) == out[0].text
    assert bytes(out[0]) == out[0].xml


def test_feed_takes_str_and_bytes(service: libmuc.Service) -> None:
    a = service.feed(join(JULIET, "juliet").encode())
    service.close()
    with libmuc.Service(DOMAIN) as other:
        b = other.feed(bytearray(join(JULIET, "juliet").encode()))
    assert a == b and len(a) == 2


def test_configure_then_second_join(service: libmuc.Service) -> None:
    OID_JULIET = occupant_id(service.feed(join(JULIET, "juliet"))[0])
    assert pairs(service.feed(submit_config(JULIET))) == [
        (JULIET, f"<iq to='{JULIET}' from='{ROOM}' type='result' id='c1'/>")]
    out = service.feed(join(ROMEO, "romeo"))
    OID_ROMEO = occupant_id(out[-2])
    assert OID_ROMEO != OID_JULIET
    assert pairs(out) == [
        (ROMEO,  # the occupants already there, without real JIDs (§7.2.3)
         f"<presence to='{ROMEO}' from='{ROOM}/juliet'>{oid(OID_JULIET)}"
         f"<x xmlns='{MUC_USER}'><item affiliation='owner' "
         "role='moderator'/></x></presence>"),
        (JULIET,  # moderators see the real JID (semi-anonymous room)
         f"<presence to='{JULIET}' from='{ROOM}/romeo'>{oid(OID_ROMEO)}"
         f"<x xmlns='{MUC_USER}'><item affiliation='none' "
         f"role='participant' jid='{ROMEO}'/></x></presence>"),
        (ROMEO,
         f"<presence to='{ROMEO}' from='{ROOM}/romeo'>{oid(OID_ROMEO)}"
         f"<x xmlns='{MUC_USER}'><item affiliation='none' "
         f"role='participant' jid='{ROMEO}'/><status code='110'/></x>"
         "</presence>"),
        (ROMEO,
         f"<message to='{ROMEO}' from='{ROOM}' type='groupchat'>"
         "<subject/></message>"),
    ]


def test_groupchat_reaches_every_occupant(room: libmuc.Room,
                                          oids: dict[str, str]) -> None:
    out = room.service.feed(groupchat(ROMEO, "hi"))
    body = ("type='groupchat' id='m1'><body>hi</body>"
            f"{oid(oids['romeo'])}</message>")
    assert pairs(out) == [
        (JULIET, f"<message to='{JULIET}' from='{ROOM}/romeo' {body}"),
        (ROMEO, f"<message to='{ROMEO}' from='{ROOM}/romeo' {body}"),
    ]


def test_reading_rooms_and_occupants(room: libmuc.Room) -> None:
    svc = room.service
    assert svc.domain == DOMAIN
    assert len(svc) == 1 and svc.rooms == [room] and list(svc) == [room]
    assert ROOM in svc and "nowhere@" + DOMAIN not in svc
    assert svc.room("nowhere@" + DOMAIN) is None
    assert room.jid == ROOM and room.exists and room.occupant_count == 2
    assert room.occupants == [
        libmuc.Occupant("juliet", libmuc.Role.MODERATOR,
                        libmuc.Affiliation.OWNER, "juliet@localhost",
                        (JULIET,)),
        libmuc.Occupant("romeo", libmuc.Role.PARTICIPANT,
                        libmuc.Affiliation.NONE, "romeo@localhost", (ROMEO,)),
    ]
    romeo = room.occupant("romeo")
    assert romeo is not None and romeo.role is libmuc.Role.PARTICIPANT
    assert room.occupant("tybalt") is None
    assert str(room.occupants[0].role) == "moderator"


def test_two_sessions_share_a_nick(room: libmuc.Room) -> None:
    other = "romeo@localhost/garden"
    room.service.feed(join(other, "romeo"))
    assert [o.real_jids for o in room.occupants] == [(JULIET,),
                                                     (ROMEO, other)]
    assert room.occupant_count == 2


def test_leaving(room: libmuc.Room) -> None:
    out = room.service.feed(leave(ROMEO, "romeo"))
    assert [s.to for s in out] == [JULIET, ROMEO]
    assert all("type='unavailable'" in s.text for s in out)
    assert [o.nick for o in room.occupants] == ["juliet"]


def test_room_goes_away_with_its_last_occupant(service: libmuc.Service
                                               ) -> None:
    service.feed(join(JULIET, "juliet"))
    service.feed(submit_config(JULIET))
    room = service[ROOM]
    service.feed(leave(JULIET, "juliet"))
    assert not room.exists and len(service) == 0
    try:
        room.occupants
    except libmuc.NotFoundError as e:
        assert e.code == libmuc.ErrorCode.NOT_FOUND
    else:
        raise AssertionError("a vanished room must raise NotFoundError")


def test_destroy(room: libmuc.Room, oids: dict[str, str]) -> None:
    out = room.destroy(reason="done", alt_jid="other@" + DOMAIN)
    x = (f"<x xmlns='{MUC_USER}'><destroy jid='other@{DOMAIN}'>"
         "<reason>done</reason></destroy>")
    assert pairs(out) == [
        (JULIET,
         f"<presence to='{JULIET}' from='{ROOM}/juliet' type='unavailable'>"
         f"{oid(oids['juliet'])}{x}<item affiliation='owner' role='none' "
         f"jid='{JULIET}'/><status code='110'/></x></presence>"),
        (ROMEO,
         f"<presence to='{ROMEO}' from='{ROOM}/romeo' type='unavailable'>"
         f"{oid(oids['romeo'])}{x}<item affiliation='none' role='none' "
         f"jid='{ROMEO}'/><status code='110'/></x></presence>"),
    ]
    assert not room.exists and ROOM not in room.service


def test_service_admin_owns_every_room(service: libmuc.Service) -> None:
    service.add_admin("admin@localhost")
    service.feed(join(JULIET, "juliet"))
    # Prosody 13's default: an administrator is no owner of the room
    assert service[ROOM].affiliation("admin@localhost/x") is \
        libmuc.Affiliation.NONE
    service.set_option(libmuc.Option.ADMINS_ARE_OWNERS, 1)
    assert service[ROOM].affiliation("admin@localhost/x") is \
        libmuc.Affiliation.OWNER


def test_options(service: libmuc.Service) -> None:
    service.set_option(libmuc.Option.MAX_ROOMS, 1)
    service.set_option("lock_new_rooms", 0)
    service.feed(join(JULIET, "juliet"))
    out = service.feed(join(ROMEO, "romeo", room="second@" + DOMAIN))
    assert "second@" + DOMAIN not in service
    assert [s.to for s in out] == [ROMEO] and "type='error'" in out[0].text
    # an unlocked room lets a second occupant in without configuration
    assert len(service.feed(join(ROMEO, "romeo"))) == 4
