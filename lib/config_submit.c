/* An owner's submitted muc#roomconfig form (XEP-0045 §10.2): every value
 * is checked against its field's type before anything changes; a form with
 * a value its field cannot take is refused whole with not-acceptable (the
 * reference ignores such values: "FIXME handle form errors" in Prosody's
 * muc.lib.lua). Then the change is applied with the announcements it
 * causes: 322 removals, the owner and admin lists, 104, 170/171, 172/173,
 * and the presences whose real JIDs became visible or hidden. */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VAR_OWNERS "muc#roomconfig_roomowners"
#define VAR_ADMINS "muc#roomconfig_roomadmins"

/* One change of affiliation asked for by the owner and admin lists. */
typedef struct list_change {
	char *bare;
	muc_affiliation aff;
} list_change;

typedef struct change_set {
	room_config next; /* the configuration as submitted */
	bool changed;     /* 104 */
	bool whois_changed;
	bool archiving_changed;
	bool members_only_on;
	const char *invalid; /* the field whose value is refused, or NULL */
	unsigned old_broadcast;
	list_change *lists;  /* owner/admin list changes, grants first */
	size_t nlists;
} change_set;

/* XEP-0004 booleans: 1/true, 0/false. -1 when invalid. */
static int parse_bool(const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	return -1;
}

/* A non-negative xs:integer; very large ones are capped (every limit the
 * value feeds is far smaller). */
