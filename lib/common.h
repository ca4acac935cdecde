/* The library's internal types and the functions modules call across files
 * (like libstrophe's common.h). Public API: include/muc.h. */
#ifndef MUC_COMMON_H
#define MUC_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "jid.h"
#include "mem.h"
#include "muc.h"
#include "strmap.h"
#include "xnode.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_MUC_UNIQUE "http://jabber.org/protocol/muc#unique"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_DATA "jabber:x:data"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_REGISTER "jabber:iq:register"
#define NS_DELAY "urn:xmpp:delay"
#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_HINTS "urn:xmpp:hints"
#define NS_CONFERENCE "jabber:x:conference"
#define FORM_ROOMCONFIG "http://jabber.org/protocol/muc#roomconfig"
#define FORM_REGISTER "http://jabber.org/protocol/muc#register"

/* ---- Stanzas as they come in (stanza.c) ------------------------------ */

typedef enum stanza_kind { ST_MESSAGE, ST_PRESENCE, ST_IQ } stanza_kind;

/* One incoming stanza, parsed and validated once at the edge. */
typedef struct stanza {
	stanza_kind kind;
	const char *type; /* NULL when absent */
	const char *id;   /* NULL when absent */
	jid from;         /* prepared sender */
	jid to;           /* prepared recipient */
	xnode *x;         /* the whole stanza */
} stanza;

/* ---- Room configuration (config_form.c) ------------------------------ */

/* Fields of the form that both offering and reading it name, and the
 * reference's history length (and default), also what an empty value
 * restores. */
#define VAR_MEMBER_INVITES \
	"{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites"
#define VAR_MODPM "{xmpp:prosody.im}muc#allow_modpm"
#define DEFAULT_HISTORY 20

typedef enum whois_policy { WHOIS_MODERATORS, WHOIS_ANYONE } whois_policy;

/* muc#roomconfig_allowpm, with Prosody 13's values: the least role that
 * may send private messages, affiliated users, or no one. */
typedef enum pm_policy {
	PM_VISITOR = 0, /* everyone */
	PM_PARTICIPANT,
	PM_MODERATOR,
	PM_AFFILIATED,
	PM_NONE
} pm_policy;
/* The value's name, and parsing one (also the XEP's and older aliases). */
const char *pm_policy_name(pm_policy p);
bool pm_policy_parse(const char *v, pm_policy *out);

typedef struct room_config {
	char *name;
	char *description;
	char *language;
	char *password;     /* NULL: no password */
	bool persistent;
	bool public_;
	bool members_only;
	bool allow_member_invites;
	bool moderated;
	bool change_subject; /* participants may change the subject */
	whois_policy whois;
	pm_policy allow_pm;  /* who may send private messages */
	bool allow_modpm;    /* PMs to and from moderators always pass */
	int max_users;       /* 0: no limit */
	int history_length;
	int default_history; /* messages sent on join without <history/> */
	unsigned presence_broadcast; /* bit per muc_role that is broadcast */
	bool archiving;      /* logged by the host (MUC_OPT_ARCHIVING) */
} room_config;

/* ---- Occupants (occupant.c) -------------------------------------------- */

typedef struct session {
	struct session *next;
	char *real_jid;  /* full JID */
	xnode *presence; /* latest presence from this session, cleaned */
} session;

struct muc_occupant {
	struct muc_occupant *prev, *next; /* join order */
	muc_room *room;
	char *nick;
	char *occupant_jid; /* room@service/nick */
	char *bare_jid;
	muc_role role;
	session *sessions; /* first is the primary one */
	char occupant_id[48]; /* XEP-0421, base64 of an HMAC-SHA256 */
};

/* ---- Affiliations (affiliation.c) -------------------------------------- */

typedef struct affil_entry {
	struct affil_entry *prev, *next; /* order granted */
	char *jid;                       /* bare JID or domain */
	muc_affiliation affiliation;
	char *reason;                    /* why it was granted, if said */
	char *nick;                      /* reserved nickname */
} affil_entry;

