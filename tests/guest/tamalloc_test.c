// SPDX-License-Identifier: GPL-2.0
/*
 * tamalloc(2) on the patched kernel: zero-filled, reserved at once, resident
 * only as written, not charged to the commit limit, every documented error.
 * Runs as root in the guest: some tests change vm.* sysctls and restore them.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"

TEST(returns_zeroed_memory)
{
	static const size_t sizes[] = { 1, 4095, 4096, 4097, 3 * MiB + 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		long addr = sys_tamalloc(sizes[i]);

		ASSERT_NE(-1L, addr) TH_LOG("size %zu: %s", sizes[i], strerror(errno));
		ASSERT_EQ(0, addr % PAGE);
		/* The whole rounded-up region reads as zero. */
		ASSERT_EQ(0, nonzero_bytes((void *)addr, PAGE_ALIGN(sizes[i])));
		ASSERT_EQ(0, munmap((void *)addr, sizes[i]));
	}
}

TEST(vmsize_grows_by_rounded_size)
{
	static const size_t sizes[] = {
		1, 4096, 4097, 2 * MiB, 64 * MiB + 7,
#if SIZE_MAX > 0xffffffffUL
		(size_t)16 << 30,
#else
		(size_t)1 << 30,
#endif
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		long long before = self_kb("VmSize"), after;
		long addr = sys_tamalloc(sizes[i]);

		ASSERT_NE(-1L, addr);
		after = self_kb("VmSize");
		EXPECT_EQ(PAGE_ALIGN(sizes[i]) / KiB, after - before)
			TH_LOG("size %zu", sizes[i]);
		ASSERT_EQ(0, munmap((void *)addr, sizes[i]));
		EXPECT_EQ(before, self_kb("VmSize")) TH_LOG("munmap gives it back");
	}
}

TEST(reading_commits_nothing)
{
	const size_t size = 32 * MiB;
	long long rss0, rss1;
	unsigned char *p;

	prefault_stack();
	rss0 = self_kb("RssAnon");
	p = (void *)sys_tamalloc(size);
	ASSERT_NE(-1L, (long)p);
	rss1 = self_kb("RssAnon");
	EXPECT_EQ(rss0, rss1) TH_LOG("right after the call");
	/* Reads map the shared zero page: nothing becomes resident. */
	ASSERT_EQ(0, nonzero_bytes(p, size));
	EXPECT_EQ(rss0, self_kb("RssAnon")) TH_LOG("after reading every page");
	munmap(p, size);
}

TEST(each_written_page_adds_4k_without_thp)
{
	const unsigned long pages = 256;
	long long base;
	unsigned char *p;
	unsigned long i;

	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	prefault_stack();
	p = (void *)sys_tamalloc(pages * PAGE);
	ASSERT_NE(-1L, (long)p);
	base = self_kb("RssAnon");
	for (i = 0; i < pages; i++) {
		p[i * PAGE + i % PAGE] = 0xa5;
		ASSERT_EQ(base + (long long)(i + 1) * 4, self_kb("RssAnon"))
			TH_LOG("after writing %lu pages", i + 1);
	}
	/* The written bytes stick, the rest still reads 0. */
	for (i = 0; i < pages; i++)
		ASSERT_EQ(0xa5, p[i * PAGE + i % PAGE]);
	ASSERT_EQ(pages, nonzero_bytes(p, pages * PAGE));
	munmap(p, pages * PAGE);
}

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

/* THP is off by default below 512 MiB of RAM: switch it on for the test. */
FIXTURE(thp) {
	char saved[16];
};

