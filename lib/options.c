/* Service options: limits and the defaults given to new rooms. */
#include "common.h"

int muc_service_set_option(muc_service *s, muc_option opt, long v)
{
	room_config *d;
	if (!s || v < 0 || v > 1L << 30)
		return MUC_ERR_INVALID;
	d = &s->defaults;
	switch (opt) {
	case MUC_OPT_MAX_STANZA_BYTES:
		if (v < 64)
			return MUC_ERR_INVALID;
		s->limits.max_bytes = (size_t)v;
		return MUC_OK;
	case MUC_OPT_MAX_DEPTH:
		if (v < 2 || v > 64)
			return MUC_ERR_INVALID;
		s->limits.max_depth = (unsigned)v;
		return MUC_OK;
	case MUC_OPT_MAX_ROOMS:
		s->max_rooms = (size_t)v;
		return MUC_OK;
	case MUC_OPT_MAX_OCCUPANTS:
		s->max_occupants = (size_t)v;
		return MUC_OK;
	case MUC_OPT_MAX_HISTORY:
		s->max_history = (int)v;
		return MUC_OK;
	case MUC_OPT_RESTRICT_CREATION:
		if (v > 2)
			return MUC_ERR_INVALID;
		s->restrict_creation = (int)v;
		return MUC_OK;
	case MUC_OPT_DEFAULT_HISTORY_LENGTH:
		d->history_length = (int)v;
		if (d->default_history > d->history_length)
			d->default_history = d->history_length;
		return MUC_OK;
	case MUC_OPT_DEFAULT_ALLOW_PM:
		if (v > PM_NONE)
			return MUC_ERR_INVALID;
		d->allow_pm = (pm_policy)v;
		return MUC_OK;
	default:
		break;
	}
	if (v > 1)
		return MUC_ERR_INVALID;
	switch (opt) {
	case MUC_OPT_DEFAULT_PERSISTENT: d->persistent = v; break;
	case MUC_OPT_DEFAULT_PUBLIC: d->public_ = v; break;
	case MUC_OPT_DEFAULT_MEMBERS_ONLY: d->members_only = v; break;
	case MUC_OPT_DEFAULT_MODERATED: d->moderated = v; break;
	case MUC_OPT_DEFAULT_WHOIS_ANYONE:
		d->whois = v ? WHOIS_ANYONE : WHOIS_MODERATORS;
		break;
	case MUC_OPT_DEFAULT_CHANGE_SUBJECT: d->change_subject = v; break;
	case MUC_OPT_LOCK_NEW_ROOMS: s->no_lock = !v; break;
	case MUC_OPT_ENFORCE_REGISTERED_NICK: s->enforce_nick = v; break;
	case MUC_OPT_ADMINS_ARE_OWNERS: s->admins_are_owners = v; break;
	case MUC_OPT_DEFAULT_ALLOW_MODPM: d->allow_modpm = v; break;
	case MUC_OPT_ARCHIVING: s->archiving = v; break;
	case MUC_OPT_DEFAULT_ARCHIVING: d->archiving = v; break;
	case MUC_OPT_CONFIG_XEP_FIELDS: s->xep_fields = v; break;
	case MUC_OPT_WHOIS_REPUBLISH: s->whois_republish = v; break;
	default:
		return MUC_ERR_INVALID;
	}
	return MUC_OK;
}
