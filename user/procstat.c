// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The /proc side of libtamalloc: the same figures vm_stats(2) and
 * mem_stats(2) return, read the way ps(1) and free(1) read them.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memfields.h"
#include "procstat.h"
#include "tamalloc.h"

/* Read a small /proc file under dirfd into buf (NUL-terminated). */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* The kB value of "key:" in a /proc status-style text, or -1. */
static int64_t field_kb(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoll(p + klen + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/*
 * Fill st for process pid (or the process of thread pid).  Returns 1 if it
 * has an mm, 0 if not (kernel thread, exiting), -1 with errno if gone.
 */
static int proc_fill(int procfd, pid_t pid, struct tam_vm_stat *st)
{
	/* The status lines of the memory fields, as task_mem() prints them. */
#define TAM_STATUS_LINE(bit, field, key) \
		{ key, bit, offsetof(struct tam_vm_stat, field) },
	static const struct {
		const char *key;
		unsigned int bit;
		size_t off;
	} all[] = { TAM_VM_FIELDS(TAM_STATUS_LINE) };
#undef TAM_STATUS_LINE
	char name[32], buf[4096];
	int64_t tgid, kb[sizeof(all) / sizeof(all[0])];
	int dirfd, has_mm, ret = -1;
	uint64_t bytes;
	size_t i;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	snprintf(name, sizeof(name), "%d", (int)pid);
	dirfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		goto gone;
	if (read_at(dirfd, "status", buf, sizeof(buf)) < 0)
		goto gone_close;
	tgid = field_kb(buf, "Tgid");
	if (tgid > 0 && tgid != pid) {
		close(dirfd);
		return proc_fill(procfd, (pid_t)tgid, st);
	}
	st->pid = pid;
	/* Each status line, -1 if absent (no mm) or not a status line. */
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		kb[i] = all[i].key ? field_kb(buf, all[i].key) : -1;
	has_mm = field_kb(buf, "VmSize") >= 0 && field_kb(buf, "VmRSS") >= 0;
	n = read_at(dirfd, "comm", buf, sizeof(buf));
	if (n < 0)
		goto gone_close;
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	memcpy(st->comm, buf, (size_t)n < sizeof(st->comm) ? (size_t)n : sizeof(st->comm) - 1);
	if (read_at(dirfd, "oom_score_adj", buf, sizeof(buf)) < 0)
		goto gone_close;
	st->oom_score_adj = atoi(buf);
	st->mask = TAM_VM_OOM_SCORE_ADJ | TAM_VM_OOM_SCORE;
	if (!has_mm) {
		ret = 0;	/* no mm: OOM score 0, as vm_stats(2) reports */
		goto out;
	}
	if (read_at(dirfd, "oom_score", buf, sizeof(buf)) < 0)
		goto gone_close;
	st->oom_score = strtoull(buf, NULL, 10);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (kb[i] < 0)
			continue;
		bytes = (uint64_t)kb[i] * 1024;
		memcpy((char *)st + all[i].off, &bytes, sizeof(bytes));
		st->mask |= all[i].bit;
	}
	ret = 1;
out:
	close(dirfd);
	return ret;
gone_close:
	close(dirfd);
gone:
	errno = ESRCH;
	return -1;
}

static int is_pid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Call fn for every process with an mm, in /proc order.  Count or -1. */
static long proc_walk(void (*fn)(const struct tam_vm_stat *, long, void *),
		      void *arg)
{
	struct tam_vm_stat st;
	struct dirent *de;
	long n = 0;
	DIR *dir;
	int fd;

	fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -1;
	}
	while ((de = readdir(dir))) {
		if (!is_pid_name(de->d_name))
			continue;
		if (proc_fill(dirfd(dir), (pid_t)atol(de->d_name), &st) == 1)
			fn(&st, n++, arg);
	}
	closedir(dir);
	return n;
}

