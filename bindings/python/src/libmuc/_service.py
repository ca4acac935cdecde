"""Service and Room: the Python face of muc_service and muc_room."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from ._errors import CallbackError, NotFoundError, error_for
from ._hooks import Collector, Hooks, Store
from ._libmuc_cffi import ffi, lib
from ._types import (Affiliation, AffiliationEntry, LogLevel, Occupant,
                     Option, Stanza, Text, from_c, to_c, to_c_opt)

Deliver = Callable[[Stanza], object]


class Service:
    """One MUC service (a domain such as ``conference.example.org``).

    Feed it every stanza addressed to the domain or a JID under it;
    :meth:`feed` returns, in order, every stanza the service sends in answer
    (each fully addressed), and also passes each to ``deliver`` if given.

    Hooks (all optional, all called synchronously from inside the call that
    feeds or changes something):

    - ``deliver(stanza)``: each outgoing :class:`Stanza`. If it raises, the
      service stops sending further output for that input (room state stays
      consistent) and the call raises :class:`CallbackError` from it.
    - ``clock()``: wall-clock time in milliseconds since the Unix epoch
      (e.g. ``time.time_ns() // 1_000_000``); without it, time is 0.
    - ``id_source()``: a fresh unique, unguessable id (printable ASCII, no
      quotes or ``<&>``) for stanzas the service originates and for each
      room's occupant-id secret; without it, a counter (reproducible output,
      guessable occupant ids).
    - ``log(level, message)``: libmuc's log lines; default: the ``logging``
      logger "libmuc".
    - ``store``: a :class:`Store` (``save(room_jid, data)`` and
      ``remove(room_jid)``) receiving persistent rooms' durable state.

    A hook must not call back into the service (that raises RuntimeError).
    One service may be used by one thread at a time.
    """

    def __init__(self, domain: str, deliver: Optional[Deliver] = None, *,
                 clock: Optional[Callable[[], int]] = None,
                 id_source: Optional[Callable[[], str]] = None,
                 log: Optional[Callable[[LogLevel, str], object]] = None,
                 store: Optional[Store] = None,
                 admins: Iterable[str] = (),
                 options: Optional[Mapping[Union[Option, str], int]] = None
                 ) -> None:
        self._svc: Any = None
        self._hooks = Hooks(deliver, clock, id_source, log, store)
        cbp = ffi.new("muc_callbacks **")
        _check(lib.muc_callbacks_new(cbp), "muc_callbacks_new")
        try:
            self._hooks.install(cbp[0])
            svcp = ffi.new("muc_service **")
            _check(lib.muc_service_new(svcp, to_c(domain, "domain"), cbp[0],
                                       ffi.NULL, self._hooks.handle),
                   "muc_service_new")
            self._svc = svcp[0]
        finally:
            lib.muc_callbacks_del(cbp[0])
        self.domain: str = from_c(lib.muc_service_domain(self._svc))
        for jid in admins:
            self.add_admin(jid)
        for option, value in (options or {}).items():
            self.set_option(option, value)

    # ---- life ----------------------------------------------------------

    def close(self) -> None:
        """Frees the service and all its rooms; sends nothing. Idempotent."""
        if self._hooks.busy:
            raise RuntimeError("a libmuc hook tried to close its service")
        svc, self._svc = self._svc, None
        if svc is not None:
            lib.muc_service_free(svc)

    def __enter__(self) -> "Service":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_svc", None) is not None:
            self.close()

    @property
    def closed(self) -> bool:
        return self._svc is None

    def _ptr(self) -> Any:
        if self._svc is None:
            raise ValueError("the libmuc service is closed")
        if self._hooks.busy:
            raise RuntimeError("a libmuc hook called back into its service")
        return self._svc

    def _call(self, function: str, fn: Any, *args: Any) -> list[Stanza]:
        """Runs a C call that may fire hooks; returns what it delivered."""
        rc, out = self._invoke(function, fn, *args)
        if rc < 0:
            raise error_for(rc, function, out)
        return out

    def _invoke(self, function: str, fn: Any,
                *args: Any) -> tuple[int, list[Stanza]]:
        """Runs a C call that may fire hooks: its return code and what it
        delivered. A hook's exception is raised here, chained."""
        hooks = self._hooks
        self._ptr()
        hooks.busy, hooks.out, hooks.exc = True, [], None
        try:
            rc = fn(*args)
        finally:
            hooks.busy = False
            out, exc = hooks.out, hooks.exc
            hooks.out, hooks.exc = [], None
        if exc is not None:
            if not isinstance(exc, Exception):
                raise exc  # KeyboardInterrupt, SystemExit: as they are
            raise CallbackError(lib.MUC_ERR_CALLBACK, function, out) from exc
        return rc, out

    # ---- configuration -------------------------------------------------

    def add_admin(self, jid: str) -> None:
        """Makes a bare JID a service administrator (owner of every room,
        may destroy any room)."""
        _check(lib.muc_service_add_admin(self._ptr(), to_c(jid, "jid")),
               "muc_service_add_admin")

    def set_option(self, option: Union[Option, str], value: int) -> None:
        """Sets a service limit or a default of new rooms (:class:`Option`)."""
        _check(lib.muc_service_set_option(
            self._ptr(), Option.coerce(option), int(value)),
            "muc_service_set_option")

    # ---- stanzas ---------------------------------------------------------

    def feed(self, stanza: Union[Text, bytearray, memoryview]) -> list[Stanza]:
        """Handles one stanza (XML text; 'from' and 'to' set) and returns
        every stanza sent in answer, in order. An XMPP error reply is a
        normal answer; input that is not one well-formed stanza raises
        :class:`ParseError` and sends nothing."""
        if isinstance(stanza, str):
            data = stanza.encode("utf-8")
        elif isinstance(stanza, (bytes, bytearray, memoryview)):
            data = bytes(stanza)
        else:
            raise TypeError("stanza must be str or bytes, not "
                            f"{type(stanza).__name__}")
        return self._call("muc_service_feed", lib.muc_service_feed,
                          self._svc, data, len(data))

    # ---- rooms -----------------------------------------------------------

    def room(self, jid: str) -> Optional["Room"]:
        """The room with this bare JID, or None."""
        ptr = lib.muc_service_find_room(self._ptr(), to_c(jid, "room JID"))
        return None if ptr == ffi.NULL else Room(self, ptr)

    def __getitem__(self, jid: str) -> "Room":
        room = self.room(jid)
        if room is None:
            raise KeyError(jid)
        return room

    def __contains__(self, jid: object) -> bool:
        return isinstance(jid, str) and self.room(jid) is not None

    def __len__(self) -> int:
        return int(lib.muc_service_room_count(self._ptr()))

    @property
    def rooms(self) -> list["Room"]:
        """Every room, in creation order."""
        col = Collector()
        lib.muc_service_foreach_room(self._ptr(), lib._libmuc_each_room,
                                     col.handle)
        return [Room(self, jid) for jid in col.done()]

    def __iter__(self) -> Iterator["Room"]:
        return iter(self.rooms)

    def restore_room(self, data: Text) -> "Room":
        """Brings back a room from what :meth:`Room.save` (or a store's
        ``save``) produced; it exists, empty, afterwards. Nothing is sent."""
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self._call("muc_service_restore_room", lib.muc_service_restore_room,
                   self._svc, raw, len(raw))
        try:
            jid = ET.fromstring(raw).get("jid") or ""
        except ET.ParseError:
            jid = ""
        room = self.room(jid) if jid else None
        return room if room is not None else self.rooms[-1]

    def __repr__(self) -> str:
        state = "closed" if self._svc is None else f"{len(self)} rooms"
        return f"<libmuc.Service {getattr(self, 'domain', '?')!r} {state}>"