/* ---- History (history.c) ------------------------------------------------ */

typedef struct history_entry {
	struct history_entry *prev, *next; /* oldest first */
	int64_t stamp_ms;
	size_t chars;  /* length of the serialized stanza, for maxchars */
	xnode *stanza; /* with from=occupant JID and <delay/> added */
} history_entry;

/* ---- Rooms (room.c) ----------------------------------------------------- */

struct muc_room {
	struct muc_room *prev, *next; /* creation order */
	muc_service *svc;
	char *jid;
	char *oid_salt;      /* per-room secret for occupant ids (XEP-0421) */
	room_config cfg;
	bool locked;
	bool destroyed;
	bool stored;         /* the host's store holds this room */
	strmap by_nick;      /* nick -> occupant */
	strmap by_real;      /* real full JID -> occupant */
	muc_occupant *first, *last;
	size_t noccupants;
	strmap affil_by_jid; /* jid -> affil_entry */
	strmap affil_by_nick; /* reserved nick -> affil_entry */
	affil_entry *affil_first, *affil_last;
	char *subject;       /* NULL: never set */
	char *subject_from;  /* occupant JID that set it, or NULL */
	int64_t subject_time_ms;
	bool subject_timed;  /* a subject was set: joiners get its <delay/> */
	history_entry *hist_first, *hist_last;
	size_t nhistory;
};

/* ---- The service (service.c) -------------------------------------------- */

struct muc_callbacks {
	muc_deliver_fn deliver;
	muc_clock_fn clock;
	muc_id_fn id;
	muc_log_fn log;
	muc_store_save_fn store_save;
	muc_store_remove_fn store_remove;
};

typedef struct tombstone tombstone;

struct muc_service {
	muc_mem mem;
	char *domain;
	struct muc_callbacks cb;
	void *user_data;
	strmap rooms;
	muc_room *room_first, *room_last;
	strmap tombstones;       /* destroyed persistent rooms (tombstone.c) */
	tombstone *tomb_first;
	size_t nrooms;
	char **admins;
	size_t nadmins;
	xml_limits limits;
	room_config defaults;    /* given to new rooms (options.c) */
	size_t max_rooms;        /* 0: no limit */
	size_t max_occupants;    /* 0: no limit */
	int max_history;         /* cap on history_length */
	int restrict_creation;   /* 0 anyone, 1 admins, 2 parent domain */
	bool no_lock;            /* new rooms start unlocked */
	bool enforce_nick;       /* registered nicks are the only ones */
	bool admins_are_owners;  /* service admins own every room */
	bool archiving;          /* the host archives (170/171, form field) */
	bool xep_fields;         /* form shows maxusers, owners, admins */
	bool whois_republish;    /* whois changes re-send presences */
	buf out;        /* scratch for each outgoing stanza */
	uint64_t next_id;
	int status;     /* first error of the current feed (deliver, nomem) */
};

/* ---- Data forms (dataform.c) -------------------------------------------- */

/* The field with that var, or NULL. */
const xnode *form_field(const xnode *form, const char *var);
/* The text of its first <value/> ("" when empty), or NULL when absent. */
const char *form_value(const xnode *form, const char *var);
/* The same, but "" also for a field without a <value/> (NULL: no field). */
const char *form_text(const xnode *form, const char *var);
/* Builders (each NULL-safe in its first node, so calls can be chained):
 * <field type label var>[<desc/>], a <value/>, an <option label/>. */
xnode *form_add_field(const muc_mem *m, xnode *form, const char *var,
		      const char *type, const char *label, const char *desc);
bool form_add_value(const muc_mem *m, xnode *field, const char *value);
bool form_add_option(const muc_mem *m, xnode *field, const char *label,
		     const char *value);
/* How every form the room sends begins: type (form, result), then an
 * optional <title/> and <instructions/>, then the hidden FORM_TYPE. */
bool form_begin(const muc_mem *m, xnode *x, const char *type,
		const char *title, const char *instructions,
		const char *form_type);
