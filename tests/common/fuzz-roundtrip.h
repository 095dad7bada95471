/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One libFuzzer harness shape for both JSON documents.  FUZZ_ROUNDTRIP(type,
 * parse, format, unref) defines LLVMFuzzerTestOneInput() checking, beyond
 * "no crash, no sanitizer report": a document that loads formats to a
 * canonical text that loads again and formats identically, and a failure
 * always leaves a message (HACKING.md rules 5 and 6).
 *
 * Built with clang and -fsanitize=fuzzer (suite "fuzz"); with
 * -DVRDMA_FUZZ_REPLAY it gets a main() that runs the files named on its
 * command line instead (the seed corpus, suite "unit", any compiler).
 */
#ifndef VRDMA_TEST_FUZZ_ROUNDTRIP_H
#define VRDMA_TEST_FUZZ_ROUNDTRIP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrdma/vrdma.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ROUNDTRIP(type, parse, format, unref)                                          \
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
{                                                                                          \
	struct vrdma_ctx *ctx = NULL;                                                      \
	type *doc = NULL, *again = NULL;                                                   \
	char *t1 = NULL, *t2 = NULL;                                                       \
                                                                                           \
	if (vrdma_ctx_new(&ctx) < 0)                                                       \
		return 0;                                                                  \
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);                                             \
	if (parse(ctx, (const char *)data, size, &doc) == 0) {                             \
		if (format(doc, &t1) < 0)                                                  \
			abort();                                                           \
		if (parse(ctx, t1, strlen(t1), &again) < 0) {                              \
			fprintf(stderr, "canonical text does not load: %s\n%s\n",          \
			        vrdma_ctx_get_error(ctx), t1);                             \
			abort();                                                           \
		}                                                                          \
		if (format(again, &t2) < 0 || strcmp(t1, t2) != 0) {                       \
			fprintf(stderr, "format is not idempotent:\n%s\n---\n%s\n", t1,    \
			        t2 ? t2 : "");                                             \
			abort();                                                           \
		}                                                                          \
	} else if (vrdma_ctx_get_error(ctx)[0] == '\0') {                                  \
		fprintf(stderr, "failure without a message\n");                            \
		abort();                                                                   \
	}                                                                                  \
	free(t1);                                                                          \
	free(t2);                                                                          \
	unref(again);                                                                      \
	unref(doc);                                                                        \
	vrdma_ctx_unref(ctx);                                                              \
	return 0;                                                                          \
}

#ifdef VRDMA_FUZZ_REPLAY
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		printf("ok %s (%zu bytes)\n", argv[i], n);
	}
	return argc > 1 ? 0 : 77;
}
#endif

#endif /* VRDMA_TEST_FUZZ_ROUNDTRIP_H */
