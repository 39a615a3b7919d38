// SPDX-License-Identifier: GPL-2.0
/*
 * A multi-threaded fuzzer of tamalloc(2), vm_stats(2) and mem_stats(2): each
 * thread makes calls with random and boundary arguments (sizes, pids, user
 * buffers, counts, flags and garbage in the upper halves of 32-bit argument
 * registers) and checks every result against the outcomes the argument
 * classes allow, and that no byte of its memory outside what the call may
 * write has changed.  tamalloc(2) takes only a size: its other five argument
 * registers get junk (bits, all ones, small numbers, pointers into the
 * arena), which must never change the outcome nor any byte of the arena.
 * The kernel staying silent is checked by scripts/vm-run, which fails the
 * run on any console report.
 *
 *   TAM_FUZZ_SEED	replay a run (the seed is printed first)
 *   TAM_FUZZ_CALLS	calls in all (default 100000): four fifths in the
 *			main test, one fifth in the pid namespace test
 *   TAM_FUZZ_UID	fuzz as this uid and gid, with no supplementary
 *			groups and no capabilities (run-guest-tests runs
 *			fuzz.threads so as uid 1000)
 *
 * Threads race, so a replay repeats the arguments, not the interleaving.
 */
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "common.h"

#define DEFAULT_CALLS	100000UL
#define MAX_THREADS	16
#define ARENA_PAGES	4
#define ARENA_SIZE	(ARENA_PAGES * PAGE)
#define RO_PAGES	1
#define RO_SIZE		(RO_PAGES * PAGE)
/* PROT_NONE | arena | PROT_NONE | read-only | PROT_NONE */
#define RES_SIZE	((ARENA_PAGES + RO_PAGES + 3) * PAGE)
#define ENTRY		sizeof(struct tam_vm_stat)
#define MS_SIZE		TAM_MEM_STATS_SIZE_VER0
/* tamalloc() of up to this must succeed while no large call is under way. */
#define SURE_SIZE	(64 * MiB)
#define MAX_LOGGED	5

#if SIZE_MAX > 0xffffffffUL
#define LP64		1
/* No hint address: mappings stay below TAM_TASK_SIZE (tests/common.h). */
#define TASK_LIMIT	TAM_TASK_SIZE
#else
#define LP64		0
/* A 32-bit task's TASK_SIZE on a 64-bit kernel. */
#define TASK_LIMIT	UINT64_C(0xffffe000)
#endif

enum { SYS_TAMALLOC, SYS_VM_STATS, SYS_MEM_STATS, NR_SYS };
static const char *const sys_names[NR_SYS] = {
	"tamalloc", "vm_stats", "mem_stats"
};

/* Outcomes: success or an errno. */
enum {
	OUT_OK, OUT_EINVAL, OUT_ENOMEM, OUT_ESRCH, OUT_EFAULT, OUT_E2BIG, OUT_EAGAIN,
	OUT_EINTR, OUT_OTHER, NR_OUT
};

static const char *const r_names[NR_OUT] = {
	"ok", "EINVAL", "ENOMEM", "ESRCH", "EFAULT", "E2BIG", "EAGAIN",
	"EINTR", "other"
};

#define M(r)	(1u << (r))

/* What a pid argument is. */
enum pclass { P_ZERO, P_NEG, P_NONE, P_LIVE, P_ANY };

struct pidinfo {
	pid_t pid, tgid;
	int has_mm;		/* 1, 0 or -1: unknown */
};

struct fuzzer;

struct env {
	struct __test_metadata *md;
	uint64_t seed, salt;	/* salt: another stream from the same seed */
	unsigned long calls;
	int nthreads;
	bool in_ns;
	pid_t self;
	long pid_max;
	struct pidinfo live[8];
	int nlive;
	pid_t dead[8];
	int ndead;
	pid_t outer[4];
	int nouter;
	struct fuzzer *f;
	pthread_barrier_t go, done;
	pthread_rwlock_t maplock;
	/* Large tamalloc() calls under way, and started so far. */
	unsigned long big_live, big_seq;
};

/* The call being made, described only when it fails. */
struct call {
	int sys;
	unsigned long regs[6];
	const char *pkind, *bkind;
	size_t cap;
	long ret;
	int err;
	unsigned int mask;
};

struct fuzzer {
	struct env *env;
	int idx;
	pid_t tid;
	uint64_t rng;
	unsigned long ncalls, i;
	unsigned char *base, *arena, *ro;
	unsigned char ref[ARENA_SIZE];
	unsigned long hist[NR_SYS][NR_OUT];
	/* tamalloc() calls with junk in the unused registers, by outcome */
	unsigned long junk_hist[NR_OUT];
	unsigned long fails;
	struct call c;
};

struct ubuf {
	uintptr_t p;
	size_t cap;		/* bytes writable from p */
	const char *kind;
	bool unmapped;		/* p is set under maplock */
};

static const unsigned char zero_page[PAGE];

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rnd(struct fuzzer *f)
{
	return splitmix64(&f->rng);
}