/* <feature var/> in a disco#info answer (disco.c). */
bool disco_feature(const muc_mem *m, xnode *q, const char *var);

/* ---- Output (out.c) ----------------------------------------------------- */

/* A stanza serialized once, sent to many: everything after the 'to'
 * attribute is built once; each recipient costs one copy. */
typedef struct tmpl {
	buf b;          /* " from='…' …>…</name>" */
	const char *name;
	const char *from;
} tmpl;

void tmpl_init(tmpl *t, muc_service *s, const char *name, const char *from);
void tmpl_free(tmpl *t);
void tmpl_send(muc_service *s, tmpl *t, const char *to);
/* To every session of one occupant. */
void tmpl_send_occupant(muc_service *s, tmpl *t, const muc_occupant *o);
/* To every session of every occupant pick accepts (NULL: all). */
void tmpl_send_room(muc_room *r, tmpl *t,
		    bool (*pick)(const muc_room *, const muc_occupant *));
/* Sends an xnode stanza with 'to' and 'from' replaced. */
void send_node(muc_service *s, const xnode *st, const char *to,
	       const char *from);
/* An iq result (optionally with a payload), to the stanza's sender. */
void send_result(muc_service *s, const stanza *st, const xnode *payload);
/* An error reply (RFC 6120 §8.3): type, condition, optional text, and
 * 'by' (NULL: none). Extra: an element appended after <error/>, or NULL. */
void send_error(muc_service *s, const stanza *st, const char *type,
		const char *condition, const char *text, const char *by);
void send_error_extra(muc_service *s, const stanza *st, const char *type,
		      const char *condition, const char *text,
		      const char *by, const char *code, bool muc_x);
/* RFC 6120 <gone/> (cancel, by the service) with the new address as its
 * text and the reason as <text/>; either may be NULL. */
void send_error_gone(muc_service *s, const stanza *st, const char *reason,
		     const char *uri);
/* XEP-0050 refusal as the reference words it: forbidden, with the
 * command canceled and a note. */
void send_command_denied(muc_service *s, const stanza *st, const char *node,
			 const char *text);
void svc_log(muc_service *s, muc_log_level lvl, const char *fmt, ...);
int64_t svc_now(muc_service *s);
void svc_nomem(muc_service *s);
/* A fresh stanza id from the host's id hook (or a counter); false when it
 * does not fit cap. */
bool svc_new_id(muc_service *s, char *out, size_t cap);

/* ---- Rooms and their tables (room.c, occupant.c, affiliation.c) ---------- */

int room_create(muc_service *s, const char *room_jid, muc_room **out);
/* Frees the room (no stanzas). */
void room_free(muc_room *r);
/* Removes an empty, non-persistent room from the service. */
void room_reap_if_empty(muc_room *r);
muc_occupant *room_occupant_by_nick(const muc_room *r, const char *nick);
muc_occupant *room_occupant_by_real(const muc_room *r, const char *full);
muc_occupant *occupant_new(muc_room *r, const char *nick,
			   const char *bare_jid);
void occupant_free(muc_room *r, muc_occupant *o);
/* Adds or replaces a session (takes ownership of presence). */
int occupant_set_session(muc_occupant *o, const char *real_jid,
			 xnode *presence);
void occupant_remove_session(muc_occupant *o, const char *real_jid);
session *occupant_session(const muc_occupant *o, const char *real_jid);
/* Unlinks and frees an occupant with no sessions left, or all of them. */
void occupant_remove(muc_occupant *o);
/* A cleaned copy of a client's presence, as the room keeps it. */
xnode *presence_for_storage(muc_service *s, const xnode *p);

muc_affiliation affil_get(const muc_room *r, const char *jid);
affil_entry *affil_entry_get(const muc_room *r, const char *bare);
/* Stores (or removes, for NONE without a reserved nick) an entry. */
int affil_store(muc_room *r, const char *bare, muc_affiliation a,
		const char *reason, const char *nick, bool keep_nick);
