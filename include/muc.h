/*
 * libmuc — an embeddable, sans-I/O XMPP Multi-User Chat (XEP-0045) engine.
 *
 * The host hands the library stanzas addressed to one MUC service (a domain
 * such as "conference.example.org"); the library answers, synchronously and
 * in order, with every presence, message and iq a correct MUC service would
 * send, each fully addressed (from and to set), through the deliver hook.
 * The library never does I/O, never reads the clock or a random source on its
 * own, and keeps no global mutable state: everything lives in a muc_service.
 *
 * Threads: one muc_service may be used by one thread at a time; separate
 * services need no locking.
 *
 * Re-entry: hooks (deliver, clock, id, log, store) and foreach callbacks
 * must not call into the same service, and must return normally (no
 * longjmp out of them): queue what they want to do for after the call.
 *
 * Conventions used in every comment below:
 *   - "borrowed": the library reads the pointer only during the call (or, for
 *     results, the pointer stays valid until the stated event); nobody frees.
 *   - "owned by the caller": the caller must release it with the named
 *     function.
 *   - Functions returning int return MUC_OK (0) or a negative muc_error.
 *
 * Copyright (c) 2026 the libmuc authors. MIT licence, see COPYING.
 */
#ifndef MUC_H
#define MUC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every exported symbol carries MUC_API; the build hides everything else. */
#if defined(_WIN32)
#define MUC_API
#else
#define MUC_API __attribute__((visibility("default")))
#endif

/* ---- Version --------------------------------------------------------- */

#define MUC_VERSION_MAJOR 0
#define MUC_VERSION_MINOR 1
#define MUC_VERSION_PATCH 0
/* 0xMMmmpp: compare with muc_version_number() at run time. */
#define MUC_VERSION_NUMBER \
	((MUC_VERSION_MAJOR << 16) | (MUC_VERSION_MINOR << 8) | MUC_VERSION_PATCH)
#define MUC_VERSION_STRING "0.1.0"

/* The version of the library actually linked, as MUC_VERSION_NUMBER. */
MUC_API int muc_version_number(void);
/* The same as a static string ("0.1.0"); never free it. */
MUC_API const char *muc_version_string(void);

/* ---- Errors ------------------------------------------------------------ */

/*
 * Every failing call returns one of these (negative). MUC_ERR_NOMEM is the
 * only one after which a half-done stanza may have had partial effect: the
 * library then keeps the room consistent (no dangling state) but some output
 * stanzas may not have been delivered.
 */
typedef enum muc_error {
	MUC_OK = 0,
	MUC_ERR_NOMEM = -1,        /* an allocation failed */
	MUC_ERR_INVALID = -2,      /* bad argument (NULL, empty, wrong value) */
	MUC_ERR_PARSE = -3,        /* input is not one well-formed XMPP stanza */
	MUC_ERR_TOO_LARGE = -4,    /* input exceeds a configured limit */
	MUC_ERR_NOT_FOUND = -5,    /* no such room, occupant or entry */
	MUC_ERR_NOT_ALLOWED = -6,  /* the actor may not do this */
	MUC_ERR_CONFLICT = -7,     /* e.g. removing the last owner */
	MUC_ERR_JID = -8,          /* a JID or nickname fails stringprep */
	MUC_ERR_CALLBACK = -9,     /* a host hook (deliver, store) failed */
	MUC_ERR_NOT_FOR_US = -10,  /* stanza's 'to' is not this service */
	MUC_ERR_IO = -11           /* a file operation failed (dir store) */
} muc_error;

/* Words a person can read for any code (static string, never NULL). */
MUC_API const char *muc_strerror(int code);

/* ---- Roles and affiliations (XEP-0045 §5) ------------------------------ */

/* Ordered by rank: a larger value outranks a smaller one. */
typedef enum muc_role {
	MUC_ROLE_NONE = 0,
	MUC_ROLE_VISITOR = 1,
	MUC_ROLE_PARTICIPANT = 2,
	MUC_ROLE_MODERATOR = 3
} muc_role;

