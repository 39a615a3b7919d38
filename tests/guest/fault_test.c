// SPDX-License-Identifier: GPL-2.0
/*
 * The error paths that only a failing allocation or copy takes, through
 * the kernel's fault injection (the debug kernels: CONFIG_FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_USERCOPY), as syzkaller reaches them: for each way
 * of calling the three syscalls, fail the n-th fallible operation of one
 * call through /proc/thread-self/fail-nth, for n = 1, 2, ... until the call
 * makes fewer than n.  Each result must be success with the figures of an
 * undisturbed call, or an errno the man pages document for that call:
 * never a wrong figure, nor a record cut short and reported whole.  The
 * debug run's kmemleak scan afterwards catches what an error path leaked.
 *
 * Only the debug kernels have fault injection: run-guest-tests runs this
 * program with --fault alone (tests/run's debug suites), and here a kernel
 * without it is a failure, not a skip.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "common.h"

#define DEBUGFS		"/sys/kernel/debug"
/* A call makes a few dozen fallible operations; more is a runaway loop. */
#define MAX_NTH		10000

/* Set a fault-injection knob; false when it is not there. */
static bool knob(const char *attr, const char *name, const char *value)
{
	char path[128];
	ssize_t len = strlen(value);
	int fd;
	bool ok;

	snprintf(path, sizeof(path), DEBUGFS "/%s/%s", attr, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = write(fd, value, len) == len;
	close(fd);
	return ok;
}

/*
 * Every capability the calls can meet, failing only where fail-nth says
 * (fail-nth overrides probability and interval), quietly: a stack dump
 * per injected fault would read as a kernel report.  Allocations that may
 * sleep are the ones the calls make (GFP_KERNEL), so they must fail too.
 */
static void setup_fault_injection(struct __test_metadata *_metadata)
{
	static const char *const attrs[] = { "failslab", "fail_page_alloc", "fail_usercopy" };
	unsigned int i;

	ASSERT_EQ(0, geteuid()) TH_LOG("the fault-injection knobs are root's");
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const char *attr = attrs[i];

		ASSERT_TRUE(knob(attr, "verbose", "0"))
			TH_LOG("no " DEBUGFS "/%s: a kernel without that fault injection", attr);
	}
	ASSERT_TRUE(knob("failslab", "ignore-gfp-wait", "N"));
	ASSERT_TRUE(knob("fail_page_alloc", "ignore-gfp-wait", "N"));
	ASSERT_TRUE(knob("fail_page_alloc", "ignore-gfp-highmem", "N"));
	ASSERT_TRUE(knob("fail_page_alloc", "min-order", "0"));
}

/* How one call came out: its return value and errno. */
struct outcome {
	long ret;
	int err;
};

/*
 * Fail the nth fallible operation of call(arg): true if the fault was
 * injected, false if the call made fewer than nth (then it ran whole).
 * Reading fail-nth back gives 0 once the fault fired; a read that fails
 * means the fault was still pending and fired in the read itself.
 */
static bool call_failing_nth(int fd, unsigned int nth, long (*call)(void *),
			     void *arg, struct outcome *o)
{
	char buf[16];
	ssize_t n;
	int len;

	len = snprintf(buf, sizeof(buf), "%u", nth);
	if (pwrite(fd, buf, len, 0) != len)
		return false;
	errno = 0;
	o->ret = call(arg);
	o->err = errno;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (atoi(buf)) {
		/* Not reached: clear it before anything else can fire it. */
		pwrite(fd, "0", 1, 0);
		return false;
	}
	return true;
}

/*
 * Fail every fallible operation of call(arg) in turn.  check() judges each
 * outcome (injected or not); returns the number of operations the call
 * made (the failure points reached).
 */
