// SPDX-License-Identifier: GPL-2.0
/*
 * tambench: how fast tamalloc(2), vm_stats(2) and mem_stats(2) are next to
 * what they replace, measured in one run on one machine.  It reports
 * medians and ratios; it never judges them.
 *
 *   1. Allocation: tamalloc() against mmap(MAP_NORESERVE), calloc and
 *      malloc+memset, from 4 KiB to 1 GiB: latency, and the VmRSS and
 *      Committed_AS each call causes.
 *   2. Statistics with N idle processes: vm_stats(0) against the /proc walk
 *      ps and top do and against ps itself; mem_stats() against
 *      /proc/meminfo plus that walk.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "tamalloc.h"
#include "util.h"

#define KiB	(1ULL << 10)
#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)

/* glibc's initial mmap threshold, pinned so every call behaves the same. */
#define MMAP_THRESHOLD	(128 * 1024)

static bool quick;		/* --quick: a tenth of the repetitions */
static bool use_syscalls;	/* the kernel has the tamalloc syscalls */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Short calls need a high-resolution CLOCK_MONOTONIC.  Under qemu TCG the
 * guest kernel marks the TSC unstable and falls back to jiffies (4 ms steps)
 * unless booted with tsc=reliable, as scripts/vm-run does: say which it is.
 */
static void show_timer(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC, &res))
		res.tv_sec = res.tv_nsec = 0;
	printf("Timer: CLOCK_MONOTONIC, resolution %ld ns%s.\n\n", res.tv_nsec,
	       res.tv_sec || res.tv_nsec > 1000 ?
	       " (coarse: short times are meaningless; a guest under qemu TCG\n"
	       "needs tsc=reliable and tsc_early_khz=, as scripts/vm-run gives it)" : "");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, unsigned int n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "1.8 us", "12.3 ms": a duration in 9 columns. */
static const char *fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.1f s", ns / 1e9);
	return buf;
}

static const char *fmt_size(char *buf, size_t len, uint64_t size)
{
	if (size >= GiB)
		snprintf(buf, len, "%llu GiB", (unsigned long long)(size / GiB));
	else if (size >= MiB)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(size / MiB));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(size / KiB));
	return buf;
}

/* Repetitions wanted, cut short after the time budget once min are done. */
struct reps {
	unsigned int want, min;
	uint64_t budget_ns;
};

/* ---- 1. Allocation ---------------------------------------------------- */

enum method { TAMALLOC, MMAP, CALLOC, MALLOC_MEMSET, NR_METHODS };

static const char *const method_names[NR_METHODS] = {
	"tamalloc", "mmap(NORESERVE)", "calloc", "malloc+memset",
};

/* Through a volatile pointer, so that the compiler cannot make it calloc. */
static void *(*volatile memset_fn)(void *, int, size_t) = memset;

static void *m_alloc(enum method m, size_t size)
{
	void *p;

	switch (m) {
	case TAMALLOC:
		if (use_syscalls) {
			long addr = syscall(__NR_tamalloc, size);

			return addr == -1 ? NULL : (void *)addr;
		}
		return tamalloc(size);
	case MMAP:
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	case CALLOC:
		return calloc(1, size);
	default:
		p = malloc(size);
		if (p)
			memset_fn(p, 0, size);
		return p;
	}
}

static void m_free(enum method m, void *p, size_t size)
{
	if (m == TAMALLOC || m == MMAP)
		munmap(p, size);
	else
		free(p);
}

struct cell {
	int err;
	unsigned int reps;
	uint64_t median_ns;
	long long rss_kib, charge_kib;	/* at the first call */
};

/*
 * This process's commit charge in KiB: the size of its mappings that
 * /proc/self/smaps marks "ac" (VM_ACCOUNT), which is what it adds to
 * Committed_AS.  Committed_AS itself is system-wide (every other process
 * moves it) and read approximately from per-CPU counters, so a delta of
 * it says little about one call on a busy machine; this one is exact.
 * -1 if smaps cannot be read (CONFIG_PROC_PAGE_MONITOR off).
 */
static long long self_charge_kib(void)
{
	static char buf[8192];
	long long size = 0, sum = 0;
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	/* A static buffer: reading must not grow the heap it measures. */
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Size:", 5))
			size = strtoll(line + 5, NULL, 10);
		else if (!strncmp(line, "VmFlags:", 8) && strstr(line, " ac"))
			sum += size;
	}
	fclose(f);
	return sum;
}