struct fill_arg {
	struct tam_vm_stat *buf;
	size_t count;
};

static void store(const struct tam_vm_stat *st, long i, void *arg)
{
	struct fill_arg *a = arg;

	if ((size_t)i < a->count)
		a->buf[i] = *st;
}

long tam_vm_stats_proc(pid_t pid, struct tam_vm_stat *buf, size_t count)
{
	struct fill_arg a = { buf, count };
	struct tam_vm_stat st;
	int procfd, r;
	long ret;

	if (pid < 0) {
		errno = EINVAL;
		return -1;
	}
	if (!pid)
		return proc_walk(store, &a);
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
	r = proc_fill(procfd, pid, &st);
	ret = r < 0 ? -1 : 1;
	if (r >= 0 && count)
		buf[0] = st;
	close(procfd);
	return ret;
}

static void sum(const struct tam_vm_stat *st, long i, void *arg)
{
	struct tam_mem_stats *ms = arg;

	(void)i;
	ms->vm_size_bytes += st->vm_size_bytes;
	ms->rss_bytes += st->rss_bytes;
	ms->nr_processes++;
}

/* The /proc/meminfo figures of *out, its sums left as they are. */
static int meminfo_proc(struct tam_mem_stats *out)
{
#define KEY(field, key, name, help) \
	{ key, offsetof(struct tam_mem_stats, field) },
	static const struct {
		const char *key;	/* NULL: a sum, not in meminfo */
		size_t off;
	} keys[] = { TAM_MEM_FIELDS(KEY) };
#undef KEY
	char buf[8192];
	uint64_t v[sizeof(keys) / sizeof(keys[0])];
	int64_t kb;
	size_t i;

	if (read_at(AT_FDCWD, "/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!keys[i].key)
			continue;
		kb = field_kb(buf, keys[i].key);
		if (kb < 0) {
			errno = EPROTO;
			return -1;
		}
		v[i] = (uint64_t)kb * 1024;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].key)
			memcpy((char *)out + keys[i].off, &v[i], sizeof(v[i]));
	return 0;
}

int tam_mem_stats_proc(struct tam_mem_stats *out)
{
	struct tam_mem_stats ms = { 0 };

	if (proc_walk(sum, &ms) < 0 || meminfo_proc(&ms))
		return -1;
	ms.mask = TAM_MEM_ALL;
	*out = ms;
	return 0;
}

/* A growing list of rows, for tam_proc_snapshot()'s walk. */
struct list_arg {
	struct tam_vm_stat *rows;
	size_t cap;
	int err;		/* ENOMEM once a row could not be kept */
	struct tam_mem_stats *ms;
};

static void append(const struct tam_vm_stat *st, long i, void *arg)
{
	struct list_arg *a = arg;
	struct tam_vm_stat *rows;

	if (a->ms)
		sum(st, i, a->ms);
	if (a->err)
		return;
	if ((size_t)i == a->cap) {
		rows = realloc(a->rows, (a->cap ? 2 * a->cap : 256) * sizeof(*rows));
		if (!rows) {
			a->err = ENOMEM;
			return;
		}
		a->rows = rows;
		a->cap = a->cap ? 2 * a->cap : 256;
	}
	a->rows[i] = *st;
}

int tam_proc_snapshot(struct tam_vm_stat **procs, size_t *nr,
		      struct tam_mem_stats *ms)
{
	struct tam_mem_stats sums = { 0 };
	struct list_arg a = { NULL, 0, 0, ms ? &sums : NULL };
	long n = proc_walk(append, &a);

	if (!a.err && n >= 0 && ms && meminfo_proc(&sums))
		n = -1;
	if (a.err || n < 0) {
		if (a.err)
			errno = a.err;
		free(a.rows);
		return -1;
	}
	if (ms) {
		sums.mask = TAM_MEM_ALL;
		*ms = sums;
	}
	*procs = a.rows;
	*nr = (size_t)n;
	return 0;
}
