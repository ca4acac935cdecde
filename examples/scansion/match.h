/* Does a received stanza match the one a script expects? The rules are those
 * of ../shared/conformance/README.md ("Matching rules"), as implemented by
 * the reference runner scansion_net.py. */
#ifndef SCANSION_MATCH_H
#define SCANSION_MATCH_H

#include <stdbool.h>

#include "buf.h"
#include "xnode.h"

/* True when 'got' matches the template 'expected'. Otherwise, when why is
 * not NULL, appends one line saying where and how they differ
 * ("/presence/x: 2 children, expected 3 (strict): ..."). */
bool match_stanza(const xnode *expected, const xnode *got, buf *why);

#endif
