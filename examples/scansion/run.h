/* Running one script against a fresh service, step by step, with the
 * consumption rules of ../shared/conformance/README.md. */
#ifndef SCANSION_RUN_H
#define SCANSION_RUN_H

#include <stdbool.h>

typedef struct run_opts {
	bool verbose; /* trace every step and stanza on stdout */
	bool exact;   /* every delivered stanza must be consumed, in order */
} run_opts;

/* Runs the script at path and prints "PASS path" or "FAIL path: ..." (plus
 * the trace with -v) on stdout. Returns true when it passed. A script that
 * cannot be read or parsed fails. */
bool run_file(const char *path, const run_opts *opts);

#endif
