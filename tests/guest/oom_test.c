// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM scenario in the guest (no swap): a child tamallocs more than RAM,
 * which succeeds in overcommit mode 0, and writes it page by page until the
 * OOM killer kills it.  The parent samples the child's OOM score through
 * vm_stats(2) as it grows, checks that the child is the top candidate in the
 * system just before the kill, that the kernel log names it as the victim,
 * and that the parent and the kernel carry on.  A charged mmap(2) of the same
 * size, and tamalloc(2) itself in mode 2, fail up front with ENOMEM instead.
 * Runs as root: it changes vm.overcommit_memory and restores it.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

#define HOG_COMM	"oom_hog"
#define MAX_SAMPLES	64
#define MAX_PROCS	256

/* Child -> parent, one per step; the child waits for a byte back. */
struct progress {
	uint64_t written;	/* bytes written so far */
	int32_t err;		/* errno of a failed tamalloc, else 0 */
	int32_t pad;
};

struct sample {
	uint64_t written;
	uint64_t reserved;	/* vm_size_bytes */
	uint64_t rss;		/* rss_bytes */
	uint64_t score;
	uint64_t runner_up;	/* highest score of any other process */
	pid_t runner_up_pid;
	char runner_up_comm[16];
};

/* What the kernel log says about the OOM kill. */
struct oom_kill {
	int invocations;	/* "invoked oom-killer" lines */
	int kills;		/* "Out of memory: Killed process" lines */
	pid_t victim;
	char comm[16];
	char invoker[16];
	unsigned long long total_vm_kb, anon_rss_kb;
};

/* Bytes the child maps: more than RAM, and what fits a 32-bit caller. */
static size_t hog_size(void)
{
	unsigned long long size = meminfo_kb("MemTotal") * KiB * 2;

	/* A 32-bit task's address space ends just below 4 GiB. */
	if (sizeof(size_t) == 4 && size > 3 * GiB)
		size = 3 * GiB;
	return size;
}

/*
 * The child: oom_score_adj 0 (the parent runs at -1000), THP off so that
 * RSS grows page by page, then write one byte per page and report every
 * `step` bytes, waiting for the parent's sample before going on.
 */
struct hog_args {
	size_t size, step;
};

static void __attribute__((noreturn))
hog(void *arg, int ack, int report)
{
	const size_t size = ((struct hog_args *)arg)->size;
	const size_t step = ((struct hog_args *)arg)->step;
	struct progress msg = { 0 };
	unsigned char *p;
	size_t off;
	char b;

	prctl(PR_SET_NAME, HOG_COMM, 0, 0, 0);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	if (write_num("/proc/self/oom_score_adj", 0))
		_exit(3);
	p = (void *)sys_tamalloc(size);
	if ((long)p == -1) {
		msg.err = errno;
		if (write(report, &msg, sizeof(msg)) < 0)
			_exit(4);
		_exit(2);
	}
	for (off = 0; off <= size; off += PAGE) {
		if (off % step == 0 || off == size) {
			msg.written = off;
			if (write(report, &msg, sizeof(msg)) != sizeof(msg) ||
			    read(ack, &b, 1) != 1)
				_exit(5);
		}
		if (off < size)
			p[off] = 1;
	}
	/* Not reached in a guest without swap: the whole region is resident. */
	_exit(0);
}

/* Read the kernel log records that arrived since the fd was opened. */
static void read_oom_kill(int fd, struct oom_kill *k)
{
	static const char killed[] = "Out of memory: Killed process ";
	char rec[2048], *msg, *p;
	ssize_t n;

	memset(k, 0, sizeof(*k));
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		p = strstr(msg, " invoked oom-killer");
		if (p) {
			if (!k->invocations)
				snprintf(k->invoker, sizeof(k->invoker), "%.*s",
					 (int)(p - msg), msg);
			k->invocations++;
		}
		p = strstr(msg, killed);
		if (p) {
			if (!k->kills)
				sscanf(p + sizeof(killed) - 1,
				       "%d (%15[^)]) total-vm:%llukB, anon-rss:%llukB",
				       &k->victim, k->comm, &k->total_vm_kb,
				       &k->anon_rss_kb);
			k->kills++;
		}
	}
}

FIXTURE(oom) {
	struct saved_sysctl overcommit;
	int kmsg;
	struct tam_vm_stat *all;
};