static void describe(struct fuzzer *f, char *buf, size_t size)
{
	const struct call *c = &f->c;

	switch (c->sys) {
	case SYS_TAMALLOC:
		snprintf(buf, size,
			 "tamalloc(size=%#lx) with junk %#lx %#lx %#lx %#lx %#lx in the unused argument registers",
			 c->regs[0], c->regs[1], c->regs[2], c->regs[3],
			 c->regs[4], c->regs[5]);
		break;
	case SYS_VM_STATS:
		snprintf(buf, size,
			 "vm_stats(pid=%#lx [%s], buf=%#lx [%s, %zu writable], count=%#lx, size=%#lx, mask=%#lx, flags=%#lx)",
			 c->regs[0], c->pkind, c->regs[1], c->bkind, c->cap,
			 c->regs[2], c->regs[3], c->regs[4], c->regs[5]);
		break;
	default:
		snprintf(buf, size,
			 "mem_stats(buf=%#lx [%s, %zu writable], size=%#lx, mask=%#lx, flags=%#lx)",
			 c->regs[0], c->bkind, c->cap, c->regs[1], c->regs[2],
			 c->regs[3]);
	}
}

static void __attribute__((format(printf, 2, 3)))
fail(struct fuzzer *f, const char *fmt, ...)
{
	struct __test_metadata *_metadata = f->env->md;
	char what[160], call[320], allowed[128] = "";
	unsigned int r;
	va_list ap;

	if (++f->fails > MAX_LOGGED)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	describe(f, call, sizeof(call));
	for (r = 0; r < NR_OUT; r++)
		if (f->c.mask & M(r))
			snprintf(allowed + strlen(allowed),
				 sizeof(allowed) - strlen(allowed), " %s",
				 r_names[r]);
	TH_LOG("FAIL seed %#llx thread %d call %lu: %s = %ld (%s), allowed:%s: %s",
	       (unsigned long long)f->env->seed, f->idx, f->i, call, f->c.ret,
	       f->c.ret == -1 ? strerror(f->c.err) : "ok", allowed, what);
}

static int outcome(long ret, int err)
{
	if (ret != -1)
		return OUT_OK;
	switch (err) {
	case EINVAL: return OUT_EINVAL;
	case ENOMEM: return OUT_ENOMEM;
	case ESRCH: return OUT_ESRCH;
	case EFAULT: return OUT_EFAULT;
	case E2BIG: return OUT_E2BIG;
	case EAGAIN: return OUT_EAGAIN;
	case EINTR: return OUT_EINTR;
	}
	return OUT_OTHER;
}

/* Record the outcome; false if it is not one of those allowed. */
static bool account(struct fuzzer *f, long ret, int err, unsigned int mask)
{
	int r = outcome(ret, err);

	f->c.ret = ret;
	f->c.err = err;
	f->c.mask = mask;
	f->hist[f->c.sys][r]++;
	if (mask & M(r))
		return true;
	fail(f, "unexpected outcome");
	return false;
}

/* A 32-bit argument, with garbage above it now and then on 64-bit. */
static unsigned long reg32(struct fuzzer *f, uint32_t v)
{
#if LP64
	uint64_t r = rnd(f);

	if (r % 8 == 0)
		return (unsigned long)v | (unsigned long)(r >> 32 | 1) << 32;
#else
	(void)f;
#endif
	return v;
}

/*
 * Bytes of the arena outside [p, p + len) must still be the canaries; the
 * ones inside are restored.  The read-only region must be intact.
 */
static void check_canaries(struct fuzzer *f, uintptr_t p, uint64_t len)
{
	uint64_t a = (uintptr_t)f->arena, e = a + ARENA_SIZE;
	uint64_t s = p, t = s + len;
	size_t lo = 0, hi = 0, i;

	if (len && s < e && t > a) {
		lo = (s > a ? s : a) - a;
		hi = (t < e ? t : e) - a;
	}
	if (memcmp(f->arena, f->ref, lo) ||
	    memcmp(f->arena + hi, f->ref + hi, ARENA_SIZE - hi)) {
		for (i = 0; i < ARENA_SIZE; i++)
			if ((i < lo || i >= hi) && f->arena[i] != f->ref[i])
				break;
		fail(f, "canary at %p changed to %#x (writable [%p, %p))",
		     f->arena + i, f->arena[i], f->arena + lo, f->arena + hi);
		lo = 0;
		hi = ARENA_SIZE;
	}
	memcpy(f->arena + lo, f->ref + lo, hi - lo);
	if (memcmp(f->ro, f->ref, RO_SIZE))
		fail(f, "read-only region changed");
}

