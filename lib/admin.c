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
	const char *nick;     /* reserved nick to set, or NULL */
	const char *reason;
} admin_op;

static void free_ops(muc_service *s, admin_op *ops, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		mem_free(&s->mem, ops[i].bare);
	mem_free(&s->mem, ops);
}

/* Resolves one item; on failure fills the error to send. */
static int resolve(muc_service *s, muc_room *r, const char *actor,
		   const xnode *item, admin_op *op, const char **et,
		   const char **ec)
{
	const char *jid_s = xnode_attr(item, "jid");
	const char *nick = xnode_attr(item, "nick");
	const char *aff = xnode_attr(item, "affiliation");
	const char *role = xnode_attr(item, "role");
	int rc;
	memset(op, 0, sizeof *op);
	op->reason = xnode_child_text(item, "reason", NULL);
	*et = "cancel";
	*ec = "bad-request";
	if (jid_s) {
		op->bare = jid_prep_bare(&s->mem, jid_s, &rc);
		if (!op->bare) {
			*et = "modify";
			*ec = rc == MUC_ERR_NOMEM ? "internal-server-error"
						  : "jid-malformed";
			return rc;
		}
	}
	if (aff && !role) {
		if (!op->bare && nick) {
			/* Items naming a nick instead of a JID (§9.1 COMPAT). */
			muc_occupant *o = room_occupant_by_nick(r, nick);
			if (o)
				op->bare = mem_strdup(&s->mem, o->bare_jid);
			nick = NULL;
		}
		if (!op->bare)
			return MUC_ERR_INVALID;
		if (!parse_affiliation(aff, &op->aff)) {
			*et = "modify";
			*ec = "not-acceptable";
			return MUC_ERR_INVALID;
		}
		op->nick = nick;
		return room_may_set_affiliation(r, actor, op->bare, op->aff,
						et, ec);
	}
	if (role && !aff) {
		if (!nick && op->bare) {
			muc_occupant *o;
			for (o = r->first; o; o = o->next)
				if (strcmp(o->bare_jid, op->bare) == 0)
					break;
			nick = o ? o->nick : NULL;
		}
		if (!nick)
			return MUC_ERR_INVALID;
		op->is_role = true;
		op->target = room_occupant_by_nick(r, nick);
		if (!parse_role(role, &op->role) || !op->target) {
			*et = "modify";
			*ec = "not-acceptable";
			return MUC_ERR_INVALID;
		}
		return MUC_OK;
	}
	return MUC_ERR_INVALID;
}

static void admin_set(muc_service *s, muc_room *r, stanza *st,
		      const xnode *q)
{
	size_t n = 0, i;
	const xnode *item;
	admin_op *ops;
	const char *et = NULL, *ec = NULL;
	for (item = xnode_child(q, "item", NULL); item;
	     item = xnode_next(item, "item", NULL))
		n++;
	if (n == 0) {
		send_error(s, st, "modify", "bad-request", NULL, NULL);
		return;
	}
	ops = mem_calloc(&s->mem, n * sizeof *ops);
	if (!ops) {
		svc_nomem(s);
		return;
	}
	for (i = 0, item = xnode_child(q, "item", NULL); item;
	     item = xnode_next(item, "item", NULL), i++) {
		int rc = resolve(s, r, st->from.full, item, &ops[i], &et, &ec);
		if (!rc && ops[i].is_role)
			rc = room_may_set_role(r, st->from.full,
					       ops[i].target, ops[i].role,
					       &et, &ec);
		if (rc) {
			free_ops(s, ops, i + 1);
			send_error(s, st, et, ec, NULL, NULL);
			return;
		}
	}
	for (i = 0; i < n; i++) {
		int rc;
		if (ops[i].is_role) {
			/* an earlier item may have removed the target */
			muc_occupant *o;
			for (o = r->first; o && o != ops[i].target; o = o->next)
				;
			if (!o)
				continue;
			rc = room_set_role(r, st->from.full, o, ops[i].role,
					   ops[i].reason, &et, &ec);
		} else {
			rc = room_set_affiliation(
				r, st->from.full, ops[i].bare, ops[i].aff,
				ops[i].reason, ops[i].nick, ops[i].nick != NULL,
				&et, &ec);
		}
		if (rc) {
			free_ops(s, ops, n);
			send_error(s, st, et, ec, NULL, NULL);
			return;
		}
	}
	free_ops(s, ops, n);
	send_result(s, st, NULL);
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
	if (aff && !role) {
		if (!parse_affiliation(aff, &want_a)) {
			send_error(s, st, "modify", "not-acceptable", NULL,
				   NULL);
			return;
		}
		/* §9.5, §10.5: owners see every list, admins the member and
		 * outcast lists. */
		if (actor_a == MUC_AFFIL_OWNER ||
		    (actor_a == MUC_AFFIL_ADMIN && want_a < MUC_AFFIL_ADMIN))
			list_affiliation(s, r, st, want_a);
		else
			send_error(s, st, "auth", "forbidden", NULL, NULL);
		return;
	}
	if (role && !aff) {
		muc_occupant *o = room_occupant_by_real(r, st->from.full);
		muc_role actor_r = o ? o->role : room_default_role(r, actor_a);
		if (!parse_role(role, &want_r)) {
			send_error(s, st, "modify", "not-acceptable", NULL,
				   NULL);
			return;
		}
		if (actor_r == MUC_ROLE_MODERATOR)
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