FIXTURE_SETUP(thp)
{
	char mode[128], *open_br, *close_br;
	int fd;

	if (read_text(THP_ENABLED, mode, sizeof(mode)) < 0)
		SKIP(return, "kernel without transparent hugepages");
	SKIP_UNLESS_ROOT("transparent_hugepage/enabled");
	open_br = strchr(mode, '[');
	close_br = open_br ? strchr(open_br, ']') : NULL;
	ASSERT_NE(NULL, close_br);
	snprintf(self->saved, sizeof(self->saved), "%.*s",
		 (int)(close_br - open_br - 1), open_br + 1);
	fd = open(THP_ENABLED, O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(6, write(fd, "always", 6));
	close(fd);
}

FIXTURE_TEARDOWN(thp)
{
	int fd = open(THP_ENABLED, O_WRONLY);

	if (fd >= 0 && self->saved[0]) {
		if (write(fd, self->saved, strlen(self->saved)) < 0)
			perror(THP_ENABLED);
	}
	if (fd >= 0)
		close(fd);
}

TEST_F(thp, grows_in_at_most_2m_steps)
{
	const size_t size = 16 * MiB;
	long long base, now = 0, huge = 0;
	unsigned char *p;
	unsigned long i;

	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
	prefault_stack();
	p = (void *)sys_tamalloc(size);
	ASSERT_NE(-1L, (long)p);
	base = self_kb("RssAnon");
	/* One byte in each 2 MiB block: at least 4 KiB, at most 2 MiB each. */
	for (i = 0; i < size / (2 * MiB); i++) {
		p[i * 2 * MiB + 4321] = 1;
		now = self_kb("RssAnon") - base;
		ASSERT_GE(now, (long long)(i + 1) * 4);
		ASSERT_LE(now, (long long)(i + 1) * 2048);
	}
	huge = meminfo_kb("AnonHugePages");
	TH_LOG("%lld KiB resident (AnonHugePages %lld KiB)", now, huge);
	TH_LOG("after writing one byte in each of %lu 2 MiB blocks", i);
	munmap(p, size);
}

/* Committed_AS in modes 0 and 1, with a charged mmap as the control. */
FIXTURE(overcommit) {
	struct saved_sysctl overcommit;
};

FIXTURE_VARIANT(overcommit) {
	int mode;
};

FIXTURE_VARIANT_ADD(overcommit, guess) { .mode = 0 };
FIXTURE_VARIANT_ADD(overcommit, always) { .mode = 1 };

FIXTURE_SETUP(overcommit)
{
	SKIP_UNLESS_ROOT("vm.overcommit_memory");
	ASSERT_EQ(0, sysctl_set(&self->overcommit, OVERCOMMIT, variant->mode));
}

FIXTURE_TEARDOWN(overcommit)
{
	sysctl_restore(&self->overcommit);
}

TEST_F(overcommit, not_charged_to_committed_as)
{
	const size_t size = 128 * MiB;
	long long c0, c1, c2;
	unsigned char *p, *q;
	size_t i;

	c0 = meminfo_kb("Committed_AS");
	p = (void *)sys_tamalloc(size);
	ASSERT_NE(-1L, (long)p);
	c1 = meminfo_kb("Committed_AS");
	/* Writing makes pages resident, still without a charge. */
	for (i = 0; i < 8 * MiB; i += PAGE)
		p[i] = 1;
	c2 = meminfo_kb("Committed_AS");
	EXPECT_LT(llabs(c1 - c0), 256) TH_LOG("Committed_AS %lld -> %lld", c0, c1);
	EXPECT_LT(llabs(c2 - c0), 256) TH_LOG("after writing 8 MiB: %lld", c2);

	/* The same mapping without MAP_NORESERVE is charged. */
	q = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_GE(meminfo_kb("Committed_AS") - c2, (long long)(size / KiB) - 256);
	munmap(q, size);
	munmap(p, size);
}

TEST_F(overcommit, larger_than_ram_succeeds)
{
	long long ram = meminfo_kb("MemTotal");
	/* 8 x RAM, or 2 x RAM for a 32-bit caller's 4 GiB address space. */
	size_t size = (size_t)ram * KiB * (sizeof(size) == 8 ? 8 : 2);
	long addr = sys_tamalloc(size);

	ASSERT_NE(-1L, addr)
		TH_LOG("%zu bytes with %lld KiB RAM: %s", size, ram, strerror(errno));
	munmap((void *)addr, size);
}

/* Mode 2: the kernel ignores MAP_NORESERVE, as for mmap(2). */
FIXTURE(strict) {
	struct saved_sysctl overcommit;
};

FIXTURE_SETUP(strict)
{
	SKIP_UNLESS_ROOT("vm.overcommit_memory");
	ASSERT_EQ(0, sysctl_set(&self->overcommit, OVERCOMMIT, 2));
}

FIXTURE_TEARDOWN(strict)
{
	sysctl_restore(&self->overcommit);
}

TEST_F(strict, charged_and_limited)
{
	const size_t size = 32 * MiB;
	long long c0, limit;
	long addr;

	c0 = meminfo_kb("Committed_AS");
	addr = sys_tamalloc(size);
	ASSERT_NE(-1L, addr);
	EXPECT_GE(meminfo_kb("Committed_AS") - c0, (long long)(size / KiB) - 256);
	munmap((void *)addr, size);

	limit = meminfo_kb("CommitLimit");
	errno = 0;
	EXPECT_EQ(-1, sys_tamalloc((size_t)limit * KiB + 64 * MiB));
	EXPECT_EQ(ENOMEM, errno);
}

/* size 0 is the only EINVAL: tamalloc(2) has no flags to reject. */
TEST(size_zero_is_einval)
{
	errno = 0;
	EXPECT_EQ(-1, sys_tamalloc(0));
	EXPECT_EQ(EINVAL, errno);
	/* Whatever the other argument registers hold. */
	errno = 0;
	EXPECT_EQ(-1, syscall(__NR_tamalloc, (size_t)0, 1UL, ~0UL, 2UL, 3UL, 4UL));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * tamalloc(2) takes one argument.  What a caller leaves in the second
 * argument register, where a flags argument used to be, is never read: any
 * value gives a zeroed page, as syscall(__NR_tamalloc, size) does.
 */
TEST(second_argument_is_not_read)
{
	static const unsigned long junk[] = {
		1, 2, 0x80000000UL, ~0UL, 0xdeadbeefUL, ~0UL << 12,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(junk); i++) {
		long addr = syscall(__NR_tamalloc, PAGE, junk[i]);

		ASSERT_NE(-1L, addr) TH_LOG("second argument %#lx: %s", junk[i],
					    strerror(errno));
		ASSERT_EQ(0, addr % PAGE);
		ASSERT_EQ(0, nonzero_bytes((void *)addr, PAGE));
		ASSERT_EQ(0, munmap((void *)addr, PAGE));
	}
	/* Only the size decides the error: junk does not make ENOMEM EINVAL. */
	errno = 0;
	EXPECT_EQ(-1, syscall(__NR_tamalloc, SIZE_MAX, 1UL, ~0UL));
	EXPECT_EQ(ENOMEM, errno);
}

TEST(too_large_is_enomem)
{
	static const size_t sizes[] = {
		SIZE_MAX, SIZE_MAX - PAGE + 2,
#if SIZE_MAX > 0xffffffffUL
		SIZE_MAX / 2 + 1, (size_t)1 << TAM_VA_BITS,
		((size_t)1 << TAM_VA_BITS) + PAGE,
#else
		/* A 32-bit task's TASK_SIZE is 4 GiB - 8 KiB. */
		0xffffe000u, 0xfffff000u,
#endif
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		errno = 0;
		EXPECT_EQ(-1, sys_tamalloc(sizes[i]));
		EXPECT_EQ(ENOMEM, errno) TH_LOG("size %#zx", sizes[i]);
	}
}

static void rlimit_test(struct __test_metadata *_metadata, int resource,
			const char *vm_field)
{
	long long used = self_kb(vm_field);
	struct rlimit rl;
	long addr;

	ASSERT_GE(used, 0);
	rl.rlim_cur = (used * KiB) + 16 * MiB;
	rl.rlim_max = rl.rlim_cur;
	ASSERT_EQ(0, setrlimit(resource, &rl));
	addr = sys_tamalloc(8 * MiB);
	ASSERT_NE(-1L, addr) TH_LOG("within the limit: %s", strerror(errno));
	errno = 0;
	EXPECT_EQ(-1, sys_tamalloc(16 * MiB));
	EXPECT_EQ(ENOMEM, errno);
	munmap((void *)addr, 8 * MiB);
}

TEST(rlimit_as_applies)
{
	rlimit_test(_metadata, RLIMIT_AS, "VmSize");
}

TEST(rlimit_data_applies)
{
	rlimit_test(_metadata, RLIMIT_DATA, "VmData");
}

FIXTURE(map_count) {
	struct saved_sysctl max_map_count;
	long long saved;	/* its value at the start */
};

FIXTURE_SETUP(map_count)
{
	SKIP_UNLESS_ROOT("vm.max_map_count");
	ASSERT_EQ(0, sysctl_save(&self->max_map_count, MAX_MAP_COUNT));
	self->saved = self->max_map_count.value;
	ASSERT_GT(self->saved, 0);
}

FIXTURE_TEARDOWN(map_count)
{
	sysctl_restore(&self->max_map_count);
}

TEST_F(map_count, limit_applies)
{
	long addr;

	ASSERT_EQ(0, write_num(MAX_MAP_COUNT, 1));
	errno = 0;
	EXPECT_EQ(-1, sys_tamalloc(PAGE));
	EXPECT_EQ(ENOMEM, errno);
	ASSERT_EQ(0, write_num(MAX_MAP_COUNT, self->saved));
	addr = sys_tamalloc(PAGE);
	EXPECT_NE(-1L, addr);
}

TEST(fork_copies_on_write)
{
	const size_t size = 64 * PAGE;
	unsigned char *p = (void *)sys_tamalloc(size);
	int status;
	pid_t child;

	ASSERT_NE(-1L, (long)p);
	p[0] = 7;	/* one page private to the parent before fork */
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		/* The child sees the parent's page and zeros elsewhere. */
		if (p[0] != 7 || nonzero_bytes(p + PAGE, size - PAGE))
			_exit(1);
		memset(p, 0x5a, size);
		_exit(nonzero_bytes(p, size) == size ? 0 : 2);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The child's writes did not reach the parent. */
	EXPECT_EQ(7, p[0]);
	EXPECT_EQ(1, nonzero_bytes(p, size));
	munmap(p, size);
}

TEST(munmap_releases_everything)
{
	const size_t size = 8 * MiB;
	long long vm0, rss0;
	unsigned char *p;

	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	prefault_stack();
	vm0 = self_kb("VmSize");
	rss0 = self_kb("RssAnon");
	p = (void *)sys_tamalloc(size);
	ASSERT_NE(-1L, (long)p);
	memset(p, 1, size);
	EXPECT_EQ(rss0 + (long long)(size / KiB), self_kb("RssAnon"));
	ASSERT_EQ(0, munmap(p, size));
	EXPECT_EQ(vm0, self_kb("VmSize"));
	EXPECT_EQ(rss0, self_kb("RssAnon"));
}

TEST_HARNESS_MAIN
