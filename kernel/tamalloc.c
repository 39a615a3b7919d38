// SPDX-License-Identifier: GPL-2.0
/*
 * tamalloc(2): lazily zeroed anonymous memory that is reserved, not committed.
 * vm_stats(2): per-process reserved (VmSize) and committed (VmRSS) memory and
 *		the OOM score, as /proc/PID/status and /proc/PID/oom_score show.
 * mem_stats(2): system memory totals, as /proc/meminfo shows, plus the sums
 *		of reserved and committed memory over the caller's processes.
 *
 * Locking: processes are visited under rcu_read_lock() in bounded batches,
 * in pid order of the caller's pid namespace (as /proc readdir does).  Each
 * mm is read under task_lock() of a live thread (find_lock_task_mm(), as the
 * OOM killer's dump_task() does), so no mm reference is taken and nothing
 * sleeps under RCU.  Results are gathered in a kernel buffer of at most
 * TAM_BATCH entries and copied to user space after rcu_read_unlock().
 */

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/syscalls.h>
#include <linux/tamalloc.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>

/* Processes visited per rcu_read_lock() section. */
#define TAM_BATCH	32

static_assert(sizeof(struct tam_vm_stat) == 48);
static_assert(sizeof(struct tam_mem_stats) == TAM_MEM_STATS_SIZE_VER0);

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

/*
 * VmRSS in pages, read as this kernel's task_mem() reads it for
 * /proc/PID/status.  Since v6.16, commit 82241a83cd15 ("mm: fix the
 * inaccurate memory statistics issue for users"), also in 6.12.39 and 6.6.99,
 * /proc sums the percpu counters exactly; before, it reads them with
 * get_mm_counter(): approximately since v6.2, commit f1a7941243c1 ("mm:
 * convert mm's rss stats into percpu_counter"), and in 6.1 as atomics that
 * lag each thread's cached events (SPLIT_RSS_COUNTING).  scripts/overlay
 * defines TAM_PROC_RSS_SUM from the tree's fs/proc/task_mmu.c and keeps the
 * one branch the tree needs.
 */
static unsigned long tam_mm_rss(struct mm_struct *mm)
{
#ifdef TAM_PROC_RSS_SUM
	return get_mm_counter_sum(mm, MM_ANONPAGES) +
	       get_mm_counter_sum(mm, MM_FILEPAGES) +
	       get_mm_counter_sum(mm, MM_SHMEMPAGES);
#else
	return get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_FILEPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
#endif
}

/*
 * Read the memory of @task's process: VmSize and VmRSS in pages, computed as
 * task_mem() computes them for /proc/PID/status.  The mm is that of a live
 * thread, so a process whose leader has exited before its other threads is
 * still counted.  Kernel threads and fully exited processes have no mm.
 * Called under rcu_read_lock(); takes only spinlocks.
 */
static bool tam_read_mm(struct task_struct *task, unsigned long *vm_pages,
			unsigned long *rss_pages)
{
	struct task_struct *t;
	struct mm_struct *mm;

	if (task->flags & PF_KTHREAD)
		return false;
	t = find_lock_task_mm(task);
	if (!t)
		return false;
	/* find_lock_task_mm() returned t locked; tell sparse. */
	__acquire(&t->alloc_lock);
	mm = t->mm;
	*vm_pages = READ_ONCE(mm->total_vm);
	*rss_pages = tam_mm_rss(mm);
	task_unlock(t);
	return true;
}

/* The value proc_oom_score() prints for @task. */
static u64 tam_oom_score(struct task_struct *task, unsigned long totalpages)
{
	unsigned long points = 0;
	long badness;

	badness = oom_badness(task, totalpages);
	/*
	 * Special case OOM_SCORE_ADJ_MIN for all others scale the
	 * badness value into [0, 2000] range which we have been
	 * exporting for a long time so userspace might depend on it.
	 */
	if (badness != LONG_MIN)
		points = (1000 + badness * 1000 / (long)totalpages) * 2 / 3;
	return points;
}

