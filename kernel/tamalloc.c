// SPDX-License-Identifier: GPL-2.0
/*
 * tamalloc(2): lazily zeroed anonymous memory that is reserved, not committed.
 * vm_stats(2): per-process reserved (VmSize) and committed (VmRSS) memory and
 *		the OOM score, as /proc/PID/status and /proc/PID/oom_score show.
 * mem_stats(2): system memory totals, as /proc/meminfo shows, plus the sums
 *		of reserved and committed memory over the caller's processes.
 *
 * Visibility: vm_stats() and mem_stats() show a caller only the processes
 * whose /proc/PID/status it could read, by the rule and the mount options of
 * the procfs instance it has at /proc (see tam_view_get()).
 *
 * Locking: processes are visited under rcu_read_lock() in batches of at most
 * TAM_BATCH pids (of processes and threads alike, so that a process with a
 * million threads does not stretch one section), in pid order of the
 * caller's pid namespace (as /proc readdir does).  Each
 * mm is read under task_lock() of a live thread (find_lock_task_mm(), as the
 * OOM killer's dump_task() does), so no mm reference is taken and nothing
 * sleeps under RCU.  Results are gathered in a kernel buffer of at most
 * TAM_BATCH entries and copied to user space after rcu_read_unlock().
 */

#include <linux/magic.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/oom.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/syscalls.h>
#include <linux/tamalloc.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>

/* Pids, of processes and threads alike, visited per rcu_read_lock() section. */
#define TAM_BATCH	32

/**
 * sys_tamalloc - map zero-filled anonymous memory without committing it
 * @size: bytes wanted; rounded up to a whole number of pages
 *
 * The region is a private anonymous read/write mapping made with
 * MAP_NORESERVE: it is not charged to Committed_AS (unless
 * vm.overcommit_memory is 2, where the kernel ignores MAP_NORESERVE), reads
 * map the shared zero page and only written pages become resident.  It is
 * released with munmap() and inherited across fork() like any private
 * mapping.
 *
 * tamalloc() takes exactly one argument, as callers write it:
 * syscall(__NR_tamalloc, size).  The other argument registers hold whatever
 * the caller last left in them, so they are never read; a flag, if one is
 * ever needed, belongs to a new system call (as pipe2() followed pipe()).
 *
 * Return: the start address, or -EINVAL (@size is 0), -ENOMEM (@size does
 * not fit in the address space, or RLIMIT_AS, RLIMIT_DATA, vm.max_map_count
 * or, in overcommit mode 2, the commit limit would be exceeded), -EAGAIN
 * (RLIMIT_MEMLOCK after mlockall(MCL_FUTURE)) or -EINTR (a fatal signal
 * arrived while waiting for mmap_lock).
 */
SYSCALL_DEFINE1(tamalloc, size_t, size)
{
	if (!size)
		return -EINVAL;
	if (PAGE_ALIGN(size) < size)
		return -ENOMEM;

	/*
	 * User addresses are below 2^56, so an address is a positive long;
	 * a 32-bit caller sees the low 32 bits, as with mmap().
	 */
	return (long)vm_mmap(NULL, 0, size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0);
}

/* What tam_read_mm() read of one process, in pages. */
struct tam_mm_read {
	unsigned long vm, anon, file, shmem, swap, hwm;
	long badness;		/* oom_badness(); LONG_MIN: none */
};

/*
 * The RSS and swap counters of @mm in pages.  @exact: as this kernel's
 * task_mem() reads them for /proc/PID/status.  Since v6.16, commit
 * 82241a83cd15 ("mm: fix the inaccurate memory statistics issue for
 * users"), also in 6.12.39 and 6.6.99, /proc sums each percpu counter
 * exactly, walking every online CPU; here get_mm_counters_sum()
 * (include/linux/mm.h.patch) takes the same sums in one walk for all
 * four counters instead of one walk each.  Before, /proc reads them with
 * get_mm_counter(): approximately since v6.2, commit f1a7941243c1 ("mm:
 * convert mm's rss stats into percpu_counter"), and in 6.1 as atomics that
 * lag each thread's cached events (SPLIT_RSS_COUNTING).  Not @exact:
 * get_mm_counter(), whose cost does not grow with the number of CPUs; it
 * may miss up to the counter's batch (percpu_counter_batch, at least 32)
 * pages per online CPU.  scripts/overlay defines TAM_PROC_RSS_SUM from the
 * tree's fs/proc/task_mmu.c and keeps the one branch the tree needs.
 */
