/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tamalloc tests: raw syscalls and exact /proc readings
 * taken with open/read only, so that reading a figure never maps memory.
 */
#ifndef TAM_TEST_COMMON_H
#define TAM_TEST_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>

#include <linux/tamalloc.h>

/*
 * The numbers, where the C library's headers predate the calls (the kernel's
 * own headers, as kselftest builds with, have them); see
 * include/uapi/linux/tamalloc.h.  Only the raw calls: the tests that use
 * libtamalloc include its "tamalloc.h" themselves.
 */
#ifndef __NR_tamalloc
#define __NR_tamalloc	1000
#define __NR_vm_stats	1001
#define __NR_mem_stats	1002
#endif

/*
 * A 64-bit task's address space: mappings without a hint end below
 * 1 << TAM_VA_BITS, and TAM_TASK_SIZE is the first address above it that
 * a user pointer cannot reach (x86_64: TASK_SIZE_MAX, which leaves out the
 * last page below 1 << 47, even with LA57; arm64: TASK_SIZE of the 4 KiB,
 * 48-bit kernel of config/arm64.config, and the mmap window of a 52-bit
 * one).
 */
#if defined(__aarch64__)
#define TAM_VA_BITS	48
#define TAM_TASK_SIZE	(UINT64_C(1) << 48)
#else
#define TAM_VA_BITS	47
#define TAM_TASK_SIZE	((UINT64_C(1) << 47) - 4096)
#endif

#define KiB	1024UL
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define PAGE	4096UL
#define PAGE_ALIGN(x)	(((x) + PAGE - 1) & ~(PAGE - 1))

/*
 * In a test (or FIXTURE_SETUP) that changes sysctls, mounts, changes user
 * or needs a capability: run by another user (the Debian guest runs the
 * suite as tamuser too), it skips, saying why.
 */
#define SKIP_UNLESS_ROOT(why) do {					\
	if (geteuid())							\
		SKIP(return, "needs root: %s", why);			\
} while (0)

/* Sysctls the tests change and restore (run-guest-tests checks they do). */
#define OVERCOMMIT	"/proc/sys/vm/overcommit_memory"
#define MAX_MAP_COUNT	"/proc/sys/vm/max_map_count"

/* tamalloc(2) takes one argument: the size.  It has no flags. */
static inline long sys_tamalloc(size_t size)
{
	return syscall(__NR_tamalloc, size);
}

/* vm_stats(2) and mem_stats(2) as they are: every argument given. */
static inline long sys_vm_stats_x(pid_t pid, void *buf, unsigned int count,
				  unsigned int size, unsigned int mask,
				  unsigned int flags)
{
	return syscall(__NR_vm_stats, pid, buf, count, size, mask, flags);
}

static inline long sys_mem_stats_x(void *buf, unsigned int size,
				   unsigned int mask, unsigned int flags)
{
	return syscall(__NR_mem_stats, buf, size, mask, flags);
}

/* Every field this header knows, in records of its size. */
static inline long sys_vm_stats(pid_t pid, void *buf, unsigned int count,
				unsigned int flags)
{
	return sys_vm_stats_x(pid, buf, count, sizeof(struct tam_vm_stat),
			      TAM_VM_ALL, flags);
}

static inline long sys_mem_stats(void *buf, unsigned int size,
				 unsigned int flags)
{
	return sys_mem_stats_x(buf, size, TAM_MEM_ALL, flags);
}

/* Read a whole small file into buf; -1 on error. */
static inline ssize_t read_text(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

static inline int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * The pids /proc lists, ascending, in @pids (room for @max); returns how
 * many, or -1.  Reading the directory costs one getdents per few hundred
 * processes, where probing every possible pid costs 32768 lookups: too slow
 * for the debug kernel under emulation.
 */
static inline long proc_pids(pid_t *pids, long max)
{
	struct dirent *de;
	long n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < max) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (*end == '\0' && v > 0)
			pids[n++] = v;
	}
	closedir(d);
	qsort(pids, n, sizeof(*pids), cmp_pid);
	return n;
}

