"""Hooks, errors and lifetime: what the binding adds around the C calls."""
from __future__ import annotations

import gc
import itertools
import logging
import weakref

import pytest

import libmuc
from conftest import (DOMAIN, JULIET, ROMEO, ROOM, groupchat, join, leave,
                      submit_config)


def test_deliver_sees_every_stanza_in_order() -> None:
    seen: list[libmuc.Stanza] = []
    with libmuc.Service(DOMAIN, seen.append) as svc:
        out = svc.feed(join(JULIET, "juliet"))
    assert seen == out and len(out) == 2


def test_clock_and_id_source() -> None:
    ids = (f"id-{n}" for n in itertools.count(1))
    with libmuc.Service(DOMAIN, clock=lambda: 1_700_000_000_000,
                        id_source=lambda: next(ids)) as svc:
        svc.feed(join(JULIET, "juliet"))
        svc.feed(submit_config(JULIET))
        # A message without id gets one from the id source...
        out = svc.feed(f"<message from='{JULIET}' to='{ROOM}' "
                       "type='groupchat'><body>early</body></message>")
        assert out[0].text.startswith(
            f"<message to='{JULIET}' from='{ROOM}/juliet' type='groupchat' "
            "id='id-2'><body>early</body>")
        # ...and history carries the clock's time (XEP-0203).
        out = svc.feed(join(ROMEO, "romeo"))
        assert ("<delay xmlns='urn:xmpp:delay' from='garden@conference."
                "localhost' stamp='2023-11-14T22:13:20Z'/>") in out[-2].text


def test_log_goes_to_logging_by_default(caplog: pytest.LogCaptureFixture
                                        ) -> None:
    caplog.set_level(logging.DEBUG, logger="libmuc")
    with libmuc.Service(DOMAIN) as svc, pytest.raises(libmuc.ParseError):
        svc.feed("<presence")
    assert [(r.name, r.levelno) for r in caplog.records] == \
        [("libmuc", logging.DEBUG)]
    assert "dropped input" in caplog.records[0].getMessage()


def test_log_hook() -> None:
    lines: list[tuple[libmuc.LogLevel, str]] = []
    with libmuc.Service(DOMAIN, log=lambda lvl, msg: lines.append((lvl, msg))
                        ) as svc, pytest.raises(libmuc.ParseError):
        svc.feed(b"<presence")
    assert lines and lines[0][0] is libmuc.LogLevel.DEBUG


def test_errors_carry_code_and_strerror(service: libmuc.Service) -> None:
    with pytest.raises(libmuc.ParseError) as info:
        service.feed("<message")
    e = info.value
    assert (e.code, e.strerror, e.function) == (
        libmuc.ErrorCode.PARSE, "input is not one well-formed XMPP stanza",
        "muc_service_feed")
    assert isinstance(e, libmuc.Error) and isinstance(e, ValueError)
    with pytest.raises(libmuc.NotForUsError):
        service.feed("<presence from='a@b/c' to='room@elsewhere/n'/>")
    with pytest.raises(libmuc.TooLargeError):
        service.feed(groupchat(JULIET, "x" * 300_000))
    with pytest.raises(libmuc.JIDError):
        libmuc.Service("not a domain!")
    with pytest.raises(libmuc.InvalidArgumentError):
        service.set_option(libmuc.Option.MAX_DEPTH, -1)
    with pytest.raises(TypeError):
        service.feed(42)  # type: ignore[arg-type]
    assert libmuc.strerror(-999) == "unknown error code"


def test_a_raising_deliver_stops_output_and_is_chained() -> None:
    class Boom(Exception):
        pass

    delivered: list[libmuc.Stanza] = []

    def deliver(stanza: libmuc.Stanza) -> None:
        if len(delivered) == 3:  # romeo's join: 4 stanzas; fail the 4th
            raise Boom("socket closed")
        delivered.append(stanza)

    with libmuc.Service(DOMAIN, deliver) as svc:
        svc.feed(join(JULIET, "juliet"))
        svc.feed(submit_config(JULIET))
        delivered.clear()
        with pytest.raises(libmuc.CallbackError) as info:
            svc.feed(join(ROMEO, "romeo"))
        assert isinstance(info.value.__cause__, Boom)
        assert info.value.code == libmuc.ErrorCode.CALLBACK
        assert info.value.stanzas == delivered and len(delivered) == 3
        # the room stays consistent: romeo is in, and it goes on working
        assert [o.nick for o in svc[ROOM].occupants] == ["juliet", "romeo"]
        delivered.clear()
        assert len(svc.feed(leave(ROMEO, "romeo"))) == 2


def test_keyboard_interrupt_passes_through() -> None:
    def deliver(stanza: libmuc.Stanza) -> None:
        raise KeyboardInterrupt

    with libmuc.Service(DOMAIN, deliver) as svc:
        with pytest.raises(KeyboardInterrupt):
            svc.feed(join(JULIET, "juliet"))


def test_hooks_must_not_reenter_the_service() -> None:
    svc: libmuc.Service

    def deliver(stanza: libmuc.Stanza) -> None:
        svc.feed(join(ROMEO, "romeo"))

    svc = libmuc.Service(DOMAIN, deliver)
    with pytest.raises(libmuc.CallbackError) as info:
        svc.feed(join(JULIET, "juliet"))
    assert isinstance(info.value.__cause__, RuntimeError)
    svc.close()


def test_hooks_must_not_close_the_service() -> None:
    svc: libmuc.Service

    def deliver(stanza: libmuc.Stanza) -> None:
        svc.close()

    svc = libmuc.Service(DOMAIN, deliver)
    with pytest.raises(libmuc.CallbackError) as info:
        svc.feed(join(JULIET, "juliet"))
    assert isinstance(info.value.__cause__, RuntimeError)
    assert not svc.closed and len(svc) == 1
    svc.close()


def test_a_bad_id_is_refused() -> None:
    with libmuc.Service(DOMAIN, id_source=lambda: "it's") as svc:
        with pytest.raises(libmuc.CallbackError) as info:
            svc.feed(join(JULIET, "juliet"))
    assert isinstance(info.value.__cause__, ValueError)


def test_closed_service() -> None:
    svc = libmuc.Service(DOMAIN)
    svc.feed(join(JULIET, "juliet"))
    room = svc[ROOM]
    svc.close()
    svc.close()
    assert svc.closed
    with pytest.raises(ValueError, match="closed"):
        svc.feed(join(ROMEO, "romeo"))
    with pytest.raises(ValueError, match="closed"):
        room.occupants
    assert "closed" in repr(svc)


def test_dropping_the_last_reference_frees_the_service() -> None:
    svc = libmuc.Service(DOMAIN, lambda s: None)
    svc.feed(join(JULIET, "juliet"))
    ref = weakref.ref(svc)
    del svc
    assert ref() is None  # no cycle through the hooks: freed at once
    gc.collect()


def test_a_room_keeps_its_service_alive() -> None:
    svc = libmuc.Service(DOMAIN)
    svc.feed(join(JULIET, "juliet"))
    room = svc[ROOM]
    del svc
    assert room.occupant_count == 1 and room.service.domain == DOMAIN
