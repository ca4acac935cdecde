"""cffi builder for the libmuc Python binding (API mode, out of line).

The extension module ``libmuc._libmuc_cffi`` is compiled against muc.h and
linked against libmuc.so. Where the header and the library come from, first
match wins:

1. ``LIBMUC_INCLUDE_DIR`` and ``LIBMUC_LIBRARY_DIR`` from the environment
   (``LIBMUC_RPATH`` overrides the run-time search path, which defaults to
   ``LIBMUC_LIBRARY_DIR``; set it empty for none);
2. the source tree this binding sits in (``../../include`` and
   ``../../build``), when ``make`` has built the library there;
3. an installed libmuc found by ``pkg-config libmuc``.

The declarations below are the public API of include/muc.h (minus the mini-XML
tree calls and the allocator, which mean nothing in Python). Enum values and
struct layouts are left to the C compiler (``...``), so they cannot drift from
the header; a declaration that no longer matches muc.h fails the build.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys

from cffi import FFI

CDEF = r"""
int muc_version_number(void);
const char *muc_version_string(void);

typedef enum muc_error {
    MUC_OK, MUC_ERR_NOMEM, MUC_ERR_INVALID, MUC_ERR_PARSE, MUC_ERR_TOO_LARGE,
    MUC_ERR_NOT_FOUND, MUC_ERR_NOT_ALLOWED, MUC_ERR_CONFLICT, MUC_ERR_JID,
    MUC_ERR_CALLBACK, MUC_ERR_NOT_FOR_US, MUC_ERR_IO, ...
} muc_error;
const char *muc_strerror(int code);

typedef enum muc_role {
    MUC_ROLE_NONE, MUC_ROLE_VISITOR, MUC_ROLE_PARTICIPANT, MUC_ROLE_MODERATOR, ...
} muc_role;
typedef enum muc_affiliation {
    MUC_AFFIL_OUTCAST, MUC_AFFIL_NONE, MUC_AFFIL_MEMBER, MUC_AFFIL_ADMIN,
    MUC_AFFIL_OWNER, ...
} muc_affiliation;
const char *muc_role_name(muc_role role);
const char *muc_affiliation_name(muc_affiliation affiliation);

typedef struct muc_service muc_service;
typedef struct muc_room muc_room;
typedef struct muc_callbacks muc_callbacks;

typedef struct muc_stanza_out {
    const char *to;
    const char *from;
    const char *xml;
    size_t len;
    ...;
} muc_stanza_out;

typedef int (*muc_deliver_fn)(const muc_stanza_out *stanza, void *user_data);
typedef int64_t (*muc_clock_fn)(void *user_data);
typedef size_t (*muc_id_fn)(char *buf, size_t cap, void *user_data);
typedef enum muc_log_level {
    MUC_LOG_DEBUG, MUC_LOG_INFO, MUC_LOG_WARN, MUC_LOG_ERROR, ...
} muc_log_level;
typedef void (*muc_log_fn)(muc_log_level level, const char *message,
                           void *user_data);
typedef int (*muc_store_save_fn)(const char *room_jid, const char *data,
                                 size_t len, void *user_data);
typedef int (*muc_store_remove_fn)(const char *room_jid, void *user_data);

int muc_callbacks_new(muc_callbacks **out);
void muc_callbacks_del(muc_callbacks *callbacks);
void muc_callbacks_set_deliver(muc_callbacks *cb, muc_deliver_fn fn);
void muc_callbacks_set_clock(muc_callbacks *cb, muc_clock_fn fn);
void muc_callbacks_set_id(muc_callbacks *cb, muc_id_fn fn);
void muc_callbacks_set_log(muc_callbacks *cb, muc_log_fn fn);
void muc_callbacks_set_store(muc_callbacks *cb, muc_store_save_fn save,
                             muc_store_remove_fn remove);

typedef struct muc_allocator muc_allocator;
int muc_service_new(muc_service **out, const char *domain,
                    const muc_callbacks *callbacks,
                    const muc_allocator *allocator, void *user_data);
void muc_service_free(muc_service *service);

typedef enum muc_option {
    MUC_OPT_MAX_STANZA_BYTES, MUC_OPT_MAX_DEPTH, MUC_OPT_MAX_ROOMS,
    MUC_OPT_MAX_OCCUPANTS, MUC_OPT_MAX_HISTORY, MUC_OPT_RESTRICT_CREATION,
    MUC_OPT_DEFAULT_PERSISTENT, MUC_OPT_DEFAULT_PUBLIC,
    MUC_OPT_DEFAULT_MEMBERS_ONLY, MUC_OPT_DEFAULT_MODERATED,
    MUC_OPT_DEFAULT_WHOIS_ANYONE, MUC_OPT_DEFAULT_CHANGE_SUBJECT,
    MUC_OPT_DEFAULT_HISTORY_LENGTH, MUC_OPT_LOCK_NEW_ROOMS,
    MUC_OPT_ENFORCE_REGISTERED_NICK, MUC_OPT_ADMINS_ARE_OWNERS,
    MUC_OPT_DEFAULT_ALLOW_PM, MUC_OPT_DEFAULT_ALLOW_MODPM, MUC_OPT_ARCHIVING,
    MUC_OPT_DEFAULT_ARCHIVING, MUC_OPT_CONFIG_XEP_FIELDS,
    MUC_OPT_WHOIS_REPUBLISH, ...
} muc_option;
int muc_service_set_option(muc_service *service, muc_option option,
                           long value);