typedef enum muc_affiliation {
	MUC_AFFIL_OUTCAST = 0,
	MUC_AFFIL_NONE = 1,
	MUC_AFFIL_MEMBER = 2,
	MUC_AFFIL_ADMIN = 3,
	MUC_AFFIL_OWNER = 4
} muc_affiliation;

/* Protocol names ("moderator", "owner", ...); static strings. */
MUC_API const char *muc_role_name(muc_role role);
MUC_API const char *muc_affiliation_name(muc_affiliation affiliation);

/* ---- Opaque objects ---------------------------------------------------- */

typedef struct muc_service muc_service;     /* one MUC domain */
typedef struct muc_room muc_room;           /* owned by its service */
typedef struct muc_occupant muc_occupant;   /* owned by its room */
typedef struct muc_callbacks muc_callbacks; /* hook set, copied by service */

/* ---- Host hooks -------------------------------------------------------- */

/*
 * One outgoing stanza. All pointers are borrowed and valid only during the
 * deliver call: copy what you keep. 'xml' is the serialized stanza (UTF-8,
 * no trailing newline, not NUL-terminated beyond xml[len], though the
 * library always puts a NUL at xml[len] for convenience). 'to' and 'from' are
 * the stanza's addresses, NUL-terminated.
 */
typedef struct muc_stanza_out {
	const char *to;
	const char *from;
	const char *xml;
	size_t len;
} muc_stanza_out;

/* Called for each outgoing stanza, in order. Return 0; any other value stops
 * the current input's processing of further output (the call that fed the
 * stanza then returns MUC_ERR_CALLBACK; the room state stays consistent). */
typedef int (*muc_deliver_fn)(const muc_stanza_out *stanza, void *user_data);

/* Wall-clock time in milliseconds since the Unix epoch (UTC). Used for
 * history timestamps (XEP-0203) and history age limits. */
typedef int64_t (*muc_clock_fn)(void *user_data);

/* Writes a fresh unique identifier (printable ASCII, no quotes or '<&>')
 * into buf (capacity cap, at least 64) and returns its length, or 0 on
 * failure. Used for ids of stanzas the service originates. */
typedef size_t (*muc_id_fn)(char *buf, size_t cap, void *user_data);

typedef enum muc_log_level {
	MUC_LOG_DEBUG = 0,
	MUC_LOG_INFO = 1,
	MUC_LOG_WARN = 2,
	MUC_LOG_ERROR = 3
} muc_log_level;

/* A log line (borrowed, NUL-terminated, no newline). */
typedef void (*muc_log_fn)(muc_log_level level, const char *message,
			   void *user_data);

/*
 * Optional allocator. Every allocation the library makes for a service goes
 * through it. NULL means malloc/realloc/free. The struct is copied.
 * (mini-XML allocates internally with malloc while parsing input; those
 * blocks are freed before the feeding call returns.)
 */
typedef struct muc_allocator {
	void *(*malloc)(size_t size, void *mem_user_data);
	void *(*realloc)(void *ptr, size_t size, void *mem_user_data);
	void (*free)(void *ptr, void *mem_user_data);
	void *mem_user_data;
} muc_allocator;

/*
 * Durable state (optional). Whenever the durable state of a persistent room
 * changes — configuration, affiliations (with reasons and reserved nicks),
 * subject, its occupant-id secret — the service calls save with the room's
 * whole state serialized (see muc_room_save for the format); the host
 * stores it and returns 0 once it is safely stored (anything else is logged
 * and reported as MUC_ERR_CALLBACK by the call that caused it). When a
 * persistent room is destroyed or becomes temporary, remove is called.
 * Pointers are borrowed for the call. Rooms come back with
 * muc_service_restore_room.
 */
