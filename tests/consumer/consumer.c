/* A tiny third-party program: it sees only what `make install` put on disk
 * and what `pkg-config --cflags --libs vrdma` says. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <vrdma/vrdma.h>

static int lines;

static void count(struct vrdma_ctx *ctx, int priority, const char *file, int line,
                  const char *fn, const char *format, va_list args)
{
	(void)ctx; (void)priority; (void)file; (void)line; (void)fn; (void)format; (void)args;
	lines++;
}

int main(void)
{
	struct vrdma_ctx *ctx = NULL;

	if (vrdma_ctx_new(&ctx) != 0 || !ctx) {
		fprintf(stderr, "consumer: vrdma_ctx_new failed\n");
		return 1;
	}
	vrdma_ctx_set_log_priority(ctx, LOG_DEBUG);
	vrdma_ctx_set_log_fn(ctx, count, NULL);
	if (vrdma_ctx_unref(ctx) != NULL || lines < 1) {
		fprintf(stderr, "consumer: expected log lines through the callback, got %d\n", lines);
		return 1;
	}
	if (vrdma_ctx_new(NULL) != -EINVAL) {
		fprintf(stderr, "consumer: NULL argument not rejected\n");
		return 1;
	}
	printf("consumer: linked against libvrdma %s\n", vrdma_version());
	return 0;
}
