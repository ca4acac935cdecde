/* JIDs (RFC 7622 with the stringprep profiles of RFC 3920/6122 that XMPP
 * servers still use): split, nodeprep, nameprep, resourceprep via libidn.
 * A prepared JID's parts are owned by the jid struct. */
#ifndef MUC_JID_H
#define MUC_JID_H

#include <stdbool.h>

#include "mem.h"

#define JID_PART_MAX 1023

typedef struct jid {
	char *node;     /* NULL when absent */
	char *domain;
	char *resource; /* NULL when absent */
	char *bare;     /* node@domain or domain */
	char *full;     /* bare/resource or bare */
} jid;

/* Splits and prepares s. Resourceprep here allows unassigned code points,
 * as servers do for stanza addresses (a MUC checks nicknames strictly
 * itself). Returns MUC_OK, MUC_ERR_JID or MUC_ERR_NOMEM; on error *out is
 * zeroed. */
int jid_parse(const muc_mem *m, const char *s, jid *out);
void jid_free(const muc_mem *m, jid *j);

/* The bare form of s, prepared, newly allocated; NULL when s is not a JID
 * (or on allocation failure: *err tells which). */
char *jid_prep_bare(const muc_mem *m, const char *s, int *err);

/* MUC_OK when nick passes strict resourceprep (no unassigned code points,
 * XEP-0045 §7.2.1 and RFC 3454 §7), else MUC_ERR_JID (or MUC_ERR_NOMEM). */
int nick_check_strict(const muc_mem *m, const char *nick);
/* MUC_OK when a prepared node passes strict nodeprep (room names). */
int node_check_strict(const muc_mem *m, const char *node);

#endif
