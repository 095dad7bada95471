/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Aligned tables in esxcli's layout: header, dashes, rows, two-space gaps. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vrdmactl.h"

struct vctl_table {
	int ncols;
	int nrows;
	int cap;
	char **cells; /* (nrows + 1) * ncols, row 0 = headers */
};

/* A cell as it is shown: escaped (vctl_escape), "" for NULL. */
static char *dup_cell(const char *s)
{
	return vctl_escape(s);
}

/* Cell r, c ("" where memory ran out). */
static const char *cell(const struct vctl_table *t, int r, int c)
{
	const char *s = t->cells[r * t->ncols + c];

	return s ? s : "";
}

struct vctl_table *vctl_table_new(const char *const *headers, int ncols)
{
	struct vctl_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	if (vctl_table_add(t, headers) < 0) {
		free(t);
		return NULL;
	}
	t->nrows = 0;
	return t;
}

int vctl_table_add(struct vctl_table *t, const char *const *cells)
{
	int row = t->cells ? t->nrows + 1 : 0;
	int i;

	if ((row + 1) > t->cap) {
		int ncap = t->cap ? t->cap * 2 : 8;
		char **n = realloc(t->cells, sizeof(char *) * (size_t)ncap * (size_t)t->ncols);

		if (!n)
			return -1;
		t->cells = n;
		t->cap = ncap;
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[row * t->ncols + i] = dup_cell(cells[i]);
	if (row > 0)
		t->nrows++;
	return 0;
}

int vctl_table_addv(struct vctl_table *t, ...)
{
	const char *cells[32];
	va_list ap;
	int i;

	va_start(ap, t);
	for (i = 0; i < t->ncols && i < 32; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	return vctl_table_add(t, cells);
}

void vctl_table_print(struct vctl_table *t, FILE *out)
{
	size_t *w = calloc((size_t)t->ncols, sizeof(size_t));
	int r, c;

	if (!w)
		return;
	for (r = 0; r <= t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t l = strlen(cell(t, r, c));
			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = cell(t, r, c);
			if (c == t->ncols - 1)
				fprintf(out, "%s", s);
			else
				fprintf(out, "%-*s  ", (int)w[c], s);
		}
		fputc('\n', out);
		if (r == 0) {
			for (c = 0; c < t->ncols; c++) {
				size_t k;
				for (k = 0; k < w[c]; k++)
					fputc('-', out);
				if (c != t->ncols - 1)
					fputs("  ", out);
			}
			fputc('\n', out);
		}
	}
	free(w);
}

void vctl_table_free(struct vctl_table *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < (t->nrows + 1) * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