static bool parse_count(const char *v, int *out)
{
	char *end;
	long n;
	const char *p = v;
	if (*p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	n = strtol(p, &end, 10);
	if (*end)
		return false;
	*out = errno == ERANGE || n > 1000000 ? 1000000 : (int)n;
	return true;
}

/* An xs:language value (RFC 4646 shape): subtags of 1-8 letters or
 * digits joined by '-', the first letters only. Empty clears it. */
static bool lang_valid(const char *v)
{
	size_t len = 0;
	bool first = true;
	for (;; v++) {
		if (*v == '-' || *v == '\0') {
			if (len == 0 && !(first && *v == '\0'))
				return false;
			if (*v == '\0')
				return true;
			len = 0;
			first = false;
		} else if (isalpha((unsigned char)*v) ||
			   (!first && isdigit((unsigned char)*v))) {
			if (++len > 8)
				return false;
		} else {
			return false;
		}
	}
}

static void refuse(change_set *cs, const char *var)
{
	if (!cs->invalid)
		cs->invalid = var;
}

/* Sets a text option; "" clears it. False only on allocation failure. */
static bool set_text(const muc_mem *m, char **slot, const char *v,
		     bool *changed)
{
	char *c;
	if (!v || (!*v && !*slot) || (*slot && strcmp(*slot, v) == 0))
		return true;
	c = *v ? mem_strdup(m, v) : NULL;
	if (*v && !c)
		return false;
	mem_free(m, *slot);
	*slot = c;
	*changed = true;
	return true;
}

/* A boolean field. As the reference, one submitted without a value (or
 * with an empty one) turns the option off. */
static void read_bool(change_set *cs, const xnode *form, const char *var,
		      bool *slot, bool *changed)
{
	const char *v = form_text(form, var);
	int b;
	if (!v)
		return;
	if ((b = *v ? parse_bool(v) : 0) < 0) {
		refuse(cs, var);
		return;
	}
	if (*slot != (b == 1)) {
		*slot = b == 1;
		*changed = true;
	}
}

/* An integer field. As the reference, an empty one means the default. */
static bool read_count(change_set *cs, const xnode *form, const char *var,
		       int *out)
{
	const char *v = form_value(form, var);
	if (!v)
		return false;
	if (!*v) {
		*out = DEFAULT_HISTORY;
		return true;
	}
	if (!parse_count(v, out)) {
		refuse(cs, var);
		return false;
	}
	return true;
}

static bool read_texts(muc_room *r, const xnode *form, change_set *cs)
{
	const muc_mem *m = &r->svc->mem;
	room_config *n = &cs->next;
	/* a field without a value clears the text, as the reference */
	const char *lang = form_text(form, "muc#roomconfig_lang");
	if (lang && !lang_valid(lang)) {
		refuse(cs, "muc#roomconfig_lang");
		lang = NULL;
	}
	return set_text(m, &n->name, form_text(form, "muc#roomconfig_roomname"),
			&cs->changed) &&
	       set_text(m, &n->description,
			form_text(form, "muc#roomconfig_roomdesc"),
			&cs->changed) &&
	       set_text(m, &n->language, lang, &cs->changed) &&
	       set_text(m, &n->password,
			form_text(form, "muc#roomconfig_roomsecret"),
			&cs->changed);
}

/* muc#roomconfig_passwordprotectedroom (MUC_OPT_CONFIG_XEP_FIELDS): off
 * removes the password; on needs one, submitted or already set. */
static void read_password_flag(muc_room *r, const xnode *form,
			       change_set *cs)
{
	const char *var = "muc#roomconfig_passwordprotectedroom";
	bool on = cs->next.password != NULL, dummy = false;
	if (!form_field(form, var))
		return;
	read_bool(cs, form, var, &on, &dummy);
	if (cs->invalid)
		return;
	if (on && !cs->next.password)
		refuse(cs, "muc#roomconfig_roomsecret");
	else if (!on && cs->next.password) {
		mem_free(&r->svc->mem, cs->next.password);
		cs->next.password = NULL;
		cs->changed = true;
	}
}

static void read_choices(const xnode *form, change_set *cs)
{
	room_config *n = &cs->next;
	const xnode *f;
	/* Without a value the reference fails an assertion; refused. */
	const char *v = form_text(form, "muc#roomconfig_whois");
	if (v) {
		whois_policy w = WHOIS_MODERATORS;
		if (strcmp(v, "anyone") == 0)
			w = WHOIS_ANYONE;
		else if (strcmp(v, "moderators") != 0)
			refuse(cs, "muc#roomconfig_whois");
		if (w != n->whois && !cs->invalid) {
			n->whois = w;
			cs->whois_changed = true; /* 172/173, not 104 */
		}
	}
	f = form_field(form, "muc#roomconfig_presencebroadcast");
	if (f) {
		unsigned mask = 0;
		const xnode *val;
		for (val = xnode_child(f, "value", NULL); val;
		     val = xnode_next(val, "value", NULL)) {
			muc_role role;
			const char *t = xnode_text(val);
			if (!parse_role(t ? t : "", &role))
				refuse(cs, "muc#roomconfig_presencebroadcast");
			else
				mask |= 1u << role;
		}
		/* no role at all: the reference fails (a Lua error) and
		 * changes nothing; refused */
		if (!xnode_child(f, "value", NULL))
			refuse(cs, "muc#roomconfig_presencebroadcast");
		if (mask != n->presence_broadcast) {
			n->presence_broadcast = mask;
			cs->changed = true;
		}
	}
	/* As Prosody 13's restrict_pm: no value restores the default, and
	 * that, like an alias of the value already set, always counts as a
	 * change (104). */
	v = form_text(form, "muc#roomconfig_allowpm");
	if (v) {
		pm_policy k = PM_VISITOR;
		if (*v && !pm_policy_parse(v, &k))
			refuse(cs, "muc#roomconfig_allowpm");
		else if (k != n->allow_pm || !*v ||
			 strcmp(v, pm_policy_name(k)) != 0) {
			n->allow_pm = k;
			cs->changed = true;
		}
	}
	v = form_text(form, VAR_MODPM);
	if (v && !*v) {
		n->allow_modpm = false;
		cs->changed = true;
	}
	v = form_value(form, "muc#roomconfig_maxusers");
	if (v) {
		int k = 0;
		if (strcmp(v, "none") != 0 && !parse_count(v, &k))
			refuse(cs, "muc#roomconfig_maxusers");
		else if (k != n->max_users) {
			n->max_users = k;
			cs->changed = true;
		}
	}
}

static void read_history(const xnode *form, change_set *cs)
{
	room_config *n = &cs->next;
	int k;
	/* As the reference: a submitted history length always counts as a
	 * change (104), and one without a value restores the default. */
	if (form_field(form, "muc#roomconfig_historylength")) {
		if (!read_count(cs, form, "muc#roomconfig_historylength", &k))
			k = DEFAULT_HISTORY;
		n->history_length = k;
		cs->changed = true;
	}
	/* capped by the length; never a 104: the reference's setter does
	 * not report a change */
	if (read_count(cs, form, "muc#roomconfig_defaulthistorymessages",
		       &k))
		n->default_history = k > n->history_length ? n->history_length
							   : k;
}

/* ---- The owner and admin lists (MUC_OPT_CONFIG_XEP_FIELDS) ------------ */

/* The bare JIDs of a jid-multi field, prepared; NULL entries never. */
static bool read_jids(muc_service *s, change_set *cs, const xnode *f,
		      const char *var, char ***out, size_t *n)
{
	const xnode *val;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	for (val = xnode_child(f, "value", NULL); val;
	     val = xnode_next(val, "value", NULL))
		cap++;
	if (!cap)
		return true;
	if (!(*out = mem_calloc(&s->mem, cap * sizeof **out)))
		return false;
	for (val = xnode_child(f, "value", NULL); val;
	     val = xnode_next(val, "value", NULL)) {
		const char *t = xnode_text(val);
		jid j;
		int rc = jid_parse(&s->mem, t ? t : "", &j);
		if (rc == MUC_ERR_NOMEM)
			return false;
		if (rc || j.resource) {
			if (!rc)
				jid_free(&s->mem, &j);
			refuse(cs, var);
			return true;
		}
		(*out)[(*n)++] = j.bare;
		j.bare = NULL;
		jid_free(&s->mem, &j);
	}
	return true;
}

static bool listed(char **jids, size_t n, const char *bare)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(jids[i], bare) == 0)
			return true;
	return false;
}