/*
 * In a child: each of the n methods' first-call deltas, then the timed
 * repetitions with the methods taking turns, so that a slow stretch of the
 * emulator slows all of them alike and their ratio stays fair.  times holds
 * r->want entries per method.
 */
static void alloc_cells(const enum method *ms, unsigned int n, size_t size,
			const struct reps *r, struct cell *c, uint64_t *times)
{
	struct tam_sample before, after;
	size_t warm = size < MMAP_THRESHOLD ? 4096 : MMAP_THRESHOLD;
	unsigned int k, reps = 0;
	uint64_t start, t0;
	void *p;

	errno = 0;
	/* The first sample sets up what sampling needs (stdio buffers). */
	if (!mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) ||
	    tam_sample_self(&before))
		goto fail;
	for (k = 0; k < n; k++) {
		long long charge0, charge1;

		/* Fault in the code the measurement runs (heap or mmap path). */
		p = m_alloc(ms[k], warm);
		if (!p)
			goto fail;
		m_free(ms[k], p, warm);
		/* The smaps reads bracket the VmRSS samples, whose delta
		 * then holds the call alone. */
		if ((charge0 = self_charge_kib()) < 0 || tam_sample_self(&before))
			goto fail;
		p = m_alloc(ms[k], size);
		if (!p || tam_sample_self(&after) ||
		    (charge1 = self_charge_kib()) < 0)
			goto fail;
		m_free(ms[k], p, size);
		c[k].rss_kib = ((long long)after.rss - (long long)before.rss) / 1024;
		c[k].charge_kib = charge1 - charge0;
	}

	start = now_ns();
	while (reps < r->want &&
	       (reps < r->min || now_ns() - start < r->budget_ns)) {
		for (k = 0; k < n; k++) {
			t0 = now_ns();
			p = m_alloc(ms[k], size);
			times[k * r->want + reps] = now_ns() - t0;
			if (!p)
				goto fail;
			m_free(ms[k], p, size);
		}
		reps++;
	}
	for (k = 0; k < n; k++) {
		c[k].reps = reps;
		c[k].median_ns = median(times + k * r->want, reps);
	}
	return;
fail:
	for (k = 0; k < n; k++)
		c[k].err = errno ? errno : EIO;
}

/*
 * Run the cells of the n methods in ms in one fresh process, so that no
 * cell inherits another's heap; results in out[ms[k]].
 */
static void run_cells(const enum method *ms, unsigned int n, size_t size,
		      const struct reps *r, struct cell *out)
{
	size_t bytes = n * (sizeof(*out) + r->want * sizeof(uint64_t));
	unsigned int k;
	struct cell *c;
	int status;
	pid_t pid;

	c = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		for (k = 0; k < n; k++)
			out[ms[k]] = (struct cell){ .err = errno };
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alloc_cells(ms, n, size, r, c, (uint64_t *)(c + n));
		_exit(0);
	}
	status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		for (k = 0; k < n; k++)
			c[k].err = c[k].err ? c[k].err : ECHILD;
	for (k = 0; k < n; k++)
		out[ms[k]] = c[k];
	munmap(c, bytes);
}

