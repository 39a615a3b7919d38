// SPDX-License-Identifier: GPL-2.0
/*
 * tamalloc(2) called the way the course's design card writes it:
 *
 *	#define SYSCALL_TAMALLOC_ID 1000
 *	(void*) memory_ptr = syscall(SYSCALL_TAMALLOC_ID, ALLOC_SIZE);
 *
 * One argument, so the kernel's other argument registers hold whatever the
 * caller's code last left in them.  Just before the call, a function with
 * many nonzero arguments leaves them dirty on purpose.  What stays in them
 * depends on the compiler's choices, so Makefile.user builds this file
 * twice, at -O0 (seed_O0_test) and at -O2 (seed_O2_test), and both again as
 * 32-bit programs (-m32); second_register_is_dirty checks through ptrace
 * that the kernel really sees junk in the second argument register.
 */
#include <sys/mman.h>
#include <sys/prctl.h>

#include "kselftest_harness.h"
#include "common.h"

#define SYSCALL_TAMALLOC_ID 1000
#define ALLOC_SIZE (16 * 1024 * 1024)

/* Keeps junk() from being optimised away. */
static volatile unsigned long junk_sink;

/*
 * Eight nonzero arguments: x86_64 passes the first six in rdi, rsi, rdx,
 * rcx, r8 and r9, which glibc's syscall() moves to the kernel's argument
 * registers; arm64 passes them in x0 to x7, and syscall() moves x1 to x6
 * to the kernel's x0 to x5; i386 passes all eight on the stack, in the
 * slots where syscall() then reads its arguments.  noipa: no clone of
 * junk() with the constants folded in, the arguments are really passed;
 * clang (the arm64 build) has no noipa, and does not fold constants into
 * a function that other files could call: there junk() is not static.
 */
#ifdef __clang__
void junk(unsigned long a, unsigned long b, unsigned long c, unsigned long d,
	  unsigned long e, unsigned long f, unsigned long g, unsigned long h);
#define JUNK_ATTRS	__attribute__((noinline))
#else
#define JUNK_ATTRS	static __attribute__((noipa))
#endif
JUNK_ATTRS void
junk(unsigned long a, unsigned long b, unsigned long c, unsigned long d,
     unsigned long e, unsigned long f, unsigned long g, unsigned long h)
{
	junk_sink = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}

/* The call as the design card writes it, after junk(). */
static void *__attribute__((noinline)) seed_alloc(void)
{
	junk(0xdeadbeefUL, ~0UL, 0x5a5a5a5aUL, 1, 0x80000000UL, 0x12345678UL,
	     0xcafef00dUL, 7);
	void *memory_ptr = (void *) syscall(SYSCALL_TAMALLOC_ID, ALLOC_SIZE);

	return memory_ptr;
}

/* A zeroed region, reserved at once and committed only as it is written. */
TEST(one_argument_call)
{
	struct vm_rss before;
	void *memory_ptr;

	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	junk_sink = 0;		/* its page resident before the first reading */
	prefault_stack();
	read_vm_rss(&before);
	memory_ptr = seed_alloc();
	assert_lazy_region(_metadata, memory_ptr, ALLOC_SIZE, &before);
	ASSERT_EQ(0, munmap(memory_ptr, ALLOC_SIZE));
	EXPECT_EQ(before.vm_size, self_kb("VmSize")) TH_LOG("after munmap");
}

/* Called again and again, with the region of the last call still mapped. */
TEST(repeated_calls)
{
	void *p[4];
	unsigned int i, j;

	for (i = 0; i < 4; i++) {
		p[i] = seed_alloc();
		ASSERT_NE((void *)-1, p[i]) TH_LOG("call %u: %s", i, strerror(errno));
		ASSERT_EQ(0, (uintptr_t)p[i] % PAGE);
		for (j = 0; j < i; j++)
			ASSERT_NE(p[j], p[i]);
		ASSERT_EQ(0, nonzero_bytes(p[i], PAGE));
		memset(p[i], 0xa5, PAGE);
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, munmap(p[i], ALLOC_SIZE));
}

static int child_seed_alloc(void)
{
	void *p = seed_alloc();

	return p == (void *)-1 || munmap(p, ALLOC_SIZE) ? 1 : 0;
}

/*
 * The premise of this program: the kernel finds junk (not 0) in its second
 * argument register, where tamalloc's flags argument used to be, and the
 * call succeeds anyway.  If a compiler ever leaves 0 there, this fails: the
 * test above would no longer show that junk is ignored.
 */
TEST(second_register_is_dirty)
{
	struct traced_call tc;
	unsigned int i;

	ASSERT_EQ(0, trace_call(SYSCALL_TAMALLOC_ID, child_seed_alloc, &tc))
		TH_LOG("tracing the child: %s", strerror(errno));
	for (i = 0; i < 6; i++)
		TH_LOG("argument register %u: %#llx", i + 1,
		       (unsigned long long)tc.args[i]);
	EXPECT_EQ(TAM_AUDIT_ARCH, tc.arch);
	EXPECT_EQ(ALLOC_SIZE, tc.args[0]);
	EXPECT_NE(0, tc.args[1]) TH_LOG("no junk in the second register");
	EXPECT_EQ(0, tc.is_error) TH_LOG("tamalloc returned %lld",
					 (long long)tc.rval);
	EXPECT_EQ(0, tc.rval % (int64_t)PAGE);
	ASSERT_TRUE(WIFEXITED(tc.status));
	EXPECT_EQ(0, WEXITSTATUS(tc.status));
}

TEST_HARNESS_MAIN