typedef int (*muc_store_save_fn)(const char *room_jid, const char *data,
				 size_t len, void *user_data);
typedef int (*muc_store_remove_fn)(const char *room_jid, void *user_data);

/* Creates an empty hook set; *out is owned by the caller (muc_callbacks_del).
 * Returns MUC_OK, MUC_ERR_INVALID or MUC_ERR_NOMEM. */
MUC_API int muc_callbacks_new(muc_callbacks **out);
MUC_API void muc_callbacks_del(muc_callbacks *callbacks);
/* Setters; NULL clears. The deliver hook is required by muc_service_new.
 * Without a clock, time is 0; without an id source the service counts. */
MUC_API void muc_callbacks_set_deliver(muc_callbacks *cb, muc_deliver_fn fn);
MUC_API void muc_callbacks_set_clock(muc_callbacks *cb, muc_clock_fn fn);
MUC_API void muc_callbacks_set_id(muc_callbacks *cb, muc_id_fn fn);
MUC_API void muc_callbacks_set_log(muc_callbacks *cb, muc_log_fn fn);
/* Both or neither; NULL clears. */
MUC_API void muc_callbacks_set_store(muc_callbacks *cb, muc_store_save_fn save,
				     muc_store_remove_fn remove);

/* ---- The service ------------------------------------------------------- */

/*
 * Creates a service for the MUC domain 'domain' (borrowed, copied after
 * nameprep). 'callbacks' is copied (the caller may free it right after);
 * 'allocator' is copied, or NULL. 'user_data' is passed to every hook.
 * On success *out is owned by the caller (muc_service_free).
 * Errors: MUC_ERR_INVALID (NULL arguments, no deliver hook),
 * MUC_ERR_JID (domain fails nameprep), MUC_ERR_NOMEM.
 */
MUC_API int muc_service_new(muc_service **out, const char *domain,
			    const muc_callbacks *callbacks,
			    const muc_allocator *allocator, void *user_data);

/* Frees the service with all its rooms; sends nothing. NULL is a no-op. */
MUC_API void muc_service_free(muc_service *service);

/*
 * Service options: limits and the defaults of new rooms. Each takes an
 * integer (booleans 0/1). Defaults in brackets.
 */
typedef enum muc_option {
	MUC_OPT_MAX_STANZA_BYTES = 1, /* input stanza size [262144] */
	MUC_OPT_MAX_DEPTH,            /* element nesting of input [32] */
	MUC_OPT_MAX_ROOMS,            /* rooms per service, 0 = no limit [0] */
	MUC_OPT_MAX_OCCUPANTS,        /* occupants per room, 0 = none [0] */
	MUC_OPT_MAX_HISTORY,          /* cap on any room's history [1000] */
	MUC_OPT_RESTRICT_CREATION,    /* 0 anyone, 1 service admins only,
				       * 2 users of the parent domain [0] */
	MUC_OPT_DEFAULT_PERSISTENT,   /* new rooms' defaults: [0] */
	MUC_OPT_DEFAULT_PUBLIC,       /* [0] */
	MUC_OPT_DEFAULT_MEMBERS_ONLY, /* [0] */
	MUC_OPT_DEFAULT_MODERATED,    /* [0] */
	MUC_OPT_DEFAULT_WHOIS_ANYONE, /* [0]: semi-anonymous */
	MUC_OPT_DEFAULT_CHANGE_SUBJECT, /* [0]: moderators only */
	MUC_OPT_DEFAULT_HISTORY_LENGTH, /* [20] */
	MUC_OPT_LOCK_NEW_ROOMS,       /* new rooms locked until configured [1] */
	MUC_OPT_ENFORCE_REGISTERED_NICK, /* a user with a registered nick
				       * joins under it (status 210) and may
				       * not change it [0] */
	MUC_OPT_ADMINS_ARE_OWNERS,    /* service administrators act as owners
				       * of every room [0], as Prosody 13's
				       * component_admins_as_room_owners */
	MUC_OPT_DEFAULT_ALLOW_PM,     /* who may send private messages:
				       * 0 everyone, 1 participants,
				       * 2 moderators, 3 members, 4 no one [0] */
	MUC_OPT_DEFAULT_ALLOW_MODPM,  /* PMs to/from moderators always pass
				       * [0] */
	MUC_OPT_ARCHIVING,            /* the host archives rooms (XEP-0313):
				       * the form offers muc#roomconfig_
				       * enablearchiving, changes announce
				       * 170/171 and a joiner of an archived
				       * room gets 170 [0] */
	MUC_OPT_DEFAULT_ARCHIVING,    /* new rooms archived, with
				       * MUC_OPT_ARCHIVING [1] */
	MUC_OPT_CONFIG_XEP_FIELDS,    /* the form also offers the XEP-0045
				       * registry fields the reference lacks:
				       * muc#roomconfig_passwordprotectedroom,
				       * _maxusers, _roomowners and _roomadmins
				       * (submitted lists grant and revoke
				       * owner and admin) [0] */
	MUC_OPT_WHOIS_REPUBLISH       /* when whois changes, occupants whose
				       * view of real JIDs changes get every
				       * other presence again [0: as the
				       * reference, which sends only 172/173] */
} muc_option;