static void bench_alloc(void)
{
	static const struct {
		uint64_t size;
		struct reps reps;
	} sizes[] = {
		{ 4 * KiB, { 2000, 50, 2000000000 } },
		{ 64 * KiB, { 1000, 50, 2000000000 } },
		{ 1 * MiB, { 300, 20, 2000000000 } },
		{ 16 * MiB, { 100, 5, 2000000000 } },
		{ 256 * MiB, { 20, 5, 5000000000ULL } },
		{ 1 * GiB, { 10, 5, 10000000000ULL } },
	};
	static const unsigned int nsizes = sizeof(sizes) / sizeof(sizes[0]);
	/* tamalloc and mmap take turns in one process: their ratio is the point. */
	static const enum method pair[] = { TAMALLOC, MMAP };
	static const enum method heap[] = { CALLOC, MALLOC_MEMSET };
	struct cell cells[sizeof(sizes) / sizeof(sizes[0])][NR_METHODS];
	char sz[16], t[NR_METHODS][16], d[NR_METHODS][32];
	bool calloc_lazy = false;
	unsigned int i, m;
	struct reps r;

	printf("## Allocation\n\n"
	       "Median latency of one call (malloc+memset: the call and the memset), each\n"
	       "allocation freed before the next.  tamalloc and mmap run in one fresh\n"
	       "process, taking turns call by call; calloc and malloc+memset each in\n"
	       "their own.  glibc's mmap threshold pinned at its default 128 KiB.\n"
	       "tamalloc: %s.\n\n",
	       use_syscalls ? "the raw syscall" : "the library's mmap fallback (no syscall in this kernel)");
	printf("| size    | %-18s | %-18s | %-18s | %-18s | tamalloc/mmap |\n",
	       method_names[0], method_names[1], method_names[2], method_names[3]);
	printf("|---------|--------------------|--------------------|--------------------|--------------------|---------------|\n");
	for (i = 0; i < nsizes; i++) {
		r = sizes[i].reps;
		if (quick) {
			r.want = r.want / 10 > r.min ? r.want / 10 : r.min;
			r.budget_ns /= 10;
		}
		run_cells(pair, 2, sizes[i].size, &r, cells[i]);
		run_cells(&heap[0], 1, sizes[i].size, &r, cells[i]);
		run_cells(&heap[1], 1, sizes[i].size, &r, cells[i]);
		for (m = 0; m < NR_METHODS; m++) {
			struct cell *c = &cells[i][m];
			char ns[16];

			if (c->err)
				snprintf(t[m], sizeof(t[m]), "%s", strerror(c->err));
			else
				snprintf(t[m], sizeof(t[m]), "%s (%u)",
					 fmt_ns(ns, sizeof(ns), c->median_ns), c->reps);
		}
		printf("| %-7s | %18s | %18s | %18s | %18s |", fmt_size(sz, sizeof(sz), sizes[i].size),
		       t[0], t[1], t[2], t[3]);
		if (cells[i][TAMALLOC].err || cells[i][MMAP].err)
			printf("             - |\n");
		else
			printf(" %13.2f |\n", (double)cells[i][TAMALLOC].median_ns /
			       cells[i][MMAP].median_ns);
	}
	printf("\n(repetitions in parentheses)\n\n"
	       "VmRSS and commit charge change right after the first call, in KiB\n"
	       "(the charge: the process's mappings that smaps marks \"ac\", which is\n"
	       "what it adds to Committed_AS):\n\n");
	printf("| size    | %-18s | %-18s | %-18s | %-18s |\n",
	       method_names[0], method_names[1], method_names[2], method_names[3]);
	printf("|---------|--------------------|--------------------|--------------------|--------------------|\n");
	for (i = 0; i < nsizes; i++) {
		for (m = 0; m < NR_METHODS; m++) {
			const struct cell *c = &cells[i][m];

			if (c->err)
				snprintf(d[m], sizeof(d[m]), "-");
			else
				snprintf(d[m], sizeof(d[m]), "%+lld / %+lld",
					 c->rss_kib, c->charge_kib);
		}
		printf("| %-7s | %18s | %18s | %18s | %18s |\n", fmt_size(sz, sizeof(sz), sizes[i].size),
		       d[0], d[1], d[2], d[3]);
	}
	printf("\n(VmRSS / commit charge)\n");
	for (i = 0; i < nsizes; i++) {
		const struct cell *c = &cells[i][CALLOC];

		if (!c->err && sizes[i].size > MMAP_THRESHOLD && !calloc_lazy &&
		    c->rss_kib * (long long)KiB < (long long)sizes[i].size / 10) {
			calloc_lazy = true;
			printf("\ncalloc is lazy too from %s up: glibc serves blocks of %d KiB and more\n"
			       "with mmap and does not clear pages fresh from the kernel, so VmRSS\n"
			       "does not grow at the call; unlike tamalloc it is charged to\n"
			       "Committed_AS (%+lld KiB at %s).\n",
			       fmt_size(sz, sizeof(sz), sizes[i].size), MMAP_THRESHOLD / 1024,
			       c->charge_kib, sz);
		}
	}
	printf("\n");
}

/* ---- 2. Statistics ---------------------------------------------------- */

/* The most idle children --procs takes. */
#define MAX_PROCS 100000

/*
 * Raise the sysctl at @path to at least @want (root only); a kernel's
 * defaults stop a 2-CPU guest near 32,000 pids (pid_max 32768) and, with
 * 4 GiB, threads (threads-max is RAM / 128 KiB).  Prints what it did.
 */