static void tam_read_counters(struct mm_struct *mm, bool exact,
			      struct tam_mm_read *r)
{
#ifdef TAM_PROC_RSS_SUM
	unsigned long pages[NR_MM_COUNTERS];

	if (exact) {
		get_mm_counters_sum(mm, pages);
		r->anon = pages[MM_ANONPAGES];
		r->file = pages[MM_FILEPAGES];
		r->shmem = pages[MM_SHMEMPAGES];
		r->swap = pages[MM_SWAPENTS];
		return;
	}
#endif
	r->anon = get_mm_counter(mm, MM_ANONPAGES);
	r->file = get_mm_counter(mm, MM_FILEPAGES);
	r->shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	r->swap = get_mm_counter(mm, MM_SWAPENTS);
}

/* The fields that need the counters. */
#define TAM_VM_NEED_COUNTERS	(TAM_VM_RSS | TAM_VM_RSS_ANON | \
				 TAM_VM_RSS_FILE | TAM_VM_RSS_SHMEM | \
				 TAM_VM_SWAP | TAM_VM_HWM | TAM_VM_NEED_OOM)

/*
 * The OOM score.  Since v7.0, upstream's "mm: Fix OOM killer inaccuracy on
 * large many-core systems" (Mathieu Desnoyers, January 2026), oom_badness()
 * sums the RSS and swap counters exactly, as task_mem() does: four more
 * walks over every online CPU per process.  There, mm/oom_kill.c.patch
 * factors oom_badness_pages() out of oom_badness(): the same score, from
 * the counters this file has already read.  scripts/overlay defines
 * TAM_OOM_BADNESS_PAGES for a tree whose oom_badness() reads
 * get_mm_rss_sum().  Before, oom_badness() reads the counters
 * approximately, at a cost that does not grow with the CPUs, and is called
 * as it is.
 */
#ifdef TAM_OOM_BADNESS_PAGES
#define TAM_VM_NEED_OOM	TAM_VM_OOM_SCORE
#else
#define TAM_VM_NEED_OOM	0
#endif

/*
 * Read what @mask asks of the memory of @task's process, each counter
 * once: VmSize, RssAnon, RssFile, RssShmem, VmSwap and VmHWM, exactly as
 * task_mem() computes them if @exact, and the OOM badness where the tree
 * lets it come from the same reads.  With @mask 0 nothing is read: the
 * caller only asks whether there is an mm.  The mm is that of a live
 * thread, so a process whose leader has exited before its other threads is
 * still counted.  Kernel threads and fully exited processes have no mm:
 * false.  Called under rcu_read_lock(); takes only spinlocks.
 */
static bool tam_read_mm(struct task_struct *task, u32 mask, bool exact,
			unsigned long totalpages, struct tam_mm_read *r)
{
	struct task_struct *t;
	struct mm_struct *mm;

	r->badness = LONG_MIN;
	if (task->flags & PF_KTHREAD)
		return false;
	t = find_lock_task_mm(task);
	if (!t)
		return false;
	/* find_lock_task_mm() returned t locked; tell sparse. */
	__acquire(&t->alloc_lock);
	mm = t->mm;
	r->vm = READ_ONCE(mm->total_vm);
	if (mask & TAM_VM_NEED_COUNTERS) {
		tam_read_counters(mm, exact, r);
		/* task_mem(): hiwater_rss is only raised when RSS falls. */
		r->hwm = max(r->anon + r->file + r->shmem,
			     READ_ONCE(mm->hiwater_rss));
	}
#ifdef TAM_OOM_BADNESS_PAGES
	if (mask & TAM_VM_OOM_SCORE)
		r->badness = oom_badness_pages(t, r->anon + r->file + r->shmem +
					       r->swap, totalpages);
#endif
	task_unlock(t);
#ifndef TAM_OOM_BADNESS_PAGES
	if (mask & TAM_VM_OOM_SCORE)
		r->badness = oom_badness(task, totalpages);
#endif
	return true;
}

