/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared helpers for the Check suites: every suite file defines
 * make_<module>_suite() and uses VRDMA_TEST_MAIN to run it. */
#ifndef VRDMA_TESTUTIL_H
#define VRDMA_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

#define VRDMA_TEST_MAIN(make_suite)                                             \
	int main(void)                                                          \
	{                                                                       \
		SRunner *sr = srunner_create(make_suite());                     \
		int failed;                                                     \
		srunner_run_all(sr, CK_ENV);                                    \
		failed = srunner_ntests_failed(sr);                             \
		srunner_free(sr);                                               \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;               \
	}

#endif
