/* muc#admin (XEP-0045 §8, §9): changing and listing roles and
 * affiliations. A request's items are all checked before any is applied,
 * so a list either takes effect whole or not at all. */
#include "common.h"

#include <string.h>

bool parse_affiliation(const char *s, muc_affiliation *out)
{
	static const muc_affiliation all[] = {
		MUC_AFFIL_OUTCAST, MUC_AFFIL_NONE, MUC_AFFIL_MEMBER,
		MUC_AFFIL_ADMIN, MUC_AFFIL_OWNER};
	size_t i;
	for (i = 0; s && i < sizeof all / sizeof *all; i++)
		if (strcmp(s, muc_affiliation_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	return false;
}

bool parse_role(const char *s, muc_role *out)
{
	int i;
	for (i = MUC_ROLE_NONE; s && i <= MUC_ROLE_MODERATOR; i++)
		if (strcmp(s, muc_role_name((muc_role)i)) == 0) {
			*out = (muc_role)i;
			return true;
		}
	return false;
}

/* One <item/> of a set request, resolved. */
typedef struct admin_op {
	bool is_role;
	char *bare;           /* affiliation target */
	muc_affiliation aff;
	muc_occupant *target; /* role target */
	muc_role role;
	char *nick;           /* prepared nick, or NULL */
	const char *reason;
} admin_op;

/* Why an item was refused: the XMPP error to send. */
typedef struct admin_err {
	const char *type;
	const char *cond;
	const char *text;
} admin_err;

static void free_ops(muc_service *s, admin_op *ops, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		mem_free(&s->mem, ops[i].bare);
		mem_free(&s->mem, ops[i].nick);
	}
	mem_free(&s->mem, ops);
}

static int fail(admin_err *e, const char *type, const char *cond,
		const char *text, int rc)
{
	e->type = type;
	e->cond = cond;
	e->text = text;
	return rc;
}

/* Prepares a nick as the resource of the room's JID would be. */
static char *prep_nick(muc_service *s, muc_room *r, const char *nick, int *rc)
{
	size_t lr = strlen(r->jid), ln = strlen(nick);
	char *full = mem_alloc(&s->mem, lr + ln + 2), *res = NULL;
	jid j;
	if (!full) {
		*rc = MUC_ERR_NOMEM;
		return NULL;
	}
	memcpy(full, r->jid, lr);
	full[lr] = '/';
	memcpy(full + lr + 1, nick, ln + 1);
	*rc = jid_parse(&s->mem, full, &j);
	mem_free(&s->mem, full);
	if (*rc)
		return NULL;
	res = j.resource;
	j.resource = NULL;
	jid_free(&s->mem, &j);
	return res;
}

/* Resolves and checks one item (XEP-0045 §8-§10 as the reference reads
 * them: a nick alone names an occupant's JID for affiliation changes, a JID
 * alone names an occupant's nick for role changes). */
static int resolve(muc_service *s, muc_room *r, const char *actor,
		   const xnode *item, admin_op *op, admin_err *err)
{
	const char *jid_s = xnode_attr(item, "jid");
	const char *nick_s = xnode_attr(item, "nick");
	const char *aff = xnode_attr(item, "affiliation");
	const char *role = xnode_attr(item, "role");
	int rc;
	memset(op, 0, sizeof *op);
	op->reason = xnode_child_text(item, "reason", NULL);
	if (jid_s) {
		jid j;
		rc = jid_parse(&s->mem, jid_s, &j);
		if (rc == MUC_ERR_NOMEM)
			return fail(err, "wait", "internal-server-error", NULL,
				    rc);
		if (rc)
			return fail(err, "modify", "jid-malformed", NULL, rc);
		if (j.resource) {
			jid_free(&s->mem, &j);
			return fail(err, "modify", "jid-malformed",
				    "Bare JID expected, got full JID",
				    MUC_ERR_JID);
		}
		op->bare = j.bare;
		j.bare = NULL;
		jid_free(&s->mem, &j);
	}
	if (nick_s && *nick_s) {
		op->nick = prep_nick(s, r, nick_s, &rc);
		if (!op->nick)
			return rc == MUC_ERR_NOMEM
				       ? fail(err, "wait",
					      "internal-server-error", NULL, rc)
				       : fail(err, "modify", "jid-malformed",
					      "invalid nickname", MUC_ERR_JID);
	} else if (nick_s) {
		/* An empty nick (which resourceprep lets through) names no
		 * one, as in the reference: a role change finds no
		 * occupant, an affiliation change by nick alone no JID, and
		 * one with a JID reserves nothing. */
		if (role && !aff)
			return fail(err, "modify", "item-not-found", NULL,
				    MUC_ERR_NOT_FOUND);
		if (!jid_s)
			return fail(err, "cancel", "bad-request", NULL,
				    MUC_ERR_INVALID);
	}
	if (!op->bare && op->nick) {
		muc_occupant *o = room_occupant_by_nick(r, op->nick);
		if (o && !(op->bare = mem_strdup(&s->mem, o->bare_jid)))
			return fail(err, "wait", "internal-server-error", NULL,
				    MUC_ERR_NOMEM);
	} else if (role && !op->nick && op->bare) {
		/* the reference looks the JID up among sessions' full JIDs,
		 * so a bare JID names no one */
		muc_occupant *o = room_occupant_by_real(r, op->bare);
		if (o && !(op->nick = mem_strdup(&s->mem, o->nick)))
			return fail(err, "wait", "internal-server-error", NULL,
				    MUC_ERR_NOMEM);
	}
	if (aff && op->bare && !role) {
		if (!parse_affiliation(aff, &op->aff))
			return fail(err, "modify", "not-acceptable", NULL,
				    MUC_ERR_INVALID);
		rc = room_may_set_affiliation(r, actor, op->bare, op->aff,
					      &err->type, &err->cond);
		err->text = NULL;
		return rc;
	}
	if (role && op->nick && !aff) {
		op->is_role = true;
		op->target = room_occupant_by_nick(r, op->nick);
		if (!parse_role(role, &op->role))
			return fail(err, "modify", "not-acceptable", NULL,
				    MUC_ERR_INVALID);
		if (!op->target)
			return fail(err, "modify", "item-not-found", NULL,
				    MUC_ERR_NOT_FOUND);
		rc = room_may_set_role(r, actor, op->target, op->role,
				       &err->type, &err->cond);
		err->text = NULL;
		return rc;
	}
	return fail(err, "cancel", "bad-request", NULL, MUC_ERR_INVALID);
}

/* Every item is checked before any is applied (a list request takes
 * effect whole or not at all); the reference applies only the first. */
static void admin_set(muc_service *s, muc_room *r, stanza *st,
		      const xnode *q)
{
	size_t n = 0, i;
	const xnode *item;
	admin_op *ops;
	admin_err err = {NULL, NULL, NULL};
	for (item = xnode_child(q, "item", NULL); item;
	     item = xnode_next(item, "item", NULL))
		n++;
	if (n == 0) {
		send_error(s, st, "cancel", "bad-request", NULL, NULL);
		return;
	}
	ops = mem_calloc(&s->mem, n * sizeof *ops);
	if (!ops) {
		svc_nomem(s);
		return;
	}
	for (i = 0, item = xnode_child(q, "item", NULL); item;
	     item = xnode_next(item, "item", NULL), i++) {
		int rc = resolve(s, r, st->from.full, item, &ops[i], &err);
		if (rc) {
			if (rc == MUC_ERR_NOMEM)
				svc_nomem(s);
			send_error(s, st, err.type, err.cond, err.text, NULL);
			free_ops(s, ops, i + 1);
			return;
		}
	}
	for (i = 0; i < n; i++) {
		int rc;
		if (ops[i].is_role) {
			/* an earlier item may have removed the target */
			muc_occupant *o = room_occupant_by_nick(r, ops[i].nick);
			if (o != ops[i].target)
				continue;
			rc = room_set_role(r, st->from.full, o, ops[i].role,
					   ops[i].reason, &err.type, &err.cond);
		} else {
			rc = room_set_affiliation(
				r, st->from.full, ops[i].bare, ops[i].aff,
				ops[i].reason, ops[i].nick, ops[i].nick != NULL,
				&err.type, &err.cond);
		}
		if (rc) {
			free_ops(s, ops, n);
			send_error(s, st, err.type, err.cond, NULL, NULL);
			room_reap_if_empty(r);
			return;
		}
	}
	free_ops(s, ops, n);
	send_result(s, st, NULL);
	/* a kick or ban may have emptied a temporary room */
	room_reap_if_empty(r);
}

static void list_affiliation(muc_service *s, muc_room *r, stanza *st,
			     muc_affiliation want)
{
	xnode *q = xnode_new(&s->mem, "query", NS_MUC_ADMIN);
	affil_entry *e;
	bool ok = q != NULL;
	for (e = r->affil_first; e && ok; e = e->next) {
		xnode *it;
		if (e->affiliation != want)
			continue;
		it = xnode_add(&s->mem, q, "item", NULL);
		ok = it && xnode_set_attr(&s->mem, it, "affiliation",
					  muc_affiliation_name(want)) &&
		     xnode_set_attr(&s->mem, it, "jid", e->jid) &&
		     (!e->nick || xnode_set_attr(&s->mem, it, "nick", e->nick)) &&
		     /* every list shows the reason given, as Prosody 13 */
		     (!e->reason ||
		      xnode_add_text_child(&s->mem, it, "reason", e->reason));
	}
	if (ok)
		send_result(s, st, q);
	else
		svc_nomem(s);
	xnode_free(&s->mem, q);
}

static void list_role(muc_service *s, muc_room *r, stanza *st, muc_role want)
{
	xnode *q = xnode_new(&s->mem, "query", NS_MUC_ADMIN);
	muc_occupant *o;
	bool ok = q != NULL;
	for (o = r->first; o && ok; o = o->next) {
		session *ss;
		if (o->role != want)
			continue;
		for (ss = o->sessions; ss && ok; ss = ss->next) {
			xnode *it = xnode_add(&s->mem, q, "item", NULL);
			ok = it &&
			     xnode_set_attr(&s->mem, it, "affiliation",
					    muc_affiliation_name(
						    affil_get(r, o->bare_jid))) &&
			     xnode_set_attr(&s->mem, it, "role",
					    muc_role_name(o->role)) &&
			     xnode_set_attr(&s->mem, it, "jid", ss->real_jid) &&
			     xnode_set_attr(&s->mem, it, "nick", o->nick);
		}
	}
	if (ok)
		send_result(s, st, q);
	else
		svc_nomem(s);
	xnode_free(&s->mem, q);
}

static void admin_get(muc_service *s, muc_room *r, stanza *st,
		      const xnode *q)
{
	const xnode *item = xnode_child(q, "item", NULL);
	const char *aff = item ? xnode_attr(item, "affiliation") : NULL;
	const char *role = item ? xnode_attr(item, "role") : NULL;
	muc_affiliation actor_a = affil_get(r, st->from.full), want_a;
	muc_role want_r;
	if (aff && !role && parse_affiliation(aff, &want_a)) {
		if (perm_list_affiliation(r, actor_a, want_a))
			list_affiliation(s, r, st, want_a);
		else
			send_error(s, st, "auth", "forbidden", NULL, NULL);
		return;
	}
	if (role && !aff && parse_role(role, &want_r)) {
		muc_occupant *o = room_occupant_by_real(r, st->from.full);
		muc_role actor_r = o ? o->role : room_default_role(r, actor_a);
		if (perm_list_role(actor_r))
			list_role(s, r, st, want_r);
		else
			send_error(s, st, "auth", "forbidden", NULL, NULL);
		return;
	}
	send_error(s, st, "cancel", "bad-request", NULL, NULL);
}

void admin_iq(muc_service *s, muc_room *r, stanza *st, const xnode *q)
{
	if (strcmp(st->type, "get") == 0)
		admin_get(s, r, st, q);
	else
		admin_set(s, r, st, q);
}