static void gen_buf(struct fuzzer *f, struct ubuf *b)
{
	static const uintptr_t kernel[] = {
		(uintptr_t)-4096, (uintptr_t)-4095, (uintptr_t)-1,
#if LP64 && defined(__aarch64__)
		(uintptr_t)0xffff000000000000ULL,	/* the linear map */
		(uintptr_t)0xffff800080000000ULL,	/* the kernel image */
		(uintptr_t)0x0001000000000000ULL,	/* TASK_SIZE */
		(uintptr_t)0x0100000000000000ULL,	/* a tag, untagged ABI */
#elif LP64
		(uintptr_t)0xffff888000000000ULL,
		(uintptr_t)0xffffffff81000000ULL,
		(uintptr_t)0xffffffffff600000ULL,	/* vsyscall */
		(uintptr_t)0x00007ffffffff000ULL,	/* TASK_SIZE_MAX */
		(uintptr_t)0x0000800000000000ULL,	/* non-canonical */
#else
		(uintptr_t)0xffffe000UL,		/* TASK_SIZE */
#endif
	};
	uint64_t r = rnd(f), r2 = rnd(f);
	size_t off = 0;

	b->cap = 0;
	b->unmapped = false;
	switch (r % 16) {
	case 0:
		b->p = 0;
		b->kind = "NULL";
		return;
	case 1:
		b->p = 1 + r2 % 0xffff;
		b->kind = "low";
		return;
	case 2:
		if (r2 & 1) {
			b->p = kernel[(r2 >> 1) % ARRAY_SIZE(kernel)];
		} else {
#if LP64
			/* Kernel half, or non-canonical. */
			b->p = (r2 & 2) ? (uintptr_t)(r2 | 0xffff800000000000ULL) :
				(uintptr_t)((r2 >> 2) | 0x0000800000000000ULL);
#else
			b->p = 0xffffe000UL + (r2 >> 2) % 0x2000;
#endif
		}
		b->kind = "kernel";
		return;
	case 3:
		b->p = (uintptr_t)f->ro + r2 % RO_SIZE;
		b->kind = "read-only";
		return;
	case 4:
		b->unmapped = true;
		b->kind = "unmapped";
		return;
	case 5:
		b->p = (uintptr_t)f->arena - 1 - r2 % 64;
		b->kind = "PROT_NONE then arena";
		return;
	case 6:
	case 7:
	case 8:
		/* Ending in the PROT_NONE page after the arena. */
		off = ARENA_SIZE - r2 % (2 * PAGE + 1);
		b->kind = "tail in PROT_NONE";
		break;
	case 9:
		/* Room for exactly k entries, give or take a byte. */
		off = ARENA_SIZE - (r2 % 40) * ENTRY - (r2 >> 8) % 3 + 1;
		if (off > ARENA_SIZE)
			off = ARENA_SIZE;
		b->kind = "k entries to PROT_NONE";
		break;
	case 10:
		off = (r2 % ARENA_PAGES) * PAGE;
		b->kind = "page-aligned";
		break;
	default:
		off = r2 % (ARENA_SIZE + 1);
		if (r2 & (UINT64_C(1) << 40))
			off &= ~(size_t)7;
		b->kind = (off & 7) ? "unaligned" : "arena";
	}
	b->p = (uintptr_t)f->arena + off;
	b->cap = ARENA_SIZE - off;
}

/*
 * Point @b into pages just unmapped.  No mapping may be made in the hole
 * until the call is done: maplock stays write-locked until then.
 */
static void make_hole(struct fuzzer *f, struct ubuf *b)
{
	void *q;

	pthread_rwlock_wrlock(&f->env->maplock);
	q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED || munmap(q, 2 * PAGE))
		fail(f, "mmap/munmap: %s", strerror(errno));
	b->p = (uintptr_t)q + rnd(f) % (2 * PAGE);
}

static unsigned int gen_flags(struct fuzzer *f)
{
	uint64_t r = rnd(f);

	switch (r % 8) {
	case 0:
		return 1u << ((r >> 8) % 32);
	case 1:
		return (uint32_t)(r >> 32);
	case 2:
		return ~0u;
	case 3:
		return TAM_VM_DONT_SYNC;	/* vm_stats() takes it, mem_stats() not */
	}
	return 0;
}

/*
 * A record size: mostly this header's, else a newer caller's larger one,
 * or one the kernel refuses (too small, not a multiple of 8, above a page).
 */
static unsigned int gen_rsize(struct fuzzer *f, unsigned int ver0)
{
	uint64_t r = rnd(f), r2 = r >> 8;

	switch (r % 10) {
	case 0:
		return ver0 + 8 * (unsigned int)(1 + r2 % 8);
	case 1:
		return (unsigned int)(r2 % (PAGE + 16));
	case 2:
		return ver0 - 8 + (unsigned int)(r2 % 17);
	case 3:
		return PAGE + (unsigned int)(r2 % 17) - 8;
	case 4:
		return r2 & 1 ? UINT_MAX : (uint32_t)(r2 >> 16);
	}
	return ver0;
}

/* A request mask: mostly every field or a few, sometimes unknown bits. */
static unsigned int gen_mask(struct fuzzer *f, unsigned int all,
			     unsigned int reserved)
{
	uint64_t r = rnd(f), r2 = r >> 8;

	switch (r % 8) {
	case 0:
		return (uint32_t)r2 & all;
	case 1:
		return (uint32_t)r2 & ~reserved;	/* unknown bits too */
	case 2:
		return r2 & 1 ? reserved : ~0u;		/* refused */
	case 3:
		return 0;
	}
	return all;
}

/* Whether the kernel takes a record size (0), or which errno it gives. */
static int rsize_error(unsigned int size, unsigned int ver0)
{
	if (size > PAGE)
		return E2BIG;
	return size < ver0 || size % 8 ? EINVAL : 0;
}

/*
 * What a caller may leave in an argument register tamalloc(2) does not
 * take: 0 (a clean call) half of the time, else a bit, all ones, a flag-like
 * small number, a pointer or anything.
 */
static unsigned long gen_junk(struct fuzzer *f)
{
	uint64_t r = rnd(f), r2 = rnd(f);

	switch (r % 12) {
	case 0:
		return 1UL << (r2 % (8 * sizeof(long)));
	case 1:
		return ~0UL;
	case 2:
		return 1 + r2 % 4;
	case 3:
		return (uintptr_t)f->arena + r2 % ARENA_SIZE;
	case 4:
	case 5:
		return (unsigned long)r2;
	}
	return 0;
}

