// SPDX-License-Identifier: GPL-2.0
/*
 * libtamalloc on the host kernel, which lacks the syscalls: the mmap and
 * /proc fallbacks must give what the syscalls give.  Also the tools'
 * formatting helpers: numbers against printf, JSON strings byte by byte.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common.h"
#include "memfields.h"
#include "tamalloc.h"
#include "json.h"
#include "util.h"

/* Whether the running kernel has the syscall, asked without the library. */
static int kernel_has_tamalloc(void)
{
	return syscall(__NR_tamalloc, (size_t)0) == -1 && errno == EINVAL;
}

/* The VmFlags line of the mapping that starts at addr, from smaps. */
static int vm_flags_of(void *addr, char *out, size_t size)
{
	char line[512], start[32];
	int found = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, start, strlen(start)))
			found = 1;
		else if (found && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, size, "%s", line + 8);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

TEST(support_matches_kernel)
{
	EXPECT_EQ(kernel_has_tamalloc(), tam_kernel_support());
}

/*
 * RssAnon's growth, in KiB, from reading every page of len bytes at p (all
 * of which must read 0).
 */
static long long rss_anon_after_reading(struct __test_metadata *_metadata,
					const unsigned char *p, size_t len)
{
	long long rss0 = self_kb("RssAnon");

	EXPECT_EQ(0, nonzero_bytes(p, len));
	return self_kb("RssAnon") - rss0;
}

/*
 * Whether reading anonymous memory makes it resident is the host kernel's
 * choice, not the library's: most kernels map the shared zero page, some
 * give every read fault a private page (s390 under KVM,
 * mm_forbids_zeropage(); THP with use_zero_page off).  The fallback must
 * behave as a plain private anonymous mmap of the same size does in this
 * process, whichever that is.  The two may differ by one huge page (their
 * alignment), plus the host's noise.
 */
#define READ_NOISE_KB	1024
#define HUGE_KB		2048

TEST(fallback_memory_is_zeroed_and_lazy)
{
	const size_t size = 16 * MiB + 1, len = PAGE_ALIGN(size);
	long long vm0, ctl_kb, tam_kb;
	unsigned char *p, *ctl;

	prefault_stack();
	ctl = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ctl);
	ctl_kb = rss_anon_after_reading(_metadata, ctl, len);
	ASSERT_EQ(0, munmap(ctl, len));

	vm0 = self_kb("VmSize");
	p = tamalloc(size);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(len / KiB, self_kb("VmSize") - vm0);
	tam_kb = rss_anon_after_reading(_metadata, p, len);
	ksft_print_msg("reading %zu KiB of anonymous memory: RssAnon +%lld KiB with plain mmap (%s), +%lld KiB with the fallback\n",
		       len / KiB, ctl_kb, ctl_kb < READ_NOISE_KB ?
		       "the kernel maps the zero page" :
		       "the kernel gives read faults private pages", tam_kb);
	/* Lazy exactly when the control is; never more than the control. */
	EXPECT_EQ(ctl_kb < READ_NOISE_KB, tam_kb < READ_NOISE_KB)
		TH_LOG("control +%lld KiB, fallback +%lld KiB", ctl_kb, tam_kb);
	EXPECT_LE(tam_kb, ctl_kb + HUGE_KB + READ_NOISE_KB)
		TH_LOG("control +%lld KiB, fallback +%lld KiB", ctl_kb, tam_kb);
	p[0] = 1;
	p[size - 1] = 1;
	ASSERT_EQ(0, tamfree(p, size));
	EXPECT_EQ(vm0, self_kb("VmSize"));
}

TEST(fallback_mapping_is_noreserve)
{
	char flags[512];
	void *p = tamalloc(4 * MiB);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, vm_flags_of(p, flags, sizeof(flags)));
	/* rd wr, private (no sh), and nr: VM_NORESERVE, unless mode 2. */
	EXPECT_NE(NULL, strstr(flags, " rd")) TH_LOG("%s", flags);
	EXPECT_NE(NULL, strstr(flags, " wr")) TH_LOG("%s", flags);
	EXPECT_EQ(NULL, strstr(flags, " sh")) TH_LOG("%s", flags);
	if (read_num("/proc/sys/vm/overcommit_memory") != 2)
		EXPECT_NE(NULL, strstr(flags, " nr")) TH_LOG("%s", flags);
	tamfree(p, 4 * MiB);
}