/* Sets an option. Errors: MUC_ERR_INVALID (unknown option, value out of
 * range: sizes must be positive, counts non-negative). */
MUC_API int muc_service_set_option(muc_service *service, muc_option option,
				   long value);

/* The service's domain (borrowed, lives as long as the service). */
MUC_API const char *muc_service_domain(const muc_service *service);

/*
 * Makes a bare JID a service administrator: it may destroy any room and
 * set anyone's affiliation in any room through the service's ad-hoc
 * commands (XEP-0050, as Prosody's), may create rooms when creation is
 * restricted, may re-create a destroyed room at once, and with
 * MUC_OPT_ADMINS_ARE_OWNERS acts as owner of every room.
 * Errors: MUC_ERR_INVALID, MUC_ERR_JID, MUC_ERR_NOMEM.
 */
MUC_API int muc_service_add_admin(muc_service *service, const char *jid);
/* Takes the rights back. Errors: MUC_ERR_INVALID, MUC_ERR_JID,
 * MUC_ERR_NOT_FOUND (not an administrator). */
MUC_API int muc_service_remove_admin(muc_service *service, const char *jid);

/*
 * Feeds one stanza as UTF-8 XML text (borrowed; need not be NUL-terminated).
 * The stanza must carry 'from' (the sender's full JID, as stamped by the
 * host's server) and 'to' (this service's domain or a JID under it).
 * Every resulting stanza is passed to the deliver hook before this returns.
 * Returns MUC_OK when the stanza was handled, including when the answer is
 * an XMPP error stanza (that is normal protocol behaviour). Returns
 * MUC_ERR_PARSE for input that is not one well-formed stanza (nothing is
 * sent: RFC 6120 treats that as a stream error, which is the host's
 * business), MUC_ERR_TOO_LARGE (over MUC_OPT_MAX_STANZA_BYTES or
 * MUC_OPT_MAX_DEPTH), MUC_ERR_INVALID (no 'from' or 'to'), MUC_ERR_JID
 * (an address that is not a JID and cannot be answered), MUC_ERR_NOT_FOR_US,
 * MUC_ERR_NOMEM, MUC_ERR_CALLBACK.
 */
MUC_API int muc_service_feed(muc_service *service, const char *xml,
			     size_t len);

/*
 * Same as muc_service_feed for a stanza already parsed by mini-XML 3.x.
 * 'stanza' is an mxml_node_t * (declared void * so that this header does not
 * pull in mxml.h); it is borrowed and never modified.
 */
MUC_API int muc_service_feed_tree(muc_service *service, const void *stanza);

