/* A room's durable state (configuration, affiliations with reasons and
 * reserved nicks, subject, occupant-id secret) as a small XML document, and
 * back; and telling the host's store whenever that state changes. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_ROOM_STATE "urn:xmpp:libmuc:room:1"

static void option(buf *b, const char *name, const char *value)
{
	buf_puts(b, "<option");
	buf_attr(b, "name", name);
	buf_putc(b, '>');
	buf_puts_escaped(b, value);
	buf_puts(b, "</option>");
}

static void option_int(buf *b, const char *name, long v)
{
	char num[32];
	snprintf(num, sizeof num, "%ld", v);
	option(b, name, num);
}

static void write_state(buf *b, const muc_room *r)
{
	const room_config *c = &r->cfg;
	const affil_entry *e;
	int i;
	buf_puts(b, "<room");
	buf_attr(b, "xmlns", NS_ROOM_STATE);
	buf_attr(b, "jid", r->jid);
	buf_putc(b, '>');
	if (c->name)
		option(b, "name", c->name);
	if (c->description)
		option(b, "description", c->description);
	if (c->language)
		option(b, "language", c->language);
	if (c->password)
		option(b, "password", c->password);
	option(b, "persistent", c->persistent ? "1" : "0");
	option(b, "public", c->public_ ? "1" : "0");
	option(b, "members_only", c->members_only ? "1" : "0");
	option(b, "allow_member_invites", c->allow_member_invites ? "1" : "0");
	option(b, "moderated", c->moderated ? "1" : "0");
	option(b, "change_subject", c->change_subject ? "1" : "0");
	option(b, "whois", c->whois == WHOIS_ANYONE ? "anyone" : "moderators");
	option(b, "allow_pm", pm_policy_name(c->allow_pm));
	option(b, "allow_modpm", c->allow_modpm ? "1" : "0");
	option(b, "archiving", c->archiving ? "1" : "0");
	option_int(b, "max_users", c->max_users);
	option_int(b, "history_length", c->history_length);
	option_int(b, "default_history", c->default_history);
	buf_puts(b, "<option name='presence_broadcast'>");
	for (i = MUC_ROLE_VISITOR; i <= MUC_ROLE_MODERATOR; i++)
		if (c->presence_broadcast & (1u << i)) {
			buf_puts(b, muc_role_name((muc_role)i));
			buf_putc(b, ' ');
		}
	buf_puts(b, "</option>");
	if (r->locked)
		buf_puts(b, "<locked/>");
	buf_puts(b, "<salt>");
	buf_puts_escaped(b, r->oid_salt);
	buf_puts(b, "</salt>");
	if (r->subject_timed) {
		char stamp[32];
		snprintf(stamp, sizeof stamp, "%lld",
			 (long long)r->subject_time_ms);
		buf_puts(b, "<subject");
		if (r->subject_from)
			buf_attr(b, "from", r->subject_from);
		buf_attr(b, "stamp", stamp);
		buf_putc(b, '>');
		if (r->subject)
			buf_puts_escaped(b, r->subject);
		buf_puts(b, "</subject>");
	}
	for (e = r->affil_first; e; e = e->next) {
		buf_puts(b, "<affiliation");
		buf_attr(b, "jid", e->jid);
		buf_attr(b, "affiliation", muc_affiliation_name(e->affiliation));
		if (e->nick)
			buf_attr(b, "nick", e->nick);
		if (e->reason) {
			buf_puts(b, "><reason>");
			buf_puts_escaped(b, e->reason);
			buf_puts(b, "</reason></affiliation>");
		} else {
			buf_puts(b, "/>");
		}
	}
	buf_puts(b, "</room>");
}

int muc_room_save(muc_room *r, char **out, size_t *len)
{
	buf b;
	if (!r || !out || !len)
		return MUC_ERR_INVALID;
	buf_init(&b, &r->svc->mem);
	write_state(&b, r);
	if (!buf_ok(&b)) {
		buf_free(&b);
		return MUC_ERR_NOMEM;
	}
	*out = b.data;
	*len = b.len;
	return MUC_OK;
}

void muc_service_free_buffer(muc_service *s, char *buffer)
{
	if (s)
		mem_free(&s->mem, buffer);
}

void muc_callbacks_set_store(muc_callbacks *cb, muc_store_save_fn save,
			     muc_store_remove_fn remove)
{
	if (!cb)
		return;
	cb->store_save = save && remove ? save : NULL;
	cb->store_remove = save && remove ? remove : NULL;
}

/* Tells the host's store about a change to the room's durable state: the
 * whole state of a persistent room, or its removal once it is not. */
