/* Room configuration (XEP-0045 §10.2): the muc#roomconfig form, its
 * defaults (the reference's: temporary, hidden, semi-anonymous, open,
 * unmoderated, unpassworded) and applying a submitted form with the
 * announcements it causes (104, 172/173, and 322 removals). */
#include "common.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VAR_MEMBER_INVITES "{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites"
#define ALL_ROLES ((1u << MUC_ROLE_VISITOR) | (1u << MUC_ROLE_PARTICIPANT) | \
		   (1u << MUC_ROLE_MODERATOR))

void config_defaults(room_config *c)
{
	memset(c, 0, sizeof *c);
	c->whois = WHOIS_MODERATORS;
	c->history_length = 20;
	c->default_history = 20;
	c->presence_broadcast = ALL_ROLES;
}

void config_free(const muc_mem *m, room_config *c)
{
	mem_free(m, c->name);
	mem_free(m, c->description);
	mem_free(m, c->language);
	mem_free(m, c->password);
	c->name = c->description = c->language = c->password = NULL;
}

static bool fixed(const muc_mem *m, xnode *form, const char *text)
{
	return form_add_value(
	    m, form_add_field(m, form, NULL, "fixed", NULL, NULL), text);
}

/* A boolean the reference shows only when set. */
static bool flag(const muc_mem *m, xnode *form, const char *var,
		 const char *label, const char *desc, bool on)
{
	xnode *f = form_add_field(m, form, var, "boolean", label, desc);
	return f && (!on || form_add_value(m, f, "1"));
}

static bool validate(const muc_mem *m, xnode *f, const char *datatype)
{
	xnode *v = f ? xnode_add(m, f, "validate",
				 "http://jabber.org/protocol/xdata-validate")
		     : NULL;
	return v && xnode_set_attr(m, v, "datatype", datatype);
}

static bool number_field(const muc_mem *m, xnode *x, const char *var,
			 const char *label, const char *desc, int n)
{
	char num[32];
	xnode *f = form_add_field(m, x, var, "text-single", label, desc);
	snprintf(num, sizeof num, "%d", n);
	return validate(m, f, "xs:integer") && form_add_value(m, f, num);
}

/* The muc#roomconfig form (§10.2) with the reference's fields, sections,
 * labels and order. */
