// SPDX-License-Identifier: GPL-2.0
/*
 * vm_stats() and mem_stats() show an unprivileged caller no more than its
 * /proc does.  Each test runs in its own mount namespace with a procfs
 * instance of its own at /proc (hidepid= and gid= as the variant says),
 * drops to uid and gid 1000 with no capabilities (or with CAP_SYS_PTRACE
 * alone), and then compares, for a root process, a process of the same
 * uid, init and itself, vm_stats(pid) with opening /proc/PID/status, and
 * vm_stats(0) and mem_stats() with the processes whose status it can open.
 * Without /proc the calls show only the processes the caller may
 * ptrace-read.
 *
 * The Landlock variants pin what the calls ask of LSMs (vm_stats(2),
 * "Visibility and LSMs"): the caller sandboxes itself with a ruleset that
 * denies it every file read, /proc's included.  Where /proc's own check
 * asks ptrace_may_access() (hidepid=invisible), the LSM's ptrace hook
 * decides, so the processes outside the caller's Landlock domain vanish
 * from the calls as from /proc; with hidepid=off the check asks no LSM,
 * and the calls show every process although the caller cannot open one
 * /proc file.
 */
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include "kselftest_harness.h"
#include "common.h"

#define UID	1000
#define GID	1000
/* A supplementary group of the caller, named in gid= by some variants. */
#define GROUP	1500
#define MAXPIDS	32768

/*
 * The child of spawn(): it lives as long as the test process, waiting for
 * the end of its command pipe, whose write end only the test process (and
 * its later children) hold.  Not PR_SET_PDEATHSIG alone: the test process
 * drops to uid 1000, and the signal of a parent's death is sent with the
 * dying parent's credentials, which may not signal root's child; the child
 * would outlive the test and hold its output open (the kernel's
 * run_kselftest.sh reads it through a pipe, and waited forever).
 */
static void sleeper(void *arg, int in, int out)
{
	char c = 0;

	if (*(bool *)arg &&
	    (setresgid(GID, GID, GID) || setresuid(UID, UID, UID)))
		_exit(1);
	/* Set after the uid change, which clears both. */
	if (prctl(PR_SET_DUMPABLE, 1) ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) || write(out, &c, 1) != 1)
		_exit(1);
	while (read(in, &c, 1) > 0)
		;
	_exit(0);
}

/*
 * Root's sleeping child, or one of uid 1000 (dumpable, as after exec),
 * returned once it is ready; -1 on failure.
 */
static pid_t spawn(bool as_user)
{
	struct test_child c;

	if (test_child_start(&c, sleeper, &as_user))
		return -1;
	if (test_child_wait(&c)) {
		test_child_stop(&c);
		return -1;
	}
	/* c.to stays open until the test process exits: the child's life. */
	close(c.from);
	return c.pid;
}

/* Become uid/gid 1000 in group GROUP, keeping CAP_SYS_PTRACE if asked. */
static int drop_privileges(bool ptrace_cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { };
	gid_t groups[] = { GROUP };

	if (setgroups(1, groups) || setresgid(GID, GID, GID))
		return -1;
	if (ptrace_cap && prctl(PR_SET_KEEPCAPS, 1))
		return -1;
	if (setresuid(UID, UID, UID))
		return -1;
	if (ptrace_cap) {
		d[0].effective = 1u << CAP_SYS_PTRACE;
		d[0].permitted = d[0].effective;
		if (syscall(SYS_capset, &h, d))
			return -1;
	}
	return prctl(PR_SET_DUMPABLE, 1);
}

/*
 * Sandbox the caller with Landlock: every file and directory read denied
 * (the ruleset handles both and allows neither anywhere).
 */
static int landlock_deny_reads(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE |
				     LANDLOCK_ACCESS_FS_READ_DIR,
	};
	int fd, ret;

	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -1;
	ret = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	      syscall(__NR_landlock_restrict_self, fd, 0);
	close(fd);
	return ret ? -1 : 0;
}

/* What opening /proc/PID/status gives, as vm_stats() would say it. */
static int proc_status_errno(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == ENOENT ? ESRCH : errno;
}