/*
 * Fill @st for the process of @task (any of its threads).  Every byte of @st
 * is defined.  Returns false, leaving the memory fields zero, for a process
 * without an mm.  Called under rcu_read_lock().
 */
static bool tam_fill_vm_stat(struct task_struct *task,
			     struct pid_namespace *ns,
			     unsigned long totalpages, struct tam_vm_stat *st)
{
	unsigned long vm, rss;

	memset(st, 0, sizeof(*st));
	st->pid = task_tgid_nr_ns(task, ns);
	st->oom_score_adj = READ_ONCE(task->signal->oom_score_adj);
	get_task_comm(st->comm, task->group_leader);
	if (!tam_read_mm(task, &vm, &rss))
		return false;
	st->reserved_bytes = (u64)vm << PAGE_SHIFT;
	st->committed_bytes = (u64)rss << PAGE_SHIFT;
	st->oom_score = tam_oom_score(task, totalpages);
	return true;
}

/* Cursor over the processes of a pid namespace, in pid order. */
struct tam_iter {
	struct pid_namespace *ns;
	int nr;
};

/* The next process (its thread-group leader), or NULL.  Under RCU. */
static struct task_struct *tam_next_process(struct tam_iter *it)
{
	struct task_struct *task;
	struct pid *pid;

	while ((pid = find_ge_pid(it->nr, it->ns))) {
		it->nr = pid_nr_ns(pid, it->ns) + 1;
		task = pid_task(pid, PIDTYPE_TGID);
		if (task)
			return task;
	}
	return NULL;
}

static long tam_vm_stats_one(pid_t pid, struct tam_vm_stat __user *ubuf,
			     unsigned int count)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct tam_vm_stat st;
	struct task_struct *task;

	rcu_read_lock();
	task = find_task_by_vpid(pid);
	if (task)
		tam_fill_vm_stat(task, ns, totalram_pages() + total_swap_pages,
				 &st);
	rcu_read_unlock();
	if (!task)
		return -ESRCH;
	if (count && copy_to_user(ubuf, &st, sizeof(st)))
		return -EFAULT;
	return 1;
}