static size_t gen_size(struct fuzzer *f)
{
	uint64_t r = rnd(f), r2 = rnd(f);
	size_t d = (size_t)(r2 % 3) - 1;	/* -1, 0 or 1 */

	switch (r % 14) {
	case 0:
		return 0;
	case 1:
		return 1 + (r2 >> 2) % (4 * PAGE);
	case 2:
		return (1 + (r2 >> 2) % 64) * PAGE + d;
	case 3:
		return (size_t)0x80000000UL + d;
	case 4:
#if LP64
		return ((size_t)1 << 32) + d;
#else
		return (size_t)0xffffffffUL - (r2 >> 2) % 2;
#endif
	case 5:
#if LP64
		return ((size_t)1 << TAM_VA_BITS) + d * ((r2 & 4) ? PAGE : 1);
#else
		return (size_t)TASK_LIMIT + d * PAGE;
#endif
	case 6:
		return SIZE_MAX - (r2 >> 2) % (PAGE + 2);
	case 7:
		return (size_t)r2;
	case 8:
		return ((size_t)1 << ((r2 >> 2) % (8 * sizeof(size_t)))) + d;
	case 9:
		return (r2 >> 2) % (SURE_SIZE + 1);
	case 10:
		return (size_t)TASK_LIMIT + d * ((r2 & 4) ? PAGE : 1);
	}
	return 1 + (r2 >> 2) % (16 * PAGE);
}

static enum pclass gen_pid(struct fuzzer *f, pid_t *pid,
			   const struct pidinfo **info, const char **kind)
{
	struct env *env = f->env;
	uint64_t r = rnd(f), r2 = rnd(f);

	*info = NULL;
	switch (r % 16) {
	case 0: case 1: case 2: case 3:
		*pid = 0;
		*kind = "all";
		return P_ZERO;
	case 4:
		*pid = -1;
		*kind = "-1";
		return P_NEG;
	case 5:
		*pid = INT_MIN + (int)(r2 % 3);
		*kind = "INT_MIN";
		return P_NEG;
	case 6:
		*pid = INT_MAX - (int)(r2 % 3);
		*kind = "INT_MAX";
		return P_NONE;
	case 7:
		*pid = (pid_t)(uint32_t)(r2 | 0x80000000u);
		*kind = "negative";
		return P_NEG;
	case 9:
		if (env->nouter) {
			*pid = env->outer[r2 % env->nouter];
			*kind = "outer namespace";
			return P_NONE;
		}
		/* fall through */
	case 8:
		*pid = env->dead[r2 % env->ndead];
		*kind = "dead";
		return P_NONE;
	case 10:
	case 11:
		*info = &env->live[r2 % env->nlive];
		*pid = (*info)->pid;
		*kind = "live";
		return P_LIVE;
	case 12: {
		static __thread struct pidinfo t;

		t.pid = env->f[r2 % env->nthreads].tid;
		t.tgid = env->self;
		t.has_mm = 1;
		*info = &t;
		*pid = t.pid;
		*kind = "thread";
		return P_LIVE;
	}
	case 13:
		*pid = 1 + r2 % env->pid_max;
		*kind = "random";
		return P_ANY;
	case 14:
		*pid = env->pid_max + 1 + r2 % ((uint64_t)INT_MAX - env->pid_max);
		*kind = "above pid_max";
		return P_NONE;
	}
	*pid = 1 + r2 % 64;
	*kind = "small";
	return P_ANY;
}

static unsigned int gen_count(struct fuzzer *f, const struct ubuf *b)
{
	uint64_t r = rnd(f), r2 = rnd(f);

	switch (r % 12) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 2 + r2 % 7;
	case 3:
		/* Just enough room, or one too many. */
		return b->cap / ENTRY + (unsigned int)(r2 % 3) - 1;
	case 4:
		return 31 + r2 % 3 + ((r2 & 4) ? 32 : 0);	/* batch edges */
	case 5:
		return UINT_MAX - r2 % 2;
	case 6:
		return 0x80000000u + (unsigned int)(r2 % 3) - 1;
	case 7:
		return (uint32_t)r2;
	case 8:
		return 1u << r2 % 32;
	}
	return r2 % 1000;
}

/* An entry must be well formed; that of a known process must match it. */
static void check_entry(struct fuzzer *f, const struct tam_vm_stat *st,
			const struct pidinfo *info, unsigned int want)
{
	want &= TAM_VM_ALL;
	if (st->mask & ~want)
		fail(f, "entry mask %#x, asked for %#x", st->mask, want);
	if (st->__reserved)
		fail(f, "entry reserved field %#x", st->__reserved);
	if (!(st->mask & TAM_VM_SIZE) && st->vm_size_bytes)
		fail(f, "VmSize not in the mask, but %llu",
		     (unsigned long long)st->vm_size_bytes);
	if (!(st->mask & TAM_VM_RSS) && st->rss_bytes)
		fail(f, "VmRSS not in the mask, but %llu",
		     (unsigned long long)st->rss_bytes);
	if (!(st->mask & TAM_VM_OOM_SCORE) && st->oom_score)
		fail(f, "oom_score not in the mask, but %llu",
		     (unsigned long long)st->oom_score);
	if ((st->mask & TAM_VM_OOM_SCORE) != (want & TAM_VM_OOM_SCORE))
		fail(f, "entry mask %#x: the OOM score is always given", st->mask);
	if (st->pid <= 0 || st->pid > f->env->pid_max)
		fail(f, "entry pid %d", st->pid);
	if (st->oom_score_adj < -1000 || st->oom_score_adj > 1000)
		fail(f, "entry oom_score_adj %d", st->oom_score_adj);
	if (st->oom_score > 2000)
		fail(f, "entry oom_score %llu",
		     (unsigned long long)st->oom_score);
	if (!memchr(st->comm, '\0', sizeof(st->comm)))
		fail(f, "entry comm not NUL-terminated");
	if (!info)
		return;
	if (st->pid != info->tgid)
		fail(f, "entry pid %d, want %d", st->pid, info->tgid);
	if (info->has_mm == 0 &&
	    (st->vm_size_bytes || st->rss_bytes || st->oom_score))
		fail(f, "no mm but %llu/%llu bytes, oom_score %llu",
		     (unsigned long long)st->vm_size_bytes,
		     (unsigned long long)st->rss_bytes,
		     (unsigned long long)st->oom_score);
	if (info->has_mm == 1 && (want & TAM_VM_SIZE) && !st->vm_size_bytes)
		fail(f, "no reserved bytes");
	if (info->has_mm == 1 && st->mask != want)
		fail(f, "entry mask %#x, want %#x", st->mask, want);
}

