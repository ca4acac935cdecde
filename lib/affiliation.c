/* Affiliations (XEP-0045 §5.2) and the two actions that change who someone
 * is in a room: set an affiliation (§9, §10) and set a role (§8). Whether
 * an actor may is asked of permission.c, like every other handler does. */
#include "common.h"

#include <string.h>

affil_entry *affil_entry_get(const muc_room *r, const char *bare)
{
	return strmap_get(&r->affil_by_jid, bare);
}

/* The bare part of a full or bare JID, into a buffer (NULL if too long). */
const char *bare_of(const char *j, char *tmp, size_t cap)
{
	const char *slash = strchr(j, '/');
	size_t n;
	if (!slash)
		return j;
	n = (size_t)(slash - j);
	if (n >= cap)
		return NULL;
	memcpy(tmp, j, n);
	tmp[n] = '\0';
	return tmp;
}

muc_affiliation affil_get(const muc_room *r, const char *j)
{
	char tmp[3 * JID_PART_MAX + 4];
	const char *bare = bare_of(j, tmp, sizeof tmp), *at;
	affil_entry *e;
	if (!bare)
		return MUC_AFFIL_NONE;
	/* Service administrators may be owners everywhere (an option). */
	if (room_is_service_admin(r, bare))
		return MUC_AFFIL_OWNER;
	e = affil_entry_get(r, bare);
	if (e)
		return e->affiliation;
	/* A ban of a whole domain (§9.1) covers everyone there. */
	at = strchr(bare, '@');
	if (at) {
		e = affil_entry_get(r, at + 1);
		if (e && e->affiliation == MUC_AFFIL_OUTCAST)
			return MUC_AFFIL_OUTCAST;
	}
	return MUC_AFFIL_NONE;
}

affil_entry *affil_by_reserved_nick(const muc_room *r, const char *nick)
{
	return strmap_get(&r->affil_by_nick, nick);
}

/* Drops e's reserved nick from the nick index (if it is e's there). */
static void unindex_nick(muc_room *r, affil_entry *e)
{
	if (e->nick && strmap_get(&r->affil_by_nick, e->nick) == e)
		strmap_del(&r->affil_by_nick, e->nick);
}

static void affil_unlink(muc_room *r, affil_entry *e)
{
	const muc_mem *m = &r->svc->mem;
	strmap_del(&r->affil_by_jid, e->jid);
	unindex_nick(r, e);
	if (e->prev)
		e->prev->next = e->next;
	else
		r->affil_first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		r->affil_last = e->prev;
	mem_free(m, e->jid);
	mem_free(m, e->reason);
	mem_free(m, e->nick);
	mem_free(m, e);
}

int affil_store(muc_room *r, const char *bare, muc_affiliation a,
		const char *reason, const char *nick, bool keep_nick)
{
	const muc_mem *m = &r->svc->mem;
	affil_entry *e = affil_entry_get(r, bare);
	char *new_reason = NULL, *new_nick = NULL;
	bool fresh = false;
	if (a == MUC_AFFIL_NONE) {
		if (e)
			affil_unlink(r, e);
		return MUC_OK;
	}
	/* Everything that can fail first, so that a failure changes
	 * nothing (the room stays as it was). */
	if ((reason && !(new_reason = mem_strdup(m, reason))) ||
	    (!keep_nick && nick && !(new_nick = mem_strdup(m, nick))))
		goto nomem;
	if (!e) {
		e = mem_calloc(m, sizeof *e);
		if (!e)
			goto nomem;
		e->jid = mem_strdup(m, bare);
		if (!e->jid || !strmap_put(&r->affil_by_jid, e->jid, e)) {
			mem_free(m, e->jid);
			mem_free(m, e);
			goto nomem;
		}
		fresh = true;
	}
	if (!keep_nick && new_nick &&
	    !strmap_put(&r->affil_by_nick, new_nick, e)) {
		if (fresh) {
			strmap_del(&r->affil_by_jid, e->jid);
			mem_free(m, e->jid);
			mem_free(m, e);
		}
		goto nomem;
	}
	if (fresh) {
		e->prev = r->affil_last;
		if (r->affil_last)
			r->affil_last->next = e;
		else
			r->affil_first = e;
		r->affil_last = e;
	}
	e->affiliation = a;
	/* As Prosody 13: a change without a reason keeps the one given
	 * before (the affiliation's data outlives the change). */
	if (new_reason) {
		mem_free(m, e->reason);
		e->reason = new_reason;
	}
	if (!keep_nick) {
		if (e->nick && strmap_get(&r->affil_by_nick, e->nick) == e &&
		    !(new_nick && strcmp(new_nick, e->nick) == 0))
			strmap_del(&r->affil_by_nick, e->nick);
		mem_free(m, e->nick);
		e->nick = new_nick;
		if (new_nick)
			strmap_put(&r->affil_by_nick, e->nick, e);
	}
	return MUC_OK;
nomem:
	mem_free(m, new_reason);
	mem_free(m, new_nick);
	return MUC_ERR_NOMEM;
}