static unsigned int fail_each(struct __test_metadata *_metadata, const char *what,
			      long (*call)(void *), void *arg,
			      void (*check)(struct __test_metadata *, const struct outcome *,
					    bool injected, void *),
			      unsigned int *errors)
{
	char path[64];
	struct outcome o;
	unsigned int nth;
	bool injected = true;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", syscall(SYS_gettid));
	fd = open(path, O_RDWR | O_CLOEXEC);
	EXPECT_GE(fd, 0) TH_LOG("%s: %s", path, strerror(errno));
	if (fd < 0)
		return 0;
	for (nth = 1; injected && nth < MAX_NTH; nth++) {
		injected = call_failing_nth(fd, nth, call, arg, &o);
		ksft_print_msg("%s: operation %u %s: %s\n", what, nth,
			       injected ? "failed" : "not reached",
			       o.ret < 0 ? strerror(o.err) : "success");
		check(_metadata, &o, injected, arg);
		if (o.ret < 0)
			(*errors)++;
	}
	close(fd);
	EXPECT_LT(nth, MAX_NTH) TH_LOG("%s: the call never ran out of failure points", what);
	ksft_print_msg("%s: %u calls, %u failure points, %u calls failed\n",
		       what, nth - 1, nth - 2, *errors);
	return nth - 2;
}

/* --- tamalloc(16 MiB): an address of a zeroed region, or ENOMEM ---------- */

static long do_tamalloc(void *arg)
{
	return sys_tamalloc(*(size_t *)arg);
}

static void check_tamalloc(struct __test_metadata *_metadata, const struct outcome *o,
			   bool injected, void *arg)
{
	size_t size = *(size_t *)arg;
	unsigned char *p = (void *)o->ret;

	if (o->ret == -1) {
		EXPECT_EQ(ENOMEM, o->err) TH_LOG("%s", strerror(o->err));
		EXPECT_TRUE(injected);
		return;
	}
	ASSERT_EQ(0, o->ret % PAGE);
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0, p[size - 1]);
	p[size / 2] = 1;	/* writable */
	EXPECT_EQ(0, munmap(p, size));
}

TEST(tamalloc_under_faults)
{
	size_t size = 16 * MiB;
	unsigned int errors = 0;

	setup_fault_injection(_metadata);
	fail_each(_metadata, "tamalloc(16 MiB)", do_tamalloc, &size, check_tamalloc, &errors);
}

/* --- vm_stats: one pid, every pid (count only, a small and a large buffer) */

struct listing {
	pid_t pid;		/* the pid asked for, 0 for every process */
	unsigned int count;	/* entries asked for */
	struct tam_vm_stat *buf;
	/* The undisturbed call: its return value and entries. */
	long want;
	struct tam_vm_stat *ref;
};

static long do_vm_stats(void *arg)
{
	struct listing *l = arg;

	if (l->buf)
		memset(l->buf, 0x5a, l->count * sizeof(*l->buf));
	return sys_vm_stats(l->pid, l->buf, l->count, 0);
}

/* The fields that hold still for a quiet process (RSS may move). */
static void expect_same_entry(struct __test_metadata *_metadata,
			      const struct tam_vm_stat *got, const struct tam_vm_stat *want)
{
	EXPECT_EQ(want->pid, got->pid);
	EXPECT_STREQ(want->comm, got->comm);
	EXPECT_EQ(want->vm_size_bytes, got->vm_size_bytes) TH_LOG("pid %d", want->pid);
	EXPECT_EQ(want->oom_score_adj, got->oom_score_adj);
}

static void check_vm_stats(struct __test_metadata *_metadata, const struct outcome *o,
			   bool injected, void *arg)
{
	struct listing *l = arg;
	long i, n;

	if (o->ret == -1) {
		/* EFAULT: a copy failed; ENOMEM: the batch buffer (pid 0 only). */
		EXPECT_TRUE(o->err == EFAULT || (o->err == ENOMEM && !l->pid && l->count))
			TH_LOG("vm_stats(%d, %u): %s", l->pid, l->count, strerror(o->err));
		EXPECT_TRUE(injected);
		return;
	}
	/* Success is the whole answer, as the undisturbed call gave it. */
	EXPECT_EQ(l->want, o->ret) TH_LOG("vm_stats(%d, %u)", l->pid, l->count);
	n = o->ret < (long)l->count ? o->ret : (long)l->count;
	for (i = 0; l->buf && i < n && o->ret == l->want; i++)
		expect_same_entry(_metadata, &l->buf[i], &l->ref[i]);
}