/* What vm_stats(pid) gives: 0 or its errno. */
static int vm_stats_errno(pid_t pid)
{
	struct tam_vm_stat st;

	return sys_vm_stats(pid, &st, 1, 0) == 1 ? 0 : errno;
}

/* The processes with an mm whose status the caller can open. */
static long readable_pids(pid_t *pids, long max)
{
	long n = proc_pids(pids, max), i, k = 0;
	char path[64];

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		if (proc_field(path, "VmSize") >= 0 &&
		    proc_field(path, "Tgid") == pids[i])
			pids[k++] = pids[i];
	}
	return n < 0 ? -1 : k;
}

static bool has_pid(const pid_t *pids, long n, pid_t pid)
{
	long i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

FIXTURE(view) {
	pid_t root_child, user_child;
	pid_t *got, *want, *again;
};

FIXTURE_VARIANT(view) {
	const char *options;	/* of the private /proc; NULL: none */
	bool gid_member;	/* options name the caller's group */
	bool ptrace_cap;	/* the caller keeps CAP_SYS_PTRACE */
	/* Expected for a root process: 0 (seen), ESRCH or EPERM. */
	int root_errno;
	/* The caller sandboxes itself with Landlock (landlock_deny_reads()). */
	bool landlock;
	/* Expected for the other process of uid 1000. */
	int user_errno;
};

FIXTURE_VARIANT_ADD(view, hidepid_off) { "hidepid=off", false, false, 0, false, 0 };
FIXTURE_VARIANT_ADD(view, noaccess) { "hidepid=noaccess", false, false, EPERM, false, 0 };
FIXTURE_VARIANT_ADD(view, invisible) { "hidepid=invisible", false, false, ESRCH, false, 0 };
FIXTURE_VARIANT_ADD(view, ptraceable) { "hidepid=ptraceable", false, false, ESRCH, false, 0 };
FIXTURE_VARIANT_ADD(view, noaccess_gid) { "hidepid=noaccess,gid=1500", true, false, 0, false, 0 };
FIXTURE_VARIANT_ADD(view, invisible_gid) { "hidepid=invisible,gid=1500", true, false, 0, false, 0 };
/* hidepid=ptraceable checks ptrace access first: gid= does not help. */
FIXTURE_VARIANT_ADD(view, ptraceable_gid) {
	"hidepid=ptraceable,gid=1500", true, false, ESRCH, false, 0
};

FIXTURE_VARIANT_ADD(view, invisible_cap_sys_ptrace) {
	"hidepid=invisible", false, true, 0, false, 0
};

/* No /proc at all: the strictest rule. */
FIXTURE_VARIANT_ADD(view, no_proc) { NULL, false, false, ESRCH, false, 0 };

/*
 * Landlock: with hidepid=off every process, though /proc refuses the
 * caller every file; with hidepid=invisible only the caller's own domain
 * (itself), the peer of the same uid included in what vanishes.
 */
FIXTURE_VARIANT_ADD(view, landlock_hidepid_off) {
	.options = "hidepid=off", .landlock = true,
	.root_errno = 0, .user_errno = 0,
};

FIXTURE_VARIANT_ADD(view, landlock_invisible) {
	.options = "hidepid=invisible", .landlock = true,
	.root_errno = ESRCH, .user_errno = ESRCH,
};

FIXTURE_SETUP(view)
{
	int ret;

	SKIP_UNLESS_ROOT("mounts /proc, changes user");
	self->got = calloc(MAXPIDS, sizeof(pid_t));
	self->want = calloc(MAXPIDS, sizeof(pid_t));
	self->again = calloc(MAXPIDS, sizeof(pid_t));
	ASSERT_NE(NULL, self->got);
	ASSERT_NE(NULL, self->want);
	ASSERT_NE(NULL, self->again);
	self->root_child = spawn(false);
	self->user_child = spawn(true);
	ASSERT_GT(self->root_child, 0);
	ASSERT_GT(self->user_child, 0);
	/* A private /proc, as systemd's ProtectProc= gives a service. */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	if (variant->options)
		ret = mount("proc", "/proc", "proc", 0, variant->options);
	else
		ret = umount2("/proc", MNT_DETACH);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, drop_privileges(variant->ptrace_cap));
	ASSERT_EQ(UID, geteuid());
	if (variant->landlock) {
		ASSERT_EQ(0, landlock_deny_reads()) TH_LOG("Landlock: %s", strerror(errno));
		/* The sandbox holds: not even the caller's own status. */
		ASSERT_EQ(EACCES, proc_status_errno(getpid()));
	}
}