TEST(fallback_errors)
{
	errno = 0;
	EXPECT_EQ(NULL, tamalloc(0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(NULL, tamalloc(SIZE_MAX));
	EXPECT_EQ(ENOMEM, errno);
	errno = 0;
	EXPECT_EQ(NULL, tamalloc((size_t)1 << 47));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(0, tamfree(NULL, 123));
}

TEST(vm_stats_self_matches_proc)
{
	struct tam_vm_stat st;
	char comm[64];
	int tries;

	prefault_stack();
	for (tries = 0; tries < 5; tries++) {
		long long vm = self_kb("VmSize"), rss = self_kb("VmRSS");

		memset(&st, 0xff, sizeof(st));
		ASSERT_EQ(1, tam_vm_stats(getpid(), &st, 1));
		if ((long long)st.rss_bytes == rss * 1024 &&
		    self_kb("VmRSS") == rss) {
			EXPECT_EQ(vm * 1024, (long long)st.vm_size_bytes);
			break;
		}
	}
	ASSERT_LT(tries, 5) TH_LOG("VmRSS kept changing");
	EXPECT_EQ(getpid(), st.pid);
	EXPECT_EQ(read_num("/proc/self/oom_score"), (long long)st.oom_score);
	EXPECT_EQ(read_num("/proc/self/oom_score_adj"), st.oom_score_adj);
	ASSERT_GT(read_text("/proc/self/comm", comm, sizeof(comm)), 0);
	comm[strcspn(comm, "\n")] = '\0';
	EXPECT_STREQ(comm, st.comm);
	EXPECT_EQ('\0', st.comm[sizeof(st.comm) - 1]);
}

static void *parked_thread(void *arg)
{
	pid_t *tid = arg;

	__atomic_store_n(tid, gettid(), __ATOMIC_SEQ_CST);
	pause();
	return NULL;
}

TEST(vm_stats_thread_id_means_its_process)
{
	struct tam_vm_stat st, self;
	pid_t tid = 0;
	pthread_t th;

	/* count 0 writes nothing. */
	memset(&st, 0x5a, sizeof(st));
	EXPECT_EQ(1, tam_vm_stats(getpid(), &st, 0));
	EXPECT_EQ(0x5a5a5a5a, st.pid);
	/*
	 * Another thread's id: /proc/TID/status names the thread group, and
	 * the fallback reports the process, as vm_stats(2) does (its name
	 * too, not the thread's).
	 */
	ASSERT_EQ(0, pthread_create(&th, NULL, parked_thread, &tid));
	while (!__atomic_load_n(&tid, __ATOMIC_SEQ_CST))
		sched_yield();
	ASSERT_NE(getpid(), tid);
	ASSERT_EQ(0, prctl(PR_SET_NAME, "lib_test_main"));
	memset(&st, 0x5a, sizeof(st));
	ASSERT_EQ(1, tam_vm_stats(tid, &st, 1));
	ASSERT_EQ(1, tam_vm_stats(getpid(), &self, 1));
	EXPECT_EQ(getpid(), st.pid);
	EXPECT_STREQ("lib_test_main", st.comm);
	EXPECT_EQ(self.vm_size_bytes, st.vm_size_bytes);
	EXPECT_EQ(self.oom_score_adj, st.oom_score_adj);
	pthread_cancel(th);
	pthread_join(th, NULL);
}

TEST(vm_stats_errors)
{
	struct tam_vm_stat st;
	int status;
	pid_t child;

	errno = 0;
	EXPECT_EQ(-1, tam_vm_stats(-1, &st, 1));
	EXPECT_EQ(EINVAL, errno);

	child = fork();
	ASSERT_GE(child, 0);
	if (!child)
		_exit(0);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	errno = 0;
	EXPECT_EQ(-1, tam_vm_stats(child, &st, 1));
	EXPECT_EQ(ESRCH, errno);
}

/* Write s to path (a /proc file).  0 or -1. */
static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * tam_vm_stats_mask(): each field alone comes with its bit only, every
 * other field 0, pid and comm always; as the syscall does, so the fallback.
 */
TEST(vm_stats_mask_keeps_asked_fields)
{
#define TAM_U64_FIELD(bit, field, key) \
		{ bit, offsetof(struct tam_vm_stat, field) },
	static const struct {
		unsigned int bit;
		size_t off;	/* a __u64 field, or oom_score_adj */
	} f[] = {
		TAM_VM_FIELDS(TAM_U64_FIELD)
		{ TAM_VM_OOM_SCORE_ADJ, offsetof(struct tam_vm_stat, oom_score_adj) },
	};
#undef TAM_U64_FIELD
	struct tam_vm_stat st, full, *all;
	size_t i, j;
	long n;

	/* oom_score_adj 0 is a value too: make it one that shows. */
	ASSERT_EQ(0, write_text("/proc/self/oom_score_adj", "7"));
	ASSERT_EQ(1, tam_vm_stats(getpid(), &full, 1));
	EXPECT_EQ(TAM_VM_ALL, full.mask);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		memset(&st, 0xff, sizeof(st));
		ASSERT_EQ(1, tam_vm_stats_mask(getpid(), &st, 1, f[i].bit));
		EXPECT_EQ(f[i].bit, st.mask);
		EXPECT_EQ(getpid(), st.pid);
		EXPECT_STREQ(full.comm, st.comm);
		for (j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
			unsigned long long v = 0;

			if (f[j].bit == TAM_VM_OOM_SCORE_ADJ)
				v = (unsigned long long)(long long)st.oom_score_adj;
			else
				memcpy(&v, (char *)&st + f[j].off, sizeof(__u64));
			if (j == i && f[j].bit != TAM_VM_SWAP && f[j].bit != TAM_VM_RSS_SHMEM)
				EXPECT_NE(0ULL, v) TH_LOG("field %#x asked, 0", f[j].bit);
			if (j != i)
				EXPECT_EQ(0ULL, v) TH_LOG("field %#x not asked, %llu", f[j].bit, v);
		}
	}
	/* Every process, no field but pid and comm. */
	n = tam_vm_stats(0, NULL, 0);
	ASSERT_GT(n, 0);
	all = calloc(n + 64, sizeof(*all));
	ASSERT_NE(NULL, all);
	memset(all, 0xff, (n + 64) * sizeof(*all));
	n = tam_vm_stats_mask(0, all, n + 64, 0);
	ASSERT_GT(n, 0);
	for (i = 0; i < (size_t)n; i++) {
		EXPECT_EQ(0U, all[i].mask);
		EXPECT_EQ(0ULL, all[i].rss_bytes);
		EXPECT_EQ(0, all[i].oom_score_adj);
		EXPECT_GT(all[i].pid, 0);
	}
	free(all);
	errno = 0;
	EXPECT_EQ(-1, tam_vm_stats_mask(getpid(), &st, 1, TAM_VM_RSS | TAM_VM__RESERVED));
	EXPECT_EQ(EINVAL, errno);
	/* Lowering it again needs CAP_SYS_RESOURCE: as root only. */
	write_text("/proc/self/oom_score_adj", "0");
}

/*
 * tam_vm_stats_flags(): TAM_VM_DONT_SYNC is taken (through /proc, which
 * reads what it reads, the same figures as without it), any other flag
 * refused before anything is read.
 */
TEST(vm_stats_flags)
{
	struct tam_vm_stat a, b;
	unsigned int i;

	ASSERT_EQ(1, tam_vm_stats_flags(getpid(), &a, 1, TAM_VM_SIZE, TAM_VM_DONT_SYNC));
	ASSERT_EQ(1, tam_vm_stats_flags(getpid(), &b, 1, TAM_VM_SIZE, 0));
	EXPECT_EQ(TAM_VM_SIZE, a.mask);
	EXPECT_EQ(b.vm_size_bytes, a.vm_size_bytes);
	EXPECT_GT(tam_vm_stats_flags(0, NULL, 0, 0, TAM_VM_DONT_SYNC), 0);
	for (i = 0; i < 32; i++) {
		if (1u << i == TAM_VM_DONT_SYNC)
			continue;
		errno = 0;
		memset(&a, 0xa5, sizeof(a));
		EXPECT_EQ(-1, tam_vm_stats_flags(getpid(), &a, 1, TAM_VM_ALL,
						 TAM_VM_DONT_SYNC | 1u << i));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flag bit %u", i);
		EXPECT_EQ(0xa5a5a5a5U, a.mask) TH_LOG("written before refusing");
	}
}

TEST(vm_stats_all_truncates_and_counts)
{
	struct tam_vm_stat one, *all;
	long n, m, i;
	int self = 0;

	n = tam_vm_stats(0, NULL, 0);
	ASSERT_GT(n, 0);
	memset(&one, 0, sizeof(one));
	EXPECT_GE(tam_vm_stats(0, &one, 1), 1);
	EXPECT_GT(one.pid, 0);
	all = calloc(n + 64, sizeof(*all));
	ASSERT_NE(NULL, all);
	m = tam_vm_stats(0, all, n + 64);
	ASSERT_GT(m, 0);
	ASSERT_LE(m, n + 64);
	for (i = 0; i < m; i++) {
		EXPECT_GT(all[i].pid, 0);
		EXPECT_GT(all[i].vm_size_bytes, 0);
		if (i)
			EXPECT_LT(all[i - 1].pid, all[i].pid);
		self += all[i].pid == getpid();
	}
	EXPECT_EQ(1, self);
	free(all);
}

TEST(mem_stats_matches_meminfo)
{
	struct tam_mem_stats ms;

	memset(&ms, 0xff, sizeof(ms));
	ASSERT_EQ(0, tam_mem_stats(&ms));
	EXPECT_EQ(meminfo_kb("MemTotal") * 1024, (long long)ms.total_bytes);
	EXPECT_EQ(meminfo_kb("CommitLimit") * 1024, (long long)ms.commit_limit_bytes);
	EXPECT_LE(ms.free_bytes, ms.total_bytes);
	EXPECT_LE(ms.available_bytes, ms.total_bytes);
	EXPECT_GT(ms.nr_processes, 0);
	EXPECT_GE(ms.vm_size_bytes, ms.rss_bytes);
	EXPECT_GT(ms.rss_bytes, 0);
}

TEST(parse_size)
{
	static const struct {
		const char *s;
		int ok;
		uint64_t v;
	} cases[] = {
		{ "0", 1, 0 }, { "4096", 1, 4096 }, { "4k", 1, 4096 },
		{ "4K", 1, 4096 }, { "4KiB", 1, 4096 }, { "2M", 1, 2 << 20 },
		{ "1G", 1, 1ULL << 30 }, { "1T", 1, 1ULL << 40 },
		{ "16777215T", 1, 16777215ULL << 40 },
		{ "16777216T", 0, 0 }, { "18446744073709551616", 0, 0 },
		{ "", 0, 0 }, { "-1", 0, 0 }, { "1X", 0, 0 }, { "M", 0, 0 },
		{ "1MiBx", 0, 0 }, { " 1", 0, 0 }, { "1.5M", 0, 0 },
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 12345;
		EXPECT_EQ(cases[i].ok ? 0 : -1, tam_parse_size(cases[i].s, &v))
			TH_LOG("'%s'", cases[i].s);
		if (cases[i].ok)
			EXPECT_EQ(cases[i].v, v) TH_LOG("'%s'", cases[i].s);
	}
}

/* tam_format_fixed(v, prec) must print what printf("%.*f") prints. */
static int fixed_differs(double v, unsigned int prec, char *got, char *want)
{
	tam_format_fixed(v, prec, got, 64);
	snprintf(want, 64, "%.*f", (int)prec, v);
	return strcmp(got, want);
}

TEST(format_fixed_matches_printf)
{
	static const double edges[] = {
		0, -0.0, 0.005, 0.015, 0.025, 0.125, 0.375, 0.5, 1.5, 2.5,
		0.05, 0.95, 0.9999, 9.995, 99.95, 100, 1023.95, 1e-300,
		4.9e-324, 0x1p51 + 0.5, 0x1p52 - 0.5, 0x1p52, 0x1p60, 1e300,
		-1.25, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0,
	};
	unsigned short seed[3] = { 1, 2, 3 };
	char got[64], want[64];
	unsigned int i, prec, bad = 0;
	uint64_t b, t;
	double v;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		for (prec = 0; prec <= 3; prec++) {
			if (!fixed_differs(edges[i], prec, got, want))
				continue;
			bad++;
			TH_LOG("%a %%.%uf: '%s', printf '%s'", edges[i], prec,
			       got, want);
		}
	}
	/*
	 * What tamstat prints: sizes in MiB and GiB (exact binary fractions,
	 * ties included), percentages of two byte counts, human sizes.
	 */
	for (i = 0; i < 300000 && bad < 5; i++) {
		b = (uint64_t)nrand48(seed) << 31 ^ (uint64_t)nrand48(seed);
		b >>= nrand48(seed) % 62;
		t = b + ((uint64_t)nrand48(seed) << (nrand48(seed) % 32));
		switch (i % 5) {
		case 0:
			v = b / 1048576.0;
			prec = 2;
			break;
		case 1:
			v = b / 1073741824.0;
			prec = 2;
			break;
		case 2:
			v = t ? b * 100.0 / t : 0;
			prec = 1;
			break;
		case 3:
			v = (b & 0xfffff) / 1024.0 + (b >> 44);
			prec = 1;
			break;
		default:
			/* A tie at the last decimal: k + 0.5 units, exactly. */
			v = ((b & 0xffffff) * 2 + 1) / 200.0;
			prec = 2;
			break;
		}
		if (fixed_differs(v, prec, got, want)) {
			bad++;
			TH_LOG("%a %%.%uf: '%s', printf '%s'", v, prec, got, want);
		}
	}
	EXPECT_EQ(0, bad);
}

