/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdmactl's entry point; the command line itself is vctl_main() (main.c), so
 * that the fuzz harness (tests/tools/fuzz-vrdmactl.c) can run it in-process. */
#include "vrdmactl.h"

int main(int argc, char **argv)
{
	return vctl_main(argc, argv);
}