/*
 * The pids vm_stats(0) lists, ascending, in @pids (room for @max); how many
 * processes there were (which may exceed @max), or -1.
 */
static inline long vm_stats_pids(pid_t *pids, long max)
{
	struct tam_vm_stat *all = calloc(max, sizeof(*all));
	long n, i;

	if (!all)
		return -1;
	n = sys_vm_stats(0, all, max, 0);
	for (i = 0; i < n && i < max; i++)
		pids[i] = all[i].pid;
	free(all);
	return n;
}

/* The number after "key:" in a status/meminfo style file, or -1. */
static inline long long proc_field(const char *path, const char *key)
{
	char buf[8192], *p;
	size_t klen = strlen(key);

	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

static inline long long self_kb(const char *key)
{
	return proc_field("/proc/self/status", key);
}

static inline long long meminfo_kb(const char *key)
{
	return proc_field("/proc/meminfo", key);
}

/* A single number from a file such as /proc/sys/vm/overcommit_memory. */
static inline long long read_num(const char *path)
{
	char buf[64];

	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

static inline int write_num(const char *path, long long v)
{
	char buf[32];
	int fd, len, ok;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%lld\n", v);
	ok = write(fd, buf, len) == len;
	close(fd);
	return ok ? 0 : -1;
}

/*
 * A numeric sysctl a test changes and puts back at its teardown, as LTP's
 * .save_restore does: sysctl_save() keeps the value (once, whatever is
 * written after), sysctl_restore() writes it back if one was kept.  In a
 * fixture, which the harness zeroes, nothing is kept until the setup saves.
 */
struct saved_sysctl {
	const char *path;	/* NULL: nothing kept */
	long long value;
};

static inline int sysctl_save(struct saved_sysctl *s, const char *path)
{
	long long v;

	if (s->path)
		return 0;
	v = read_num(path);
	if (v < 0)
		return -1;
	s->path = path;
	s->value = v;
	return 0;
}

/* Keep the value at @path, then write @value there.  0 or -1. */
static inline int sysctl_set(struct saved_sysctl *s, const char *path,
			     long long value)
{
	return sysctl_save(s, path) ? -1 : write_num(path, value);
}

static inline void sysctl_restore(struct saved_sysctl *s)
{
	if (s->path)
		write_num(s->path, s->value);
	s->path = NULL;
}

/*
 * HOLD_STILL(TRIES, WAIT_US, HELD): evaluate HELD, an expression that takes
 * its readings and says whether they agree (that the process list, or a
 * figure, did not move while they were taken), until it is true, at most
 * TRIES times and WAIT_US microseconds apart.  Its value is the number of
 * tries that failed: TRIES if it never held.  That is the window in which
 * a comparison with /proc is fair where other processes come and go (the
 * Debian guest's services, the exits of an earlier test's children).
 */
#define HOLD_STILL(tries, wait_us, held) ({				\
	int __hs_tries;							\
									\
	for (__hs_tries = 0; __hs_tries < (tries); __hs_tries++) {	\
		if (held)						\
			break;						\
		usleep(wait_us);					\
	}								\
	__hs_tries;							\
})

/*
 * A forked child the test talks to through two pipes: test_child_start()
 * forks, and the child runs fn(arg, in, out), reading what the parent
 * writes to c->to from in and writing to out what the parent reads from
 * c->from, and exits 0 when fn returns.  It dies with the test
 * (PR_SET_PDEATHSIG; a change of uid in fn clears that, set it again).
 * 0, or -1 with nothing left behind.
 */
struct test_child {
	pid_t pid;
	int to, from;	/* the parent's ends */
};