FIXTURE_SETUP(oom)
{
	struct tam_vm_stat me;

	self->kmsg = -1;
	SKIP_UNLESS_ROOT("vm.overcommit_memory, oom_score_adj -1000");
	ASSERT_EQ(0, sysctl_set(&self->overcommit, OVERCOMMIT, 0));
	/* The parent must not be a candidate: its children reset to 0. */
	ASSERT_EQ(0, write_num("/proc/self/oom_score_adj", -1000));
	ASSERT_EQ(1, sys_vm_stats(getpid(), &me, 1, 0));
	ASSERT_EQ(0, me.oom_score);
	/* Only the records logged from now on. */
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->kmsg) TH_LOG("/dev/kmsg: %s", strerror(errno));
	ASSERT_LE(0, lseek(self->kmsg, 0, SEEK_END));
	self->all = calloc(MAX_PROCS, sizeof(*self->all));
	ASSERT_NE(NULL, self->all);
	/* A killed child must not take the parent down with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(oom)
{
	sysctl_restore(&self->overcommit);
	if (self->kmsg >= 0)
		close(self->kmsg);
	free(self->all);
}

/* Score the child and the highest other score, with all buffers ready. */
static int take_sample(pid_t child, struct tam_vm_stat *all,
		       struct sample *s)
{
	struct tam_vm_stat st;
	long n, i;

	if (sys_vm_stats(child, &st, 1, 0) != 1)
		return -1;
	s->reserved = st.vm_size_bytes;
	s->rss = st.rss_bytes;
	s->score = st.oom_score;
	n = sys_vm_stats(0, all, MAX_PROCS, 0);
	if (n < 0 || n > MAX_PROCS)
		return -1;
	s->runner_up = 0;
	for (i = 0; i < n; i++) {
		if (all[i].pid == child || all[i].oom_score < s->runner_up)
			continue;
		s->runner_up = all[i].oom_score;
		s->runner_up_pid = all[i].pid;
		memcpy(s->runner_up_comm, all[i].comm, sizeof(s->runner_up_comm));
	}
	return 0;
}

