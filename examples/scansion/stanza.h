/* Stanza text <-> xnode trees for the scansion runner: parsing the XML of a
 * script step or of the library's output, and writing trees back out, either
 * compact (what is fed to the service) or indented (failure reports). */
#ifndef SCANSION_STANZA_H
#define SCANSION_STANZA_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "mem.h"
#include "xnode.h"

/* The value that matches any attribute value (the attribute must exist). */
#define SCANSION_ANY "{scansion:any}"

/* Parses exactly one element, default namespace jabber:client. Returns
 * MUC_OK or a muc_error; *out is owned by the caller (xnode_free). */
int stanza_parse(const muc_mem *m, const char *xml, size_t len, xnode **out);

/* True for attributes in the scansion namespace (scansion:strict, ...):
 * instructions to the runner, never compared nor sent. */
bool stanza_is_scansion_attr(const char *name);

/* Removes every scansion: attribute from n and its descendants. */
void stanza_drop_scansion(const muc_mem *m, xnode *n);

/* True when s holds only XML whitespace (or is empty). */
bool stanza_is_blank(const char *s);

/* Appends the character data directly inside n (all its text children,
 * concatenated), with surrounding whitespace trimmed. */
void stanza_direct_text(const xnode *n, buf *out);

/* Writes n without whitespace-only text (scripts are indented; that
 * indentation is not part of the stanza). xmlns is written where the
 * namespace differs from parent_ns. indent NULL writes one line; otherwise
 * each element goes on its own line, starting at that indent. */
void stanza_write(buf *b, const xnode *n, const char *parent_ns,
		  bool drop_scansion, const char *indent);

/* Appends n indented for a report ("    <presence ...>" lines). */
void stanza_pretty(buf *b, const xnode *n);

/* Appends raw text (a stanza that does not parse) with each line indented
 * as stanza_pretty indents, so that reports stay readable. */
void stanza_indent(buf *b, const char *text, size_t len);

/* Appends s quoted as '...', with newlines and quotes escaped, so that a
 * reason shows exactly which text or value differed. */
void stanza_quote(buf *b, const char *s);

#endif