static inline int test_child_start(struct test_child *c,
				   void (*fn)(void *arg, int in, int out),
				   void *arg)
{
	int down[2], up[2];

	c->pid = -1;
	if (pipe(down))
		return -1;
	if (pipe(up))
		goto close_down;
	c->pid = fork();
	if (c->pid < 0)
		goto close_up;
	if (!c->pid) {
		close(down[1]);
		close(up[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(1);
		fn(arg, down[0], up[1]);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	c->to = down[1];
	c->from = up[0];
	return 0;
close_up:
	close(up[0]);
	close(up[1]);
close_down:
	close(down[0]);
	close(down[1]);
	return -1;
}

/* Wait for one byte from the child (it is ready, or has done a step). */
static inline int test_child_wait(struct test_child *c)
{
	char b;

	return read(c->from, &b, 1) == 1 ? 0 : -1;
}

/*
 * Kill and reap the child and close the pipes.  Later children inherit the
 * pipes of earlier ones, so EOF cannot be relied on to end a child.
 */
static inline void test_child_stop(struct test_child *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	close(c->to);
	close(c->from);
	c->pid = -1;
}

/*
 * Make the next 256 KiB of stack resident, so that stack growth in the code
 * under test (deeper frames, /proc read buffers) does not show up as a
 * change in RssAnon.
 */
static __attribute__((noinline, unused)) void prefault_stack(void)
{
	volatile char pad[256 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 1024)
		pad[i] = 0;
}

/* Bytes of the range that are not zero. */
static inline size_t nonzero_bytes(const unsigned char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] != 0;
	return n;
}

/* VmSize, VmRSS and RssAnon of this process, in KiB. */
struct vm_rss {
	long long vm_size, vm_rss, rss_anon;
};

static inline void read_vm_rss(struct vm_rss *m)
{
	m->vm_size = self_kb("VmSize");
	m->vm_rss = self_kb("VmRSS");
	m->rss_anon = self_kb("RssAnon");
}

/*
 * What the kernel saw of one system call, through ptrace: trace_call() runs
 * fn() in a child traced with PTRACE_SYSCALL and takes the first call to nr
 * the child makes.  args are its six argument registers as the kernel read
 * them (a 32-bit caller's zero-extended), arch its AUDIT_ARCH_*, rval what it
 * returned (-errno when is_error), status the child's wait status (the
 * child exits with what fn() returned).  0 once the call was seen entering and
 * returning and the child is gone; -1 if not (errno ENOENT: no such call).
 */
struct traced_call {
	uint32_t arch;		/* TAM_AUDIT_ARCH for a call of this program */
	uint64_t args[6];
	int64_t rval;
	int is_error;
	int status;
};

#if defined(__i386__)
#define TAM_AUDIT_ARCH	AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define TAM_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#else
#define TAM_AUDIT_ARCH	AUDIT_ARCH_X86_64
#endif

static __attribute__((unused)) int trace_call(long nr, int (*fn)(void),
					      struct traced_call *tc)
{
	struct __ptrace_syscall_info info;
	int st, sig = 0, entered = 0, done = 0;
	pid_t child;

	memset(tc, 0, sizeof(*tc));
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(125);
		raise(SIGSTOP);
		_exit(fn());
	}
	if (waitpid(child, &st, 0) != child || !WIFSTOPPED(st) ||
	    WSTOPSIG(st) != SIGSTOP ||
	    ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)))
		goto fail;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, child, NULL, (void *)(long)sig) ||
		    waitpid(child, &st, 0) != child)
			goto fail;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		/* A signal for the child: deliver it. */
		sig = WSTOPSIG(st) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(st);
		if (sig || done)
			continue;
		if (ptrace(PTRACE_GET_SYSCALL_INFO, child,
			   (void *)sizeof(info), &info) <= 0)
			goto fail;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY &&
		    info.entry.nr == (uint64_t)nr) {
			entered = 1;
			tc->arch = info.arch;
			memcpy(tc->args, info.entry.args, sizeof(tc->args));
		} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && entered) {
			tc->rval = info.exit.rval;
			tc->is_error = info.exit.is_error;
			done = 1;
		}
	}
	tc->status = st;
	if (!done) {
		errno = ENOENT;
		return -1;
	}
	return 0;
fail:
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return -1;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * VmRSS also counts file pages: code faulting in, up to 64 KiB a fault with
 * fault-around.  This much leeway, well below the sizes checked.
 */