/* The value proc_oom_score() prints for a task of that badness. */
static u64 tam_oom_score(long badness, unsigned long totalpages)
{
	/*
	 * Special case OOM_SCORE_ADJ_MIN for all others scale the
	 * badness value into [0, 2000] range which we have been
	 * exporting for a long time so userspace might depend on it.
	 */
	if (badness == LONG_MIN)
		return 0;
	return (1000 + badness * 1000 / (long)totalpages) * 2 / 3;
}

/* Set the field of @bit to @pages in bytes if @mask asks for it. */
static void tam_set(struct tam_vm_stat *st, u32 mask, u32 bit, __u64 *field,
		    unsigned long pages)
{
	if (mask & bit) {
		*field = (u64)pages << PAGE_SHIFT;
		st->mask |= bit;
	}
}

/*
 * Fill @st with the fields of @mask (within TAM_VM_ALL) for the process of
 * @task (any of its threads), its counters summed exactly unless !@exact
 * (TAM_VM_DONT_SYNC).  Every byte of @st is defined; st->mask says
 * which fields were filled.  Returns false, without the memory fields, for
 * a process without an mm.  Called under rcu_read_lock().
 */
static bool tam_fill_vm_stat(struct task_struct *task,
			     struct pid_namespace *ns, u32 mask, bool exact,
			     unsigned long totalpages, struct tam_vm_stat *st)
{
	struct tam_mm_read r = { };
	bool has_mm;

	memset(st, 0, sizeof(*st));
	st->pid = task_tgid_nr_ns(task, ns);
	get_task_comm(st->comm, task->group_leader);
	if (mask & TAM_VM_OOM_SCORE_ADJ) {
		st->oom_score_adj = READ_ONCE(task->signal->oom_score_adj);
		st->mask |= TAM_VM_OOM_SCORE_ADJ;
	}
	has_mm = tam_read_mm(task, mask, exact, totalpages, &r);
	if (has_mm) {
		tam_set(st, mask, TAM_VM_SIZE, &st->vm_size_bytes, r.vm);
		tam_set(st, mask, TAM_VM_RSS, &st->rss_bytes,
			r.anon + r.file + r.shmem);
		tam_set(st, mask, TAM_VM_RSS_ANON, &st->rss_anon_bytes, r.anon);
		tam_set(st, mask, TAM_VM_RSS_FILE, &st->rss_file_bytes, r.file);
		tam_set(st, mask, TAM_VM_RSS_SHMEM, &st->rss_shmem_bytes,
			r.shmem);
		tam_set(st, mask, TAM_VM_SWAP, &st->swap_bytes, r.swap);
		tam_set(st, mask, TAM_VM_HWM, &st->hwm_bytes, r.hwm);
	}
	/* /proc/PID/oom_score of a task without an mm says 0. */
	if (mask & TAM_VM_OOM_SCORE) {
		st->oom_score = tam_oom_score(r.badness, totalpages);
		st->mask |= TAM_VM_OOM_SCORE;
	}
	return has_mm;
}

/*
 * Which processes the caller may see: as its /proc shows them.  hidepid=
 * and gid= are options of a procfs instance (one per mount since v5.8),
 * and a process may have several instances, or none.  The one that counts
 * is what the caller finds at /proc from its own root: the system's, or the
 * private instance that systemd's ProtectProc= mounts for a service.  It is
 * used if it is the root of a procfs mount of the caller's pid namespace.
 * Otherwise (no /proc, something else there, a /proc of another pid
 * namespace) there is no obvious answer, and the safe one is the strictest:
 * as hidepid=invisible without gid=, only the processes the caller may
 * ptrace-read.
 */
struct tam_view {
	struct path path;		/* the /proc mount, held while in use */
	struct proc_fs_info *fs_info;	/* NULL: no usable /proc */
};

