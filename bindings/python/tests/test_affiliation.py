"""Affiliations read and set through the binding (XEP-0045 §9, §10)."""
from __future__ import annotations

import pytest

import libmuc
from conftest import JULIET, ROMEO, ROOM, join, pairs

A = libmuc.Affiliation
MUC_USER = "http://jabber.org/protocol/muc#user"


def oid(value: str) -> str:
    return f"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='{value}'/>"


def test_names_and_order() -> None:
    assert A.coerce("owner") is A.OWNER and A.coerce("OUTCAST") is A.OUTCAST
    assert A("owner") is A.OWNER  # type: ignore[arg-type]  # also untyped
    assert A.coerce(2) is A.MEMBER and A.coerce(A.ADMIN) is A.ADMIN
    assert str(A.ADMIN) == "admin"
    assert A.OUTCAST < A.NONE < A.MEMBER < A.ADMIN < A.OWNER
    assert libmuc.Role.coerce("moderator") > libmuc.Role.PARTICIPANT
    with pytest.raises(ValueError):
        A.coerce("king")


def test_reading(room: libmuc.Room) -> None:
    assert room.affiliation(JULIET) is A.OWNER          # full JID
    assert room.affiliation("juliet@localhost") is A.OWNER
    assert room.affiliation(ROMEO) is A.NONE
    assert room.affiliations == [
        libmuc.AffiliationEntry("juliet@localhost", A.OWNER, None, None)]


def test_grant_membership_to_an_occupant(room: libmuc.Room,
                                         oids: dict[str, str]) -> None:
    out = room.set_affiliation("romeo@localhost", A.MEMBER, reason="friend")
    item = (f"<item affiliation='member' role='participant' jid='{ROMEO}'>"
            "<reason>friend</reason></item>")
    assert pairs(out) == [
        (JULIET,
         f"<presence to='{JULIET}' from='{ROOM}/romeo'>{oid(oids['romeo'])}"
         f"<x xmlns='{MUC_USER}'>{item}</x></presence>"),
        (ROMEO,
         f"<presence to='{ROMEO}' from='{ROOM}/romeo'>{oid(oids['romeo'])}"
         f"<x xmlns='{MUC_USER}'>{item}<status code='110'/></x></presence>"),
    ]
    assert room.affiliation(ROMEO) is A.MEMBER
    assert room.occupants[1].affiliation is A.MEMBER
    assert [(e.jid, e.affiliation) for e in room.affiliations] == [
        ("juliet@localhost", A.OWNER), ("romeo@localhost", A.MEMBER)]


def test_affiliating_someone_absent_notifies_owners(room: libmuc.Room
                                                    ) -> None:
    out = room.set_affiliation("tybalt@localhost", "member", reason="cousin")
    assert pairs(out) == [
        (JULIET,
         f"<message to='{JULIET}' from='{ROOM}'><x xmlns='{MUC_USER}'>"
         "<item jid='tybalt@localhost' affiliation='member'>"
         "<reason>cousin</reason></item></x></message>"),
    ]


def test_ban_by_an_owner(room: libmuc.Room, oids: dict[str, str]) -> None:
    out = room.set_affiliation("romeo@localhost", A.OUTCAST, actor=JULIET,
                               reason="bye")
    head = "type='unavailable'>" + oid(oids["romeo"])
    x = f"<x xmlns='{MUC_USER}'><status code='301'/>"
    item = f"<item affiliation='outcast' role='none' jid='{ROMEO}'>"
    assert pairs(out) == [
        (JULIET,
         f"<presence to='{JULIET}' from='{ROOM}/romeo' {head}{x}{item}"
         f"<actor nick='juliet' jid='{JULIET}'/><reason>bye</reason>"
         "</item></x></presence>"),
        (ROMEO,
         f"<presence to='{ROMEO}' from='{ROOM}/romeo' {head}{x}{item}"
         "<actor nick='juliet'/><reason>bye</reason></item>"
         "<status code='110'/></x></presence>"),
    ]
    assert [o.nick for o in room.occupants] == ["juliet"]
    assert room.affiliation("romeo@localhost/elsewhere") is A.OUTCAST
    assert room.affiliations[-1] == libmuc.AffiliationEntry(
        "romeo@localhost", A.OUTCAST, "bye", None)
    # A banned user trying to come back gets an error, not the room.
    out = room.service.feed(join(ROMEO, "romeo"))
    assert [s.to for s in out] == [ROMEO]
    assert "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>" in \
        out[0].text


def test_privileges_are_checked_for_an_actor(room: libmuc.Room) -> None:
    with pytest.raises(libmuc.NotAllowedError) as info:
        room.set_affiliation("tybalt@localhost", A.ADMIN, actor=ROMEO)
    assert info.value.code is libmuc.ErrorCode.NOT_ALLOWED
    assert int(info.value.code) == -6
    assert info.value.strerror == libmuc.strerror(-6) == "not allowed"
    assert info.value.stanzas == []
    assert room.affiliation("tybalt@localhost") is A.NONE


def test_the_last_owner_cannot_step_down(room: libmuc.Room) -> None:
    with pytest.raises(libmuc.ConflictError) as info:
        room.set_affiliation("juliet@localhost", A.NONE, actor=JULIET)
    assert str(info.value) == ("muc_room_set_affiliation: conflict (e.g. the "
                               "last owner) (MUC_ERR_CONFLICT, -7)")
    assert room.affiliation(JULIET) is A.OWNER


def test_the_service_itself_is_unrestricted(room: libmuc.Room) -> None:
    room.set_affiliation("romeo@localhost", A.OWNER)
    room.set_affiliation("juliet@localhost", A.NONE)
    assert [(e.jid, e.affiliation) for e in room.affiliations] == [
        ("romeo@localhost", A.OWNER)]


def test_bad_jid(room: libmuc.Room) -> None:
    with pytest.raises(libmuc.JIDError) as info:
        room.set_affiliation("a@b@c", A.MEMBER)
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match="NUL"):
        room.set_affiliation("romeo@localhost\0evil", A.MEMBER)