#define RSS_SLACK_KB	512

/*
 * Assert that ptr is a fresh tamalloc region of size bytes; *before holds
 * the figures read just before the call (after prefault_stack(), with THP
 * disabled).  size must be at least 8 * RSS_SLACK_KB (4 MiB), so that the
 * slack cannot hide the region.  The region is page-aligned; VmSize grown
 * by the rounded size at once; nothing of it resident (RssAnon as before,
 * VmRSS within RSS_SLACK_KB); every byte reads 0 and reading makes nothing
 * resident.  Then one byte in every page is
 * written, an eighth of the region at a time: RssAnon grows by exactly
 * 4 KiB a page and VmRSS by as much (within the slack), VmSize does not
 * move, and the bytes read back.  The region stays mapped.
 */
static __attribute__((unused)) void
assert_lazy_region(struct __test_metadata *_metadata, void *ptr, size_t size,
		   const struct vm_rss *before)
{
	const size_t len = PAGE_ALIGN(size), pages = len / PAGE;
	const size_t step = pages / 8 ? pages / 8 : 1;
	unsigned char *p = ptr;
	struct vm_rss now, base;
	size_t i, done;
	int err = errno;

	read_vm_rss(&base);
	ASSERT_GE(len / KiB, 8 * RSS_SLACK_KB) TH_LOG("size %zu too small", size);
	ASSERT_NE(NULL, p);
	ASSERT_NE((void *)-1, p) TH_LOG("tamalloc(%zu): %s", size, strerror(err));
	ASSERT_EQ(0, (uintptr_t)p % PAGE) TH_LOG("address %p", p);
	EXPECT_EQ((long long)(len / KiB), base.vm_size - before->vm_size)
		TH_LOG("VmSize right after tamalloc(%zu)", size);
	EXPECT_EQ(before->rss_anon, base.rss_anon)
		TH_LOG("RssAnon right after tamalloc(%zu)", size);
	EXPECT_LE(base.vm_rss - before->vm_rss, RSS_SLACK_KB)
		TH_LOG("VmRSS right after tamalloc(%zu): %lld -> %lld KiB",
		       size, before->vm_rss, base.vm_rss);

	ASSERT_EQ(0, nonzero_bytes(p, len));
	read_vm_rss(&now);
	EXPECT_EQ(base.rss_anon, now.rss_anon) TH_LOG("RssAnon after reading");
	EXPECT_LE(now.vm_rss - base.vm_rss, RSS_SLACK_KB)
		TH_LOG("VmRSS after reading: %lld -> %lld KiB", base.vm_rss,
		       now.vm_rss);

	for (done = 0; done < pages; ) {
		size_t end = done + step < pages ? done + step : pages;
		long long kb;

		for (i = done; i < end; i++)
			p[i * PAGE + i % PAGE] = (unsigned char)(i | 1);
		done = end;
		kb = (long long)(done * PAGE / KiB);
		read_vm_rss(&now);
		ASSERT_EQ(base.rss_anon + kb, now.rss_anon)
			TH_LOG("RssAnon after writing %zu of %zu pages", done, pages);
		EXPECT_GE(now.vm_rss - base.vm_rss, kb - RSS_SLACK_KB)
			TH_LOG("VmRSS after writing %zu pages: %lld -> %lld KiB",
			       done, base.vm_rss, now.vm_rss);
		EXPECT_LE(now.vm_rss - base.vm_rss, kb + RSS_SLACK_KB)
			TH_LOG("VmRSS after writing %zu pages: %lld -> %lld KiB",
			       done, base.vm_rss, now.vm_rss);
		EXPECT_EQ(base.vm_size, now.vm_size)
			TH_LOG("VmSize after writing %zu pages", done);
	}
	for (i = 0; i < pages; i++)
		ASSERT_EQ((unsigned char)(i | 1), p[i * PAGE + i % PAGE])
			TH_LOG("page %zu", i);
	EXPECT_EQ(pages, nonzero_bytes(p, len));
}
#endif

#endif /* TAM_TEST_COMMON_H */