affil_entry *affil_by_reserved_nick(const muc_room *r, const char *nick);
/* Is jid (full or bare) a service administrator? */
bool svc_is_admin(const muc_service *s, const char *jid);
bool room_is_service_admin(const muc_room *r, const char *jid);
muc_role room_default_role(const muc_room *r, muc_affiliation a);

/* ---- Broadcasting occupant state (broadcast.c) -------------------------- */

typedef struct pres_status {
	int codes[4];       /* status codes before <item/>, everyone */
	int ncodes;
	int self_codes[4];  /* after those, self only (100, 170, 210) */
	int nself;
	const char *actor;  /* real JID of the actor, or NULL */
	const char *reason;
	const char *new_nick;      /* for 303 */
	const xnode *destroy;      /* <destroy/> to put first, or NULL */
	bool self_only;            /* tell only the occupant itself */
	bool unavailable;          /* leaving this nick, keeping the role */
	muc_role prev_role;        /* role before this change (broadcast) */
	bool hide;                 /* others see it leave; it stays */
	bool vanish;               /* others get its presence as unavailable
				    * (its role is no longer broadcast) */
} pres_status;

/* Sends occupant o's current presence (role NONE: unavailable) to everyone
 * in the room, with statuses, then to o's own sessions with 110. */
void broadcast_occupant(muc_room *r, muc_occupant *o, const pres_status *ps);
/* Sends every occupant's presence, except those of bare JID skip_bare, to
 * one real JID, as that JID may see it. */
void send_occupant_list(muc_room *r, const char *to, const char *skip_bare);
/* Sends o's presence to one occupant, as that occupant may see it. */
/* What a session sees when it leaves a nick its other sessions keep: its
 * own 303 (§7.6), and after joining the new nick, the old one still there
 * (every session's real JID). */
void send_own_nick_change(muc_room *r, const muc_occupant *o,
			  const char *real_jid, const char *new_nick);
void send_occupant_full(muc_room *r, const muc_occupant *o,
			const char *real_jid);
/* ... and one moving into a nick its user's other session holds. */
void send_joining_session(muc_room *r, const muc_occupant *dest,
			  const char *real_jid);
/* Re-sends presences to those whose view of real JIDs changed with the
 * room's whois (it was 'old'). */
void republish_for_whois(muc_room *r, whois_policy old);
void send_occupant_to(muc_room *r, muc_occupant *o, muc_occupant *recipient);

/* ---- Permissions (permission.c): XEP-0045 §5, asked by every handler ---- */

bool can_see_real_jids(const muc_room *r, const muc_occupant *viewer);
typedef enum invite_verdict {
	INVITE_OK,
	INVITE_NO_VOICE,     /* visitors may not invite */
	INVITE_MEMBERS_ONLY  /* not enough affiliation in a members-only room */
} invite_verdict;
invite_verdict perm_invite(const muc_room *r, muc_role role,
			   muc_affiliation a);
bool perm_speak(const muc_occupant *o);
bool perm_change_subject(const muc_room *r, const muc_occupant *o);
bool perm_private_message(const muc_room *r, const muc_occupant *from,
			  const muc_occupant *to);
bool perm_list_affiliation(const muc_room *r, muc_affiliation actor,
			   muc_affiliation list);
bool perm_list_role(muc_role actor);
bool perm_configure(const muc_room *r, const char *actor);
/* The bare part of a full or bare JID, into tmp (NULL if too long). */
const char *bare_of(const char *j, char *tmp, size_t cap);

/* ---- Occupant identifiers (occupant_id.c) ------------------------------- */

#define NS_OCCUPANT_ID "urn:xmpp:occupant-id:0"
/* A fresh secret for a new room. */
char *occupant_id_new_salt(muc_service *s, const char *room_jid);
/* Fills o->occupant_id from the room's salt and o's bare JID. */
void occupant_id_compute(muc_occupant *o);
/* Writes <occupant-id xmlns=… id=…/> for o. */
void occupant_id_write(buf *b, const muc_occupant *o);
/* Replaces any occupant-id in a stanza with o's (no forgery, XEP-0421 §4). */
bool occupant_id_stamp(muc_service *s, xnode *st, const muc_occupant *o);