static void raise_sysctl(const char *path, long want)
{
	long now = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &now) != 1)
			now = 0;
		fclose(f);
	}
	if (!now || now >= want)
		return;
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", want) < 0 || fclose(f)) {
		printf("(%s is %ld, could not raise it to %ld: %s)\n", path, now,
		       want, strerror(errno));
		return;
	}
	printf("(%s raised from %ld to %ld)\n", path, now, want);
}

/* Fork until there are n idle children; returns how many there are. */
static long spawn_idle(pid_t *pids, long have, long n)
{
	pid_t pid;

	fflush(NULL);
	for (; have < n; have++) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "tambench: fork after %ld children: %s\n",
				have, strerror(errno));
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		pids[have] = pid;
	}
	return have;
}

static void kill_idle(pid_t *pids, long n)
{
	long i;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
}

/* Run argv with its output to /dev/null; its exit status or -1. */
static int run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int status = -1;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return -1;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (!posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) &&
	    waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	posix_spawn_file_actions_destroy(&fa);
	return status;
}

/* What one measurement does; 0 on success. */
struct probe {
	const char *name;
	int (*run)(const struct probe *p);
	char *const *argv;		/* for run_command */
};

static struct tam_vm_stat *vm_buf;
static size_t vm_cap;

static int run_vm_stats(const struct probe *p)
{
	(void)p;
	if (use_syscalls)
		return syscall(__NR_vm_stats, 0, vm_buf, (unsigned int)vm_cap, 0U) < 0;
	return tam_vm_stats(0, vm_buf, vm_cap) < 0;
}

static int run_vm_stats_proc(const struct probe *p)
{
	(void)p;
	return tam_vm_stats_proc(0, vm_buf, vm_cap) < 0;
}

static int run_mem_stats(const struct probe *p)
{
	struct tam_mem_stats ms;

	(void)p;
	if (use_syscalls)
		return syscall(__NR_mem_stats, &ms, (unsigned int)sizeof(ms), 0U) < 0;
	return tam_mem_stats(&ms);
}

static int run_mem_stats_proc(const struct probe *p)
{
	struct tam_mem_stats ms;

	(void)p;
	return tam_mem_stats_proc(&ms);
}

static int run_command(const struct probe *p)
{
	return run_quiet(p->argv);
}

/* Median of reps runs of p, 0 (and a message) if one failed. */
static uint64_t measure(const struct probe *p, unsigned int reps)
{
	uint64_t times[64], t0;
	unsigned int i;

	if (reps > 64)
		reps = 64;
	for (i = 0; i < reps; i++) {
		t0 = now_ns();
		if (p->run(p)) {
			fprintf(stderr, "tambench: %s failed: %s\n", p->name,
				strerror(errno));
			return 0;
		}
		times[i] = now_ns() - t0;
	}
	return median(times, reps);
}

/*
 * Medians of reps runs each of a and b, taking turns, so that a slow
 * stretch of the emulator falls on both alike; 0 (and a message) if one
 * failed.
 */
static void measure_pair(const struct probe *a, const struct probe *b,
			 unsigned int reps, uint64_t *ta, uint64_t *tb)
{
	const struct probe *p[2] = { a, b };
	uint64_t times[2][64], t0;
	unsigned int i, k;

	if (reps > 64)
		reps = 64;
	*ta = *tb = 0;
	for (i = 0; i < reps; i++) {
		for (k = 0; k < 2; k++) {
			t0 = now_ns();
			if (p[k]->run(p[k])) {
				fprintf(stderr, "tambench: %s failed: %s\n",
					p[k]->name, strerror(errno));
				return;
			}
			times[k][i] = now_ns() - t0;
		}
	}
	*ta = median(times[0], reps);
	*tb = median(times[1], reps);
}

static const char *fmt_ratio(char *buf, size_t len, uint64_t num, uint64_t den)
{
	if (!num || !den)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, num >= 10 * den ? "%.0fx" : "%.1fx",
			 (double)num / den);
	return buf;
}

/*
 * Hook: `tamstat -J --source syscall` against `--source proc`, when the
 * guest has tamstat.  Prints one line either way.
 */