TEST_F_TIMEOUT(oom, child_beyond_ram_is_killed, 300)
{
	const long long ram_kb = meminfo_kb("MemTotal");
	const size_t size = hog_size();
	/* About 16 samples up to the size of RAM, whole MiB. */
	const size_t step = ((size_t)ram_kb * KiB / 16) & ~(MiB - 1);
	struct sample samples[MAX_SAMPLES], *last = NULL;
	struct test_child c;
	int status, i, nr = 0;
	struct tam_mem_stats ms;
	struct progress msg;
	struct oom_kill k;
	struct tam_vm_stat st;
	unsigned char *p;
	pid_t child;

	if (size <= (unsigned long long)ram_kb * KiB)
		SKIP(return, "more than RAM does not fit in the address space");
	TH_LOG("MemTotal %lld KiB, MemAvailable %lld KiB", ram_kb, meminfo_kb("MemAvailable"));
	TH_LOG("the child tamallocs %zu MiB and writes it in %zu MiB steps",
	       size / MiB, step / MiB);
	ASSERT_EQ(0, test_child_start(&c, hog, &(struct hog_args){ size, step }));
	child = c.pid;

	/* Lock step: each report is sampled before the child goes on. */
	while (read(c.from, &msg, sizeof(msg)) == sizeof(msg)) {
		ASSERT_EQ(0, msg.err) TH_LOG("tamalloc(%zu) in the child: %s",
					     size, strerror(msg.err));
		ASSERT_LT(nr, MAX_SAMPLES);
		last = &samples[nr++];
		last->written = msg.written;
		ASSERT_EQ(0, take_sample(child, self->all, last));
		TH_LOG("written %4llu MiB: oom_score %4llu, RSS %4llu MiB (next: %d %s, %llu)",
		       (unsigned long long)last->written / MiB,
		       (unsigned long long)last->score,
		       (unsigned long long)last->rss / MiB, last->runner_up_pid,
		       last->runner_up_comm, (unsigned long long)last->runner_up);
		if (write(c.to, "k", 1) != 1)
			break;
	}
	close(c.from);
	close(c.to);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(SIGKILL, WTERMSIG(status));
	ASSERT_GE(nr, 4);
	/* tamalloc() of more than RAM succeeded: all of it is reserved. */
	EXPECT_GE(samples[0].reserved, size);
	/* The child was killed before it had written all of it. */
	EXPECT_LT(last->written, size);

	/* The score rose with every step, by about 2/3 of the RSS share. */
	for (i = 1; i < nr; i++)
		EXPECT_GT(samples[i].score, samples[i - 1].score)
			TH_LOG("sample %d", i);
	EXPECT_GE(last->score - samples[0].score,
		  (last->rss - samples[0].rss) / KiB * 2 / 3 * 1000 /
		  ram_kb * 9 / 10);
	/* Just before the kill it was the top candidate, far ahead. */
	EXPECT_GT(last->score, last->runner_up + 100);
	EXPECT_GT(last->rss, (uint64_t)ram_kb * KiB / 2);

	read_oom_kill(self->kmsg, &k);
	TH_LOG("last sample before the kill: oom_score %llu at RSS %llu MiB",
	       (unsigned long long)last->score, (unsigned long long)last->rss / MiB);
	TH_LOG("the next highest was %llu (pid %d %s)", (unsigned long long)last->runner_up,
	       last->runner_up_pid, last->runner_up_comm);
	TH_LOG("kernel log: %d oom-killer invocation(s) (first by %s), %d kill(s)",
	       k.invocations, k.invoker, k.kills);
	TH_LOG("victim %d (%s) total-vm %llu KiB, anon-rss %llu KiB",
	       k.victim, k.comm, k.total_vm_kb, k.anon_rss_kb);
	EXPECT_GE(k.invocations, 1);
	EXPECT_EQ(1, k.kills) TH_LOG("one victim only");
	EXPECT_EQ(child, k.victim);
	EXPECT_STREQ(HOG_COMM, k.comm);
	EXPECT_GE(k.anon_rss_kb * KiB, last->rss - 16 * MiB);
	/* Its VmSize: the region plus a static program's few MiB. */
	EXPECT_GE(k.total_vm_kb, size / KiB);
	EXPECT_LT(k.total_vm_kb, size / KiB + 16 * 1024);

	/* Not the parent, its harness, init; the kernel and the calls go on. */
	EXPECT_EQ(0, kill(getppid(), 0));
	EXPECT_EQ(1, sys_vm_stats(1, &st, 1, 0));
	EXPECT_EQ(1, sys_vm_stats(getpid(), &st, 1, 0));
	EXPECT_EQ(sizeof(ms), sys_mem_stats(&ms, sizeof(ms), 0));
	EXPECT_GT(ms.available_bytes, ms.total_bytes / 2)
		TH_LOG("the victim's memory came back: %llu MiB available",
		       (unsigned long long)ms.available_bytes / MiB);
	p = (void *)sys_tamalloc(64 * MiB);
	ASSERT_NE(-1L, (long)p);
	memset(p, 0x5a, 64 * MiB);
	EXPECT_EQ(0x5a, p[64 * MiB - 1]);
	EXPECT_EQ(0, munmap(p, 64 * MiB));
}

/* 0 if a charged private mapping of size bytes can be made, else errno. */
static int charged_mmap(size_t size)
{
	void *q = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (q == MAP_FAILED)
		return errno;
	munmap(q, size);
	return 0;
}

/* The same size, charged: mode 2 refuses it at the call, as mode 0 does. */
TEST_F(oom, charged_mmap_fails_up_front)
{
	const size_t size = hog_size();
	long long limit_kb;

	/* Mode 0: the heuristic refuses one charged mapping beyond RAM. */
	EXPECT_EQ(ENOMEM, charged_mmap(size));
	ASSERT_EQ(0, write_num(OVERCOMMIT, 2));
	limit_kb = meminfo_kb("CommitLimit");
	ASSERT_GT((long long)(size / KiB), limit_kb);
	EXPECT_EQ(ENOMEM, charged_mmap(size));
	/* MAP_NORESERVE is ignored in mode 2: tamalloc is charged too. */
	errno = 0;
	EXPECT_EQ(-1, sys_tamalloc(size));
	EXPECT_EQ(ENOMEM, errno);
	TH_LOG("mode 2, CommitLimit %lld KiB, Committed_AS %lld KiB", limit_kb,
	       meminfo_kb("Committed_AS"));
	TH_LOG("mmap and tamalloc of %zu MiB fail with ENOMEM", size / MiB);
}

TEST_HARNESS_MAIN