/* Looks up /proc, so it may sleep: before rcu_read_lock(). */
static void tam_view_get(struct tam_view *v, struct pid_namespace *ns)
{
	struct super_block *sb;

	v->fs_info = NULL;
	if (kern_path("/proc", LOOKUP_FOLLOW, &v->path))
		return;
	sb = v->path.dentry->d_sb;
	if (v->path.dentry == v->path.mnt->mnt_root &&
	    sb->s_magic == PROC_SUPER_MAGIC && proc_sb_info(sb)->pid_ns == ns)
		v->fs_info = proc_sb_info(sb);
	else
		path_put(&v->path);
}

static void tam_view_put(struct tam_view *v)
{
	if (v->fs_info)
		path_put(&v->path);
}

/*
 * 0 if the caller could read /proc/PID/status of @task, else the error
 * opening it gives, as errno: -ESRCH where /proc hides the pid
 * (hidepid=invisible, ptraceable: -ENOENT there), -EPERM where it lists
 * the pid but refuses its files (hidepid=noaccess).  The check is /proc's
 * own (proc_pid_status_access()), with PTRACE_MODE_READ_FSCREDS, so gid=,
 * CAP_SYS_PTRACE and the ptrace rules count as there, the LSMs' ptrace
 * hook included.  No other LSM hook is asked: /proc's file hooks
 * (inode_permission, file_open) mediate opening a file, and these calls
 * open none; vm_stats(2) explains the choice.  Under rcu_read_lock():
 * ptrace_may_access() takes only task_lock(), and get_robust_list() calls
 * it so too.
 */
static int tam_may_read(const struct tam_view *v, struct task_struct *task)
{
	if (!v->fs_info)
		return ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS) ?
		       0 : -ESRCH;
	return proc_pid_status_access(v->fs_info, task);
}

/* Cursor over the processes of a pid namespace, in pid order. */
struct tam_iter {
	struct pid_namespace *ns;
	const struct tam_view *view;
	int nr;			/* the next pid to look at */
};

/* What tam_walk_processes() does with each process and each batch. */
struct tam_walk_ops {
	void (*visit)(struct task_struct *task, void *arg);
	int (*flush)(void *arg);	/* may sleep; optional */
};

/*
 * Call @ops->visit(task, @arg) for each process the caller may see
 * (tam_may_read()), in pid order.  The pids are taken TAM_BATCH at a time
 * (find_ge_pids(): thread pids count too, so the work in one section is
 * bounded whatever the processes are), each batch under rcu_read_lock();
 * after each batch, out of the RCU section, @ops->flush(@arg) if given.
 *
 * Return: 0, the first non-zero value of @ops->flush, or -EINTR once a
 * fatal signal is pending (the call could otherwise run for seconds over a
 * large pid namespace while its caller is being killed).
 */
static int tam_walk_processes(struct tam_iter *it,
			      const struct tam_walk_ops *ops, void *arg)
{
	struct pid *pids[TAM_BATCH];
	struct task_struct *task;
	unsigned int i, n;
	int ret = 0;

	do {
		if (fatal_signal_pending(current))
			return -EINTR;
		rcu_read_lock();
		n = find_ge_pids(it->nr, it->ns, pids, TAM_BATCH);
		for (i = 0; i < n; i++) {
			task = pid_task(pids[i], PIDTYPE_TGID);
			if (task && !tam_may_read(it->view, task))
				ops->visit(task, arg);
		}
		if (n)
			it->nr = pid_nr_ns(pids[n - 1], it->ns) + 1;
		rcu_read_unlock();
		if (ops->flush)
			ret = ops->flush(arg);
		cond_resched();
	} while (!ret && n == TAM_BATCH);
	return ret;
}

/*
 * Check a caller's record size: at least the first published size @ver0, a
 * multiple of 8 so that the records of an array stay aligned, and at most a
 * page.
 */
static int tam_check_size(unsigned int usize, unsigned int ver0)
{
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (usize < ver0 || !IS_ALIGNED(usize, sizeof(u64)))
		return -EINVAL;
	return 0;
}

/*
 * Copy a record of @ksize bytes to a caller's record of @usize bytes: as
 * much as both have, and zeroes in the rest of a larger caller record (a
 * field this kernel does not know is 0, and its mask bit clear).
 */