xnode *config_form(muc_room *r)
{
	const muc_mem *m = &r->svc->mem;
	const room_config *c = &r->cfg;
	char title[64 + 3 * JID_PART_MAX];
	xnode *x = xnode_new(m, "x", NS_DATA), *f;
	bool ok = x != NULL;
	static const muc_role bc_order[] = {
	    MUC_ROLE_MODERATOR, MUC_ROLE_VISITOR, MUC_ROLE_PARTICIPANT};
	unsigned i;
	snprintf(title, sizeof title, "Configuration for %s", r->jid);
	ok = ok && xnode_set_attr(m, x, "type", "form") &&
	     xnode_add_text_child(m, x, "title", title) &&
	     xnode_add_text_child(m, x, "instructions",
				  "Complete and submit this form to configure "
				  "the room.") &&
	     form_add_value(
		 m, form_add_field(m, x, "FORM_TYPE", "hidden", NULL, NULL),
		 FORM_ROOMCONFIG) &&
	     fixed(m, x, "Room information");
	f = ok ? form_add_field(m, x, "muc#roomconfig_roomname", "text-single",
				"Title", NULL)
	       : NULL;
	ok = f && (!c->name || form_add_value(m, f, c->name));
	ok = ok &&
	     form_add_value(m,
			    form_add_field(m, x, "muc#roomconfig_roomdesc",
					   "text-single", "Description",
					   "A brief description of the room"),
			    c->description ? c->description : "");
	f = ok ? form_add_field(
		     m, x, "muc#roomconfig_lang", "text-single",
		     "Language tag for room (e.g. 'en', 'de', 'fr' etc.)",
		     "Indicate the primary language spoken in this room")
	       : NULL;
	ok = validate(m, f, "xs:language") &&
	     form_add_value(m, f, c->language ? c->language : "");
	ok = ok &&
	     flag(m, x, "muc#roomconfig_persistentroom",
		  "Persistent (room should remain even when it is empty)",
		  "Rooms are automatically deleted when they are empty, "
		  "unless this option is enabled",
		  c->persistent) &&
	     form_add_value(
		 m,
		 form_add_field(m, x, "muc#roomconfig_publicroom", "boolean",
				"Include room information in public lists",
				"Enable this to allow people to find the room"),
		 c->public_ ? "1" : "0") &&
	     fixed(m, x, "Access to the room") &&
	     form_add_value(m,
			    form_add_field(m, x, "muc#roomconfig_roomsecret",
					   "text-private", "Password", NULL),
			    c->password ? c->password : "") &&
	     flag(m, x, "muc#roomconfig_membersonly",
		  "Only allow members to join",
		  "Enable this to only allow access for room owners, admins "
		  "and members",
		  c->members_only) &&
	     flag(m, x, VAR_MEMBER_INVITES,
		  "Allow members to invite new members", NULL,
		  c->allow_member_invites) &&
	     fixed(m, x, "Permissions in the room") &&
	     flag(m, x, "muc#roomconfig_changesubject",
		  "Allow anyone to set the room's subject",
		  "Choose whether anyone, or only moderators, may set the "
		  "room's subject",
		  c->change_subject) &&
	     flag(m, x, "muc#roomconfig_moderatedroom",
		  "Moderated (require permission to speak)",
		  "In moderated rooms occupants must be given permission to "
		  "speak by a room moderator",
		  c->moderated);
	f = ok ? form_add_field(
		     m, x, "muc#roomconfig_whois", "list-single",
		     "Addresses (JIDs) of room occupants may be viewed by:",
		     NULL)
	       : NULL;
	ok = form_add_option(m, f, "Moderators only", "moderators") &&
	     form_add_option(m, f, "Anyone", "anyone") &&
	     form_add_value(
		 m, f, c->whois == WHOIS_ANYONE ? "anyone" : "moderators") &&
	     fixed(m, x, "Other options") &&
	     number_field(m, x, "muc#roomconfig_historylength",
			  "Maximum number of history messages returned by "
			  "room",
			  "Specify the maximum number of previous messages "
			  "that should be sent to users when they join the "
			  "room",
			  c->history_length) &&
	     number_field(m, x, "muc#roomconfig_defaulthistorymessages",
			  "Default number of history messages returned by "
			  "room",
			  "Specify the number of previous messages sent to new "
			  "users when they join the room",
			  c->default_history);
	f = ok ? form_add_field(m, x, "muc#roomconfig_presencebroadcast",
				"list-multi",
				"Only show participants with roles:", NULL)
	       : NULL;
	for (i = MUC_ROLE_NONE; f && ok && i <= MUC_ROLE_MODERATOR; i++)
		ok = form_add_option(m, f, muc_role_name((muc_role)i),
				     muc_role_name((muc_role)i));
	for (i = 0; f && ok && i < 3; i++)
		if (c->presence_broadcast & (1u << bc_order[i]))
			ok = form_add_value(m, f, muc_role_name(bc_order[i]));
	ok = ok && f;
	/* muc#roomconfig_allowpm and muc#roomconfig_maxusers (XEP-0045
	 * §15.5.3) are accepted on submission but not shown: the form stays
	 * exactly the reference's, which clients and tests compare. */
	if (!ok) {
		xnode_free(m, x);
		return NULL;
	}
	return x;
}

/* XEP-0004 booleans: 1/true, 0/false. -1 when invalid. */
static int parse_bool(const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	return -1;
}

static bool parse_int(const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < 0 || n > 1000000)
		return false;
	*out = (int)n;
	return true;
}

typedef struct change_set {
	room_config next; /* the configuration as submitted */
	bool changed;     /* 104 */
	bool whois_changed;
	bool members_only_on;
	bool invalid;     /* refuse the whole form (not-acceptable) */
	unsigned old_broadcast;
} change_set;

/* Sets a text option; "" clears it. False only on allocation failure. */
static bool set_text(const muc_mem *m, char **slot, const char *v,
		     bool *changed)
{
	char *c;
	if (!v)
		return true;
	if (!*v && !*slot)
		return true;
	if (*slot && strcmp(*slot, v) == 0)
		return true;
	c = *v ? mem_strdup(m, v) : NULL;
	if (*v && !c)
		return false;
	mem_free(m, *slot);
	*slot = c;
	*changed = true;
	return true;
}

static void set_bool(bool *slot, const char *v, bool *changed)
{
	int b;
	if (!v || (b = parse_bool(v)) < 0)
		return; /* absent or not a boolean: ignored, as the reference */
	if (*slot != (b == 1)) {
		*slot = b == 1;
		*changed = true;
	}
}