static bool covers(const char *entry, muc_affiliation a, const char *bare)
{
	const char *at;
	if (strcmp(entry, bare) == 0)
		return true;
	/* a domain ban reaches everyone of that domain */
	at = strchr(bare, '@');
	return a == MUC_AFFIL_OUTCAST && !strchr(entry, '@') && at &&
	       strcmp(at + 1, entry) == 0;
}

/* Tells the moderators (everyone, in a non-anonymous room) of a change to
 * someone who is not in the room, as the reference does. */
static void notify_absent(muc_room *r, const char *bare, muc_affiliation a,
			  const char *reason, int code)
{
	muc_service *s = r->svc;
	tmpl t;
	tmpl_init(&t, s, "message", r->jid);
	buf_puts(&t.b, "><x");
	buf_attr(&t.b, "xmlns", NS_MUC_USER);
	buf_putc(&t.b, '>');
	if (code) {
		buf_puts(&t.b, "<status");
		buf_attr(&t.b, "code", code == 301 ? "301" : "321");
		buf_puts(&t.b, "/>");
	}
	buf_puts(&t.b, "<item");
	buf_attr(&t.b, "jid", bare);
	buf_attr(&t.b, "affiliation", muc_affiliation_name(a));
	if (reason) {
		buf_puts(&t.b, "><reason>");
		buf_puts_escaped(&t.b, reason);
		buf_puts(&t.b, "</reason></item>");
	} else {
		buf_puts(&t.b, "/>");
	}
	buf_puts(&t.b, "</x></message>");
	tmpl_send_room(r, &t, can_see_real_jids);
	tmpl_free(&t);
}