void room_store_changed(muc_room *r)
{
	muc_service *s = r->svc;
	char *data;
	size_t len;
	if (!s->cb.store_save)
		return;
	if (!r->cfg.persistent || r->destroyed) {
		if (r->stored) {
			r->stored = false;
			if (s->cb.store_remove(r->jid, s->user_data) != 0) {
				svc_log(s, MUC_LOG_ERROR,
					"store: removing %s failed", r->jid);
				s->status = MUC_ERR_CALLBACK;
			}
		}
		return;
	}
	if (muc_room_save(r, &data, &len)) {
		svc_nomem(s);
		return;
	}
	if (s->cb.store_save(r->jid, data, len, s->user_data) != 0) {
		svc_log(s, MUC_LOG_ERROR, "store: saving %s failed", r->jid);
		s->status = MUC_ERR_CALLBACK;
	} else {
		r->stored = true;
	}
	mem_free(&s->mem, data);
}

/* ---- Restoring ---------------------------------------------------------- */

static bool parse_flag(const char *v, bool *out)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "0") == 0) {
		*out = v[0] == '1';
		return true;
	}
	return false;
}

static bool parse_num(const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < 0 || n > 1000000)
		return false;
	*out = (int)n;
	return true;
}

static bool set_str(const muc_mem *m, char **slot, const char *v)
{
	char *c = *v ? mem_strdup(m, v) : NULL;
	if (*v && !c)
		return false;
	mem_free(m, *slot);
	*slot = c;
	return true;
}