/* The bytes of a record past this header's struct must be zero. */
static void check_tail(struct fuzzer *f, uintptr_t rec, unsigned int usize)
{
	if (usize > ENTRY &&
	    memcmp((char *)rec + ENTRY, zero_page, usize - ENTRY))
		fail(f, "record bytes %zu..%u not zeroed", ENTRY, usize);
}

static void fuzz_vm_stats(struct fuzzer *f)
{
	struct env *env = f->env;
	const struct pidinfo *info;
	struct tam_vm_stat st;
	unsigned int count, flags, mask, usize, want;
	int serr;
	uint64_t need, len = 0;
	const char *pkind;
	enum pclass pc;
	struct ubuf b;
	uint64_t i, n;
	pid_t pid, prev = 0;
	long ret;
	bool self_seen = false;
	int err;

	pc = gen_pid(f, &pid, &info, &pkind);
	gen_buf(f, &b);
	usize = gen_rsize(f, ENTRY);
	count = gen_count(f, &b);
	if (count == b.cap / ENTRY + 1 && usize >= ENTRY && usize <= PAGE)
		count = b.cap / usize + 1;	/* one too many of these */
	want = gen_mask(f, TAM_VM_ALL, TAM_VM__RESERVED);
	flags = gen_flags(f);
	serr = rsize_error(usize, ENTRY);

	if (b.unmapped)
		make_hole(f, &b);

	if ((flags & ~TAM_VM_DONT_SYNC) || pc == P_NEG ||
	    (want & TAM_VM__RESERVED) || serr == EINVAL) {
		mask = M(OUT_EINVAL);
	} else if (serr) {
		mask = M(OUT_E2BIG);
	} else if (pc != P_ZERO) {
		need = count ? usize : 0;
		mask = need <= b.cap ? M(OUT_OK) : M(OUT_EFAULT);
		if (pc == P_NONE)
			mask = M(OUT_ESRCH);
		else if (pc == P_ANY)
			mask |= M(OUT_ESRCH);
	} else if (!count) {
		mask = M(OUT_OK);
	} else if (b.cap < usize) {
		mask = M(OUT_EFAULT);	/* at least this process */
	} else if ((uint64_t)count * usize <= b.cap) {
		mask = M(OUT_OK);
	} else {
		mask = M(OUT_OK) | M(OUT_EFAULT);
	}

	f->c.sys = SYS_VM_STATS;
	f->c.regs[0] = reg32(f, (uint32_t)pid);
	f->c.regs[1] = b.p;
	f->c.regs[2] = reg32(f, count);
	f->c.regs[3] = reg32(f, usize);
	f->c.regs[4] = reg32(f, want);
	f->c.regs[5] = reg32(f, flags);
	f->c.pkind = pkind;
	f->c.bkind = b.kind;
	f->c.cap = b.cap;
	errno = 0;
	ret = syscall(__NR_vm_stats, f->c.regs[0], f->c.regs[1], f->c.regs[2],
		      f->c.regs[3], f->c.regs[4], f->c.regs[5]);
	err = errno;
	if (b.unmapped)
		pthread_rwlock_unlock(&env->maplock);

	if (!account(f, ret, err, mask))
		goto out;
	if (ret == -1) {
		/* A partial copy may have been made up to the fault. */
		if (err == EFAULT)
			len = pid ? usize : (uint64_t)count * usize;
		goto out;
	}
	if (pid) {
		if (ret != 1)
			fail(f, "one process, %ld returned", ret);
		if (!count)
			goto out;
		len = usize;
		memcpy(&st, (void *)b.p, sizeof(st));
		check_entry(f, &st, info, want);
		check_tail(f, b.p, usize);
		goto out;
	}
	if (ret < 1 || ret > env->pid_max) {
		fail(f, "%ld processes", ret);
		goto out;
	}
	/* 64-bit arithmetic: a 32-bit long does not hold every count. */
	n = (uint64_t)ret < count ? (uint64_t)ret : count;
	len = n * usize;
	if (len > b.cap) {
		fail(f, "%llu entries written to %zu bytes",
		     (unsigned long long)n, b.cap);
		goto out;
	}
	for (i = 0; i < n; i++) {
		memcpy(&st, (char *)b.p + i * usize, sizeof(st));
		check_entry(f, &st, NULL, want);
		check_tail(f, b.p + i * usize, usize);
		if (st.pid <= prev)
			fail(f, "entry %llu: pid %d after %d",
			     (unsigned long long)i, st.pid, prev);
		prev = st.pid;
		self_seen |= st.pid == env->self;
	}
	if ((uint64_t)ret <= count && !self_seen)
		fail(f, "own pid %d not listed", env->self);
out:
	check_canaries(f, b.p, len);
}