class Room:
    """A room of a :class:`Service`, named by its bare JID.

    The object stays valid however the service changes: each access looks
    the room up again, and raises :class:`NotFoundError` once the room is
    gone (destroyed, or vanished when its last occupant left).
    """

    __slots__ = ("service", "jid", "_cjid")

    def __init__(self, service: Service, room: Any) -> None:
        self.service = service
        if isinstance(room, str):
            self.jid = room
        else:
            self.jid = from_c(lib.muc_room_jid(room))
        self._cjid = self.jid.encode("utf-8")

    def _ptr(self) -> Any:
        ptr = lib.muc_service_find_room(self.service._ptr(), self._cjid)
        if ptr == ffi.NULL:
            raise NotFoundError(lib.MUC_ERR_NOT_FOUND, "muc_service_find_room")
        return ptr

    @property
    def exists(self) -> bool:
        return bool(lib.muc_service_find_room(self.service._ptr(),
                                              self._cjid) != ffi.NULL)

    @property
    def occupant_count(self) -> int:
        """The number of occupants (nicknames)."""
        return int(lib.muc_room_occupant_count(self._ptr()))

    @property
    def occupants(self) -> list[Occupant]:
        """Every occupant, in join order."""
        col = Collector()
        lib.muc_room_foreach_occupant(self._ptr(), lib._libmuc_each_occupant,
                                      col.handle)
        return col.done()

    def occupant(self, nick: str) -> Optional[Occupant]:
        """The occupant with this nickname, or None."""
        return next((o for o in self.occupants if o.nick == nick), None)

    def affiliation(self, jid: str) -> Affiliation:
        """The affiliation of a full or bare JID (a ban of its domain
        counts)."""
        return Affiliation(lib.muc_room_get_affiliation(self._ptr(),
                                                        to_c(jid, "jid")))

    @property
    def affiliations(self) -> list[AffiliationEntry]:
        """Every affiliation other than 'none', in the order granted."""
        col = Collector()
        lib.muc_room_foreach_affiliation(self._ptr(),
                                         lib._libmuc_each_affiliation,
                                         col.handle)
        return col.done()

    def set_affiliation(self, jid: str, affiliation: Union[Affiliation, str],
                        *, actor: Optional[str] = None,
                        reason: Optional[str] = None) -> list[Stanza]:
        """Sets ``jid``'s affiliation as ``actor`` (whose privileges are
        checked as for a muc#admin request; None acts as the service itself,
        unrestricted). Returns the presence updates and notifications sent,
        exactly as for the equivalent muc#admin iq."""
        return self.service._call(
            "muc_room_set_affiliation", lib.muc_room_set_affiliation,
            self._ptr(), to_c_opt(actor, "actor"), to_c(jid, "jid"),
            Affiliation.coerce(affiliation), to_c_opt(reason, "reason"))

    def destroy(self, reason: Optional[str] = None,
                alt_jid: Optional[str] = None,
                password: Optional[str] = None) -> list[Stanza]:
        """Destroys the room (XEP-0045 §10.9); returns the unavailable
        presences sent to its occupants. The room is gone afterwards even
        when this raises CallbackError."""
        return self.service._call(
            "muc_room_destroy", lib.muc_room_destroy, self._ptr(),
            to_c_opt(reason, "reason"), to_c_opt(alt_jid, "alt_jid"),
            to_c_opt(password, "password"))

    def save(self) -> bytes:
        """The room's durable state (``muc_room_save``): a UTF-8 XML
        document for :meth:`Service.restore_room`."""
        ptr = self._ptr()
        outp = ffi.new("char **")
        lenp = ffi.new("size_t *")
        _check(lib.muc_room_save(ptr, outp, lenp), "muc_room_save")
        try:
            return bytes(ffi.unpack(outp[0], lenp[0]))
        finally:
            lib.muc_service_free_buffer(self.service._svc, outp[0])

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Room) and other.service is self.service
                and other.jid == self.jid)

    def __hash__(self) -> int:
        return hash((id(self.service), self.jid))

    def __repr__(self) -> str:
        return f"<libmuc.Room {self.jid!r}>"


def _check(rc: int, function: str) -> None:
    if rc < 0:
        raise error_for(rc, function)

