/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the configuration loader (see fuzz-roundtrip.h). */
#include "fuzz-roundtrip.h"

FUZZ_ROUNDTRIP(struct vrdma_config, vrdma_config_parse, vrdma_config_format, vrdma_config_unref)