/*
 * The JSON text of s, checked to stay within TAM_JSON_QUOTED_MAX and to
 * end where tam_json_quote says.
 */
static char *json_of(const char *s)
{
	size_t max = TAM_JSON_QUOTED_MAX(strlen(s));
	char *buf = malloc(max + 1), *end;

	if (!buf)
		return NULL;
	buf[max] = 'X';
	end = tam_json_quote(buf, s);
	if (buf[max] != 'X' || *end || (size_t)(end - buf) != strlen(buf)) {
		free(buf);
		return NULL;
	}
	return buf;
}

TEST(json_string_escapes)
{
#define FFFD "\xef\xbf\xbd"
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "init", "\"init\"" },
		{ "q\"uote", "\"q\\\"uote\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
		{ "\x01\x1f\x1b[31m", "\"\\u0001\\u001f\\u001b[31m\"" },
		{ "del\x7f/sl'", "\"del\x7f/sl'\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },	/* U+10FFFF */
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xff\xfe", "\"" FFFD FFFD "\"" },
		{ "\x80x", "\"" FFFD "x\"" },
		{ "\xc0\xaf", "\"" FFFD FFFD "\"" },		/* overlong '/' */
		{ "\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"" },
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },	/* surrogate */
		{ "\xc3", "\"" FFFD "\"" },			/* cut short */
		{ "\xe2\x82", "\"" FFFD FFFD "\"" },
		{ "\xe2\x82\"", "\"" FFFD FFFD "\\\"\"" },
		{ "abcdefghijklmn\xc3", "\"abcdefghijklmn" FFFD "\"" },
		/* The longest results: every byte escaped or replaced. */
		{ "\x01\x02", "\"\\u0001\\u0002\"" },
		{ "\xff\xff", "\"" FFFD FFFD "\"" },
	};
#undef FFFD
	unsigned int i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = json_of(cases[i].in);
		ASSERT_NE(NULL, got);
		EXPECT_STREQ(cases[i].out, got) TH_LOG("case %u", i);
		free(got);
	}
}

TEST_HARNESS_MAIN
