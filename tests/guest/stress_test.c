// SPDX-License-Identifier: GPL-2.0
/*
 * vm_stats(2) and mem_stats(2) under churn: one reader thread per CPU calls
 * them in loops while other processes fork, exit, exec-less vfork, create
 * and lose threads and tamalloc, for TAM_STRESS_SECONDS (default 20).  Run
 * on the debug kernel, this is where KASAN, lockdep and the atomic-sleep
 * checks earn their keep; here it checks that every answer is well formed.
 * TAM_STRESS_IDLE=N adds N idle processes first, so the walks are long
 * (`make stress-scale`: 32,000 of them on the debug kernel).
 */
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "common.h"

struct reader_result {
	unsigned long calls, bad;
	char why[128];
};

static volatile int stop;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(struct reader_result *r, const char *fmt, long a, long b)
{
	if (!r->bad++)
		snprintf(r->why, sizeof(r->why), fmt, a, b);
}

/* Entries a reader asks for: every process, with TAM_STRESS_IDLE too. */
static unsigned int cap = 4096;

static void *reader(void *arg)
{
	struct reader_result *r = arg;
	struct tam_vm_stat *buf = calloc(cap, sizeof(*buf)), one;
	struct tam_mem_stats ms;
	unsigned int seed = (uintptr_t)arg;
	long n, i, ret;

	if (!buf) {
		fail(r, "calloc %ld %ld", 0, 0);
		return NULL;
	}
	while (!stop) {
		unsigned int count = rand_r(&seed) % 2 ? cap : (unsigned int)rand_r(&seed) % 8;

		n = sys_vm_stats(0, count ? buf : NULL, count, 0);
		r->calls++;
		if (n <= 0) {
			fail(r, "vm_stats(0) = %ld errno %ld", n, errno);
			continue;
		}
		for (i = 0; i < n && i < (long)count; i++) {
			if (buf[i].pid <= 0 || (i && buf[i].pid <= buf[i - 1].pid))
				fail(r, "entry %ld has pid %ld", i, buf[i].pid);
			if (buf[i].comm[15] != '\0' || buf[i].oom_score > 2000 ||
			    buf[i].oom_score_adj < -1000 || buf[i].oom_score_adj > 1000)
				fail(r, "entry %ld (pid %ld) malformed", i, buf[i].pid);
		}
		/* A process from the list may be gone by now: 1 or ESRCH. */
		if (count && n) {
			pid_t pid = buf[rand_r(&seed) % (n < (long)count ? n : (long)count)].pid;

			ret = sys_vm_stats(pid, &one, 1, 0);
			if (ret != 1 && !(ret == -1 && errno == ESRCH))
				fail(r, "vm_stats(pid) = %ld errno %ld", ret, errno);
		}
		ret = sys_mem_stats(&ms, sizeof(ms), 0);
		r->calls += 2;
		if (ret != sizeof(ms) || !ms.nr_processes ||
		    ms.free_bytes > ms.total_bytes)
			fail(r, "mem_stats = %ld errno %ld", ret, errno);
	}
	free(buf);
	return NULL;
}

static void *thread_idle(void *arg)
{
	(void)arg;
	usleep(2000);
	return NULL;
}

/* One short-lived process doing what makes the walk interesting. */
static void churn_child(unsigned int seed)
{
	size_t size = (rand_r(&seed) % 64 + 1) * MiB;
	unsigned char *p = (void *)sys_tamalloc(size);
	pthread_t th;
	size_t i;

	if ((long)p != -1)
		for (i = 0; i < size; i += 16 * PAGE)
			p[i] = 1;
	switch (rand_r(&seed) % 4) {
	case 0:		/* the leader exits before its thread */
		/* Raw exit of the leader: see vm_stats_test.c. */
		if (!pthread_create(&th, NULL, thread_idle, NULL))
			syscall(SYS_exit, 0);
		break;
	case 1:		/* a vfork child shares the mm for a moment */
		if (vfork() == 0)
			_exit(0);
		wait(NULL);
		break;
	case 2:		/* a zombie child for a moment */
		if (fork() == 0)
			_exit(0);
		usleep(1000);
		wait(NULL);
		break;
	default:
		break;
	}
	_exit(0);
}

static void churner(double seconds)
{
	unsigned int seed = getpid();
	double end = now() + seconds;
	int live = 0;

	while (now() < end) {
		pid_t c = fork();

		if (c == 0)
			churn_child(rand_r(&seed));
		if (c > 0)
			live++;
		while (live > 16 || (live && waitpid(-1, NULL, WNOHANG) > 0)) {
			if (live > 16)
				waitpid(-1, NULL, 0);
			live--;
		}
	}
	while (live-- > 0)
		waitpid(-1, NULL, 0);
	_exit(0);
}

FIXTURE(churn) {
	double seconds;
	pid_t *idle;
	long nidle;
};

FIXTURE_SETUP(churn)
{
	const char *s = getenv("TAM_STRESS_SECONDS");
	const char *n = getenv("TAM_STRESS_IDLE");
	long i;

	self->seconds = s ? atof(s) : 20;
	self->nidle = n ? atol(n) : 0;
	ASSERT_GE(self->nidle, 0);
	ASSERT_LE(self->nidle, 1000000);
	cap = 4096 + self->nidle;
	self->idle = calloc(self->nidle + 1, sizeof(*self->idle));
	ASSERT_NE(NULL, self->idle);
	for (i = 0; i < self->nidle; i++) {
		pid_t c = fork();

		ASSERT_GE(c, 0) TH_LOG("fork after %ld idle processes", i);
		if (!c) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		self->idle[i] = c;
	}
	if (self->nidle)
		TH_LOG("%ld idle processes", self->nidle);
}

FIXTURE_TEARDOWN(churn)
{
	long i;

	for (i = 0; i < self->nidle; i++)
		if (self->idle[i] > 0)
			kill(self->idle[i], SIGKILL);
	for (i = 0; i < self->nidle; i++)
		if (self->idle[i] > 0)
			waitpid(self->idle[i], NULL, 0);
	free(self->idle);
}

TEST_F_TIMEOUT(churn, readers_and_churn, 3000)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), i;
	struct reader_result res[16] = { 0 };
	pthread_t th[16];
	pid_t churn;
	int status;

	if (ncpu > 16)
		ncpu = 16;
	churn = fork();
	ASSERT_GE(churn, 0);
	if (!churn)
		churner(self->seconds);
	for (i = 0; i < ncpu; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, &res[i]));
	ASSERT_EQ(churn, waitpid(churn, &status, 0));
	stop = 1;
	for (i = 0; i < ncpu; i++) {
		pthread_join(th[i], NULL);
		TH_LOG("reader %ld: %lu calls, %lu bad%s%s", i, res[i].calls,
		       res[i].bad, res[i].bad ? ": " : "", res[i].why);
		EXPECT_EQ(0, res[i].bad);
		EXPECT_GT(res[i].calls, 10);
	}
	EXPECT_TRUE(WIFEXITED(status));
}

TEST_HARNESS_MAIN