static void bench_tamstat(long n, unsigned int reps)
{
	static char *const probe_argv[] = { "tamstat", "--help", NULL };
	static char *const sys_argv[] = { "tamstat", "-J", "--source", "syscall", NULL };
	static char *const proc_argv[] = { "tamstat", "-J", "--source", "proc", NULL };
	const struct probe sys = { "tamstat -J --source syscall", run_command, sys_argv };
	const struct probe proc = { "tamstat -J --source proc", run_command, proc_argv };
	char a[16], b[16], x[16];
	uint64_t ts, tp;
	int st;

	printf("\n### tamstat at N=%ld\n\n", n);
	st = run_quiet(probe_argv);
	if (st == 127 || st < 0) {
		printf("tamstat is not installed in this guest: measurement skipped.\n");
		return;
	}
	if (run_quiet(sys_argv) || run_quiet(proc_argv)) {
		printf("tamstat -J --source syscall|proc did not exit with 0: measurement skipped.\n");
		return;
	}
	measure_pair(&sys, &proc, reps, &ts, &tp);
	printf("| command                      | median    |\n"
	       "|------------------------------|-----------|\n"
	       "| tamstat -J --source syscall  | %9s |\n"
	       "| tamstat -J --source proc     | %9s |\n\n"
	       "proc/syscall: %s (%u runs each, taking turns, output to /dev/null)\n",
	       fmt_ns(a, sizeof(a), ts), fmt_ns(b, sizeof(b), tp),
	       fmt_ratio(x, sizeof(x), tp, ts), reps);
}

