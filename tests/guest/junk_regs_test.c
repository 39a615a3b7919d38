// SPDX-License-Identifier: GPL-2.0
/*
 * tamalloc(2) reads its size and no other register: raw system calls made
 * with inline assembly, no libc in between, with the size in the first
 * argument register and junk in the other five.
 *
 *   x86_64: syscall,   rax = 1000, rdi = size, rsi rdx r10 r8 r9 = junk
 *   i386:   int $0x80, eax = 1000, ebx = size, ecx edx esi edi ebp = junk
 *   arm64:  svc #0,    x8 = 1000,  x0 = size,  x1 x2 x3 x4 x5 = junk
 *
 * Makefile.user builds it at -O0 (junk_regs_O0_test) and at -O2
 * (junk_regs_O2_test), 64-bit and 32-bit (-m32) on x86, 64-bit on arm64.  kernel_sees_the_junk
 * checks through ptrace that the kernel found exactly these values in its
 * argument registers, so the other tests cannot pass with clean registers.
 */
#include <limits.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "kselftest_harness.h"
#include "common.h"

#if ULONG_MAX > 0xffffffffUL
#define REP(x)	((x) * 0x100000001UL)	/* the 32-bit pattern in both halves */
#else
#define REP(x)	(x)
#endif

/* The system call number and six arguments, as raw_syscall() reads them. */
struct raw_call {
	unsigned long nr;
	unsigned long arg[6];
};

_Static_assert(sizeof(struct raw_call) == 7 * sizeof(long), "raw_call layout");

/* Two sets of junk for argument registers 2 to 6. */
static const unsigned long junk_a[5] = {
	REP(0xdeadbeefUL), ~0UL, 1, REP(0x0badf00dUL), REP(0x80000000UL),
};

static const unsigned long junk_b[5] = {
	1, REP(0xcafef00dUL), REP(0x12345678UL), ~0UL, 0x7f,
};

static const unsigned long no_junk[5];

/*
 * The raw result: an address, or -errno.  The asm takes only the struct's
 * address, in the register the result comes back in, and loads every
 * argument register itself, the number last (on arm64 the size last: the
 * address comes in x0, which is also the first argument register).  On
 * i386 six registers for the arguments would leave the compiler none to
 * spare, and ebp (the frame pointer at -O0) and ebx (the PIC register)
 * cannot be operands anyway: it saves and restores the callee-saved ones
 * around the call.
 */
static long raw_syscall(const struct raw_call *c)
{
	long ret;
#if defined(__x86_64__)
	asm volatile("movq 8(%%rax), %%rdi\n\t"	/* arg[0]: size */
		     "movq 16(%%rax), %%rsi\n\t"
		     "movq 24(%%rax), %%rdx\n\t"
		     "movq 32(%%rax), %%r10\n\t"
		     "movq 40(%%rax), %%r8\n\t"
		     "movq 48(%%rax), %%r9\n\t"	/* arg[5] */
		     "movq (%%rax), %%rax\n\t"	/* nr */
		     "syscall"
		     : "=a"(ret)
		     : "0"(c)
		     : "rdi", "rsi", "rdx", "r10", "r8", "r9", "rcx", "r11",
		       "memory");
#elif defined(__i386__)
	asm volatile("push %%ebp\n\t"
		     "push %%ebx\n\t"
		     "push %%esi\n\t"
		     "push %%edi\n\t"
		     "movl 4(%%eax), %%ebx\n\t"		/* arg[0]: size */
		     "movl 8(%%eax), %%ecx\n\t"
		     "movl 12(%%eax), %%edx\n\t"
		     "movl 16(%%eax), %%esi\n\t"
		     "movl 20(%%eax), %%edi\n\t"
		     "movl 24(%%eax), %%ebp\n\t"	/* arg[5] */
		     "movl (%%eax), %%eax\n\t"		/* nr */
		     "int $0x80\n\t"
		     "pop %%edi\n\t"
		     "pop %%esi\n\t"
		     "pop %%ebx\n\t"
		     "pop %%ebp"
		     : "=a"(ret)
		     : "0"(c)
		     : "ecx", "edx", "memory");
#elif defined(__aarch64__)
	register long x0 asm("x0") = (long)c;

	asm volatile("ldr x8, [x0]\n\t"	/* nr */
		     "ldr x1, [x0, #16]\n\t"
		     "ldr x2, [x0, #24]\n\t"
		     "ldr x3, [x0, #32]\n\t"
		     "ldr x4, [x0, #40]\n\t"
		     "ldr x5, [x0, #48]\n\t"	/* arg[5] */
		     "ldr x0, [x0, #8]\n\t"	/* arg[0]: size, last */
		     "svc #0"
		     : "+r"(x0)
		     :
		     : "x1", "x2", "x3", "x4", "x5", "x8", "memory");
	ret = x0;
#else
#error "x86_64, i386 and arm64 only"
#endif
	return ret;
}

