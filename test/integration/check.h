/* The counting check both integration test programs use: a failed check
 * prints where and why, and the program ends with "N passed, M failed". */
#ifndef MUC_INTEGRATION_CHECK_H
#define MUC_INTEGRATION_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			passed++;                                         \
		} else {                                                  \
			failed++;                                         \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);       \
			printf(__VA_ARGS__);                              \
			putchar('\n');                                    \
		}                                                         \
	} while (0)

#endif