static void free_jids(muc_service *s, char **jids, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		mem_free(&s->mem, jids[i]);
	mem_free(&s->mem, jids);
}

static bool add_change(muc_service *s, change_set *cs, const char *bare,
		       muc_affiliation a)
{
	list_change *c = mem_realloc(&s->mem, cs->lists,
				     (cs->nlists + 1) * sizeof *c);
	if (!c)
		return false;
	cs->lists = c;
	c[cs->nlists].aff = a;
	if (!(c[cs->nlists].bare = mem_strdup(&s->mem, bare)))
		return false;
	cs->nlists++;
	return true;
}

/* Turns the submitted full lists into affiliation changes: the people
 * listed get owner or admin; those left off a submitted list become
 * "none" (or admin, if on the admin list). Grants come first, so an owner
 * list that hands ownership on is never "the last owner leaving". */
static bool plan_lists(muc_room *r, const xnode *form, change_set *cs)
{
	muc_service *s = r->svc;
	const xnode *fo = form_field(form, VAR_OWNERS);
	const xnode *fa = form_field(form, VAR_ADMINS);
	char **owners = NULL, **admins = NULL;
	size_t no = 0, na = 0, i, owners_before = 0, owners_after = 0;
	const affil_entry *e;
	bool ok = true;
	if (!s->xep_fields || (!fo && !fa))
		return true;
	ok = (!fo || read_jids(s, cs, fo, VAR_OWNERS, &owners, &no)) &&
	     (!fa || read_jids(s, cs, fa, VAR_ADMINS, &admins, &na));
	for (i = 0; ok && !cs->invalid && i < na; i++)
		if (listed(owners, no, admins[i]))
			refuse(cs, VAR_ADMINS); /* one JID, two lists */
	if (!ok || cs->invalid)
		goto done;
	for (i = 0; ok && i < no; i++)
		if (affil_get(r, owners[i]) != MUC_AFFIL_OWNER)
			ok = add_change(s, cs, owners[i], MUC_AFFIL_OWNER);
	for (i = 0; ok && i < na; i++)
		if (affil_get(r, admins[i]) != MUC_AFFIL_ADMIN)
			ok = add_change(s, cs, admins[i], MUC_AFFIL_ADMIN);
	for (e = r->affil_first; ok && e; e = e->next) {
		bool is_owner = e->affiliation == MUC_AFFIL_OWNER;
		if (!is_owner && e->affiliation != MUC_AFFIL_ADMIN)
			continue;
		owners_before += is_owner;
		/* without an owner list, owners stay unless made admins */
		if (is_owner && !fo && !listed(admins, na, e->jid))
			owners_after++;
		if (listed(owners, no, e->jid) || listed(admins, na, e->jid))
			continue;
		if ((is_owner && fo) || (!is_owner && fa))
			ok = add_change(s, cs, e->jid, MUC_AFFIL_NONE);
	}
	owners_after += fo ? no : 0;
	/* service administrators who own every room stay owners */
	for (i = 0; ok && i < cs->nlists; i++)
		if (room_may_set_affiliation(r, NULL, cs->lists[i].bare,
					     cs->lists[i].aff, NULL, NULL))
			refuse(cs, cs->lists[i].aff == MUC_AFFIL_ADMIN
					   ? VAR_ADMINS
					   : VAR_OWNERS);
	/* §10.5: the room is never left without an owner */
	if (ok && owners_before > 0 && owners_after == 0)
		refuse(cs, fo ? VAR_OWNERS : VAR_ADMINS);
done:
	free_jids(s, owners, no);
	free_jids(s, admins, na);
	return ok;
}

