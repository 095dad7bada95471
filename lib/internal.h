/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Transitional: every layer's private header.  Being removed. */
#ifndef VRDMA_INTERNAL_H
#define VRDMA_INTERNAL_H
#include <infiniband/verbs.h>
#include "binding-private.h"
#include "perf-private.h"
#include <vrdma/vrdma.h>
#endif
