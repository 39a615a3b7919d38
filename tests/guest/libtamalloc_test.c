// SPDX-License-Identifier: GPL-2.0
/*
 * libtamalloc on the patched kernel: the library finds the syscalls and
 * uses them.  Apart from tamalloc_test.c, whose tests call the kernel only
 * (they are also the kernel's selftests, tools/testing/selftests/tamalloc).
 */
#include <errno.h>

#include "kselftest_harness.h"
#include "common.h"
#include "tamalloc.h"

TEST(library_uses_the_syscall)
{
	void *p;

	ASSERT_EQ(1, tam_kernel_support());
	p = tamalloc(PAGE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, tamfree(p, PAGE));
	errno = 0;
	EXPECT_EQ(NULL, tamalloc(0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