static void bench_stats(const long *ns, unsigned int count)
{
	static char *const ps_argv[] = { "ps", "-eo", "pid,vsz,rss", NULL };
	const struct probe vm = { "vm_stats(0)", run_vm_stats, NULL };
	const struct probe walk = { "tam_vm_stats_proc(0)", run_vm_stats_proc, NULL };
	const struct probe ps = { "ps -eo pid,vsz,rss", run_command, ps_argv };
	const struct probe mem = { "mem_stats()", run_mem_stats, NULL };
	const struct probe memproc = { "tam_mem_stats_proc()", run_mem_stats_proc, NULL };
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	uint64_t t[5][16];
	unsigned int i, fast = quick ? 5 : 21;
	long have = 0, max = 0, total[16];
	char b[6][16];
	pid_t *pids;

	for (i = 0; i < count; i++)
		max = ns[i] > max ? ns[i] : max;
	setrlimit(RLIMIT_NPROC, &unlimited);
	/* Room for the children, what the guest runs already and ps. */
	raise_sysctl("/proc/sys/kernel/pid_max", 2 * max + 4096);
	raise_sysctl("/proc/sys/kernel/threads-max", 2 * max + 4096);
	pids = calloc(max, sizeof(*pids));
	vm_cap = max + 4096;
	vm_buf = calloc(vm_cap, sizeof(*vm_buf));
	if (!pids || !vm_buf) {
		perror("tambench");
		exit(1);
	}
	printf("## Statistics\n\n"
	       "With N idle child processes (fork + pause), median of R runs.  The /proc\n"
	       "walk is tam_vm_stats_proc(0): status, comm, oom_score_adj and oom_score\n"
	       "of every pid, as ps and top read them; meminfo+walk is\n"
	       "tam_mem_stats_proc().  ps is busybox `ps -eo pid,vsz,rss` with its output\n"
	       "to /dev/null (busybox ps takes -e and lists every process either way).\n"
	       "vm_stats(0) and mem_stats(): %s.\n",
	       use_syscalls ? "the raw syscalls" : "the library fallback (no syscalls in this kernel)");
	for (i = 0; i < count && i < 16; i++) {
		unsigned int slow = quick ? 3 : ns[i] >= 3000 ? 5 : ns[i] >= 1000 ? 7 : 11;

		have = spawn_idle(pids, have, ns[i]);
		total[i] = use_syscalls ?
			   syscall(__NR_vm_stats, 0, NULL, 0U, 0U) :
			   tam_vm_stats(0, NULL, 0);
		t[0][i] = measure(&vm, fast);
		t[1][i] = measure(&walk, slow);
		t[2][i] = measure(&ps, slow);
		t[3][i] = measure(&mem, fast);
		t[4][i] = measure(&memproc, slow);
		bench_tamstat(ns[i], slow);
		if (have < ns[i]) {
			count = i + 1;
			break;
		}
	}
	kill_idle(pids, have);

	printf("\n### vm_stats(0): every process\n\n"
	       "| N     | processes | vm_stats(0) | per process | /proc walk | ps -eo pid,vsz,rss | walk/vm_stats | ps/vm_stats |\n"
	       "|-------|-----------|-------------|-------------|------------|--------------------|---------------|-------------|\n");
	for (i = 0; i < count; i++)
		printf("| %5ld | %9ld | %11s | %11s | %10s | %18s | %13s | %11s |\n",
		       ns[i], total[i], fmt_ns(b[0], 16, t[0][i]),
		       fmt_ns(b[5], 16, t[0][i] / (total[i] > 0 ? total[i] : 1)),
		       fmt_ns(b[1], 16, t[1][i]), fmt_ns(b[2], 16, t[2][i]),
		       fmt_ratio(b[3], 16, t[1][i], t[0][i]),
		       fmt_ratio(b[4], 16, t[2][i], t[0][i]));
	printf("\n### mem_stats(): system totals\n\n"
	       "| N     | mem_stats() | per process | meminfo+walk | ratio  | mem_stats/vm_stats(0) |\n"
	       "|-------|-------------|-------------|--------------|--------|-----------------------|\n");
	for (i = 0; i < count; i++)
		printf("| %5ld | %11s | %11s | %12s | %6s | %21.2f |\n", ns[i],
		       fmt_ns(b[0], 16, t[3][i]),
		       fmt_ns(b[5], 16, t[3][i] / (total[i] > 0 ? total[i] : 1)),
		       fmt_ns(b[1], 16, t[4][i]),
		       fmt_ratio(b[2], 16, t[4][i], t[3][i]),
		       t[0][i] ? (double)t[3][i] / t[0][i] : 0.0);
	printf("\n(processes: what vm_stats(0) counted, with N children, the shell and tambench;\n"
	       "R = %u for the syscalls, %s for the rest)\n", fast,
	       quick ? "3" : "11/7/5 at N < 1000 / < 3000 / >= 3000");
	free(pids);
	free(vm_buf);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tambench [--alloc] [--stats] [--procs N[,N...]] [--quick]\n"
"Benchmark tamalloc(2) against mmap, calloc and malloc+memset, and\n"
"vm_stats(2) and mem_stats(2) against /proc and ps, and print Markdown tables\n"
"of medians and ratios.  Without --alloc or --stats, both.\n"
"\n"
"  -a, --alloc         allocation latency and memory, 4 KiB to 1 GiB\n"
"  -s, --stats         statistics with N idle processes\n"
"  -p, --procs LIST    the values of N, at most 100000 each (default\n"
"                      1000,4000,16000,32000)\n"
"  -q, --quick         a tenth of the repetitions (a smoke test)\n"
"  -h, --help          show this help\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alloc", no_argument, NULL, 'a' },
		{ "stats", no_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long ns[16] = { 1000, 4000, 16000, 32000 };
	unsigned int count = 4;
	bool alloc = false, stats = false;
	char *tok, *end, save;
	uint64_t t0;
	int c;

	while ((c = getopt_long(argc, argv, "asp:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			alloc = true;
			break;
		case 's':
			stats = true;
			break;
		case 'p':
			/* N[,N...]: strtok would skip empty items ("1,,2"). */
			count = 0;
			for (tok = optarg;; tok = end + 1) {
				end = strchrnul(tok, ',');
				save = *end;
				*end = '\0';
				if (count == 16 || tam_parse_long(tok, 1, MAX_PROCS, &ns[count])) {
					fprintf(stderr, "tambench: invalid process count '%s' in --procs (want N[,N...], 1-%d, at most 16)\n",
						tok, MAX_PROCS);
					return 2;
				}
				count++;
				if (!save)
					break;
			}
			break;
		case 'q':
			quick = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tambench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!alloc && !stats)
		alloc = stats = true;
	setvbuf(stdout, NULL, _IOLBF, 0);
	use_syscalls = tam_kernel_support();
	t0 = now_ns();
	printf("# tambench%s: %s, %ld CPUs, %llu MiB RAM\n\n", quick ? " --quick" : "",
	       use_syscalls ? "tamalloc syscalls present" : "no tamalloc syscalls (library fallback)",
	       sysconf(_SC_NPROCESSORS_ONLN),
	       (unsigned long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) / MiB);
	show_timer();
	if (alloc)
		bench_alloc();
	if (stats)
		bench_stats(ns, count);
	printf("\ntambench: done in %.0f s\n", (now_ns() - t0) / 1e9);
	return 0;
}