/*
 * Parses an outgoing stanza (as passed to the deliver hook) into a mini-XML
 * tree for hosts that work with trees. On success *out (an mxml_node_t **)
 * is owned by the caller, to free with mxmlDelete().
 * Errors: MUC_ERR_INVALID, MUC_ERR_PARSE.
 */
MUC_API int muc_stanza_to_tree(const muc_stanza_out *stanza, void **out);

/* ---- Reading rooms from C ------------------------------------------- */

/* The room with this bare JID ("room@domain"), or NULL. Borrowed: valid
 * until the next call that feeds a stanza or changes/destroys rooms. */
MUC_API muc_room *muc_service_find_room(muc_service *service,
					const char *room_jid);

/* Number of rooms the service holds. */
MUC_API size_t muc_service_room_count(const muc_service *service);

/* Calls fn for each room (in creation order) until it returns non-zero,
 * which is then returned. fn must not feed stanzas or destroy rooms. */
MUC_API int muc_service_foreach_room(muc_service *service,
				     int (*fn)(muc_room *room, void *ud),
				     void *ud);

/* The room's bare JID (borrowed, lives as long as the room). */
MUC_API const char *muc_room_jid(const muc_room *room);

/* Number of occupants (nicknames) in the room. */
MUC_API size_t muc_room_occupant_count(const muc_room *room);

/* What a host can read about an occupant; every pointer is borrowed and
 * valid only during the callback. */
typedef struct muc_occupant_info {
	const char *nick;
	muc_role role;
	muc_affiliation affiliation;
	const char *bare_jid;           /* the occupant's real bare JID */
	const char *const *real_jids;   /* its sessions' full JIDs */
	size_t real_jid_count;
} muc_occupant_info;

/* Calls fn for each occupant in join order until fn returns non-zero. */
MUC_API int muc_room_foreach_occupant(muc_room *room,
				      int (*fn)(const muc_occupant_info *info,
						void *ud),
				      void *ud);

/* The affiliation of a JID (full or bare; a ban of its domain counts). */
MUC_API muc_affiliation muc_room_get_affiliation(const muc_room *room,
						 const char *jid);

/* One entry of the affiliation list; pointers borrowed for the callback.
 * 'reason' and 'nick' (reserved nickname) may be NULL. */
typedef struct muc_affiliation_info {
	const char *jid;
	muc_affiliation affiliation;
	const char *reason;
	const char *nick;
} muc_affiliation_info;

/* Calls fn for each non-'none' affiliation in the order granted. */
MUC_API int muc_room_foreach_affiliation(muc_room *room,
					 int (*fn)(const muc_affiliation_info *,
						   void *ud),
					 void *ud);

/* ---- Acting on rooms without XML ---------------------------------- */

/*
 * Sets 'jid''s affiliation as 'actor' (a full or bare JID whose privileges
 * are checked as for a muc#admin request; NULL acts as the service itself,
 * unrestricted). 'reason' may be NULL. Presence updates and notifications go
 * out through the deliver hook exactly as for the equivalent muc#admin iq.
 * Errors: MUC_ERR_INVALID, MUC_ERR_JID, MUC_ERR_NOT_ALLOWED (a service
 * administrator can only be an owner; otherwise only when an actor is
 * given), MUC_ERR_CONFLICT (an owner stepping down as the last owner, with
 * an actor), MUC_ERR_NOMEM, MUC_ERR_CALLBACK.
 */
MUC_API int muc_room_set_affiliation(muc_room *room, const char *actor,
				     const char *jid,
				     muc_affiliation affiliation,
				     const char *reason);

/*
 * Destroys the room (XEP-0045 §10.9): each occupant gets an unavailable
 * presence with <destroy/> carrying the optional 'reason', alternative venue
 * 'alt_jid' and its 'password' (each may be NULL). The room pointer is
 * invalid afterwards. Strings must be valid XML text (UTF-8, no control
 * characters) and alt_jid a JID. Errors: MUC_ERR_INVALID, MUC_ERR_JID
 * (alt_jid; nothing is done), MUC_ERR_NOMEM, MUC_ERR_CALLBACK (the room is
 * destroyed all the same).
 */