/* Applies one <option/>; unknown names are ignored (newer writers). */
static int apply_option(const muc_mem *m, room_config *c, const char *name,
			const char *v)
{
	struct {
		const char *name;
		bool *slot;
	} flags[] = {
		{"persistent", &c->persistent},
		{"public", &c->public_},
		{"members_only", &c->members_only},
		{"allow_member_invites", &c->allow_member_invites},
		{"moderated", &c->moderated},
		{"change_subject", &c->change_subject},
		{"allow_modpm", &c->allow_modpm},
		{"archiving", &c->archiving},
	};
	struct {
		const char *name;
		int *slot;
	} nums[] = {
		{"max_users", &c->max_users},
		{"history_length", &c->history_length},
		{"default_history", &c->default_history},
	};
	size_t i;
	for (i = 0; i < sizeof flags / sizeof *flags; i++)
		if (strcmp(name, flags[i].name) == 0)
			return parse_flag(v, flags[i].slot) ? MUC_OK
							    : MUC_ERR_PARSE;
	for (i = 0; i < sizeof nums / sizeof *nums; i++)
		if (strcmp(name, nums[i].name) == 0)
			return parse_num(v, nums[i].slot) ? MUC_OK
							  : MUC_ERR_PARSE;
	if (strcmp(name, "name") == 0)
		return set_str(m, &c->name, v) ? MUC_OK : MUC_ERR_NOMEM;
	if (strcmp(name, "description") == 0)
		return set_str(m, &c->description, v) ? MUC_OK : MUC_ERR_NOMEM;
	if (strcmp(name, "language") == 0)
		return set_str(m, &c->language, v) ? MUC_OK : MUC_ERR_NOMEM;
	if (strcmp(name, "password") == 0)
		return set_str(m, &c->password, v) ? MUC_OK : MUC_ERR_NOMEM;
	if (strcmp(name, "whois") == 0) {
		if (strcmp(v, "anyone") && strcmp(v, "moderators"))
			return MUC_ERR_PARSE;
		c->whois = v[0] == 'a' ? WHOIS_ANYONE : WHOIS_MODERATORS;
		return MUC_OK;
	}
	if (strcmp(name, "allow_pm") == 0)
		return pm_policy_parse(v, &c->allow_pm) ? MUC_OK : MUC_ERR_PARSE;
	if (strcmp(name, "presence_broadcast") == 0) {
		unsigned mask = 0;
		char word[16];
		const char *p = v;
		while (*p) {
			size_t n = strcspn(p, " ");
			muc_role role;
			if (n && n < sizeof word) {
				memcpy(word, p, n);
				word[n] = '\0';
				if (!parse_role(word, &role) ||
				    role == MUC_ROLE_NONE)
					return MUC_ERR_PARSE;
				mask |= 1u << role;
			} else if (n) {
				return MUC_ERR_PARSE;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
		c->presence_broadcast = mask;
		return MUC_OK;
	}
	return MUC_OK;
}

static int restore_affiliation(muc_room *r, const xnode *a)
{
	const char *j = xnode_attr(a, "jid"), *af = xnode_attr(a, "affiliation");
	const char *nick = xnode_attr(a, "nick");
	muc_affiliation aff;
	char *bare;
	int rc;
	if (!j || !af || !parse_affiliation(af, &aff) || aff == MUC_AFFIL_NONE)
		return MUC_ERR_PARSE;
	bare = jid_prep_bare(&r->svc->mem, j, &rc);
	if (!bare)
		return rc == MUC_ERR_NOMEM ? rc : MUC_ERR_PARSE;
	rc = affil_store(r, bare, aff, xnode_child_text(a, "reason", NULL),
			 nick, false);
	mem_free(&r->svc->mem, bare);
	return rc;
}

static int restore_into(muc_room *r, const xnode *x)
{
	const muc_mem *m = &r->svc->mem;
	const xnode *c;
	int rc;
	r->locked = false;
	for (c = xnode_first(x); c; c = xnode_next(c, NULL, NULL)) {
		const char *text = xnode_text(c) ? xnode_text(c) : "";
		if (strcmp(c->name, "option") == 0) {
			const char *name = xnode_attr(c, "name");
			if (!name)
				return MUC_ERR_PARSE;
			rc = apply_option(m, &r->cfg, name, text);
		} else if (strcmp(c->name, "locked") == 0) {
			r->locked = true;
			rc = MUC_OK;
		} else if (strcmp(c->name, "salt") == 0) {
			if (!*text)
				return MUC_ERR_PARSE;
			rc = set_str(m, &r->oid_salt, text) ? MUC_OK
							     : MUC_ERR_NOMEM;
		} else if (strcmp(c->name, "subject") == 0) {
			const char *from = xnode_attr(c, "from");
			const char *stamp = xnode_attr(c, "stamp");
			char *end;
			long long t = stamp ? strtoll(stamp, &end, 10) : 0;
			if (!stamp || end == stamp || *end)
				return MUC_ERR_PARSE;
			r->subject_time_ms = t;
			r->subject_timed = true;
			rc = set_str(m, &r->subject, text) &&
					     set_str(m, &r->subject_from,
						     from ? from : "")
				     ? MUC_OK
				     : MUC_ERR_NOMEM;
		} else if (strcmp(c->name, "affiliation") == 0) {
			rc = restore_affiliation(r, c);
		} else {
			rc = MUC_OK; /* from a newer writer: ignored */
		}
		if (rc)
			return rc;
	}
	if (!r->oid_salt)
		return MUC_ERR_PARSE;
	return MUC_OK;
}

int muc_service_restore_room(muc_service *s, const char *data, size_t len)
{
	xml_limits lim = {64u * 1024 * 1024, 8, false};
	xnode *x;
	jid j;
	muc_room *r;
	int rc;
	if (!s || !data)
		return MUC_ERR_INVALID;
	rc = xml_parse(&s->mem, data, len, &lim, NS_ROOM_STATE, &x);
	if (rc)
		return rc == MUC_ERR_NOMEM ? rc : MUC_ERR_PARSE;
	if (strcmp(x->name, "room") != 0 || strcmp(x->ns, NS_ROOM_STATE) != 0) {
		xnode_free(&s->mem, x);
		return MUC_ERR_PARSE;
	}
	rc = jid_parse(&s->mem, xnode_attr(x, "jid"), &j);
	if (rc) {
		xnode_free(&s->mem, x);
		return rc == MUC_ERR_NOMEM ? rc : MUC_ERR_PARSE;
	}
	if (!j.node || j.resource || strcmp(j.domain, s->domain) != 0) {
		rc = j.node && !j.resource ? MUC_ERR_NOT_FOR_US : MUC_ERR_PARSE;
		goto out;
	}
	if (strmap_get(&s->rooms, j.bare)) {
		rc = MUC_ERR_CONFLICT;
		goto out;
	}
	rc = room_create(s, j.bare, &r);
	if (rc)
		goto out;
	mem_free(&s->mem, r->oid_salt);
	r->oid_salt = NULL;
	rc = restore_into(r, x);
	if (rc) {
		room_free(r);
		goto out;
	}
	r->stored = r->cfg.persistent;
out:
	jid_free(&s->mem, &j);
	xnode_free(&s->mem, x);
	return rc;
}
