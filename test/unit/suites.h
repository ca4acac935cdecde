/* One suite per module (STYLE.md, "Check"); main.c runs them all. */
#ifndef MUC_TEST_SUITES_H
#define MUC_TEST_SUITES_H

#include <check.h>

Suite *make_jid_suite(void);
Suite *make_xml_suite(void);
Suite *make_xnode_suite(void);
Suite *make_strmap_suite(void);
Suite *make_buf_suite(void);
Suite *make_service_suite(void);
Suite *make_api_suite(void);
Suite *make_permission_suite(void);
Suite *make_anonymity_suite(void);
Suite *make_options_suite(void);

#endif
