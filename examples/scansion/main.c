/* muc-scansion: runs scansion (.scs) scripts against libmuc in process.
 *
 *   muc-scansion [-v] [--exact] FILE.scs...
 *
 * Each script gets a fresh MUC service "conference.localhost" and emulated
 * clients on a server "localhost"; it prints "PASS file" or "FAIL file:
 * step N (line L): reason", then "N passed, M failed". The exit status is 1
 * when any script failed, 2 on a usage error. With -v it traces every
 * stanza going in and out: a readable way to watch what the library does. */
#include <stdio.h>
#include <string.h>

#include "muc.h"
#include "run.h"

static void usage(FILE *to)
{
	fputs("usage: muc-scansion [-v] [--exact] FILE.scs...\n"
	      "  -v, --verbose  trace every step and stanza\n"
	      "  --exact        every stanza delivered to a client must be\n"
	      "                 consumed by a receives step, in order\n",
	      to);
}

int main(int argc, char **argv)
{
	run_opts opts = {false, false};
	unsigned passed = 0, failed = 0;
	int i, first = argc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			first = i + 1;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			first = i;
			break;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			opts.verbose = true;
		} else if (strcmp(a, "--exact") == 0) {
			opts.exact = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "muc-scansion: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	if (opts.verbose)
		printf("muc-scansion: libmuc %s%s\n", muc_version_string(),
		       opts.exact ? ", --exact" : "");
	for (i = first; i < argc; i++) {
		if (run_file(argv[i], &opts))
			passed++;
		else
			failed++;
		fflush(stdout);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
