"""libmuc: an embeddable, sans-I/O XMPP Multi-User Chat (XEP-0045) engine.

The service does no I/O: feed it each stanza addressed to the MUC domain and
it returns, synchronously and in order, every stanza a correct MUC service
sends in answer, fully addressed::

    import libmuc

    svc = libmuc.Service("conference.example.org")
    for out in svc.feed("<presence from='juliet@example.org/balcony' "
                        "to='garden@conference.example.org/juliet'>"
                        "<x xmlns='http://jabber.org/protocol/muc'/></presence>"):
        send_to(out.to, out.xml)          # out.from_, out.text also there

    room = svc["garden@conference.example.org"]
    room.occupants, room.affiliations, room.affiliation("juliet@example.org")
    room.set_affiliation("romeo@example.org", libmuc.Affiliation.MEMBER)
    room.destroy(reason="closing")

Errors raise :class:`Error` subclasses carrying libmuc's code and
``muc_strerror()`` text. See the README beside this package for the rest.
"""
from __future__ import annotations

from ._errors import (CallbackError, ConflictError, Error, ErrorCode,
                      InvalidArgumentError, JIDError, NotAllowedError,
                      NotForUsError, NotFoundError, OutOfMemoryError,
                      ParseError, StoreIOError, TooLargeError, strerror)
from ._hooks import Store
from ._libmuc_cffi import ffi as _ffi, lib as _lib
from ._service import Room, Service
from ._store import DirStore, MemoryStore
from ._types import (Affiliation, AffiliationEntry, LogLevel, Occupant,
                     Option, Role, Stanza)

__version__ = "0.1.0"

#: The version string of the libmuc actually linked ("0.1.0").
LIBRARY_VERSION: str = _ffi.string(_lib.muc_version_string()).decode()


def library_version() -> tuple[int, int, int]:
    """The linked libmuc's version as (major, minor, patch)."""
    n = _lib.muc_version_number()
    return (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF


__all__ = [
    "Affiliation", "AffiliationEntry", "CallbackError", "ConflictError",
    "DirStore", "Error", "ErrorCode", "InvalidArgumentError", "JIDError",
    "LIBRARY_VERSION", "LogLevel", "MemoryStore", "NotAllowedError",
    "NotForUsError", "NotFoundError", "Occupant", "Option",
    "OutOfMemoryError", "ParseError", "Role", "Room", "Service", "Stanza",
    "Store", "StoreIOError", "TooLargeError", "library_version", "strerror",
]
