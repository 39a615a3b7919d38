// SPDX-License-Identifier: GPL-2.0
/*
 * tambench, 2. Statistics: vm_stats(0) and mem_stats() against the /proc
 * walk and ps, with N idle child processes, and tamstat -J with either
 * source at each N.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tamalloc.h"
#include "tambench.h"
#include "util.h"

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

static void kill_idle(pid_t *pids, long n)
{
	long i;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
}

/* Room left for ps and tamstat when fork() stops short of N. */
#define SPARE_PIDS	64

/*
 * Fork until there are n idle children; returns how many there are.  When
 * fork() fails first (pid_max, threads-max), SPARE_PIDS children are let
 * go again, so that the commands measured next can start.
 */
static long spawn_idle(pid_t *pids, long have, long n)
{
	pid_t pid;

	fflush(NULL);
	for (; have < n; have++) {
		pid = fork();
		if (pid < 0) {
			long keep = have > SPARE_PIDS ? have - SPARE_PIDS : 0;

			fprintf(stderr, "tambench: fork after %ld children: %s; measuring with %ld\n",
				have, strerror(errno), keep);
			kill_idle(pids + keep, have - keep);
			have = keep;
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

/*
 * Run argv with its output to /dev/null; its exit status, or -1 with errno
 * set when it could not be started.
 */
static int run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int status = -1, err;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return -1;
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	if (!err && waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		errno = err;
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

/* vm_stats(0) with the fields of the first layout: sizes and OOM score. */
static int run_vm_stats(const struct probe *p)
{
	(void)p;
	if (use_syscalls)
		return syscall(__NR_vm_stats, 0, vm_buf, (unsigned int)vm_cap,
			       (unsigned int)sizeof(*vm_buf), TAM_VM_BASIC, 0U) < 0;
	return tam_vm_stats(0, vm_buf, vm_cap) < 0;
}

/* vm_stats(0) with VmSize and VmRSS only, as ps -o vsz,rss shows them. */
static int run_vm_stats_sizes(const struct probe *p)
{
	(void)p;
	return syscall(__NR_vm_stats, 0, vm_buf, (unsigned int)vm_cap,
		       (unsigned int)sizeof(*vm_buf), TAM_VM_SIZE | TAM_VM_RSS,
		       0U) < 0;
}

/* The same with TAM_VM_DONT_SYNC: the counters as cached. */
static int run_vm_stats_sizes_nosync(const struct probe *p)
{
	(void)p;
	return syscall(__NR_vm_stats, 0, vm_buf, (unsigned int)vm_cap,
		       (unsigned int)sizeof(*vm_buf), TAM_VM_SIZE | TAM_VM_RSS,
		       TAM_VM_DONT_SYNC) < 0;
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
		return syscall(__NR_mem_stats, &ms, (unsigned int)sizeof(ms),
			       TAM_MEM_ALL, 0U) < 0;
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
	if (st == 127 || (st < 0 && errno == ENOENT)) {
		printf("tamstat is not installed in this guest: measurement skipped.\n");
		return;
	}
	if (st < 0) {
		printf("tamstat could not be started (%s): measurement skipped.\n",
		       strerror(errno));
		return;
	}
	if (run_quiet(sys_argv) || run_quiet(proc_argv)) {
		printf("tamstat -J --source syscall|proc did not exit with 0: measurement skipped.\n");
		return;
	}
	measure_pair(&sys, &proc, reps, &ts, &tp);
	{
		static const struct tam_md_col cols[] = { { 28, true }, { 9, false } };
		const char *cells[] = {
			"command", "median",
			sys.name, fmt_ns(a, sizeof(a), ts),
			proc.name, fmt_ns(b, sizeof(b), tp),
		};

		tam_md_table(stdout, cells, 3, 2, cols);
	}
	printf("\nproc/syscall: %s (%u runs each, taking turns, output to /dev/null)\n",
	       fmt_ratio(x, sizeof(x), tp, ts), reps);
}

/*
 * A table of n rows whose cells are text[1..n][0..ncols), with the headings
 * head, right-aligned and at least as wide as a heading ("N" as "N   ").
 */
static void print_table(char text[][8][16], unsigned int n,
			const char *const *head, size_t ncols)
{
	const char *cells[17 * 8];
	struct tam_md_col cols[8];
	unsigned int r;
	size_t c;

	for (c = 0; c < ncols; c++) {
		cols[c] = (struct tam_md_col){ c ? (int)strlen(head[c]) : 4, false };
		cells[c] = head[c];
		for (r = 1; r <= n; r++)
			cells[r * ncols + c] = text[r][c];
	}
	tam_md_table(stdout, cells, n + 1, ncols, cols);
}

void bench_stats(const long *ns, unsigned int count)
{
	static char *const ps_argv[] = { "ps", "-eo", "pid,vsz,rss", NULL };
	const struct probe vm = { "vm_stats(0)", run_vm_stats, NULL };
	const struct probe sizes = { "vm_stats(0) sizes", run_vm_stats_sizes, NULL };
	const struct probe nosync = { "vm_stats(0) sizes, DONT_SYNC",
				      run_vm_stats_sizes_nosync, NULL };
	const struct probe walk = { "tam_vm_stats_proc(0)", run_vm_stats_proc, NULL };
	const struct probe ps = { "ps -eo pid,vsz,rss", run_command, ps_argv };
	const struct probe mem = { "mem_stats()", run_mem_stats, NULL };
	const struct probe memproc = { "tam_mem_stats_proc()", run_mem_stats_proc, NULL };
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	uint64_t t[7][16];
	unsigned int i;
	long have = 0, max = 0, total[16];
	char b[17][8][16];
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
			   syscall(__NR_vm_stats, 0, NULL, 0U,
				   (unsigned int)sizeof(*vm_buf), 0U, 0U) :
			   tam_vm_stats(0, NULL, 0);
		/*
		 * Each syscall takes turns with the /proc walk it replaces,
		 * so that the ratio holds when the emulator slows down.
		 */
		measure_pair(&vm, &walk, slow, &t[0][i], &t[1][i]);
		t[2][i] = measure(&ps, slow);
		measure_pair(&mem, &memproc, slow, &t[3][i], &t[4][i]);
		t[5][i] = use_syscalls ? measure(&sizes, slow) : 0;
		t[6][i] = use_syscalls ? measure(&nosync, slow) : 0;
		bench_tamstat(ns[i], slow);
		if (have < ns[i]) {
			count = i + 1;
			break;
		}
	}
	kill_idle(pids, have);

	printf("\n### vm_stats(0): every process, TAM_VM_BASIC (sizes and OOM score)\n\n");
	for (i = 0; i < count; i++) {
		snprintf(b[i + 1][0], sizeof(b[0][0]), "%ld", ns[i]);
		snprintf(b[i + 1][1], sizeof(b[0][0]), "%ld", total[i]);
		fmt_ns(b[i + 1][2], sizeof(b[0][0]), t[0][i]);
		fmt_ns(b[i + 1][3], sizeof(b[0][0]), t[0][i] / (total[i] > 0 ? total[i] : 1));
		fmt_ns(b[i + 1][4], sizeof(b[0][0]), t[1][i]);
		fmt_ns(b[i + 1][5], sizeof(b[0][0]), t[2][i]);
		fmt_ratio(b[i + 1][6], sizeof(b[0][0]), t[1][i], t[0][i]);
		fmt_ratio(b[i + 1][7], sizeof(b[0][0]), t[2][i], t[0][i]);
	}
	print_table(b, count, (const char *const []){ "N", "processes",
		    "vm_stats(0)", "per process", "/proc walk",
		    "ps -eo pid,vsz,rss", "walk/vm_stats", "ps/vm_stats" }, 8);
	if (use_syscalls) {
		printf("\n### vm_stats(0) without the OOM score: TAM_VM_SIZE | TAM_VM_RSS,\n"
		       "exact (as /proc) and with TAM_VM_DONT_SYNC (the counters as cached)\n\n");
		for (i = 0; i < count; i++) {
			snprintf(b[i + 1][0], sizeof(b[0][0]), "%ld", ns[i]);
			fmt_ns(b[i + 1][1], sizeof(b[0][0]), t[5][i]);
			fmt_ns(b[i + 1][2], sizeof(b[0][0]),
			       t[5][i] / (total[i] > 0 ? total[i] : 1));
			fmt_ratio(b[i + 1][3], sizeof(b[0][0]), t[1][i], t[5][i]);
			fmt_ns(b[i + 1][4], sizeof(b[0][0]), t[6][i]);
			fmt_ns(b[i + 1][5], sizeof(b[0][0]),
			       t[6][i] / (total[i] > 0 ? total[i] : 1));
			fmt_ratio(b[i + 1][6], sizeof(b[0][0]), t[1][i], t[6][i]);
		}
		print_table(b, count, (const char *const []){ "N",
			    "vm_stats(0) sizes", "per process",
			    "walk/vm_stats sizes", "DONT_SYNC",
			    "per process ", "walk/DONT_SYNC" }, 7);
	}
	printf("\n### mem_stats(): system totals\n\n");
	for (i = 0; i < count; i++) {
		snprintf(b[i + 1][0], sizeof(b[0][0]), "%ld", ns[i]);
		fmt_ns(b[i + 1][1], sizeof(b[0][0]), t[3][i]);
		fmt_ns(b[i + 1][2], sizeof(b[0][0]), t[3][i] / (total[i] > 0 ? total[i] : 1));
		fmt_ns(b[i + 1][3], sizeof(b[0][0]), t[4][i]);
		fmt_ratio(b[i + 1][4], sizeof(b[0][0]), t[4][i], t[3][i]);
		snprintf(b[i + 1][5], sizeof(b[0][0]), "%.2f",
			 t[0][i] ? (double)t[3][i] / t[0][i] : 0.0);
	}
	print_table(b, count, (const char *const []){ "N", "mem_stats()",
		    "per process", "meminfo+walk", "ratio ",
		    "mem_stats/vm_stats(0)" }, 6);
	printf("\n(processes: what vm_stats(0) counted, with N children, the shell and tambench;\n"
	       "R = %s; each syscall and its /proc walk take turns, run by run)\n",
	       quick ? "3" : "11/7/5 at N < 1000 / < 3000 / >= 3000");
	free(pids);
	free(vm_buf);
}

