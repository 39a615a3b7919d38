// SPDX-License-Identifier: LGPL-2.1-or-later
/* libtamalloc: syscall wrappers with an mmap and /proc fallback. */
#include <errno.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tamalloc.h"

/* The ABI's layouts, as kernel/tamalloc.c asserts them too. */
_Static_assert(sizeof(struct tam_vm_stat) == 48, "struct tam_vm_stat layout");
_Static_assert(sizeof(struct tam_mem_stats) == TAM_MEM_STATS_SIZE_VER0,
	       "struct tam_mem_stats layout");

/* -1: not probed yet; 0: fallback; 1: kernel syscalls. */
static int support = -1;

int tam_kernel_support(void)
{
	int s = __atomic_load_n(&support, __ATOMIC_RELAXED);

	if (s < 0) {
#ifdef __NR_tamalloc
		int saved = errno;

		/*
		 * size 0 is EINVAL on a patched kernel, ENOSYS elsewhere.
		 * tamalloc(2) takes exactly one argument: the size.
		 */
		s = syscall(__NR_tamalloc, (size_t)0) == -1 && errno == EINVAL;
		errno = saved;
#else
		s = 0;
#endif
		__atomic_store_n(&support, s, __ATOMIC_RELAXED);
	}
	return s;
}

void *tamalloc(size_t size)
{
	void *p;

	if (tam_kernel_support()) {
#ifdef __NR_tamalloc
		long addr = syscall(__NR_tamalloc, size);

		return addr == -1 ? NULL : (void *)addr;
#endif
	}
	if (size == 0) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int tamfree(void *ptr, size_t size)
{
	if (!ptr)
		return 0;
	return munmap(ptr, size);
}

long tam_vm_stats(pid_t pid, struct tam_vm_stat *buf, size_t count)
{
#ifdef __NR_vm_stats
	if (tam_kernel_support())
		return syscall(__NR_vm_stats, pid, buf,
			       count > UINT_MAX ? UINT_MAX : (unsigned int)count,
			       0U);
#endif
	return tam_vm_stats_proc(pid, buf, count);
}

int tam_mem_stats(struct tam_mem_stats *out)
{
#ifdef __NR_mem_stats
	if (tam_kernel_support())
		return syscall(__NR_mem_stats, out,
			       (unsigned int)sizeof(*out), 0U) < 0 ? -1 : 0;
#endif
	return tam_mem_stats_proc(out);
}
