/* Who may do what in a room (XEP-0045 §5.1, §5.2 and the use cases of
 * §7-§10), as the reference decides it: the one place every handler and the
 * C API ask, and what the permission-matrix test walks. */
#include "common.h"

#include <string.h>

static void set_err(const char **etype, const char **econd, const char *t,
		    const char *c)
{
	if (etype)
		*etype = t;
	if (econd)
		*econd = c;
}

bool can_see_real_jids(const muc_room *r, const muc_occupant *viewer)
{
	if (r->cfg.whois == WHOIS_ANYONE)
		return true;
	return viewer && viewer->role == MUC_ROLE_MODERATOR;
}

/* XEP-0045 §5.1.2 default roles; members-only rooms admit no one below
 * member, moderated rooms give unaffiliated users the visitor role. */
muc_role room_default_role(const muc_room *r, muc_affiliation a)
{
	switch (a) {
	case MUC_AFFIL_OWNER:
	case MUC_AFFIL_ADMIN:
		return MUC_ROLE_MODERATOR;
	case MUC_AFFIL_MEMBER:
		return MUC_ROLE_PARTICIPANT;
	case MUC_AFFIL_NONE:
		if (r->cfg.members_only)
			return MUC_ROLE_NONE;
		return r->cfg.moderated ? MUC_ROLE_VISITOR
					: MUC_ROLE_PARTICIPANT;
	default:
		return MUC_ROLE_NONE;
	}
}

/* §5.2 / §9 / §10: may actor give bare the affiliation a? */
int room_may_set_affiliation(muc_room *r, const char *actor,
				    const char *bare, muc_affiliation a,
				    const char **etype, const char **econd)
{
	muc_affiliation actor_a, target_a;
	affil_entry *te = affil_entry_get(r, bare);
	char tmp[3 * JID_PART_MAX + 4];
	const char *actor_bare;
	/* Service admins are owners of every room; as the reference, they
	 * cannot be given anything else, whoever asks. */
	if (a != MUC_AFFIL_OWNER && room_is_service_admin(r, bare)) {
		set_err(etype, econd, "modify", "not-acceptable");
		return MUC_ERR_NOT_ALLOWED;
	}
	if (!actor)
		return MUC_OK;
	actor_bare = bare_of(actor, tmp, sizeof tmp);
	actor_a = affil_get(r, actor);
	target_a = te ? te->affiliation : MUC_AFFIL_NONE;
	if (actor_a == MUC_AFFIL_OWNER) {
		affil_entry *e;
		if (!actor_bare || strcmp(actor_bare, bare) != 0 ||
		    target_a <= a)
			return MUC_OK;
		/* An owner may step down only if another owner remains. */
		for (e = r->affil_first; e; e = e->next)
			if (e->affiliation == MUC_AFFIL_OWNER &&
			    strcmp(e->jid, bare) != 0)
				return MUC_OK;
		set_err(etype, econd, "cancel", "conflict");
		return MUC_ERR_CONFLICT;
	}
	if (actor_a != MUC_AFFIL_ADMIN || a == MUC_AFFIL_OWNER ||
	    a == MUC_AFFIL_ADMIN || target_a == MUC_AFFIL_OWNER ||
	    target_a == MUC_AFFIL_ADMIN) {
		set_err(etype, econd, "cancel", "not-allowed");
		return MUC_ERR_NOT_ALLOWED;
	}
	return MUC_OK;
}

int room_may_set_role(muc_room *r, const char *actor, muc_occupant *o,
		      muc_role role, const char **etype, const char **econd)
{
	if (actor) {
		muc_affiliation ta = affil_get(r, o->bare_jid);
		muc_affiliation aa = affil_get(r, actor);
		muc_occupant *ao = room_occupant_by_real(r, actor);
		/* §8 as the reference: no one acts on a higher affiliation;
		 * only admins and owners grant or revoke moderator; the actor
		 * must be a moderator in the room. */
		if (aa < ta ||
		    ((o->role == MUC_ROLE_MODERATOR ||
		      role == MUC_ROLE_MODERATOR) &&
		     aa < MUC_AFFIL_ADMIN) ||
		    !ao || ao->role != MUC_ROLE_MODERATOR) {
			set_err(etype, econd, "cancel", "not-allowed");
			return MUC_ERR_NOT_ALLOWED;
		}
	}
	return MUC_OK;
}