const char *muc_service_domain(const muc_service *service);
int muc_service_add_admin(muc_service *service, const char *jid);
int muc_service_feed(muc_service *service, const char *xml, size_t len);

muc_room *muc_service_find_room(muc_service *service, const char *room_jid);
size_t muc_service_room_count(const muc_service *service);
int muc_service_foreach_room(muc_service *service,
                             int (*fn)(muc_room *room, void *ud), void *ud);
const char *muc_room_jid(const muc_room *room);
size_t muc_room_occupant_count(const muc_room *room);

typedef struct muc_occupant_info {
    const char *nick;
    muc_role role;
    muc_affiliation affiliation;
    const char *bare_jid;
    const char *const *real_jids;
    size_t real_jid_count;
    ...;
} muc_occupant_info;
int muc_room_foreach_occupant(muc_room *room,
                              int (*fn)(const muc_occupant_info *info, void *ud),
                              void *ud);
muc_affiliation muc_room_get_affiliation(const muc_room *room, const char *jid);

typedef struct muc_affiliation_info {
    const char *jid;
    muc_affiliation affiliation;
    const char *reason;
    const char *nick;
    ...;
} muc_affiliation_info;
int muc_room_foreach_affiliation(muc_room *room,
                                 int (*fn)(const muc_affiliation_info *, void *ud),
                                 void *ud);

int muc_room_set_affiliation(muc_room *room, const char *actor,
                             const char *jid, muc_affiliation affiliation,
                             const char *reason);
int muc_room_destroy(muc_room *room, const char *reason, const char *alt_jid,
                     const char *password);

int muc_room_save(muc_room *room, char **out, size_t *len);
void muc_service_free_buffer(muc_service *service, char *buffer);
int muc_service_restore_room(muc_service *service, const char *data,
                             size_t len);

typedef struct muc_dir_store muc_dir_store;
int muc_dir_store_open(muc_dir_store **out, const char *path);
void muc_dir_store_close(muc_dir_store *store);
int muc_dir_store_save(const char *room_jid, const char *data, size_t len,
                       void *store);
int muc_dir_store_remove(const char *room_jid, void *store);
int muc_dir_store_load(muc_dir_store *store, muc_service *service,
                       void (*report)(const char *file, const char *reason,
                                      void *ud),
                       void *ud);

/* Trampolines into Python (see _hooks.py). */
extern "Python" int _libmuc_deliver(const muc_stanza_out *, void *);
extern "Python" int64_t _libmuc_clock(void *);
extern "Python" size_t _libmuc_id(char *, size_t, void *);
extern "Python" void _libmuc_log(muc_log_level, const char *, void *);
extern "Python" int _libmuc_store_save(const char *, const char *, size_t,
                                       void *);
extern "Python" int _libmuc_store_remove(const char *, void *);
extern "Python" int _libmuc_each_room(muc_room *, void *);
extern "Python" int _libmuc_each_occupant(const muc_occupant_info *, void *);
extern "Python" int _libmuc_each_affiliation(const muc_affiliation_info *,
                                             void *);
extern "Python" void _libmuc_report(const char *, const char *, void *);
"""

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.normpath(os.path.join(HERE, "..", ".."))


def _pkg_config(*args: str) -> list[str]:
    out = subprocess.run(["pkg-config", *args, "libmuc"], check=True,
                         capture_output=True, text=True).stdout
    return shlex.split(out)


def locate() -> dict[str, list[str]]:
    """Where muc.h and libmuc.so are: keyword arguments for set_source."""
    inc = os.environ.get("LIBMUC_INCLUDE_DIR")
    libdir = os.environ.get("LIBMUC_LIBRARY_DIR")
    if inc or libdir:
        if not (inc and libdir):
            sys.exit("libmuc: set both LIBMUC_INCLUDE_DIR and LIBMUC_LIBRARY_DIR")
        rpath = os.environ.get("LIBMUC_RPATH", libdir)
        where = "LIBMUC_INCLUDE_DIR/LIBMUC_LIBRARY_DIR"
    elif (os.path.exists(os.path.join(TREE, "include", "muc.h"))
          and os.path.exists(os.path.join(TREE, "build", "libmuc.so"))):
        inc = os.path.join(TREE, "include")
        libdir = rpath = os.path.join(TREE, "build")
        where = "the source tree"
    else:
        try:
            cflags = _pkg_config("--cflags")
            libs = _pkg_config("--libs")
            (libdir,) = _pkg_config("--variable=libdir") or [""]
        except (OSError, subprocess.CalledProcessError, ValueError):
            sys.exit("libmuc: no library found. Build it (make) in the source "
                     "tree, install it (make install; pkg-config libmuc), or "
                     "set LIBMUC_INCLUDE_DIR and LIBMUC_LIBRARY_DIR.")
        print(f"libmuc: building against the installed library ({libdir})",
              file=sys.stderr)
        return {
            "include_dirs": [f[2:] for f in cflags if f.startswith("-I")],
            "library_dirs": [f[2:] for f in libs if f.startswith("-L")],
            "libraries": [f[2:] for f in libs if f.startswith("-l")],
            "runtime_library_dirs": [libdir] if libdir else [],
        }
    print(f"libmuc: building against {where}: {inc}, {libdir}", file=sys.stderr)
    return {
        "include_dirs": [inc],
        "library_dirs": [libdir],
        "libraries": ["muc"],
        "runtime_library_dirs": [rpath] if rpath else [],
    }


ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source("libmuc._libmuc_cffi", "#include <muc.h>\n", **locate())

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
