/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: the clock.  The TSC where it is invariant, or steady and fast
 * to read where clock_gettime() is slow; else CLOCK_MONOTONIC_RAW (see
 * struct perf_clock).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

static bool cpu_has_invariant_tsc(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		found = strstr(line, " constant_tsc") != NULL;
		break;
	}
	fclose(f);
	return found;
}

/*
 * Is clock_gettime() served by the vDSO here?  Only with a clock source the
 * vDSO can read; with hpet or acpi_pm (virtual machines whose TSC the kernel
 * marked unstable) every call is a system call plus a device register read.
 */
static bool clocksource_is_slow(void)
{
	static const char *const fast[] = { "tsc", "kvm-clock", "hyperv_clocksource_tsc_page",
	                                    "arch_sys_counter" };
	char name[64] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
	size_t i;

	if (!f)
		return false;
	if (!fgets(name, sizeof(name), f))
		name[0] = 0;
	fclose(f);
	name[strcspn(name, "\n")] = 0;
	if (!name[0])
		return false;
	for (i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
		if (strcmp(name, fast[i]) == 0)
			return false;
	return true;
}

#if PERF_HAVE_TSC
/* A TSC reading and the clock's time at it: the tightest of a few brackets. */
static void tsc_stamp(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < 5; i++) {
		uint64_t t0 = perf_mono_ns(), c = __rdtsc(), t1 = perf_mono_ns();

		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = c;
			*ns = t0 + (t1 - t0) / 2;
		}
	}
}

/* TSC ticks per ns against CLOCK_MONOTONIC_RAW over `ns`; 0 when it went backwards. */
static double tsc_rate(uint64_t ns)
{
	uint64_t t0 = 0, t1 = 0, c0 = 0, c1 = 0;

	tsc_stamp(&c0, &t0);
	do
		t1 = perf_mono_ns();
	while (t1 - t0 < ns);
	tsc_stamp(&c1, &t1);
	return c1 > c0 && t1 > t0 ? (double)(c1 - c0) / (double)(t1 - t0) : 0.0;
}

/*
 * Are the TSCs of two CPUs in step?  A thread on each takes turns, under a
 * lock, reading the TSC and checking it against the last value read on
 * either CPU: time may never run backwards between them.  A warp (or a
 * check that could not interleave the two often enough) fails it.  An
 * offset smaller than one lock hand-over escapes the check, and is then
 * below what one ping-pong takes.
 */
struct tsc_warp {
	int lock;
	uint64_t last;
	uint64_t deadline;
	bool warped;
	int go;
	unsigned int turns[2];
};

static void warp_turns(struct tsc_warp *w, unsigned int who)
{
	for (;;) {
		uint64_t now;
		bool done;

		while (__atomic_exchange_n(&w->lock, 1, __ATOMIC_ACQUIRE))
			;
		_mm_lfence();
		now = __rdtsc();
		if (now < w->last)
			w->warped = true;
		w->last = now;
		w->turns[who]++;
		done = w->warped || now > w->deadline;
		__atomic_store_n(&w->lock, 0, __ATOMIC_RELEASE);
		if (done)
			return;
	}
}

static void *warp_main(void *arg)
{
	struct tsc_warp *w = arg;

	while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE))
		;
	warp_turns(w, 1);
	return NULL;
}

/* Run on a thread pinned to one CPU: is every other allowed CPU's TSC in step? */
static bool tsc_synchronized(const cpu_set_t *allowed, int self, double ticks_per_ns)
{
	int cpu, checked = 0;

	for (cpu = 0; cpu < CPU_SETSIZE && checked < 8; cpu++) {
		struct tsc_warp w = { .lock = 0 };
		pthread_attr_t attr;
		pthread_t th;
		cpu_set_t one;
		int e;

		if (cpu == self || !CPU_ISSET(cpu, allowed))
			continue;
		checked++;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (pthread_attr_init(&attr))
			return false;
		e = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		if (!e)
			e = pthread_create(&th, &attr, warp_main, &w);
		pthread_attr_destroy(&attr);
		if (e)
			return false;
		w.deadline = __rdtsc() + (uint64_t)(2e6 * ticks_per_ns);  /* 2 ms */
		__atomic_store_n(&w.go, 1, __ATOMIC_RELEASE);
		warp_turns(&w, 0);
		pthread_join(th, NULL);
		if (w.warped || w.turns[0] < 50 || w.turns[1] < 50)
			return false;
	}
	return true;
}
#endif

void perf_clock_init(struct perf_clock *clk)
{
	const char *env = secure_getenv("VRDMA_PERF_CLOCK");
	bool invariant = PERF_HAVE_TSC && cpu_has_invariant_tsc();
	bool tsc = invariant, steady = false;

	if (clk->ready)
		return;
	if (!tsc && PERF_HAVE_TSC && clocksource_is_slow())
		steady = tsc = true;  /* kept only if its rate proves steady */
	if (env && strcmp(env, "monotonic") == 0)
		steady = tsc = false;
	else if (env && strcmp(env, "tsc") == 0)
		tsc = PERF_HAVE_TSC, steady = !invariant;
	clk->tsc = false;
	clk->pin = false;
	clk->ns_per_tick = 1.0;
#if PERF_HAVE_TSC
	if (tsc) {
		/* Calibrate once: TSC ticks against CLOCK_MONOTONIC_RAW over 20 ms.
		 * Without an invariant TSC, the calibration pins this thread and
		 * is done twice; the TSC is used only when both rates agree within
		 * 0.2%.  Runs then take their timestamps on one CPU (pin), unless
		 * a warp check finds every CPU's TSC in step with this one's. */
		cpu_set_t saved, one;
		bool pinned = false;
		int self = -1;
		double a, b = 0.0;

		if (steady && sched_getaffinity(0, sizeof(saved), &saved) == 0 &&
		    (self = sched_getcpu()) >= 0) {
			CPU_ZERO(&one);
			CPU_SET(self, &one);
			pinned = sched_setaffinity(0, sizeof(one), &one) == 0;
		}
		a = tsc_rate(steady ? 10000000u : 20000000u);
		if (steady)
			b = tsc_rate(10000000u);
		if (a > 0 && (!steady || (b > 0 && (a > b ? a / b : b / a) < 1.002))) {
			clk->tsc = true;
			clk->pin = steady && !(pinned && tsc_synchronized(&saved, self, (a + b) / 2));
			clk->ns_per_tick = steady ? 2.0 / (a + b) : 1.0 / a;
		}
		if (pinned)
			(void)sched_setaffinity(0, sizeof(saved), &saved);
	}
#endif
	clk->ready = true;
}