static void fuzz_mem_stats(struct fuzzer *f)
{
	struct env *env = f->env;
	struct tam_mem_stats ms;
	unsigned int size, flags, mask, want;
	uint64_t r = rnd(f), len = 0;
	struct ubuf b;
	long ret;
	int err;

	gen_buf(f, &b);
	switch (r % 8) {
	case 0: case 1: case 2:
		size = (r >> 8) % (PAGE + 2);
		break;
	case 3:
		size = MS_SIZE - 1 + (r >> 8) % 3;
		break;
	case 4:
		size = PAGE + (unsigned int)((r >> 8) % 3) - 1;
		break;
	case 5:
		size = b.cap + (unsigned int)((r >> 8) % 3) - 1;
		break;
	case 6:
		size = (r >> 8) & 1 ? UINT_MAX : (uint32_t)(r >> 32);
		break;
	default:
		size = MS_SIZE;
	}
	want = gen_mask(f, TAM_MEM_ALL, TAM_MEM__RESERVED);
	flags = gen_flags(f);

	if (b.unmapped)
		make_hole(f, &b);

	if (flags || (want & TAM_MEM__RESERVED) ||
	    rsize_error(size, MS_SIZE) == EINVAL)
		mask = M(OUT_EINVAL);
	else if (size > PAGE)
		mask = M(OUT_E2BIG);
	else if (size <= b.cap)
		mask = M(OUT_OK);
	else
		mask = M(OUT_EFAULT);

	f->c.sys = SYS_MEM_STATS;
	f->c.regs[0] = b.p;
	f->c.regs[1] = reg32(f, size);
	f->c.regs[2] = reg32(f, want);
	f->c.regs[3] = reg32(f, flags);
	f->c.bkind = b.kind;
	f->c.cap = b.cap;
	errno = 0;
	ret = syscall(__NR_mem_stats, f->c.regs[0], f->c.regs[1],
		      f->c.regs[2], f->c.regs[3]);
	err = errno;
	if (b.unmapped)
		pthread_rwlock_unlock(&env->maplock);

	if (!account(f, ret, err, mask))
		goto out;
	if (ret == -1) {
		if (err == EFAULT)
			len = size;
		goto out;
	}
	len = size;
	if (ret != MS_SIZE) {
		fail(f, "returned %ld", ret);
		goto out;
	}
	memcpy(&ms, (void *)b.p, sizeof(ms));
	want &= TAM_MEM_ALL;
	if (ms.mask != want)
		fail(f, "mask %#x, asked for %#x", ms.mask, want);
	if (!(want & TAM_MEM_RAM) != !ms.total_bytes ||
	    ms.free_bytes > ms.total_bytes ||
	    !(want & TAM_MEM_PROCESSES) != !ms.nr_processes ||
	    !(want & TAM_MEM_PROCESSES) != !ms.vm_size_bytes)
		fail(f, "total %llu free %llu reserved %llu processes %llu",
		     (unsigned long long)ms.total_bytes,
		     (unsigned long long)ms.free_bytes,
		     (unsigned long long)ms.vm_size_bytes,
		     (unsigned long long)ms.nr_processes);
	if (size > MS_SIZE &&
	    memcmp((char *)b.p + MS_SIZE, zero_page, size - MS_SIZE))
		fail(f, "bytes %u..%u not zeroed", MS_SIZE, size);
out:
	check_canaries(f, b.p, len);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static void fuzz_tamalloc(struct fuzzer *f)
{
	struct env *env = f->env;
	size_t size = gen_size(f);
	unsigned int mask;
	uint64_t aligned, r = rnd(f);
	unsigned long seq = 0, live = 0, junk = 0;
	bool big = false;
	unsigned char *p;
	long ret;
	int err, i;

	/* The outcome depends on the size alone, never on the junk. */
	aligned = ((uint64_t)size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	if (!size)
		mask = M(OUT_EINVAL);
	else if (size > SIZE_MAX - PAGE + 1 || aligned > TASK_LIMIT)
		mask = M(OUT_ENOMEM);
	else if (aligned <= SURE_SIZE)
		mask = M(OUT_OK);
	else
		mask = M(OUT_OK) | M(OUT_ENOMEM);

	if (mask & M(OUT_OK)) {
		big = aligned > SURE_SIZE;
		if (big) {
			__atomic_add_fetch(&env->big_live, 1, __ATOMIC_SEQ_CST);
			__atomic_add_fetch(&env->big_seq, 1, __ATOMIC_SEQ_CST);
		} else {
			live = __atomic_load_n(&env->big_live, __ATOMIC_SEQ_CST);
			seq = __atomic_load_n(&env->big_seq, __ATOMIC_SEQ_CST);
		}
	}

	f->c.sys = SYS_TAMALLOC;
	f->c.regs[0] = size;
	for (i = 1; i < 6; i++) {
		f->c.regs[i] = gen_junk(f);
		junk |= f->c.regs[i];
	}
	pthread_rwlock_rdlock(&env->maplock);
	errno = 0;
	/* syscall() puts all six in the argument registers. */
	ret = syscall(__NR_tamalloc, f->c.regs[0], f->c.regs[1], f->c.regs[2],
		      f->c.regs[3], f->c.regs[4], f->c.regs[5]);
	err = errno;
	pthread_rwlock_unlock(&env->maplock);
	if (junk)
		f->junk_hist[outcome(ret, err)]++;

	/* A large mapping made meanwhile may have taken the room. */
	if ((mask & M(OUT_OK)) && !big &&
	    (live || seq != __atomic_load_n(&env->big_seq, __ATOMIC_SEQ_CST)))
		mask |= M(OUT_ENOMEM);

	if (!account(f, ret, err, mask) || ret == -1)
		goto out;
	p = (unsigned char *)(uintptr_t)ret;
	if ((uintptr_t)p & (PAGE - 1)) {
		fail(f, "address not page-aligned");
		goto out;
	}
	for (i = 0; i < env->nthreads; i++) {
		if (overlaps((uintptr_t)p, aligned, (uintptr_t)env->f[i].base,
			     RES_SIZE)) {
			/* Do not unmap the canaries: stop this thread. */
			fail(f, "mapping overlaps thread %d's canaries", i);
			f->i = f->ncalls;
			goto out;
		}
	}
	if (memcmp(p, zero_page, PAGE) ||
	    memcmp(p + aligned - PAGE, zero_page, PAGE))
		fail(f, "fresh mapping not zero");
	if (r % 32 == 0) {
		p[0] = 1;
		p[aligned - 1] = 1;
	}
	if (munmap(p, size))
		fail(f, "munmap: %s", strerror(errno));
out:
	if (big)
		__atomic_sub_fetch(&env->big_live, 1, __ATOMIC_SEQ_CST);
	check_canaries(f, 0, 0);
}

static void *fuzz_thread(void *arg)
{
	struct fuzzer *f = arg;
	struct env *env = f->env;

	f->tid = gettid();
	/* Every thread id is set, and stays valid until all are done. */
	pthread_barrier_wait(&env->go);
	for (f->i = 0; f->i < f->ncalls; f->i++) {
		/*
		 * A mapping made, read and unmapped costs as much as ten
		 * other calls (TLB shootdowns under TCG), and mem_stats()
		 * visits every task: 1/8 tamalloc(), 2/8 mem_stats().
		 */
		switch (rnd(f) % 8) {
		case 0:
			fuzz_tamalloc(f);
			break;
		case 1: case 2:
			fuzz_mem_stats(f);
			break;
		default:
			fuzz_vm_stats(f);
		}
		if (f->fails > 100)
			break;
	}
	pthread_barrier_wait(&env->done);
	return NULL;
}

static int setup_arena(struct fuzzer *f)
{
	size_t i;

	f->base = mmap(NULL, RES_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->base == MAP_FAILED)
		return -1;
	f->arena = f->base + PAGE;
	f->ro = f->arena + ARENA_SIZE + PAGE;
	for (i = 0; i < ARENA_SIZE; i++)
		f->ref[i] = (unsigned char)rnd(f);
	if (mprotect(f->arena, ARENA_SIZE, PROT_READ | PROT_WRITE) ||
	    mprotect(f->ro, RO_SIZE, PROT_READ | PROT_WRITE))
		return -1;
	memcpy(f->arena, f->ref, ARENA_SIZE);
	memcpy(f->ro, f->ref, RO_SIZE);
	return mprotect(f->ro, RO_SIZE, PROT_READ);
}

static uint64_t get_seed(void)
{
	const char *s = getenv("TAM_FUZZ_SEED");
	struct timespec ts;
	uint64_t x;

	if (s && *s)
		return strtoull(s, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + getpid();
	return splitmix64(&x);
}

static unsigned long get_calls(void)
{
	const char *s = getenv("TAM_FUZZ_CALLS");

	return s && *s ? strtoul(s, NULL, 0) : DEFAULT_CALLS;
}

static void add_live(struct env *env, pid_t pid, pid_t tgid, int has_mm)
{
	struct pidinfo *p = &env->live[env->nlive++];

	p->pid = pid;
	p->tgid = tgid;
	p->has_mm = has_mm;
}

/*
 * Fuzz from env->nthreads threads; returns the number of failures.  Forks
 * the dead, zombie and sleeping children it uses as pids and reaps them.
 */
static unsigned long fuzz_run(struct env *env)
{
	struct __test_metadata *_metadata = env->md;
	unsigned long hist[NR_SYS][NR_OUT] = { { 0 } }, fails = 0, total;
	unsigned long junk_hist[NR_OUT] = { 0 };
	pthread_t th[MAX_THREADS];
	struct timespec t0, t1;
	pid_t zombie, sleeper;
	char line[512], comm[32];
	siginfo_t si;
	int i, s, r;

	env->self = getpid();
	env->pid_max = read_num("/proc/sys/kernel/pid_max");
	if (env->pid_max <= 0)
		env->pid_max = 4194304;	/* PID_MAX_LIMIT */

	/* Pids that were used and are free again: ESRCH. */
	for (i = 0; i < 8; i++) {
		env->dead[i] = fork();
		if (env->dead[i] < 0)
			return 1;
		if (!env->dead[i])
			_exit(0);
		waitpid(env->dead[i], NULL, 0);
	}
	env->ndead = 8;
	zombie = fork();
	if (zombie < 0)
		return 1;
	if (!zombie)
		_exit(0);
	/* Exited, not reaped. */
	waitid(P_PID, zombie, &si, WEXITED | WNOWAIT);
	sleeper = fork();
	if (sleeper < 0)
		return 1;
	if (!sleeper) {
		for (;;)
			pause();
	}
	add_live(env, env->self, env->self, 1);
	add_live(env, zombie, zombie, 0);
	add_live(env, sleeper, sleeper, 1);
	if (!env->in_ns) {
		add_live(env, 1, 1, -1);
		add_live(env, getppid(), getppid(), -1);
		if (read_text("/proc/2/comm", comm, sizeof(comm)) > 0 &&
		    !strcmp(comm, "kthreadd\n"))
			add_live(env, 2, 2, 0);
	}

	env->f = calloc(env->nthreads, sizeof(*env->f));
	if (!env->f)
		return 1;
	pthread_barrier_init(&env->go, NULL, env->nthreads);
	pthread_barrier_init(&env->done, NULL, env->nthreads);
	pthread_rwlock_init(&env->maplock, NULL);
	for (i = 0; i < env->nthreads; i++) {
		struct fuzzer *f = &env->f[i];
		uint64_t s = env->seed ^ env->salt ^
			     (UINT64_C(0x5851f42d4c957f2d) * (i + 1));

		f->env = env;
		f->idx = i;
		f->rng = splitmix64(&s);
		f->ncalls = env->calls / env->nthreads +
			    (i < (int)(env->calls % env->nthreads));
		if (setup_arena(f))
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < env->nthreads; i++)
		if (pthread_create(&th[i], NULL, fuzz_thread, &env->f[i]))
			return 1;
	for (i = 0; i < env->nthreads; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	waitpid(zombie, NULL, 0);

	for (i = 0; i < env->nthreads; i++) {
		fails += env->f[i].fails;
		for (s = 0; s < NR_SYS; s++)
			for (r = 0; r < NR_OUT; r++)
				hist[s][r] += env->f[i].hist[s][r];
		for (r = 0; r < NR_OUT; r++)
			junk_hist[r] += env->f[i].junk_hist[r];
		munmap(env->f[i].base, RES_SIZE);
	}
	TH_LOG("%lu calls from %d threads in %.1f s, %lu failures",
	       env->calls, env->nthreads,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       fails);
	for (s = 0; s < NR_SYS; s++) {
		total = 0;
		line[0] = '\0';
		for (r = 0; r < NR_OUT; r++) {
			total += hist[s][r];
			if (hist[s][r])
				snprintf(line + strlen(line),
					 sizeof(line) - strlen(line), " %s %lu",
					 r_names[r], hist[s][r]);
		}
		TH_LOG("%s: %lu calls:%s", sys_names[s], total, line);
	}
	TH_LOG("tamalloc with junk in the unused registers: ok %lu EINVAL %lu ENOMEM %lu",
	       junk_hist[OUT_OK], junk_hist[OUT_EINVAL], junk_hist[OUT_ENOMEM]);
	/* A long run must have reached the main outcomes. */
	if (env->calls >= 10000 &&
	    (!hist[SYS_TAMALLOC][OUT_OK] || !hist[SYS_TAMALLOC][OUT_ENOMEM] ||
	     !hist[SYS_TAMALLOC][OUT_EINVAL] || !junk_hist[OUT_OK] ||
	     !junk_hist[OUT_EINVAL] || !junk_hist[OUT_ENOMEM] ||
	     !hist[SYS_VM_STATS][OUT_OK] || !hist[SYS_VM_STATS][OUT_EFAULT] ||
	     !hist[SYS_VM_STATS][OUT_ESRCH] || !hist[SYS_MEM_STATS][OUT_OK] ||
	     !hist[SYS_MEM_STATS][OUT_E2BIG] || !hist[SYS_MEM_STATS][OUT_EFAULT])) {
		TH_LOG("an outcome was never reached");
		fails++;
	}
	if (fails)
		TH_LOG("replay with TAM_FUZZ_SEED=%#llx TAM_FUZZ_CALLS=%lu",
		       (unsigned long long)env->seed, get_calls());
	free(env->f);
	return fails;
}

static int nr_threads(void)
{
	long n = 2 * sysconf(_SC_NPROCESSORS_ONLN);

	return n < 4 ? 4 : n > MAX_THREADS ? MAX_THREADS : n;
}

FIXTURE(fuzz) {
	struct env env;
};

FIXTURE_SETUP(fuzz)
{
	const char *uid = getenv("TAM_FUZZ_UID");

	if (uid) {
		/* An unprivileged caller: the uid change drops every capability. */
		id_t id = strtoul(uid, NULL, 10);

		ASSERT_EQ(0, setgroups(0, NULL));
		ASSERT_EQ(0, setresgid(id, id, id));
		ASSERT_EQ(0, setresuid(id, id, id));
		ASSERT_NE(0, geteuid());
	}
	memset(&self->env, 0, sizeof(self->env));
	self->env.md = _metadata;
	self->env.seed = get_seed();
	self->env.calls = get_calls() / 5 * 4;
	self->env.nthreads = nr_threads();
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, threads, 300)
{
	TH_LOG("seed %#llx (TAM_FUZZ_SEED), %lu calls (TAM_FUZZ_CALLS)",
	       (unsigned long long)self->env.seed, self->env.calls);
	EXPECT_EQ(0, fuzz_run(&self->env));
}

/*
 * The same inside a new pid namespace, where the pids of this process and
 * its parent outside exist but must not be found.
 */
TEST_F_TIMEOUT(fuzz, threads_in_pid_namespace, 300)
{
	struct env *env = &self->env;
	pid_t outer[2] = { getpid(), getppid() }, child;
	int status, i;

	env->salt = 0x6e73;	/* "ns" */
	env->calls = get_calls() - env->calls;
	env->in_ns = true;
	TH_LOG("seed %#llx (TAM_FUZZ_SEED), %lu calls",
	       (unsigned long long)env->seed, env->calls);
	if (unshare(CLONE_NEWPID))
		SKIP(return, "unshare(CLONE_NEWPID): %s", strerror(errno));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		for (i = 0; i < 2; i++)
			if (kill(outer[i], 0) && errno == ESRCH)
				env->outer[env->nouter++] = outer[i];
		if (!env->nouter)
			TH_LOG("no outer pid is free inside: phase skipped");
		_exit(fuzz_run(env) ? 1 : 0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