static const char *const pm_names[] = {"visitor", "participant",
				       "moderator", "affiliated", "none"};

const char *pm_policy_name(pm_policy p)
{
	return pm_names[p <= PM_NONE ? p : PM_NONE];
}

bool pm_policy_parse(const char *v, pm_policy *out)
{
	static const struct {
		const char *alias;
		pm_policy p;
	} aliases[] = {
		{"anyone", PM_VISITOR},       {"everyone", PM_VISITOR},
		{"participants", PM_PARTICIPANT}, {"moderators", PM_MODERATOR},
		{"members", PM_AFFILIATED},
	};
	size_t i;
	for (i = 0; i <= PM_NONE; i++)
		if (strcmp(v, pm_names[i]) == 0) {
			*out = (pm_policy)i;
			return true;
		}
	for (i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(v, aliases[i].alias) == 0) {
			*out = aliases[i].p;
			return true;
		}
	return false;
}

/* §7.5 with the room's policy, as Prosody 13 decides it: to oneself always;
 * to and from moderators where allowed; else by the sender's role, or its
 * affiliation. */
bool perm_private_message(const muc_room *r, const muc_occupant *from,
			  const muc_occupant *to)
{
	if (strcmp(from->bare_jid, to->bare_jid) == 0)
		return true;
	if (r->cfg.allow_modpm && (from->role == MUC_ROLE_MODERATOR ||
				   to->role == MUC_ROLE_MODERATOR))
		return true;
	switch (r->cfg.allow_pm) {
	case PM_NONE:
		return false;
	case PM_AFFILIATED:
		return affil_get(r, from->bare_jid) != MUC_AFFIL_NONE;
	case PM_MODERATOR:
		return from->role >= MUC_ROLE_MODERATOR;
	case PM_PARTICIPANT:
		return from->role >= MUC_ROLE_PARTICIPANT;
	default:
		return from->role >= MUC_ROLE_VISITOR;
	}
}

/* §7.4: only occupants with voice speak. */
bool perm_speak(const muc_occupant *o)
{
	return o && o->role >= MUC_ROLE_PARTICIPANT;
}

/* §8.1: moderators, and participants where the room allows it. */
bool perm_change_subject(const muc_room *r, const muc_occupant *o)
{
	return o->role == MUC_ROLE_MODERATOR ||
	       (o->role == MUC_ROLE_PARTICIPANT && r->cfg.change_subject);
}

/* §7.8: a visitor may not invite; in a members-only room only admins and
 * owners may, and members where the room allows it. */
invite_verdict perm_invite(const muc_room *r, muc_role role,
			   muc_affiliation a)
{
	if (role <= MUC_ROLE_VISITOR)
		return INVITE_NO_VOICE;
	if (r->cfg.members_only &&
	    a < (r->cfg.allow_member_invites ? MUC_AFFIL_MEMBER
					     : MUC_AFFIL_ADMIN))
		return INVITE_MEMBERS_ONLY;
	return INVITE_OK;
}

/* §9.5, §10.5 as the reference: admins and owners see lists up to their
 * own rank; members too in a members-only non-anonymous room. */
bool perm_list_affiliation(const muc_room *r, muc_affiliation actor,
			   muc_affiliation list)
{
	return (actor >= MUC_AFFIL_ADMIN && actor >= list) ||
	       (r->cfg.members_only && r->cfg.whois == WHOIS_ANYONE &&
		actor >= MUC_AFFIL_MEMBER);
}

/* §8.5: moderators see the role lists. */
bool perm_list_role(muc_role actor)
{
	return actor == MUC_ROLE_MODERATOR;
}

/* §10: only owners configure and destroy. */
bool perm_configure(const muc_room *r, const char *actor)
{
	return affil_get(r, actor) == MUC_AFFIL_OWNER;
}
