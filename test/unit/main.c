/* The unit test runner: every module's suite, one summary line
 * ("100%: Checks: N, Failures: 0, Errors: 0") that CI reads. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(make_jid_suite());
	int failed;
	srunner_add_suite(sr, make_xml_suite());
	srunner_add_suite(sr, make_xnode_suite());
	srunner_add_suite(sr, make_strmap_suite());
	srunner_add_suite(sr, make_buf_suite());
	srunner_add_suite(sr, make_service_suite());
	srunner_add_suite(sr, make_api_suite());
	srunner_add_suite(sr, make_permission_suite());
	srunner_add_suite(sr, make_anonymity_suite());
	srunner_add_suite(sr, make_options_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
