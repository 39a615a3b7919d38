/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tamalloc tests: raw syscalls and exact /proc readings
 * taken with open/read only, so that reading a figure never maps memory.
 */
#ifndef TAM_TEST_COMMON_H
#define TAM_TEST_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tamalloc.h"

#define KiB	1024UL
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define PAGE	4096UL
#define PAGE_ALIGN(x)	(((x) + PAGE - 1) & ~(PAGE - 1))

/* Sysctls the tests change and restore (run-guest-tests checks they do). */
#define OVERCOMMIT	"/proc/sys/vm/overcommit_memory"
#define MAX_MAP_COUNT	"/proc/sys/vm/max_map_count"

static inline long sys_tamalloc(size_t size, unsigned int flags)
{
	return syscall(__NR_tamalloc, size, flags);
}

static inline long sys_vm_stats(pid_t pid, void *buf, unsigned int count,
				unsigned int flags)
{
	return syscall(__NR_vm_stats, pid, buf, count, flags);
}

static inline long sys_mem_stats(void *buf, unsigned int size,
				 unsigned int flags)
{
	return syscall(__NR_mem_stats, buf, size, flags);
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

#endif /* TAM_TEST_COMMON_H */
