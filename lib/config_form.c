/* Room configuration (XEP-0045 §10.2): the defaults (the reference's:
 * temporary, hidden, semi-anonymous, open, unmoderated, unpassworded) and
 * the muc#roomconfig form an owner fills in, exactly as Prosody 13 builds
 * it. Reading a submitted form is config_submit.c's job. */
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
	c->history_length = DEFAULT_HISTORY;
	c->default_history = DEFAULT_HISTORY;
	c->presence_broadcast = ALL_ROLES;
	c->archiving = true; /* as Prosody's muc_log_by_default */
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

/* A boolean the reference always shows with a value (0 or 1). */
static bool bool_field(const muc_mem *m, xnode *form, const char *var,
		       const char *label, const char *desc, bool on)
{
	return form_add_value(
	    m, form_add_field(m, form, var, "boolean", label, desc),
	    on ? "1" : "0");
}

/* Prosody 13's private-message policy: who may send them, and whether
 * moderators are always reachable. */
static bool pm_fields(const muc_mem *m, xnode *x, const room_config *c)
{
	static const char *const labels[] = {"Everyone", "Participants",
					     "Moderators", "Members",
					     "No one"};
	xnode *f = form_add_field(m, x, "muc#roomconfig_allowpm",
				  "list-single",
				  "Allow private messages from", NULL);
	int i;
	for (i = PM_VISITOR; f && i <= PM_NONE; i++)
		if (!form_add_option(m, f, labels[i],
				     pm_policy_name((pm_policy)i)))
			return false;
	return form_add_value(m, f, pm_policy_name(c->allow_pm)) &&
	       bool_field(m, x, VAR_MODPM,
			  "Always allow private messages to moderators", NULL,
			  c->allow_modpm);
}

/* jid-multi of everyone holding affiliation a, in the order granted. */
static bool affiliation_field(muc_room *r, xnode *x, const char *var,
			      const char *label, muc_affiliation a)
{
	const muc_mem *m = &r->svc->mem;
	xnode *f = form_add_field(m, x, var, "jid-multi", label, NULL);
	const affil_entry *e;
	for (e = r->affil_first; f && e; e = e->next)
		if (e->affiliation == a && !form_add_value(m, f, e->jid))
			return false;
	return f != NULL;
}

/* The XEP-0045 registry's fields that the reference does not offer
 * (MUC_OPT_CONFIG_XEP_FIELDS): whether a password is needed, the occupant
 * limit, owners and admins. */
static bool xep_fields(muc_room *r, xnode *x)
{
	static const int sizes[] = {10, 20, 30, 50, 100};
	const muc_mem *m = &r->svc->mem;
	int cur = r->cfg.max_users, opts[6];
	size_t n = 0, i;
	char num[32];
	bool ok;
	xnode *f = bool_field(m, x, "muc#roomconfig_passwordprotectedroom",
			      "Password Required for Entry", NULL,
			      r->cfg.password != NULL)
			   ? form_add_field(m, x, "muc#roomconfig_maxusers",
					    "list-single",
					    "Maximum Number of Occupants", NULL)
			   : NULL;
	/* the usual sizes, and a limit set to another number in its place */
	for (i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		if (cur > 0 && cur < sizes[i] && (n == 0 || opts[n - 1] < cur))
			opts[n++] = cur;
		opts[n++] = sizes[i];
	}
	if (cur > opts[n - 1])
		opts[n++] = cur;
	ok = f != NULL;
	for (i = 0; ok && i < n; i++) {
		snprintf(num, sizeof num, "%d", opts[i]);
		ok = form_add_option(m, f, num, num);
	}
	snprintf(num, sizeof num, "%d", cur);
	ok = ok && form_add_option(m, f, "None", "none") &&
	     form_add_value(m, f, cur > 0 ? num : "none");
	return ok &&
	       affiliation_field(r, x, "muc#roomconfig_roomowners",
				 "Full List of Room Owners",
				 MUC_AFFIL_OWNER) &&
	       affiliation_field(r, x, "muc#roomconfig_roomadmins",
				 "Full List of Room Admins", MUC_AFFIL_ADMIN);
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
	ok = ok &&
	     form_begin(m, x, "form", title,
			"Complete and submit this form to configure the "
			"room.",
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
	     bool_field(m, x, "muc#roomconfig_publicroom",
			"Include room information in public lists",
			"Enable this to allow people to find the room",
			c->public_) &&
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
	ok = ok && f && pm_fields(m, x, c) &&
	     (!r->svc->archiving ||
	      bool_field(m, x, "muc#roomconfig_enablearchiving",
			 "Archive chat on server", NULL, c->archiving)) &&
	     (!r->svc->xep_fields || xep_fields(r, x));
	if (!ok) {
		xnode_free(m, x);
		return NULL;
	}
	return x;
}