static void set_int(int *slot, const char *v, bool *changed)
{
	int k;
	if (!v || !parse_int(v, &k) || k == *slot)
		return;
	*slot = k;
	*changed = true;
}

/* Reads the submitted form into cs->next. Values that do not fit a field's
 * type are ignored, as the reference ignores them. False only when memory
 * runs out. */
static bool read_form(muc_room *r, const xnode *form, change_set *cs)
{
	const muc_mem *m = &r->svc->mem;
	room_config *n = &cs->next;
	bool public_ = n->public_;
	const xnode *f;
	const char *v;
	set_bool(&n->persistent,
		 form_value(form, "muc#roomconfig_persistentroom"),
		 &cs->changed);
	set_bool(&public_, form_value(form, "muc#roomconfig_publicroom"),
		 &cs->changed);
	n->public_ = public_;
	set_bool(&n->members_only,
		 form_value(form, "muc#roomconfig_membersonly"),
		 &cs->changed);
	set_bool(&n->allow_member_invites,
		 form_value(form, VAR_MEMBER_INVITES), &cs->changed);
	set_bool(&n->change_subject,
		 form_value(form, "muc#roomconfig_changesubject"),
		 &cs->changed);
	set_bool(&n->moderated,
		 form_value(form, "muc#roomconfig_moderatedroom"),
		 &cs->changed);
	if (!set_text(m, &n->name, form_value(form, "muc#roomconfig_roomname"),
		      &cs->changed) ||
	    !set_text(m, &n->description,
		      form_value(form, "muc#roomconfig_roomdesc"),
		      &cs->changed) ||
	    !set_text(m, &n->language, form_value(form, "muc#roomconfig_lang"),
		      &cs->changed) ||
	    !set_text(m, &n->password,
		      form_value(form, "muc#roomconfig_roomsecret"),
		      &cs->changed))
		return false;
	v = form_value(form, "muc#roomconfig_whois");
	if (v) {
		whois_policy w;
		if (strcmp(v, "anyone") == 0)
			w = WHOIS_ANYONE;
		else if (strcmp(v, "moderators") == 0)
			w = WHOIS_MODERATORS;
		else {
			/* The reference fails an assertion and never answers;
			 * we refuse the form as XEP-0045 §10.2 expects. */
			cs->invalid = true;
			return true;
		}
		if (w != n->whois) {
			n->whois = w;
			cs->whois_changed = true; /* 172/173, not 104 */
		}
	}
	/* As the reference: a submitted history length always counts as a
	 * change (104), and one that is not a number restores the default. */
	if (form_field(form, "muc#roomconfig_historylength")) {
		int k;
		v = form_value(form, "muc#roomconfig_historylength");
		if (!v || !parse_int(v, &k))
			k = 20;
		n->history_length = k;
		cs->changed = true;
	}
	v = form_value(form, "muc#roomconfig_defaulthistorymessages");
	if (v) {
		int k;
		if (!parse_int(v, &k))
			k = 20;
		if (k > n->history_length)
			k = n->history_length;
		if (k != n->default_history) {
			n->default_history = k;
			cs->changed = true;
		}
	}
	f = form_field(form, "muc#roomconfig_presencebroadcast");
	if (f) {
		unsigned mask = 0;
		const xnode *val;
		bool valid = true;
		for (val = xnode_child(f, "value", NULL); val;
		     val = xnode_next(val, "value", NULL)) {
			muc_role role;
			const char *t = xnode_text(val);
			if (!parse_role(t ? t : "", &role))
				valid = false;
			else
				mask |= 1u << role;
		}
		if (valid && mask != n->presence_broadcast) {
			n->presence_broadcast = mask;
			cs->changed = true;
		}
	}
	v = form_value(form, "muc#roomconfig_allowpm");
	if (v) {
		pm_policy k;
		if (pm_policy_parse(v, &k) && k != n->allow_pm) {
			n->allow_pm = k;
			cs->changed = true;
		}
	}
	set_bool(&n->allow_modpm,
		 form_value(form, "{xmpp:prosody.im}muc#allow_modpm"),
		 &cs->changed);
	set_int(&n->max_users, form_value(form, "muc#roomconfig_maxusers"),
		&cs->changed);
	cs->members_only_on = n->members_only && !r->cfg.members_only;
	cs->old_broadcast = r->cfg.presence_broadcast;
	return true;
}

/* Copies the strings of c so that a failed submit leaves the room as it
 * was. */
