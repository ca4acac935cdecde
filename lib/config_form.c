/* Room configuration (XEP-0045 §10.2): the muc#roomconfig form, its
 * defaults (the reference's: temporary, hidden, semi-anonymous, open,
 * unmoderated, unpassworded) and applying a submitted form with the
 * announcements it causes (104, 172/173, and 322 removals). */
#include "common.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_ROLES ((1u << MUC_ROLE_VISITOR) | (1u << MUC_ROLE_PARTICIPANT) | \
		   (1u << MUC_ROLE_MODERATOR))

void config_defaults(room_config *c)
{
	memset(c, 0, sizeof *c);
	c->whois = WHOIS_MODERATORS;
	c->change_subject = true;
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

static const char *const pm_names[] = {"anyone", "participants",
				       "moderators", "none"};

/* Adds <field var type label><value>…</value></field>. */
static xnode *field(const muc_mem *m, xnode *form, const char *var,
		    const char *type, const char *label, const char *value)
{
	xnode *f = xnode_add(m, form, "field", NULL);
	if (!f || !xnode_set_attr(m, f, "var", var) ||
	    !xnode_set_attr(m, f, "type", type) ||
	    (label && !xnode_set_attr(m, f, "label", label)) ||
	    (value && !xnode_add_text_child(m, f, "value", value)))
		return NULL;
	return f;
}

static bool option(const muc_mem *m, xnode *f, const char *label,
		   const char *value)
{
	xnode *o = f ? xnode_add(m, f, "option", NULL) : NULL;
	return o && xnode_set_attr(m, o, "label", label) &&
	       xnode_add_text_child(m, o, "value", value);
}

xnode *config_form(muc_room *r)
{
	const muc_mem *m = &r->svc->mem;
	const room_config *c = &r->cfg;
	char num[32], title[64 + 3 * JID_PART_MAX];
	xnode *x = xnode_new(m, "x", NS_DATA), *f;
	bool ok = x != NULL;
	unsigned i;
	snprintf(title, sizeof title, "Configuration for %s", r->jid);
	ok = ok && xnode_set_attr(m, x, "type", "form") &&
	     xnode_add_text_child(m, x, "title", title) &&
	     xnode_add_text_child(m, x, "instructions",
				  "Complete and submit this form to configure "
				  "the room.") &&
	     field(m, x, "FORM_TYPE", "hidden", NULL, FORM_ROOMCONFIG) &&
	     field(m, x, "muc#roomconfig_roomname", "text-single", "Title",
		   c->name ? c->name : "") &&
	     field(m, x, "muc#roomconfig_roomdesc", "text-single",
		   "Description", c->description ? c->description : "") &&
	     field(m, x, "muc#roomconfig_lang", "text-single", "Language",
		   c->language ? c->language : "") &&
	     field(m, x, "muc#roomconfig_persistentroom", "boolean",
		   "Persistent (room should remain even when it is not "
		   "occupied)", c->persistent ? "1" : "0") &&
	     field(m, x, "muc#roomconfig_publicroom", "boolean",
		   "Include room information in public lists",
		   c->public_ ? "1" : "0") &&
	     field(m, x, "muc#roomconfig_roomsecret", "text-private",
		   "Password", c->password ? c->password : "") &&
	     field(m, x, "muc#roomconfig_passwordprotectedroom", "boolean",
		   "Password protected", c->password ? "1" : "0") &&
	     field(m, x, "muc#roomconfig_moderatedroom", "boolean",
		   "Moderated (require permission to speak)",
		   c->moderated ? "1" : "0") &&
	     field(m, x, "muc#roomconfig_membersonly", "boolean",
		   "Only allow members to join", c->members_only ? "1" : "0") &&
	     field(m, x, "muc#roomconfig_allowinvites", "boolean",
		   "Allow members to invite new members",
		   c->allow_member_invites ? "1" : "0") &&
	     field(m, x, "muc#roomconfig_changesubject", "boolean",
		   "Allow anyone to set the room's subject",
		   c->change_subject ? "1" : "0");
	f = ok ? field(m, x, "muc#roomconfig_whois", "list-single",
		       "Addresses (JIDs) of room occupants may be viewed by:",
		       c->whois == WHOIS_ANYONE ? "anyone" : "moderators")
	       : NULL;
	ok = f && option(m, f, "Moderators only", "moderators") &&
	     option(m, f, "Anyone", "anyone");
	f = ok ? field(m, x, "muc#roomconfig_allowpm", "list-single",
		       "Allow private messages from",
		       pm_names[c->allow_pm & 3])
	       : NULL;
	for (i = 0; f && i < 4; i++)
		ok = ok && option(m, f, pm_names[i], pm_names[i]);
	ok = ok && f;
	f = ok ? field(m, x, "muc#roomconfig_presencebroadcast", "list-multi",
		       "Roles whose presence is broadcast", NULL)
	       : NULL;
	for (i = MUC_ROLE_VISITOR; f && ok && i <= MUC_ROLE_MODERATOR; i++)
		if (c->presence_broadcast & (1u << i))
			ok = xnode_add_text_child(m, f, "value",
						  muc_role_name((muc_role)i));
	for (i = MUC_ROLE_VISITOR; f && ok && i <= MUC_ROLE_MODERATOR; i++)
		ok = option(m, f, muc_role_name((muc_role)i),
			    muc_role_name((muc_role)i));
	ok = ok && f;
	snprintf(num, sizeof num, "%d", c->max_users);
	ok = ok && field(m, x, "muc#roomconfig_maxusers", "text-single",
			 "Maximum number of occupants (0: no limit)", num);
	snprintf(num, sizeof num, "%d", c->history_length);
	ok = ok && field(m, x, "muc#roomconfig_historylength", "text-single",
			 "Maximum number of history messages returned by room",
			 num);
	if (!ok) {
		xnode_free(m, x);
		return NULL;
	}
	return x;
}

/* A submitted field's values. */
static const xnode *find_field(const xnode *form, const char *var)
{
	const xnode *f;
	for (f = xnode_child(form, "field", NULL); f;
	     f = xnode_next(f, "field", NULL)) {
		const char *v = xnode_attr(f, "var");
		if (v && strcmp(v, var) == 0)
			return f;
	}
	return NULL;
}

static const char *field_value(const xnode *form, const char *var)
{
	const xnode *f = find_field(form, var);
	return f ? xnode_child_text(f, "value", NULL) : NULL;
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
	bool changed;
	bool whois_changed;
	bool members_only_on;
} change_set;

static bool set_text(const muc_mem *m, char **slot, const char *v,
		     bool *changed)
{
	char *c;
	if (!v)
		return true;
	if ((*slot ? *slot : (char *)"")[0] == '\0' && !*v)
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

/* Reads the form into cs->next; false with an error condition. */
static bool read_form(muc_room *r, const xnode *form, change_set *cs,
		      const char **cond)
{
	const muc_mem *m = &r->svc->mem;
	room_config *n = &cs->next;
	static const struct {
		const char *var;
		size_t off;
	} bools[] = {
		{"muc#roomconfig_persistentroom",
		 offsetof(room_config, persistent)},
		{"muc#roomconfig_publicroom", offsetof(room_config, public_)},
		{"muc#roomconfig_membersonly",
		 offsetof(room_config, members_only)},
		{"muc#roomconfig_allowinvites",
		 offsetof(room_config, allow_member_invites)},
		{"muc#roomconfig_moderatedroom",
		 offsetof(room_config, moderated)},
		{"muc#roomconfig_changesubject",
		 offsetof(room_config, change_subject)},
	};
	const char *v;
	size_t i;
	int pw_protected = -1;
	*cond = "not-acceptable";
	for (i = 0; i < sizeof bools / sizeof *bools; i++) {
		bool *slot = (bool *)((char *)n + bools[i].off);
		int b;
		v = field_value(form, bools[i].var);
		if (!v)
			continue;
		b = parse_bool(v);
		if (b < 0)
			return false;
		if (*slot != (b == 1)) {
			*slot = b == 1;
			cs->changed = true;
		}
	}
	v = field_value(form, "muc#roomconfig_passwordprotectedroom");
	if (v && (pw_protected = parse_bool(v)) < 0)
		return false;
	if (!set_text(m, &n->name, field_value(form, "muc#roomconfig_roomname"),
		      &cs->changed) ||
	    !set_text(m, &n->description,
		      field_value(form, "muc#roomconfig_roomdesc"),
		      &cs->changed) ||
	    !set_text(m, &n->language, field_value(form, "muc#roomconfig_lang"),
		      &cs->changed) ||
	    !set_text(m, &n->password,
		      pw_protected == 0 ? "" :
		      field_value(form, "muc#roomconfig_roomsecret"),
		      &cs->changed)) {
		*cond = "internal-server-error";
		return false;
	}
	v = field_value(form, "muc#roomconfig_whois");
	if (v) {
		whois_policy w;
		if (strcmp(v, "anyone") == 0)
			w = WHOIS_ANYONE;
		else if (strcmp(v, "moderators") == 0)
			w = WHOIS_MODERATORS;
		else
			return false;
		if (w != n->whois) {
			n->whois = w;
			cs->changed = cs->whois_changed = true;
		}
	}
	v = field_value(form, "muc#roomconfig_allowpm");
	if (v) {
		int k;
		for (k = 0; k < 4 && strcmp(v, pm_names[k]); k++)
			;
		if (k == 4)
			return false;
		if (k != n->allow_pm) {
			n->allow_pm = k;
			cs->changed = true;
		}
	}
	{
		static const struct {
			const char *var;
			size_t off;
		} ints[] = {
			{"muc#roomconfig_maxusers",
			 offsetof(room_config, max_users)},
			{"muc#roomconfig_historylength",
			 offsetof(room_config, history_length)},
		};
		for (i = 0; i < sizeof ints / sizeof *ints; i++) {
			int *slot = (int *)((char *)n + ints[i].off), k;
			v = field_value(form, ints[i].var);
			if (!v || !*v)
				continue;
			if (!parse_int(v, &k))
				return false;
			if (k != *slot) {
				*slot = k;
				cs->changed = true;
			}
		}
	}
	{
		const xnode *f =
			find_field(form, "muc#roomconfig_presencebroadcast");
		if (f) {
			unsigned mask = 0;
			const xnode *val;
			for (val = xnode_child(f, "value", NULL); val;
			     val = xnode_next(val, "value", NULL)) {
				muc_role role;
				const char *t = xnode_text(val);
				if (!parse_role(t ? t : "", &role) ||
				    role == MUC_ROLE_NONE)
					return false;
				mask |= 1u << role;
			}
			if (mask != n->presence_broadcast) {
				n->presence_broadcast = mask;
				cs->changed = true;
			}
		}
	}
	cs->members_only_on = n->members_only && !r->cfg.members_only;
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
	muc_occupant *o;
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
	for (o = r->first; o; o = o->next) {
		session *ss;
		for (ss = o->sessions; ss; ss = ss->next)
			tmpl_send(r->svc, &t, ss->real_jid);
	}
	tmpl_free(&t);
}

void config_submit(muc_room *r, stanza *st, const xnode *form)
{
	muc_service *s = r->svc;
	const char *type = xnode_attr(form, "type");
	change_set cs;
	const char *cond;
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
		const char *ft = field_value(form, "FORM_TYPE");
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
	if (!read_form(r, form, &cs, &cond)) {
		config_free(&s->mem, &cs.next);
		send_error(s, st, "modify", cond, NULL, NULL);
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
			o->role = MUC_ROLE_NONE;
			broadcast_occupant(r, o, &ps);
			occupant_remove(o);
		}
	}
	send_result(s, st, NULL);
	if (cs.changed)
		codes[n++] = 104;
	if (cs.whois_changed)
		codes[n++] = r->cfg.whois == WHOIS_ANYONE ? 172 : 173;
	if (n)
		announce(r, codes, n);
	room_reap_if_empty(r);
}
