/* The service's ad-hoc commands (XEP-0050) for service administrators, as
 * the reference offers them: destroy rooms, and set someone's affiliation
 * in a room; and their discovery (the commands node of XEP-0030). Each
 * request stands alone: a form submitted without a session is taken as
 * the session's last step, as Prosody's simple forms do. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

#define NODE_DESTROY "http://prosody.im/protocol/muc#destroy"
#define NODE_SET_AFFIL "http://prosody.im/protocol/muc#set-affiliation"

typedef struct command command;
/* Builds the reply to a submitted form into cmd (status, notes). */
typedef bool (*submit_fn)(muc_service *s, stanza *st, const xnode *form,
			  xnode *cmd);
/* Adds the command's form to cmd. */
typedef bool (*form_fn)(muc_service *s, xnode *cmd);

struct command {
	const char *node;
	const char *name;
	form_fn form;
	submit_fn submit;
};

static bool destroy_form(muc_service *s, xnode *cmd);
static bool destroy_submit(muc_service *s, stanza *st, const xnode *form,
			   xnode *cmd);
static bool set_affiliation_form(muc_service *s, xnode *cmd);
static bool set_affiliation_submit(muc_service *s, stanza *st,
				   const xnode *form, xnode *cmd);

/* Sorted by node, the order in which the reference lists them. */
static const command commands[] = {
	{NODE_DESTROY, "Destroy Rooms", destroy_form, destroy_submit},
	{NODE_SET_AFFIL, "Set affiliation in room", set_affiliation_form,
	 set_affiliation_submit},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const command *find_command(const char *node)
{
	size_t i;
	for (i = 0; node && i < NCOMMANDS; i++)
		if (strcmp(commands[i].node, node) == 0)
			return &commands[i];
	return NULL;
}

/* ---- Shared pieces ------------------------------------------------------ */

static bool note(const muc_mem *m, xnode *cmd, const char *type,
		 const char *text, size_t len)
{
	xnode *n = xnode_add(m, cmd, "note", NULL);
	return n && xnode_set_attr(m, n, "type", type) &&
	       xnode_add_text(m, n, text, len);
}

static bool status(const muc_mem *m, xnode *cmd, const char *st)
{
	return xnode_set_attr(m, cmd, "status", st);
}

/* The command's <x type='form'/> with its title, instructions and
 * FORM_TYPE. */
static xnode *form_head(const muc_mem *m, xnode *cmd, const char *title,
			const char *instructions, const char *form_type)
{
	xnode *x = xnode_add(m, cmd, "x", NS_DATA);
	return form_begin(m, x, "form", title, instructions, form_type) ? x
									 : NULL;
}

static bool required_mark(const muc_mem *m, xnode *f)
{
	return f && xnode_add(m, f, "required", NULL);
}

/* The actions of a one-page form: complete it (or "next", the same). */
static bool actions(const muc_mem *m, xnode *cmd)
{
	xnode *a = xnode_add(m, cmd, "actions", NULL);
	return a && xnode_set_attr(m, a, "execute", "complete") &&
	       xnode_add(m, a, "next", NULL) && xnode_add(m, a, "complete", NULL);
}

/* A required field's value, or NULL after noting "var: Required value
 * missing" into errors (newline-separated, as the reference). */
static const char *required(const xnode *form, const char *var, buf *errors)
{
	const char *v = form_value(form, var);
	if (v && *v)
		return v;
	if (errors->len)
		buf_putc(errors, '\n');
	buf_puts(errors, var);
	buf_puts(errors, ": Required value missing");
	return NULL;
}

/* ---- Destroy rooms ------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every room, sorted, to choose from. */
static bool destroy_form(muc_service *s, xnode *cmd)
{
	const muc_mem *m = &s->mem;
	xnode *x = form_head(m, cmd, "Destroy rooms",
			     "Select the rooms to destroy", NODE_DESTROY);
	xnode *f = x ? form_add_field(m, x, "rooms", "list-multi",
				     "Rooms to destroy:", NULL)
		     : NULL;
	const char **jids = NULL;
	muc_room *r;
	size_t n = 0, i;
	bool ok = f != NULL;
	if (ok && s->nrooms) {
		jids = mem_alloc(m, s->nrooms * sizeof *jids);
		ok = jids != NULL;
		for (r = s->room_first; ok && r; r = r->next)
			jids[n++] = r->jid;
		if (ok)
			qsort(jids, n, sizeof *jids, cmp_str);
	}
	for (i = 0; ok && i < n; i++)
		ok = form_add_option(m, f, jids[i], jids[i]);
	mem_free(m, jids);
	return ok && required_mark(m, f);
}

static bool destroy_submit(muc_service *s, stanza *st, const xnode *form,
			   xnode *cmd)
{
	const muc_mem *m = &s->mem;
	const xnode *f = form_field(form, "rooms"), *v;
	buf text;
	bool ok;
	(void)st;
	buf_init(&text, m);
	if (!f || !xnode_child(f, "value", NULL)) {
		static const char missing[] = "rooms: Required value missing";
		return status(m, cmd, "completed") &&
		       note(m, cmd, "error", missing, sizeof missing - 1);
	}
	buf_puts(&text, "The following rooms were destroyed:");
	for (v = xnode_child(f, "value", NULL); v;
	     v = xnode_next(v, "value", NULL)) {
		int rc;
		char *bare = jid_prep_bare(m, xnode_text(v) ? xnode_text(v) : "",
					   &rc);
		muc_room *r = bare ? strmap_get(&s->rooms, bare) : NULL;
		if (!bare && rc == MUC_ERR_NOMEM)
			svc_nomem(s);
		if (r) {
			buf_putc(&text, '\n');
			buf_puts(&text, r->jid);
			room_destroy(r, NULL, NULL, NULL);
		}
		mem_free(m, bare);
	}
	ok = buf_ok(&text) && status(m, cmd, "completed") &&
	     note(m, cmd, "info", text.data, text.len);
	buf_free(&text);
	return ok;
}

/* ---- Set an affiliation in a room --------------------------------------- */

static bool set_affiliation_form(muc_service *s, xnode *cmd)
{
	const muc_mem *m = &s->mem;
	xnode *x = form_head(m, cmd, "Set affiliation", NULL, NODE_SET_AFFIL);
	xnode *f;
	int a;
	bool ok = x &&
		  required_mark(m, form_add_field(m, x, "room", "jid-single",
						 "Room", NULL)) &&
		  required_mark(m, form_add_field(m, x, "jid", "jid-single",
						 "JID", NULL)) &&
		  (f = form_add_field(m, x, "affiliation", "list-single",
				      "Affiliation", NULL)) != NULL;
	/* the reference's order: owner, admin, member, none, outcast */
	static const muc_affiliation order[] = {
	    MUC_AFFIL_OWNER, MUC_AFFIL_ADMIN, MUC_AFFIL_MEMBER,
	    MUC_AFFIL_NONE, MUC_AFFIL_OUTCAST};
	for (a = 0; ok && a < 5; a++)
		ok = form_add_option(m, f, muc_affiliation_name(order[a]),
				     muc_affiliation_name(order[a]));
	return ok && required_mark(m, f) &&
	       form_add_field(m, x, "reason", "text-single", NULL, NULL);
}

static bool set_affiliation_submit(muc_service *s, stanza *st,
				   const xnode *form, xnode *cmd)
{
	const muc_mem *m = &s->mem;
	const char *room_s, *jid_s, *aff_s, *etype = NULL, *econd = NULL;
	const char *reason = form_value(form, "reason");
	char *room_bare = NULL, *bare = NULL;
	muc_affiliation a;
	muc_room *r;
	buf text;
	int rc;
	bool ok;
	(void)st;
	buf_init(&text, m);
	room_s = required(form, "room", &text);
	jid_s = required(form, "jid", &text);
	aff_s = required(form, "affiliation", &text);
	if (room_s && !(room_bare = jid_prep_bare(m, room_s, &rc)) &&
	    rc != MUC_ERR_NOMEM) {
		buf_puts(&text, text.len ? "\nroom: Invalid JID: "
					 : "room: Invalid JID: ");
		buf_puts(&text, room_s);
	}
	if (jid_s && !(bare = jid_prep_bare(m, jid_s, &rc)) &&
	    rc != MUC_ERR_NOMEM) {
		buf_puts(&text, text.len ? "\njid: Invalid JID: "
					 : "jid: Invalid JID: ");
		buf_puts(&text, jid_s);
	}
	if (text.len) {
		ok = buf_ok(&text) && status(m, cmd, "completed") &&
		     note(m, cmd, "error", text.data, text.len);
		goto done;
	}
	if (!room_bare || !bare) { /* out of memory */
		ok = false;
		goto done;
	}
	r = strmap_get(&s->rooms, room_bare);
	if (!r) {
		static const char none[] = "No such room";
		ok = status(m, cmd, "canceled") &&
		     note(m, cmd, "error", none, sizeof none - 1);
		goto done;
	}
	if (!parse_affiliation(aff_s, &a)) {
		etype = "modify";
		econd = "not-acceptable";
		rc = MUC_ERR_INVALID;
	} else {
		/* the service acts: no actor is shown */
		rc = room_set_affiliation(r, NULL, bare, a,
					  reason && *reason ? reason : NULL,
					  NULL, false, &etype, &econd);
		room_reap_if_empty(r);
	}
	if (rc == MUC_ERR_NOMEM) {
		ok = false;
		goto done;
	}
	if (rc) {
		buf_puts(&text, "Affiliation change failed: ");
		buf_puts(&text, etype);
		buf_putc(&text, ':');
		buf_puts(&text, econd);
		ok = buf_ok(&text) && status(m, cmd, "canceled") &&
		     note(m, cmd, "error", text.data, text.len);
		goto done;
	}
	{
		static const char done_text[] = "Affiliation updated";
		ok = status(m, cmd, "completed") &&
		     note(m, cmd, "info", done_text, sizeof done_text - 1);
	}
done:
	mem_free(m, room_bare);
	mem_free(m, bare);
	buf_free(&text);
	return ok;
}

/* ---- Running a command --------------------------------------------------- */

void adhoc_execute(muc_service *s, stanza *st, const xnode *cmd)
{
	static const char denied[] =
		"You don't have permission to execute this command";
	const muc_mem *m = &s->mem;
	const command *c = find_command(xnode_attr(cmd, "node"));
	const char *sid = xnode_attr(cmd, "sessionid");
	const char *action = xnode_attr(cmd, "action");
	const xnode *form = xnode_child(cmd, "x", NS_DATA);
	char idbuf[128];
	xnode *reply;
	bool ok;
	if (!c) {
		send_error(s, st, "cancel", "service-unavailable", NULL, NULL);
		return;
	}
	if (!svc_is_admin(s, st->from.bare)) {
		send_command_denied(s, st, c->node, denied);
		return;
	}
	if (!sid && svc_new_id(s, idbuf, sizeof idbuf))
		sid = idbuf;
	reply = xnode_new(m, "command", NS_COMMANDS);
	ok = sid && reply && xnode_set_attr(m, reply, "node", c->node) &&
	     xnode_set_attr(m, reply, "sessionid", sid);
	/* A request with neither a form nor a session starts the command:
	 * its form is offered (XEP-0050 §3.4). Otherwise it is the last step
	 * (the reference keeps no state between the two for these). */
	if (ok && !form && sid == idbuf)
		ok = status(m, reply, "executing") && c->form(s, reply) &&
		     actions(m, reply);
	else if (ok && action && strcmp(action, "cancel") == 0)
		ok = status(m, reply, "canceled");
	else if (ok)
		ok = c->submit(s, st, form, reply);
	if (ok)
		send_result(s, st, reply);
	else
		svc_nomem(s);
	xnode_free(m, reply);
}

/* ---- Discovery ------------------------------------------------------------ */

static bool identity(const muc_mem *m, xnode *q, const char *type,
		     const char *name)
{
	xnode *id = xnode_add(m, q, "identity", NULL);
	return id && xnode_set_attr(m, id, "type", type) &&
	       xnode_set_attr(m, id, "category", "automation") &&
	       xnode_set_attr(m, id, "name", name);
}

/* disco#info or #items with a node, to the service: the commands node
 * lists what the requester may run; a command's node describes it, to
 * administrators only; other nodes do not exist. */
void adhoc_disco(muc_service *s, stanza *st, const xnode *q)
{
	const muc_mem *m = &s->mem;
	const char *node = xnode_attr(q, "node");
	bool items = strcmp(q->ns, NS_DISCO_ITEMS) == 0;
	bool admin = svc_is_admin(s, st->from.bare);
	const command *c = find_command(node);
	xnode *reply;
	bool ok;
	size_t i;
	if (!(node && strcmp(node, NS_COMMANDS) == 0) && (items || !c)) {
		send_error(s, st, "cancel", "item-not-found",
			   "Node does not exist", NULL);
		return;
	}
	if (c && !admin) {
		send_error(s, st, "auth", "forbidden",
			   "This item is not available to you", NULL);
		return;
	}
	reply = xnode_new(m, "query", q->ns);
	ok = reply && xnode_set_attr(m, reply, "node", node);
	if (ok && c) {
		ok = identity(m, reply, "command-node", c->name) &&
		     disco_feature(m, reply, NS_COMMANDS) &&
		     disco_feature(m, reply, NS_DATA);
	} else if (ok && !items) {
		ok = identity(m, reply, "command-list", "Ad-Hoc Commands");
	} else {
		for (i = 0; ok && admin && i < NCOMMANDS; i++) {
			xnode *it = xnode_add(m, reply, "item", NULL);
			ok = it && xnode_set_attr(m, it, "jid", s->domain) &&
			     xnode_set_attr(m, it, "name", commands[i].name) &&
			     xnode_set_attr(m, it, "node", commands[i].node);
		}
	}
	if (ok)
		send_result(s, st, reply);
	else
		svc_nomem(s);
	xnode_free(m, reply);
}