FIXTURE_TEARDOWN(view)
{
	/* The children die with this process (PR_SET_PDEATHSIG). */
	free(self->got);
	free(self->want);
	free(self->again);
}

TEST_F(view, single_pids_as_proc)
{
	pid_t pids[] = { getpid(), self->user_child, self->root_child, 1 };
	unsigned int i;

	EXPECT_EQ(variant->root_errno, vm_stats_errno(self->root_child));
	EXPECT_EQ(variant->root_errno, vm_stats_errno(1));
	EXPECT_EQ(0, vm_stats_errno(getpid()));
	EXPECT_EQ(variant->user_errno, vm_stats_errno(self->user_child));
	if (variant->landlock) {
		/* /proc refuses every file, where it shows the pid at all. */
		for (i = 0; i < ARRAY_SIZE(pids); i++) {
			int err = proc_status_errno(pids[i]);

			EXPECT_TRUE(err == EACCES || err == ESRCH)
				TH_LOG("pid %d: %s", pids[i], strerror(err));
		}
		return;
	}
	if (!variant->options)
		return;
	for (i = 0; i < ARRAY_SIZE(pids); i++) {
		pid_t pid = pids[i];

		EXPECT_EQ(proc_status_errno(pid), vm_stats_errno(pid))
			TH_LOG("pid %d with /proc %s", pid, variant->options);
	}
	/* A pid nobody has is ESRCH either way. */
	EXPECT_EQ(ESRCH, vm_stats_errno(MAXPIDS * 4 - 1));
}

TEST_F(view, every_process_as_proc)
{
	struct tam_mem_stats ms;
	long n, m, i, again;
	int tries;

	/*
	 * The processes of the test before (its children die with it, but
	 * not at once) may still be exiting: mem_stats() and the /proc walk
	 * are compared with vm_stats(0) only once it gives the same list
	 * before and after them.
	 */
	tries = HOLD_STILL(100, 10000, ({
		n = vm_stats_pids(self->got, MAXPIDS);
		ASSERT_GT(n, 0);
		ASSERT_LE(n, MAXPIDS);
		ASSERT_EQ((long)sizeof(ms), sys_mem_stats(&ms, sizeof(ms), 0));
		/* A Landlocked caller cannot read the /proc directory. */
		m = variant->options && !variant->landlock ?
		    readable_pids(self->want, MAXPIDS) : 0;
		again = vm_stats_pids(self->again, MAXPIDS);
		again == n && !memcmp(self->again, self->got, n * sizeof(pid_t));
	}));
	ASSERT_LT(tries, 100) TH_LOG("the process list never held still");
	EXPECT_EQ(n, (long)ms.nr_processes);
	EXPECT_TRUE(has_pid(self->got, n, getpid()));
	EXPECT_EQ((bool)!variant->user_errno, has_pid(self->got, n, self->user_child));
	EXPECT_EQ((bool)!variant->root_errno, has_pid(self->got, n, self->root_child));
	EXPECT_EQ((bool)!variant->root_errno, has_pid(self->got, n, 1));
	if (!variant->options) {
		/* Only what uid 1000 may ptrace-read: itself and its peer. */
		EXPECT_EQ(2, n);
		return;
	}
	if (variant->landlock) {
		/* invisible: its own domain alone; off: init and the children too. */
		EXPECT_TRUE(variant->user_errno ? n == 1 : n >= 4)
			TH_LOG("%ld processes listed", n);
		return;
	}
	ASSERT_GT(m, 0);
	EXPECT_EQ(m, n) TH_LOG("/proc %s", variant->options);
	for (i = 0; i < n && i < m; i++)
		EXPECT_EQ(self->want[i], self->got[i]) TH_LOG("entry %ld", i);
}

TEST_HARNESS_MAIN
