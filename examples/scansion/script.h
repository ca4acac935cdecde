/* A scansion script (.scs) read into plain structs: the clients it declares
 * and the steps it runs. The format is described in
 * ../shared/conformance/README.md; the parsing mirrors parse_script() in
 * ../shared/tools/scansion_net.py so that both runners read a script the
 * same way. */
#ifndef SCANSION_SCRIPT_H
#define SCANSION_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

typedef enum step_kind {
	STEP_CONNECT,
	STEP_DISCONNECT,
	STEP_SEND,
	STEP_RECEIVE,
	STEP_NOTHING /* "receives: nothing" */
} step_kind;

typedef struct script_client {
	char *name;     /* as written after "[Client] ", may hold spaces */
	char *jid;      /* the jid: property, NULL when absent */
	char *password; /* the password: property, NULL when absent */
	unsigned line;
} script_client;

typedef struct script_step {
	step_kind kind;
	size_t client;  /* index into script.clients */
	unsigned line;  /* of the action line, for reports */
	char *xml;      /* sends/receives: stanza text, variables unexpanded */
} script_step;

/* "# libmuc-option: NAME VALUE" in the header: a service option the
 * in-process runner sets before the script starts (other runners read it
 * as a comment). NAME is a muc_option without its MUC_OPT_ prefix. */
typedef struct script_option {
	char *name;
	long value;
	unsigned line;
} script_option;

typedef struct script {
	char *title;    /* first leading '#' line, without the '#'s; or NULL */
	script_option *options;
	size_t noptions;
	script_client *clients;
	size_t nclients;
	script_step *steps;
	size_t nsteps;
} script;

/* Reads and parses the file at path into *s (zeroed first). Returns true on
 * success; otherwise appends the reason to err ("line 7: ...") and leaves
 * *s empty. The caller frees *s with script_free either way. */
bool script_load(const char *path, script *s, buf *err);

/* Parses len bytes of script text (same contract as script_load). */
bool script_parse(const char *text, size_t len, script *s, buf *err);

void script_free(script *s);

/* "connects", "disconnects", "sends", "receives", "receives nothing". */
const char *script_step_verb(step_kind kind);

/*
 * Appends text to out with ${Name's JID} replaced by client Name's bare JID
 * and ${Name's full JID} by full[i], its full JID (NULL while the client has
 * never connected), both XML-escaped. Returns false (reason in err) for an
 * unknown client or a full JID that does not exist yet.
 */
bool script_expand(const script *s, const char *const *full,
		   const char *text, buf *out, buf *err);

#endif