static void free_lists(muc_service *s, change_set *cs)
{
	size_t i;
	for (i = 0; i < cs->nlists; i++)
		mem_free(&s->mem, cs->lists[i].bare);
	mem_free(&s->mem, cs->lists);
	cs->lists = NULL;
	cs->nlists = 0;
}

/* Reads the submitted form into cs. False only when memory runs out. */
static bool read_form(muc_room *r, const xnode *form, change_set *cs)
{
	room_config *n = &cs->next;
	read_bool(cs, form, "muc#roomconfig_persistentroom", &n->persistent,
		  &cs->changed);
	read_bool(cs, form, "muc#roomconfig_publicroom", &n->public_,
		  &cs->changed);
	read_bool(cs, form, "muc#roomconfig_membersonly", &n->members_only,
		  &cs->changed);
	read_bool(cs, form, VAR_MEMBER_INVITES, &n->allow_member_invites,
		  &cs->changed);
	read_bool(cs, form, "muc#roomconfig_changesubject",
		  &n->change_subject, &cs->changed);
	read_bool(cs, form, "muc#roomconfig_moderatedroom", &n->moderated,
		  &cs->changed);
	read_bool(cs, form, VAR_MODPM, &n->allow_modpm, &cs->changed);
	if (r->svc->archiving)
		read_bool(cs, form, "muc#roomconfig_enablearchiving",
			  &n->archiving, &cs->archiving_changed);
	if (!read_texts(r, form, cs))
		return false;
	if (r->svc->xep_fields)
		read_password_flag(r, form, cs);
	read_choices(form, cs);
	read_history(form, cs);
	cs->members_only_on = n->members_only && !r->cfg.members_only;
	cs->old_broadcast = r->cfg.presence_broadcast;
	return cs->invalid || plan_lists(r, form, cs);
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

/* §10.2: a room turned members-only removes non-members (322). */
static void remove_non_members(muc_room *r)
{
	muc_occupant *o = r->first, *next;
	pres_status ps;
	memset(&ps, 0, sizeof ps);
	ps.codes[ps.ncodes++] = 322;
	for (; o; o = next) {
		next = o->next;
		if (affil_get(r, o->bare_jid) >= MUC_AFFIL_MEMBER)
			continue;
		/* prev_role: the remaining occupants are told too, as
		 * XEP-0045 §10.2 says (the reference omits it) */
		ps.prev_role = o->role;
		o->role = MUC_ROLE_NONE;
		broadcast_occupant(r, o, &ps);
		occupant_remove(o);
	}
}

/* The submitter's own change comes last: stepping down first would take
 * away its right to make the others. */
static void apply_lists(muc_room *r, stanza *st, change_set *cs)
{
	size_t i;
	int pass;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < cs->nlists; i++) {
			bool own = strcmp(cs->lists[i].bare,
					  st->from.bare) == 0;
			if (own != (pass == 1))
				continue;
			room_set_affiliation(r, st->from.full,
					     cs->lists[i].bare,
					     cs->lists[i].aff, NULL, NULL,
					     false, NULL, NULL);
		}
}

void config_submit(muc_room *r, stanza *st, const xnode *form)
{
	muc_service *s = r->svc;
	const char *type = xnode_attr(form, "type");
	change_set cs;
	whois_policy old_whois = r->cfg.whois;
	int codes[3], n = 0;
	char text[128];
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
		free_lists(s, &cs);
		svc_nomem(s);
		return;
	}
	if (cs.invalid) {
		config_free(&s->mem, &cs.next);
		free_lists(s, &cs);
		snprintf(text, sizeof text, "Invalid value for %s", cs.invalid);
		send_error(s, st, "modify", "not-acceptable", text, NULL);
		return;
	}
	config_free(&s->mem, &r->cfg);
	r->cfg = cs.next;
	r->locked = false;
	if (cs.members_only_on)
		remove_non_members(r);
	apply_lists(r, st, &cs);
	free_lists(s, &cs);
	/* stored before the owner is told it is done (as the reference) */
	room_store_changed(r);
	republish_for_broadcast(r, cs.old_broadcast);
	send_result(s, st, NULL);
	if (cs.changed)
		codes[n++] = 104;
	if (cs.archiving_changed)
		codes[n++] = r->cfg.archiving ? 170 : 171;
	if (cs.whois_changed)
		codes[n++] = r->cfg.whois == WHOIS_ANYONE ? 172 : 173;
	if (n)
		announce(r, codes, n);
	if (cs.whois_changed && s->whois_republish)
		republish_for_whois(r, old_whois);
	room_reap_if_empty(r);
}