/* The undisturbed answer, taken twice until it holds still. */
static void reference(struct __test_metadata *_metadata, struct listing *l)
{
	size_t bytes = l->count * sizeof(*l->buf);
	int tries;

	l->buf = l->count ? malloc(bytes) : NULL;
	l->ref = l->count ? malloc(bytes) : NULL;
	ASSERT_TRUE(!l->count || (l->buf && l->ref));
	tries = HOLD_STILL(20, 100000, ({
		l->want = do_vm_stats(l);
		ASSERT_GT(l->want, 0);
		if (l->count)
			memcpy(l->ref, l->buf, bytes);
		do_vm_stats(l) == l->want &&
			(!l->count || !memcmp(l->ref, l->buf, bytes));
	}));
	ASSERT_LT(tries, 20) TH_LOG("the process list never held still");
}

static void vm_stats_faults(struct __test_metadata *_metadata, const char *what,
			    pid_t pid, long count)
{
	struct listing l = { .pid = pid, .count = count };
	unsigned int errors = 0;

	setup_fault_injection(_metadata);
	reference(_metadata, &l);
	fail_each(_metadata, what, do_vm_stats, &l, check_vm_stats, &errors);
	free(l.buf);
	free(l.ref);
}

TEST(vm_stats_one_under_faults)
{
	vm_stats_faults(_metadata, "vm_stats(self, 1)", getpid(), 1);
}

TEST(vm_stats_count_under_faults)
{
	vm_stats_faults(_metadata, "vm_stats(0, NULL, 0)", 0, 0);
}

TEST(vm_stats_small_buffer_under_faults)
{
	vm_stats_faults(_metadata, "vm_stats(0, 4 entries)", 0, 4);
}

TEST(vm_stats_large_buffer_under_faults)
{
	long n = sys_vm_stats(0, NULL, 0, 0);

	ASSERT_GT(n, 0);
	/* More than one batch of 32 copies out: room for every process. */
	vm_stats_faults(_metadata, "vm_stats(0, every process)", 0, n + 64);
}

/* --- mem_stats: the kernel's size and the sums, or EFAULT --------------- */

struct totals {
	struct tam_mem_stats got, want;
};

static long do_mem_stats(void *arg)
{
	struct totals *t = arg;

	memset(&t->got, 0x5a, sizeof(t->got));
	return sys_mem_stats(&t->got, sizeof(t->got), 0);
}

static void check_mem_stats(struct __test_metadata *_metadata, const struct outcome *o,
			    bool injected, void *arg)
{
	struct totals *t = arg;

	if (o->ret == -1) {
		/* mem_stats(2) allocates nothing: a failed copy is its one error. */
		EXPECT_EQ(EFAULT, o->err) TH_LOG("%s", strerror(o->err));
		EXPECT_TRUE(injected);
		return;
	}
	EXPECT_EQ((long)sizeof(t->got), o->ret);
	EXPECT_EQ(t->want.total_bytes, t->got.total_bytes);
	EXPECT_EQ(t->want.commit_limit_bytes, t->got.commit_limit_bytes);
	EXPECT_EQ(t->want.nr_processes, t->got.nr_processes);
	EXPECT_EQ(t->want.vm_size_bytes, t->got.vm_size_bytes);
}

TEST(mem_stats_under_faults)
{
	struct totals t;
	unsigned int errors = 0;
	int tries;

	setup_fault_injection(_metadata);
	tries = HOLD_STILL(20, 100000, ({
		ASSERT_EQ((long)sizeof(t.got), do_mem_stats(&t));
		t.want = t.got;
		ASSERT_EQ((long)sizeof(t.got), do_mem_stats(&t));
		t.got.nr_processes == t.want.nr_processes &&
			t.got.vm_size_bytes == t.want.vm_size_bytes;
	}));
	ASSERT_LT(tries, 20) TH_LOG("the processes never held still");
	fail_each(_metadata, "mem_stats()", do_mem_stats, &t, check_mem_stats, &errors);
}

TEST_HARNESS_MAIN