static long tam_vm_stats_all(struct tam_vm_stat __user *ubuf,
			     unsigned int count)
{
	unsigned long totalpages = totalram_pages() + total_swap_pages;
	struct tam_iter it = { .ns = task_active_pid_ns(current), .nr = 1 };
	unsigned int i, filled, nbuf = min_t(unsigned int, count, TAM_BATCH);
	struct tam_vm_stat *kbuf = NULL;
	struct task_struct *task;
	unsigned long vm, rss;
	long ret = 0, n = 0;
	bool more = true;

	if (nbuf) {
		kbuf = kmalloc_array(nbuf, sizeof(*kbuf), GFP_KERNEL);
		if (!kbuf)
			return -ENOMEM;
	}
	while (more) {
		filled = 0;
		rcu_read_lock();
		for (i = 0; i < TAM_BATCH; i++) {
			task = tam_next_process(&it);
			if (!task) {
				more = false;
				break;
			}
			if (n < count) {
				if (!tam_fill_vm_stat(task, it.ns, totalpages,
						      &kbuf[filled]))
					continue;
				filled++;
			} else if (!tam_read_mm(task, &vm, &rss)) {
				continue;
			}
			/* Flush a full buffer before counting the rest. */
			if (++n == count)
				break;
		}
		rcu_read_unlock();
		if (filled && copy_to_user(ubuf + (n - filled), kbuf,
					   filled * sizeof(*kbuf))) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
	kfree(kbuf);
	return ret ? ret : n;
}

/**
 * sys_vm_stats - reserved and committed memory and OOM score of processes
 * @pid:   a process (or any of its threads) in the caller's pid namespace,
 *	   or 0 for every process with an mm in that namespace
 * @ubuf:  array of @count entries; may be NULL when @count is 0
 * @count: entries @ubuf has room for
 * @flags: must be 0
 *
 * For @pid > 0, writes one entry if @count >= 1 and returns 1; a kernel
 * thread or an exiting process gets zero memory figures and OOM score 0.
 * For @pid == 0, writes the first @count processes in pid order and returns
 * how many processes there were, which may exceed @count.  The figures are
 * a snapshot taken without stopping anything: processes may come and go
 * while the call runs.
 *
 * Return: entries as above, or -EINVAL (@pid < 0 or @flags not 0), -ESRCH
 * (no such process visible), -EFAULT (@ubuf not writable; entries before
 * the fault may have been written) or -ENOMEM.
 */
SYSCALL_DEFINE4(vm_stats, pid_t, pid, struct tam_vm_stat __user *, ubuf,
		unsigned int, count, unsigned int, flags)
{
	if (flags || pid < 0)
		return -EINVAL;
	if (pid)
		return tam_vm_stats_one(pid, ubuf, count);
	return tam_vm_stats_all(ubuf, count);
}

/**
 * sys_mem_stats - system memory totals
 * @ubuf:  where to store the result
 * @usize: sizeof(struct tam_mem_stats) as the caller knows it
 * @flags: must be 0
 *
 * Fills min(@usize, kernel size) bytes and zeroes the rest of a larger
 * caller struct.  RAM figures are global, as in /proc/meminfo; the reserved
 * and committed sums cover the processes visible in the caller's pid
 * namespace.  Processes sharing an mm (vfork) are each counted.
 *
 * Return: the kernel's sizeof(struct tam_mem_stats), or -EINVAL (@usize
 * below TAM_MEM_STATS_SIZE_VER0 or @flags not 0), -E2BIG (@usize larger
 * than a page) or -EFAULT (@ubuf not writable).
 */
SYSCALL_DEFINE3(mem_stats, struct tam_mem_stats __user *, ubuf,
		unsigned int, usize, unsigned int, flags)
{
	struct tam_iter it = { .ns = task_active_pid_ns(current), .nr = 1 };
	u64 vm_sum = 0, rss_sum = 0, nr = 0;
	struct tam_mem_stats ms;
	struct task_struct *task;
	unsigned long vm, rss;
	struct sysinfo si;
	bool more = true;
	long cached;
	int i;

	if (flags || usize < TAM_MEM_STATS_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;

	while (more) {
		rcu_read_lock();
		for (i = 0; i < TAM_BATCH; i++) {
			task = tam_next_process(&it);
			if (!task) {
				more = false;
				break;
			}
			if (!tam_read_mm(task, &vm, &rss))
				continue;
			vm_sum += vm;
			rss_sum += rss;
			nr++;
		}
		rcu_read_unlock();
		cond_resched();
	}

	/* As meminfo_proc_show() computes them. */
	si_meminfo(&si);
	cached = global_node_page_state(NR_FILE_PAGES) -
		 total_swapcache_pages() - si.bufferram;
	if (cached < 0)
		cached = 0;

	memset(&ms, 0, sizeof(ms));
	ms.total_bytes = (u64)si.totalram << PAGE_SHIFT;
	ms.free_bytes = (u64)si.freeram << PAGE_SHIFT;
	ms.available_bytes = (u64)si_mem_available() << PAGE_SHIFT;
	ms.buffers_bytes = (u64)si.bufferram << PAGE_SHIFT;
	ms.cached_bytes = (u64)cached << PAGE_SHIFT;
	ms.reserved_bytes = vm_sum << PAGE_SHIFT;
	ms.committed_bytes = rss_sum << PAGE_SHIFT;
	ms.commit_charge_bytes = (u64)vm_memory_committed() << PAGE_SHIFT;
	ms.commit_limit_bytes = (u64)vm_commit_limit() << PAGE_SHIFT;
	ms.nr_processes = nr;

	if (copy_to_user(ubuf, &ms, min_t(size_t, usize, sizeof(ms))))
		return -EFAULT;
	if (usize > sizeof(ms) &&
	    clear_user((char __user *)ubuf + sizeof(ms), usize - sizeof(ms)))
		return -EFAULT;
	return sizeof(ms);
}
