/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the host snapshot loader (see fuzz-roundtrip.h). */
#include "fuzz-roundtrip.h"

FUZZ_ROUNDTRIP(struct vrdma_host, vrdma_host_parse, vrdma_host_format, vrdma_host_unref)