static bool config_copy(const muc_mem *m, room_config *dst,
			const room_config *src)
{
	*dst = *src;
	dst->name = mem_strdup(m, src->name);
	dst->description = mem_strdup(m, src->description);
	dst->language = mem_strdup(m, src->language);
	dst->password = mem_strdup(m, src->password);
	if ((src->name && !dst->name) ||
	    (src->description && !dst->description) ||
	    (src->language && !dst->language) ||
	    (src->password && !dst->password)) {
		config_free(m, dst);
		return false;
	}
	return true;
}

static void announce(muc_room *r, const int *codes, int n)
{
	tmpl t;
	int i;
	char num[16];
	tmpl_init(&t, r->svc, "message", r->jid);
	buf_attr(&t.b, "type", "groupchat");
	buf_puts(&t.b, "><x");
	buf_attr(&t.b, "xmlns", NS_MUC_USER);
	buf_putc(&t.b, '>');
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%d", codes[i]);
		buf_puts(&t.b, "<status");
		buf_attr(&t.b, "code", num);
		buf_puts(&t.b, "/>");
	}
	buf_puts(&t.b, "</x></message>");
	tmpl_send_room(r, &t, NULL);
	tmpl_free(&t);
}

/* When the roles whose presence is broadcast change, occupants of a role
 * now shown are shown, and those of a role now hidden are seen leaving
 * (while staying), as the reference does. */
static void republish_for_broadcast(muc_room *r, unsigned old)
{
	unsigned now = r->cfg.presence_broadcast;
	muc_occupant *o;
	if (old == now)
		return;
	for (o = r->first; o; o = o->next) {
		unsigned bit = 1u << o->role;
		pres_status ps;
		memset(&ps, 0, sizeof ps);
		if ((now & bit) && !(old & bit)) {
			broadcast_occupant(r, o, &ps);
		} else if ((old & bit) && !(now & bit)) {
			ps.hide = true;
			broadcast_occupant(r, o, &ps);
		}
	}
}

void config_submit(muc_room *r, stanza *st, const xnode *form)
{
	muc_service *s = r->svc;
	const char *type = xnode_attr(form, "type");
	change_set cs;
	int codes[3], n = 0;
	if (type && strcmp(type, "cancel") == 0) {
		send_result(s, st, NULL);
		return;
	}
	if (!type || strcmp(type, "submit") != 0) {
		send_error(s, st, "cancel", "bad-request",
			   "Not a submitted form", NULL);
		return;
	}
	/* An empty submission accepts the defaults (instant room, §10.1.2). */
	if (xnode_first(form)) {
		const char *ft = form_value(form, "FORM_TYPE");
		if (!ft || strcmp(ft, FORM_ROOMCONFIG) != 0) {
			send_error(s, st, "cancel", "bad-request",
				   "Form is not of type room configuration",
				   NULL);
			return;
		}
	}
	memset(&cs, 0, sizeof cs);
	if (!config_copy(&s->mem, &cs.next, &r->cfg)) {
		svc_nomem(s);
		return;
	}
	if (!read_form(r, form, &cs)) {
		config_free(&s->mem, &cs.next);
		svc_nomem(s);
		return;
	}
	if (cs.invalid) {
		config_free(&s->mem, &cs.next);
		send_error(s, st, "modify", "not-acceptable", NULL, NULL);
		return;
	}
	config_free(&s->mem, &r->cfg);
	r->cfg = cs.next;
	r->locked = false;
	/* §10.2: a room turned members-only removes non-members (322). */
	if (cs.members_only_on) {
		muc_occupant *o = r->first, *next;
		pres_status ps;
		memset(&ps, 0, sizeof ps);
		ps.codes[ps.ncodes++] = 322;
		for (; o; o = next) {
			next = o->next;
			if (affil_get(r, o->bare_jid) >= MUC_AFFIL_MEMBER)
				continue;
			/* prev_role: the remaining occupants are told too,
			 * as XEP-0045 §10.2 says (the reference omits it) */
			ps.prev_role = o->role;
			o->role = MUC_ROLE_NONE;
			broadcast_occupant(r, o, &ps);
			occupant_remove(o);
		}
	}
	/* stored before the owner is told it is done (as the reference) */
	room_store_changed(r);
	republish_for_broadcast(r, cs.old_broadcast);
	send_result(s, st, NULL);
	if (cs.changed)
		codes[n++] = 104;
	if (cs.whois_changed)
		codes[n++] = r->cfg.whois == WHOIS_ANYONE ? 172 : 173;
	if (n)
		announce(r, codes, n);
	room_reap_if_empty(r);
}