static long raw_tamalloc(size_t size, const unsigned long junk[5])
{
	struct raw_call c = { .nr = __NR_tamalloc, .arg = { size } };

	memcpy(&c.arg[1], junk, 5 * sizeof(junk[0]));
	return raw_syscall(&c);
}

/* -errno, or 0 for an address (on i386 it can be negative as a long). */
static long raw_error(long ret)
{
	return (unsigned long)ret >= -4095UL ? ret : 0;
}

static void lazy_with_junk(struct __test_metadata *_metadata, size_t size,
			   const unsigned long junk[5])
{
	struct vm_rss before;
	long ret;

	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	prefault_stack();
	read_vm_rss(&before);
	ret = raw_tamalloc(size, junk);
	ASSERT_EQ(0, raw_error(ret))
		TH_LOG("raw tamalloc(%zu): %s", size, strerror((int)-ret));
	assert_lazy_region(_metadata, (void *)ret, size, &before);
	ASSERT_EQ(0, munmap((void *)ret, size));
	EXPECT_EQ(before.vm_size, self_kb("VmSize")) TH_LOG("after munmap");
}

TEST(junk_in_every_other_register)
{
	lazy_with_junk(_metadata, 8 * MiB + 1, junk_a);
}

/* Another call, other junk, the first region still mapped: another region. */
TEST(second_call_with_other_junk)
{
	const size_t size1 = 4 * MiB, size2 = 8 * MiB - 5;
	struct vm_rss before;
	unsigned char *p1, *p2;
	long ret;

	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	ret = raw_tamalloc(size1, junk_a);
	ASSERT_EQ(0, raw_error(ret)) TH_LOG("first call: %s", strerror((int)-ret));
	p1 = (void *)ret;
	ASSERT_EQ(0, nonzero_bytes(p1, size1));
	memset(p1, 0x3c, size1);

	prefault_stack();
	read_vm_rss(&before);
	ret = raw_tamalloc(size2, junk_b);
	ASSERT_EQ(0, raw_error(ret)) TH_LOG("second call: %s", strerror((int)-ret));
	p2 = (void *)ret;
	ASSERT_TRUE((uintptr_t)p2 + PAGE_ALIGN(size2) <= (uintptr_t)p1 ||
		    (uintptr_t)p1 + size1 <= (uintptr_t)p2)
		TH_LOG("%p and %p overlap", p1, p2);
	assert_lazy_region(_metadata, p2, size2, &before);
	/* Writing the second region did not touch the first. */
	EXPECT_EQ(0, memcmp(p1, p1 + 1, size1 - 1));
	EXPECT_EQ(0x3c, p1[0]);
	ASSERT_EQ(0, munmap(p2, size2));
	ASSERT_EQ(0, munmap(p1, size1));
}

/* Only the size decides the error, whatever is in the other registers. */
TEST(size_decides_the_error)
{
	static const unsigned long *const sets[] = { junk_a, junk_b, no_junk };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		EXPECT_EQ(-EINVAL, raw_tamalloc(0, sets[i])) TH_LOG("size 0, set %u", i);
		EXPECT_EQ(-ENOMEM, raw_tamalloc(SIZE_MAX, sets[i]))
			TH_LOG("size SIZE_MAX, set %u", i);
	}
}

static int child_raw_tamalloc(void)
{
	long ret = raw_tamalloc(3 * PAGE, junk_a);

	return raw_error(ret) || munmap((void *)ret, 3 * PAGE) ? 1 : 0;
}

/* The kernel's argument registers held the size and junk_a, and it worked. */
TEST(kernel_sees_the_junk)
{
	struct traced_call tc;
	unsigned int i;

	ASSERT_EQ(0, trace_call(__NR_tamalloc, child_raw_tamalloc, &tc))
		TH_LOG("tracing the child: %s", strerror(errno));
	EXPECT_EQ(TAM_AUDIT_ARCH, tc.arch);
	EXPECT_EQ(3 * PAGE, tc.args[0]);
	/* A 32-bit caller's registers are 32 bits wide: compare those. */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(junk_a[i], (unsigned long)tc.args[i + 1])
			TH_LOG("argument register %u", i + 2);
	EXPECT_EQ(0, tc.is_error) TH_LOG("tamalloc returned %lld",
					 (long long)tc.rval);
	ASSERT_TRUE(WIFEXITED(tc.status));
	EXPECT_EQ(0, WEXITSTATUS(tc.status));
}

TEST_HARNESS_MAIN