MUC_API int muc_room_destroy(muc_room *room, const char *reason,
			     const char *alt_jid, const char *password);

/*
 * Removes every occupant of every room, as when the service shuts down
 * (XEP-0045 status 332): each gets an unavailable presence with 332.
 * Temporary rooms then go; persistent ones stay. For a host that stops, or
 * that lost its connection and cannot know who is still there.
 * Errors: MUC_ERR_INVALID, MUC_ERR_NOMEM, MUC_ERR_CALLBACK.
 */
MUC_API int muc_service_remove_all_occupants(muc_service *service);

/* ---- Durable state --------------------------------------------------- */

/*
 * Serializes the room's durable state: a UTF-8 XML document
 *   <room xmlns='urn:xmpp:libmuc:room:1' jid='…'>
 *     <option name='…'>value</option>…         (configuration)
 *     <locked/>                                 (not yet configured)
 *     <salt>…</salt>                            (XEP-0421 secret)
 *     <subject from='occupant JID' stamp='ms since epoch'>text</subject>
 *     <affiliation jid='…' affiliation='…' nick='…'><reason>…</reason>
 *     </affiliation>…                           (order granted)
 *   </room>
 * Occupants and history are not durable. On success *out (not
 * NUL-terminated beyond out[len], though out[len] is NUL) is owned by the
 * caller, to free with muc_service_free_buffer. Errors: MUC_ERR_INVALID,
 * MUC_ERR_NOMEM.
 */
MUC_API int muc_room_save(muc_room *room, char **out, size_t *len);
MUC_API void muc_service_free_buffer(muc_service *service, char *buffer);

/*
 * Brings back a room from what muc_room_save produced (data borrowed).
 * The room exists, empty, afterwards; nothing is sent. Errors:
 * MUC_ERR_PARSE (not such a document, or a value out of range: the room is
 * not created), MUC_ERR_NOT_FOR_US (another service's room),
 * MUC_ERR_CONFLICT (the room exists already), MUC_ERR_NOMEM.
 */
MUC_API int muc_service_restore_room(muc_service *service, const char *data,
				     size_t len);

/*
 * The embedded default store: one file per room in a directory, written
 * atomically (temporary file, fsync, rename, fsync of the directory).
 * Opening creates the directory if needed and locks it: a second store on
 * the same directory fails with MUC_ERR_IO (errno EWOULDBLOCK). A room
 * whose file failed to load is remembered: saving or removing it later
 * fails with MUC_ERR_IO (errno EEXIST), so the damaged file is never
 * overwritten. Errors: MUC_ERR_INVALID, MUC_ERR_NOMEM, MUC_ERR_IO (errno
 * kept for the host).
 */
typedef struct muc_dir_store muc_dir_store;
MUC_API int muc_dir_store_open(muc_dir_store **out, const char *path);
MUC_API void muc_dir_store_close(muc_dir_store *store);
/* Store hooks for muc_callbacks_set_store; user_data must be the store
 * (pass it as the service's user_data, or call them from your own hooks). */
MUC_API int muc_dir_store_save(const char *room_jid, const char *data,
			       size_t len, void *store);
MUC_API int muc_dir_store_remove(const char *room_jid, void *store);
/* Restores every room file into the service. A file that is corrupt,
 * truncated or foreign is reported through report (file name and reason;
 * may be NULL), left untouched, and the others still load. Returns the
 * number of rooms restored, or a negative error. */
MUC_API int muc_dir_store_load(muc_dir_store *store, muc_service *service,
			       void (*report)(const char *file,
					      const char *reason, void *ud),
			       void *ud);

#ifdef __cplusplus
}
#endif

#endif /* MUC_H */