/* ---- Durable state (persist.c) ------------------------------------------ */

/* Saves a persistent room's state to the host's store (or removes it). */
void room_store_changed(muc_room *r);

/* ---- Tombstones (tombstone.c) ------------------------------------------- */

void tombstone_add(muc_service *s, const char *room_jid, const char *reason,
		   const char *venue);
/* True when the stanza was for a tombstone (answered with <gone/>). */
bool tombstone_check(muc_service *s, stanza *st);
void tombstones_free(muc_service *s);

/* ---- Handlers ------------------------------------------------------------ */

void presence_to_occupant(muc_service *s, muc_room *r, stanza *st);
void presence_to_room(muc_service *s, muc_room *r, stanza *st);
void presence_create_room(muc_service *s, stanza *st);
bool occupant_kick_for_error(muc_room *r, stanza *st, bool only_kickable);
void message_to_room(muc_service *s, muc_room *r, stanza *st);
void message_to_occupant(muc_service *s, muc_room *r, stanza *st);
void iq_to_room(muc_service *s, muc_room *r, stanza *st);
void iq_to_occupant(muc_service *s, muc_room *r, stanza *st);
void iq_to_service(muc_service *s, stanza *st);
void room_join_history_and_subject(muc_room *r, const char *to,
				   const xnode *muc_x);
void history_add(muc_room *r, const xnode *msg);
/* voice_request.c */
bool is_request_form(const xnode *msg);
void voice_request(muc_service *s, muc_room *r, stanza *st);
void history_free(muc_room *r);
void subject_send(muc_room *r, const char *to);

/* XEP-0045 §9-10 actions shared by the iq handlers and the C API.
 * actor NULL: the service itself. Return MUC_OK or an error; *etype and
 * *econd receive the XMPP error to send (when non-NULL). */
int room_set_affiliation(muc_room *r, const char *actor, const char *bare,
			 muc_affiliation a, const char *reason,
			 const char *reserve_nick, bool set_nick,
			 const char **etype, const char **econd);
int room_set_role(muc_room *r, const char *actor, muc_occupant *o,
		  muc_role role, const char *reason, const char **etype,
		  const char **econd);
int room_may_set_affiliation(muc_room *r, const char *actor,
			     const char *bare, muc_affiliation a,
			     const char **etype, const char **econd);
int room_may_set_role(muc_room *r, const char *actor, muc_occupant *o,
		      muc_role role, const char **etype, const char **econd);
bool parse_affiliation(const char *s, muc_affiliation *out);
bool parse_role(const char *s, muc_role *out);
void admin_iq(muc_service *s, muc_room *r, stanza *st, const xnode *q);
void owner_iq(muc_service *s, muc_room *r, stanza *st, const xnode *q);
/* An iq of type get or set (iq.c). */
bool iq_is_request(const stanza *st);
/* adhoc.c: the service's ad-hoc commands (XEP-0050) and their discovery
 * (a node that is no command: service-unavailable, as nobody handles it). */
void adhoc_execute(muc_service *s, stanza *st, const xnode *cmd);
void adhoc_disco(muc_service *s, stanza *st, const xnode *q);
void register_iq(muc_service *s, muc_room *r, stanza *st, const xnode *q);
void disco_room_info(muc_service *s, muc_room *r, stanza *st,
		     const xnode *q);
void room_destroy(muc_room *r, const char *reason, const char *alt,
		  const char *password);

/* Config (config_form.c, config_submit.c) */
void config_defaults(room_config *c);
void config_free(const muc_mem *m, room_config *c);
xnode *config_form(muc_room *r);
/* Applies a submitted form; sends the reply and any announcements. */
void config_submit(muc_room *r, stanza *st, const xnode *form);

#endif
