/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: building a plan's steps and notes (used while planning links,
 * addresses, routes and rules) and the names of the apply enums.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply-private.h"

static const char *const action_names[] = { "create", "modify", "delete" };
static const char *const strategy_names[] = { "macvlan", "vlan+macvlan", "vlan", "uplink" };
static const char *const object_names[] = { "link", "address", "route", "rule",
	                                     "soft-adapter", "roce" };

VRDMA_EXPORT const char *vrdma_apply_object_to_string(int object)
{
	return object >= 0 && (size_t)object < ARRAY_SIZE(object_names) ?
	       object_names[object] : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_action_to_string(int action)
{
	return action >= 0 && (size_t)action < ARRAY_SIZE(action_names) ?
	       action_names[action] : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_strategy_to_string(int strategy)
{
	return strategy >= 0 && (size_t)strategy < ARRAY_SIZE(strategy_names) ?
	       strategy_names[strategy] : NULL;
}

void apply_plan_add_note(struct vrdma_apply_plan *plan, const char *fmt, ...)
{
	char **n, *s;
	va_list ap;
	int r;

	if (!plan)
		return;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	n = r < 0 ? NULL : realloc(plan->notes, sizeof(*n) * (plan->n_notes + 1));
	if (!n) {
		if (r >= 0)
			free(s);
		plan->notes_oom = true;
		return;
	}
	plan->notes = n;
	plan->notes[plan->n_notes++] = s;
}

struct vrdma_apply_step *apply_step_new(struct vrdma_apply_plan *plan,
                                        enum vrdma_apply_action action,
                                        enum vrdma_apply_object object,
                                        enum apply_op op, const char *ifname,
                                        const char *attribute)
{
	struct vrdma_apply_step *st;

	if (plan->n_steps == plan->cap_steps) {
		unsigned int ncap = plan->cap_steps ? plan->cap_steps * 2 : 16;
		st = realloc(plan->steps, sizeof(*st) * ncap);
		if (!st)
			return NULL;
		plan->steps = st;
		plan->cap_steps = ncap;
	}
	st = &plan->steps[plan->n_steps];
	memset(st, 0, sizeof(*st));
	st->plan = plan;
	st->index = plan->n_steps;
	st->action = action;
	st->object = object;
	st->op = op;
	snprintf(st->ifname, IFNAMSIZ, "%s", ifname);
	st->attribute = attribute;
	plan->n_steps++;
	return st;
}

int apply_step_text(struct vrdma_apply_step *st, char *old, char *new)
{
	const char *obj = object_names[st->object], *act = action_names[st->action];
	int r;

	st->old_value = old;
	st->new_value = new;
	/* a create has no old value, a delete no new one */
	if ((st->action != VRDMA_APPLY_CREATE && !old) ||
	    (st->action != VRDMA_APPLY_DELETE && !new))
		return -ENOMEM;
	if (st->object == VRDMA_APPLY_OBJ_ROUTE || st->object == VRDMA_APPLY_OBJ_RULE)
		r = asprintf(&st->description, "%s %s %s", act, obj,
		             st->action == VRDMA_APPLY_DELETE ? old : new);
	else if (st->object == VRDMA_APPLY_OBJ_ADDRESS)
		r = asprintf(&st->description, "%s address %s on %s", act,
		             st->action == VRDMA_APPLY_DELETE ? old : new, st->ifname);
	else if (st->action == VRDMA_APPLY_MODIFY)
		r = asprintf(&st->description, "modify link %s %s: %s -> %s",
		             st->ifname, st->attribute, old, new);
	else
		r = asprintf(&st->description, "%s %s %s: %s", act, obj, st->ifname,
		             st->action == VRDMA_APPLY_DELETE ? old : new);
	if (r < 0) {
		st->description = NULL;
		return -ENOMEM;
	}
	return 0;
}