static int tam_copy_record(void __user *dst, unsigned int usize,
			   const void *src, size_t ksize)
{
	if (copy_to_user(dst, src, min_t(size_t, usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(dst + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static long tam_vm_stats_one(pid_t pid, struct tam_vm_stat __user *ubuf,
			     unsigned int count, unsigned int usize, u32 mask,
			     bool exact)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct tam_vm_stat st;
	struct task_struct *task;
	struct tam_view view;
	int err = -ESRCH;

	tam_view_get(&view, ns);
	rcu_read_lock();
	task = find_task_by_vpid(pid);
	if (task)
		err = tam_may_read(&view, task);
	if (!err && count)
		tam_fill_vm_stat(task, ns, mask, exact,
				 totalram_pages() + total_swap_pages, &st);
	rcu_read_unlock();
	tam_view_put(&view);
	if (err)
		return err;
	if (count) {
		err = tam_copy_record(ubuf, usize, &st, sizeof(st));
		if (err)
			return err;
	}
	return 1;
}

/*
 * vm_stats(0): entries @start.. of the caller's array are gathered in
 * @kbuf, at most one batch of them, and copied out after each batch; @n
 * counts every process with an mm.
 */
struct tam_list {
	struct tam_vm_stat *kbuf;
	char __user *ubuf;
	struct pid_namespace *ns;
	unsigned long totalpages;
	unsigned int count, usize, start, filled;
	u32 mask;
	bool exact;
	long n;
};

static void tam_list_one(struct task_struct *task, void *arg)
{
	struct tam_list *l = arg;
	struct tam_mm_read r;

	if (l->n < l->count) {
		if (!tam_fill_vm_stat(task, l->ns, l->mask, l->exact,
				      l->totalpages, &l->kbuf[l->filled]))
			return;
		l->filled++;
	} else if (!tam_read_mm(task, 0, false, 0, &r)) {
		/* Past @count only the number counts: no figures read. */
		return;
	}
	l->n++;
}

static int tam_list_flush(void *arg)
{
	struct tam_list *l = arg;
	unsigned int i;
	int err;

	for (i = 0; i < l->filled; i++) {
		err = tam_copy_record(l->ubuf + (size_t)(l->start + i) * l->usize,
				      l->usize, &l->kbuf[i], sizeof(*l->kbuf));
		if (err)
			return err;
	}
	l->start += l->filled;
	l->filled = 0;
	return 0;
}

static const struct tam_walk_ops tam_list_ops = {
	.visit = tam_list_one,
	.flush = tam_list_flush,
};

static long tam_vm_stats_all(struct tam_vm_stat __user *ubuf,
			     unsigned int count, unsigned int usize, u32 mask,
			     bool exact)
{
	struct tam_list l = {
		.ubuf = (char __user *)ubuf,
		.ns = task_active_pid_ns(current),
		.totalpages = totalram_pages() + total_swap_pages,
		.count = count,
		.usize = usize,
		.mask = mask,
		.exact = exact,
	};
	struct tam_iter it = { .ns = l.ns, .nr = 1 };
	unsigned int nbuf = min_t(unsigned int, count, TAM_BATCH);
	struct tam_view view;
	int ret;

	if (nbuf) {
		l.kbuf = kmalloc_array(nbuf, sizeof(*l.kbuf), GFP_KERNEL);
		if (!l.kbuf)
			return -ENOMEM;
	}
	tam_view_get(&view, l.ns);
	it.view = &view;
	ret = tam_walk_processes(&it, &tam_list_ops, &l);
	tam_view_put(&view);
	kfree(l.kbuf);
	return ret ? ret : l.n;
}

/**
 * sys_vm_stats - reserved and committed memory and OOM score of processes
 * @pid:   a process (or any of its threads) in the caller's pid namespace,
 *	   or 0 for every process with an mm in that namespace whose
 *	   /proc/PID/status the caller could read (see struct tam_view)
 * @ubuf:  array of @count records of @usize bytes; may be NULL when @count
 *	   is 0
 * @count: records @ubuf has room for
 * @usize: sizeof(struct tam_vm_stat) as the caller knows it: at least
 *	   TAM_VM_STAT_SIZE_VER0, a multiple of 8, at most a page
 * @mask:  TAM_VM_* fields wanted; unknown bits are ignored
 * @flags: 0, or TAM_VM_DONT_SYNC: the RSS and swap counters (and the OOM
 *	   score computed from them) read as cached, without the exact sum
 *	   over the CPUs that /proc takes where it takes one
 *
 * Each record gets pid, comm and the fields of @mask this kernel knows, as
 * /proc/PID/status and /proc/PID/oom_score show them, and says in its mask
 * which it got; the rest of the record is zero.  For @pid > 0, writes one
 * record if @count >= 1 and returns 1; a kernel thread or an exiting
 * process gets no memory fields, and OOM score 0.  For @pid == 0, writes
 * the first @count processes in pid order and returns how many processes
 * there were, which may exceed @count.  The figures are a snapshot taken
 * without stopping anything: processes may come and go while the call
 * runs.
 *
 * Return: records as above, or -EINVAL (@pid < 0, an unknown bit in @flags,
 * TAM_VM__RESERVED in @mask, @usize too small or not a multiple of 8, or
 * @count records of @usize bytes larger than the address space), -E2BIG
 * (@usize larger than a page), -ESRCH (no such process, or /proc hides it
 * from the caller), -EPERM (/proc lists it but would not let the caller
 * read its status: hidepid=noaccess), -EFAULT (@ubuf not writable; records
 * before the fault may have been written), -ENOMEM, or -EINTR (@pid == 0
 * and a fatal signal arrived during the walk; records before it may have
 * been written).
 */
SYSCALL_DEFINE6(vm_stats, pid_t, pid, struct tam_vm_stat __user *, ubuf,
		unsigned int, count, unsigned int, usize, unsigned int, mask,
		unsigned int, flags)
{
	size_t bytes;
	bool exact;
	int err;

	if ((flags & ~TAM_VM_DONT_SYNC) || pid < 0 ||
	    (mask & TAM_VM__RESERVED))
		return -EINVAL;
	err = tam_check_size(usize, TAM_VM_STAT_SIZE_VER0);
	if (err)
		return err;
	if (check_mul_overflow((size_t)count, (size_t)usize, &bytes))
		return -EINVAL;
	/* Every field this kernel knows fits in TAM_VM_STAT_SIZE_VER0. */
	mask &= TAM_VM_ALL;
	exact = !(flags & TAM_VM_DONT_SYNC);
	if (pid)
		return tam_vm_stats_one(pid, ubuf, count, usize, mask, exact);
	return tam_vm_stats_all(ubuf, count, usize, mask, exact);
}

/*
 * mem_stats(): the sums over the processes the caller may see, in pages.
 * They can exceed 64 bits in bytes (with 5-level paging one process may
 * reserve 2^56 bytes, and MAP_NORESERVE makes that free), even in pages in
 * theory (2^45 pages times 2^22 pids): each sum saturates at U64_MAX, in
 * pages and again in bytes (tam_bytes()), and never wraps.
 */
struct tam_sums {
	u64 vm, rss, nr;
};

static void tam_sum_add(u64 *sum, unsigned long pages)
{
	if (check_add_overflow(*sum, (u64)pages, sum))
		*sum = U64_MAX;
}

static u64 tam_bytes(u64 pages)
{
	return pages > (U64_MAX >> PAGE_SHIFT) ? U64_MAX : pages << PAGE_SHIFT;
}

/*
 * The sums do not promise to equal anything in /proc, and read each
 * process's RSS counters approximately (tam_read_counters()), so that the
 * cost per process does not grow with the number of CPUs.
 */
static void tam_sum_one(struct task_struct *task, void *arg)
{
	struct tam_sums *sums = arg;
	struct tam_mm_read r;

	if (!tam_read_mm(task, TAM_VM_RSS, false, 0, &r))
		return;
	tam_sum_add(&sums->vm, r.vm);
	tam_sum_add(&sums->rss, r.anon + r.file + r.shmem);
	sums->nr++;
}

static const struct tam_walk_ops tam_sum_ops = { .visit = tam_sum_one };

/* The system figures of @mask as meminfo_proc_show() computes them. */
static void tam_fill_meminfo(struct tam_mem_stats *ms, u32 mask)
{
	struct sysinfo si;
	long cached;

	if (mask & TAM_MEM_RAM) {
		si_meminfo(&si);
		cached = global_node_page_state(NR_FILE_PAGES) -
			 total_swapcache_pages() - si.bufferram;
		if (cached < 0)
			cached = 0;
		ms->total_bytes = (u64)si.totalram << PAGE_SHIFT;
		ms->free_bytes = (u64)si.freeram << PAGE_SHIFT;
		ms->available_bytes = (u64)si_mem_available() << PAGE_SHIFT;
		ms->buffers_bytes = (u64)si.bufferram << PAGE_SHIFT;
		ms->cached_bytes = (u64)cached << PAGE_SHIFT;
	}
	if (mask & TAM_MEM_COMMIT) {
		ms->committed_as_bytes = (u64)vm_memory_committed() << PAGE_SHIFT;
		ms->commit_limit_bytes = (u64)vm_commit_limit() << PAGE_SHIFT;
	}
	if (mask & TAM_MEM_SWAP) {
		si_swapinfo(&si);
		ms->swap_total_bytes = (u64)si.totalswap << PAGE_SHIFT;
		ms->swap_free_bytes = (u64)si.freeswap << PAGE_SHIFT;
	}
	ms->mask |= mask & (TAM_MEM_RAM | TAM_MEM_COMMIT | TAM_MEM_SWAP);
}

/**
 * sys_mem_stats - system memory totals
 * @ubuf:  where to store the result
 * @usize: sizeof(struct tam_mem_stats) as the caller knows it: at least
 *	   TAM_MEM_STATS_SIZE_VER0, a multiple of 8, at most a page
 * @mask:  TAM_MEM_* groups wanted; unknown bits are ignored
 * @flags: must be 0
 *
 * Fills the groups of @mask this kernel knows and says in ms.mask which;
 * writes min(@usize, kernel size) bytes and zeroes the rest of a larger
 * caller struct.  RAM, commit and swap figures are global, as in
 * /proc/meminfo.  TAM_MEM_PROCESSES sums VmSize and VmRSS over the
 * processes in the caller's pid namespace whose /proc/PID/status it could
 * read (as for vm_stats()), counting each process sharing an mm (vfork);
 * only this group walks the processes.  The VmRSS of each is read without
 * walking the CPUs (see tam_sum_one()), and the byte sums saturate at
 * U64_MAX rather than wrap.
 *
 * Return: the kernel's sizeof(struct tam_mem_stats), or -EINVAL (@flags
 * not 0, TAM_MEM__RESERVED in @mask, @usize too small or not a multiple of
 * 8), -E2BIG (@usize larger than a page), -EFAULT (@ubuf not writable) or
 * -EINTR (a fatal signal arrived during the walk; nothing was written).
 */
SYSCALL_DEFINE4(mem_stats, struct tam_mem_stats __user *, ubuf,
		unsigned int, usize, unsigned int, mask, unsigned int, flags)
{
	struct tam_iter it = { .ns = task_active_pid_ns(current), .nr = 1 };
	struct tam_sums sums = { };
	struct tam_mem_stats ms;
	struct tam_view view;
	int ret;

	if (flags || (mask & TAM_MEM__RESERVED))
		return -EINVAL;
	ret = tam_check_size(usize, TAM_MEM_STATS_SIZE_VER0);
	if (ret)
		return ret;
	mask &= TAM_MEM_ALL;

	memset(&ms, 0, sizeof(ms));
	if (mask & TAM_MEM_PROCESSES) {
		tam_view_get(&view, it.ns);
		it.view = &view;
		ret = tam_walk_processes(&it, &tam_sum_ops, &sums);
		tam_view_put(&view);
		if (ret)
			return ret;
		ms.vm_size_bytes = tam_bytes(sums.vm);
		ms.rss_bytes = tam_bytes(sums.rss);
		ms.nr_processes = sums.nr;
		ms.mask |= TAM_MEM_PROCESSES;
	}
	tam_fill_meminfo(&ms, mask);

	ret = tam_copy_record(ubuf, usize, &ms, sizeof(ms));
	return ret ? ret : sizeof(ms);
}
