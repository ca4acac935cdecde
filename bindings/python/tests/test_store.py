"""Durable state through the binding: the store hooks, save and restore."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import libmuc
from conftest import DOMAIN, JULIET, ROMEO, ROOM, join, leave, submit_config

A = libmuc.Affiliation


def persistent_service(store: libmuc.Store) -> libmuc.Service:
    return libmuc.Service(DOMAIN, store=store,
                          options={libmuc.Option.DEFAULT_PERSISTENT: 1})


def make_room(svc: libmuc.Service) -> None:
    svc.feed(join(JULIET, "juliet"))
    svc.feed(submit_config(JULIET))  # unlocks the room: now it is saved
    svc[ROOM].set_affiliation("romeo@localhost", A.MEMBER)


def test_memory_store_round_trip() -> None:
    store = libmuc.MemoryStore()
    with persistent_service(store) as svc:
        svc.feed(join(JULIET, "juliet"))
        assert store == {}  # locked, not yet configured: nothing durable
        make_room(svc)
        assert list(store) == [ROOM]
        doc = store[ROOM]
        assert doc == svc[ROOM].save()
        assert doc.startswith(b"<room xmlns='urn:xmpp:libmuc:room:1' "
                              b"jid='garden@conference.localhost'>")
        assert b"<option name='persistent'>1</option>" in doc
        svc.feed(leave(JULIET, "juliet"))
        assert ROOM in svc  # persistent rooms outlive their occupants

    with persistent_service(store) as svc:
        assert store.load(svc) == 1
        room = svc[ROOM]
        assert room.occupant_count == 0
        assert [(e.jid, e.affiliation) for e in room.affiliations] == [
            ("juliet@localhost", A.OWNER), ("romeo@localhost", A.MEMBER)]
        # restored rooms are not locked: a member walks straight in
        out = svc.feed(join(ROMEO, "romeo"))
        assert "<status code='110'/>" in out[-2].text
        assert "<status code='201'/>" not in out[-2].text
        assert room.save() == store[ROOM]
        room.destroy()
        assert store == {}


def test_restore_errors() -> None:
    store = libmuc.MemoryStore()
    with persistent_service(store) as svc:
        make_room(svc)
        with pytest.raises(libmuc.ConflictError):
            svc.restore_room(store[ROOM])
        with pytest.raises(libmuc.ParseError):
            svc.restore_room(b"<room/>")
    with libmuc.Service("chat.localhost") as other:
        with pytest.raises(libmuc.NotForUsError):
            other.restore_room(store[ROOM])
        assert len(other) == 0


def test_restore_returns_the_room() -> None:
    store = libmuc.MemoryStore()
    with persistent_service(store) as svc:
        make_room(svc)
    with libmuc.Service(DOMAIN) as svc:
        room = svc.restore_room(store[ROOM].decode())
        assert room.jid == ROOM and svc.rooms == [room]


def test_a_failing_store_is_reported() -> None:
    class Full:
        def save(self, room_jid: str, data: bytes) -> None:
            raise OSError(28, "No space left on device")

        def remove(self, room_jid: str) -> None:
            pass

    with persistent_service(Full()) as svc:
        svc.feed(join(JULIET, "juliet"))
        with pytest.raises(libmuc.CallbackError) as info:
            svc.feed(submit_config(JULIET))
        assert isinstance(info.value.__cause__, OSError)


def test_dir_store(tmp_path: Path) -> None:
    path = tmp_path / "rooms"
    with libmuc.DirStore(path) as store:
        with persistent_service(store) as svc:
            make_room(svc)
        files = os.listdir(path)
        assert files == ["garden@conference.localhost.xml"]
        (path / "broken@conference.localhost.xml").write_bytes(b"<room")
        problems: list[tuple[str, str]] = []
        with persistent_service(store) as svc:
            assert store.load(svc, lambda f, why: problems.append((f, why))
                              ) == 1
            assert [r.jid for r in svc.rooms] == [ROOM]
            assert svc[ROOM].affiliation("romeo@localhost") is A.MEMBER
            svc[ROOM].destroy()
        assert [f for f, _ in problems] == ["broken@conference.localhost.xml"]
        assert os.listdir(path) == ["broken@conference.localhost.xml"]


def test_dir_store_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(libmuc.StoreIOError) as info:
        libmuc.DirStore(blocker / "rooms")
    assert info.value.errno != 0
    store = libmuc.DirStore(tmp_path)
    store.close()
    with pytest.raises(ValueError, match="closed"):
        store.save(ROOM, b"<room/>")