int room_set_affiliation(muc_room *r, const char *actor, const char *bare,
			 muc_affiliation a, const char *reason,
			 const char *reserve_nick, bool set_nick,
			 const char **etype, const char **econd)
{
	muc_service *s = r->svc;
	affil_entry *te = affil_entry_get(r, bare);
	muc_affiliation old = te ? te->affiliation : MUC_AFFIL_NONE;
	muc_role role;
	muc_occupant *o, **updated = NULL;
	muc_role *old_roles = NULL;
	size_t n = 0, i;
	pres_status ps;
	int rc = room_may_set_affiliation(r, actor, bare, a, etype, econd);
	if (rc)
		return rc;
	/* A reserved nickname is freed of anyone else using it. */
	if (set_nick && reserve_nick) {
		o = room_occupant_by_nick(r, reserve_nick);
		if (o && strcmp(o->bare_jid, bare) != 0)
			room_set_role(r, NULL, o, MUC_ROLE_NONE,
				      "This nickname is reserved", NULL, NULL);
	}
	/* All that can fail comes before anything changes. */
	if (r->noccupants) {
		updated = mem_alloc(&s->mem, r->noccupants * sizeof *updated);
		old_roles = mem_alloc(&s->mem, r->noccupants * sizeof *old_roles);
	}
	if ((r->noccupants && (!updated || !old_roles)) ||
	    affil_store(r, bare, a, reason, reserve_nick, !set_nick)) {
		mem_free(&s->mem, updated);
		mem_free(&s->mem, old_roles);
		if (etype)
			*etype = "wait";
		if (econd)
			*econd = "internal-server-error";
		svc_nomem(s);
		return MUC_ERR_NOMEM;
	}
	role = room_default_role(r, a);
	for (o = r->first; o; o = o->next) {
		muc_role want = role;
		if (!covers(bare, a, o->bare_jid))
			continue;
		if (room_is_service_admin(r, o->bare_jid))
			want = MUC_ROLE_MODERATOR;
		updated[n] = o;
		old_roles[n++] = o->role;
		if (o->role != want && (old > a || o->role < want))
			o->role = want;
	}
	memset(&ps, 0, sizeof ps);
	if (role == MUC_ROLE_NONE)
		ps.codes[ps.ncodes++] = a == MUC_AFFIL_OUTCAST ? 301 : 321;
	ps.actor = actor;
	ps.reason = reason;
	for (i = 0; i < n; i++) {
		o = updated[i];
		ps.prev_role = old_roles[i];
		broadcast_occupant(r, o, &ps);
		if (o->role == MUC_ROLE_NONE) {
			occupant_remove(o);
		} else if (r->cfg.whois == WHOIS_MODERATORS &&
			   (old_roles[i] == MUC_ROLE_MODERATOR) !=
				   (o->role == MUC_ROLE_MODERATOR)) {
			/* JID visibility changed: show the room again. */
			session *ss;
			for (ss = o->sessions; ss; ss = ss->next)
				send_occupant_list(r, ss->real_jid, bare);
		}
	}
	if (n == 0)
		notify_absent(r, bare, a, reason,
			      role == MUC_ROLE_NONE ? ps.codes[0] : 0);
	room_store_changed(r);
	mem_free(&s->mem, updated);
	mem_free(&s->mem, old_roles);
	return MUC_OK;
}

int room_set_role(muc_room *r, const char *actor, muc_occupant *o,
		  muc_role role, const char *reason, const char **etype,
		  const char **econd)
{
	pres_status ps;
	int rc = room_may_set_role(r, actor, o, role, etype, econd);
	if (rc)
		return rc;
	memset(&ps, 0, sizeof ps);
	ps.prev_role = o->role;
	if (role == MUC_ROLE_NONE)
		ps.codes[ps.ncodes++] = 307;
	ps.actor = actor;
	ps.reason = reason;
	o->role = role;
	broadcast_occupant(r, o, &ps);
	if (role == MUC_ROLE_NONE)
		occupant_remove(o);
	return MUC_OK;
}

/* §10.9: everyone leaves with <destroy/>; only each occupant itself is
 * told, as the room is gone for all at once. */
void room_destroy(muc_room *r, const char *reason, const char *alt,
		  const char *password)
{
	muc_service *s = r->svc;
	xnode *d = xnode_new(&s->mem, "destroy", NS_MUC_USER);
	pres_status ps;
	muc_occupant *o;
	if (!d || (alt && !xnode_set_attr(&s->mem, d, "jid", alt)) ||
	    (reason && !xnode_add_text_child(&s->mem, d, "reason", reason)) ||
	    (password &&
	     !xnode_add_text_child(&s->mem, d, "password", password)))
		svc_nomem(s);
	memset(&ps, 0, sizeof ps);
	ps.destroy = d;
	ps.self_only = true;
	for (o = r->first; o; o = o->next) {
		o->role = MUC_ROLE_NONE;
		broadcast_occupant(r, o, &ps);
	}
	xnode_free(&s->mem, d);
	if (r->cfg.persistent)
		tombstone_add(s, r->jid, reason, alt);
	r->destroyed = true;
	room_store_changed(r);
	room_free(r);
}
