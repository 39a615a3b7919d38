// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Python module tamalloc: libtamalloc for scripts, in the shape of
 * psutil.  A C extension rather than a ctypes binding: a ctypes call and
 * building each record in Python cost more than the syscall itself does
 * (python/README.md has the measurement).  libtamalloc's objects are built
 * into the module (Makefile.user), which exports PyInit_tamalloc alone.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memfields.h"
#include "tamalloc.h"

#ifndef TAM_VERSION
#define TAM_VERSION "unknown"
#endif

/* ------------------------------------------------------------------ */
/* vm_stats(): struct tam_vm_stat as a named tuple                     */

enum kind { K_PID, K_COMM, K_U64, K_S32 };

/* The fields of vm_stat_result, in order: psutil's names where they mean
 * the same (pid, name, rss, vms, swap), else the ABI's without _bytes. */
static const struct vm_field {
	const char *name;
	unsigned int bit;	/* TAM_VM_*; 0: always filled */
	size_t off;
	enum kind kind;
	const char *doc;
} vm_fields[] = {
	{ "pid", 0, offsetof(struct tam_vm_stat, pid), K_PID,
	  "process id (the tgid, in the caller's pid namespace)" },
	{ "name", 0, offsetof(struct tam_vm_stat, comm), K_COMM,
	  "command name: comm, at most 15 bytes, decoded as os.fsdecode() does" },
	{ "vms", TAM_VM_SIZE, offsetof(struct tam_vm_stat, vm_size_bytes), K_U64,
	  "reserved memory in bytes: VmSize (tamstat RESERVED, psutil vms)" },
	{ "rss", TAM_VM_RSS, offsetof(struct tam_vm_stat, rss_bytes), K_U64,
	  "committed (resident) memory in bytes: VmRSS = rss_anon + rss_file + "
	  "rss_shmem (tamstat COMMITTED, psutil rss)" },
	{ "rss_anon", TAM_VM_RSS_ANON, offsetof(struct tam_vm_stat, rss_anon_bytes), K_U64,
	  "anonymous part of rss in bytes: RssAnon (tamstat ANON)" },
	{ "rss_file", TAM_VM_RSS_FILE, offsetof(struct tam_vm_stat, rss_file_bytes), K_U64,
	  "file-backed part of rss in bytes: RssFile (tamstat FILE)" },
	{ "rss_shmem", TAM_VM_RSS_SHMEM, offsetof(struct tam_vm_stat, rss_shmem_bytes), K_U64,
	  "shared-memory part of rss in bytes: RssShmem (tamstat SHMEM)" },
	{ "swap", TAM_VM_SWAP, offsetof(struct tam_vm_stat, swap_bytes), K_U64,
	  "swapped-out memory in bytes: VmSwap (tamstat SWAP, psutil swap)" },
	{ "hwm", TAM_VM_HWM, offsetof(struct tam_vm_stat, hwm_bytes), K_U64,
	  "peak of rss in bytes: VmHWM (tamstat HWM)" },
	{ "oom_score", TAM_VM_OOM_SCORE, offsetof(struct tam_vm_stat, oom_score), K_U64,
	  "OOM killer score, 0..2000: /proc/PID/oom_score (tamstat OOM_SCORE)" },
	{ "oom_score_adj", TAM_VM_OOM_SCORE_ADJ, offsetof(struct tam_vm_stat, oom_score_adj), K_S32,
	  "-1000..1000: /proc/PID/oom_score_adj (tamstat OOM_ADJ)" },
};
#define NR_VM_FIELDS (sizeof(vm_fields) / sizeof(vm_fields[0]))

static PyStructSequence_Field vm_seq_fields[NR_VM_FIELDS + 2];
static PyStructSequence_Desc vm_desc = {
	"tamalloc.vm_stat_result",
	"vm_stat_result: one process, as vm_stats(2) reports it.\n\n"
	"A named tuple (pid, name, vms, rss, rss_anon, rss_file, rss_shmem,\n"
	"swap, hwm, oom_score, oom_score_adj).  Sizes are in bytes.  A field\n"
	"left out by vm_stats(fields=...) is None; a process without memory\n"
	"(a kernel thread, a zombie) has 0, as in /proc.  The attribute mask\n"
	"(not part of the tuple) holds the TAM_VM_* bits of the fields filled.",
	vm_seq_fields, NR_VM_FIELDS,
};

/* ------------------------------------------------------------------ */
/* mem_stats(): struct tam_mem_stats as a named tuple                  */

static const struct mem_field {
	const char *name;
	size_t off;
	const char *doc;
} mem_fields[] = {
#define MEMF(field, meminfo, name, help) \
	{ name, offsetof(struct tam_mem_stats, field), help " In bytes." },
	TAM_MEM_FIELDS(MEMF)
#undef MEMF
	{ "processes", offsetof(struct tam_mem_stats, nr_processes),
	  "Number of processes summed in reserved and committed." },
};
#define NR_MEM_FIELDS (sizeof(mem_fields) / sizeof(mem_fields[0]))

static PyStructSequence_Field mem_seq_fields[NR_MEM_FIELDS + 2];
static PyStructSequence_Desc mem_desc = {
	"tamalloc.mem_stats_result",
	"mem_stats_result: the system's memory, as mem_stats(2) reports it.\n\n"
	"A named tuple of byte counts named as tamstat's summary names them\n"
	"(total, free, buffers, cached, available: /proc/meminfo's RAM lines;\n"
	"reserved, committed: sums of VmSize and VmRSS over the processes;\n"
	"commit_charge, commit_limit: Committed_AS and CommitLimit; swap_total,\n"
	"swap_free), then processes, the number of processes summed.  The\n"
	"attribute mask (not part of the tuple) holds the TAM_MEM_* groups filled.",
	mem_seq_fields, NR_MEM_FIELDS,
};

static PyTypeObject VmStatType, MemStatsType;
static int types_ready;

/* An OSError of the right subclass (ProcessLookupError for ESRCH, ...). */
static PyObject *os_error(int err)
{
	errno = err;
	return PyErr_SetFromErrno(PyExc_OSError);
}

/* fields: None (all) or an iterable of field names; the TAM_VM_* mask. */
static int fields_mask(PyObject *fields, unsigned int *mask)
{
	PyObject *it, *item;
	size_t i;

	if (fields == Py_None) {
		*mask = TAM_VM_ALL;
		return 0;
	}
	if (PyUnicode_Check(fields) || PyBytes_Check(fields)) {
		PyErr_SetString(PyExc_TypeError,
				"fields must be an iterable of field names, not a string");
		return -1;
	}
	it = PyObject_GetIter(fields);
	if (!it)
		return -1;
	*mask = 0;
	while ((item = PyIter_Next(it))) {
		const char *name = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;

		if (!name) {
			if (!PyErr_Occurred())
				PyErr_Format(PyExc_TypeError,
					     "fields: a field name is a str, not %.100s",
					     Py_TYPE(item)->tp_name);
			Py_DECREF(item);
			Py_DECREF(it);
			return -1;
		}
		for (i = 0; i < NR_VM_FIELDS; i++)
			if (!strcmp(name, vm_fields[i].name))
				break;
		if (i == NR_VM_FIELDS) {
			PyErr_Format(PyExc_ValueError,
				     "fields: no field %R (fields: pid, name, vms, rss, "
				     "rss_anon, rss_file, rss_shmem, swap, hwm, oom_score, "
				     "oom_score_adj)", item);
			Py_DECREF(item);
			Py_DECREF(it);
			return -1;
		}
		*mask |= vm_fields[i].bit;
		Py_DECREF(item);
	}
	Py_DECREF(it);
	return PyErr_Occurred() ? -1 : 0;
}

static PyObject *vm_stat_new(const struct tam_vm_stat *st, unsigned int want)
{
	PyObject *r = PyStructSequence_New(&VmStatType), *v;
	const char *p;
	uint64_t u;
	int32_t s;
	size_t i;

	if (!r)
		return NULL;
	for (i = 0; i < NR_VM_FIELDS; i++) {
		p = (const char *)st + vm_fields[i].off;
		if (vm_fields[i].bit && !(want & vm_fields[i].bit)) {
			v = Py_NewRef(Py_None);
		} else switch (vm_fields[i].kind) {
		case K_PID:
		case K_S32:
			memcpy(&s, p, sizeof(s));
			v = PyLong_FromLong(s);
			break;
		case K_COMM:
			v = PyUnicode_DecodeFSDefaultAndSize(p, strnlen(p, sizeof(st->comm)));
			break;
		default:
			memcpy(&u, p, sizeof(u));
			v = PyLong_FromUnsignedLongLong(u);
			break;
		}
		if (!v) {
			Py_DECREF(r);
			return NULL;
		}
		PyStructSequence_SET_ITEM(r, i, v);
	}
	v = PyLong_FromUnsignedLong(st->mask);
	if (!v) {
		Py_DECREF(r);
		return NULL;
	}
	PyStructSequence_SET_ITEM(r, NR_VM_FIELDS, v);
	return r;
}

/* A guess at how many processes vm_stats(0) will find: the last count. */
static size_t last_count = 256;

PyDoc_STRVAR(vm_stats_doc,
"vm_stats($module, /, pid=0, fields=None, *, sync=True)\n--\n\n"
"Reserved and committed memory of one process or of every process.\n\n"
"vm_stats() or vm_stats(0): a list of vm_stat_result, one for every\n"
"process with memory (no kernel threads) that the caller may see, in pid\n"
"order.  vm_stats(pid) with pid > 0: the vm_stat_result of that process\n"
"(a thread id means its process).  The figures are those of\n"
"/proc/PID/status and /proc/PID/oom_score, from vm_stats(2), or from /proc\n"
"itself on a kernel without the syscall (see source()).\n\n"
"fields: None for every field, or an iterable of field names (pid and name\n"
"are always filled); the others are None in the results, and the kernel\n"
"skips their work (the OOM score is the costly one).\n\n"
"sync: True (the default) for the figures exactly as /proc shows them;\n"
"False (TAM_VM_DONT_SYNC) reads the RSS and swap counters as cached, at a\n"
"cost that does not grow with the number of CPUs, for figures that may lag\n"
"/proc's by up to a few pages per CPU.\n\n"
"Raises ProcessLookupError (ESRCH) if pid does not exist or /proc hides it,\n"
"PermissionError (EPERM) if /proc lists it but refuses its files,\n"
"OSError(EINVAL) for a negative pid, ValueError for an unknown field.\n\n"
"Like psutil:  [p.memory_info() for p in psutil.process_iter()]\n"
"    becomes   [(p.rss, p.vms) for p in tamalloc.vm_stats(fields=('rss', 'vms'))]\n"
"              psutil.Process(pid).memory_info().rss\n"
"    becomes   tamalloc.vm_stats(pid).rss");

static PyObject *py_vm_stats(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "pid", "fields", "sync", NULL };
	PyObject *fields = Py_None, *list, *r;
	struct tam_vm_stat *buf;
	unsigned int mask, flags;
	int sync = 1;
	size_t cap, i;
	int pid = 0, err = 0;
	long n;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|iO$p:vm_stats", kwlist,
					 &pid, &fields, &sync))
		return NULL;
	flags = sync ? 0 : TAM_VM_DONT_SYNC;
	if (fields_mask(fields, &mask))
		return NULL;
	for (cap = pid ? 1 : last_count + 64;;) {
		buf = PyMem_RawMalloc(cap * sizeof(*buf));
		if (!buf)
			return PyErr_NoMemory();
		/* The /proc fallback reads files: let other threads run. */
		Py_BEGIN_ALLOW_THREADS
		n = tam_vm_stats_flags(pid, buf, cap, mask, flags);
		if (n < 0)
			err = errno;
		Py_END_ALLOW_THREADS
		if (n < 0) {
			PyMem_RawFree(buf);
			return os_error(err);
		}
		if (pid || (size_t)n <= cap)
			break;
		PyMem_RawFree(buf);
		cap = (size_t)n + 64;
	}
	if (pid) {
		r = vm_stat_new(buf, mask);
		PyMem_RawFree(buf);
		return r;
	}
	last_count = (size_t)n;
	list = PyList_New(n);
	for (i = 0; list && i < (size_t)n; i++) {
		r = vm_stat_new(&buf[i], mask);
		if (!r)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, i, r);
	}
	PyMem_RawFree(buf);
	return list;
}

PyDoc_STRVAR(mem_stats_doc,
"mem_stats($module, /)\n--\n\n"
"The system's memory: a mem_stats_result.\n\n"
"RAM and commit figures as /proc/meminfo has them, and the sums of reserved\n"
"(VmSize) and committed (VmRSS) memory over the processes the caller may\n"
"see, from mem_stats(2), or from /proc on a kernel without it.\n"
"psutil.virtual_memory().total becomes tamalloc.mem_stats().total.");

static PyObject *py_mem_stats(PyObject *self, PyObject *noargs)
{
	struct tam_mem_stats ms;
	PyObject *r, *v;
	uint64_t u;
	size_t i;
	int rc, err = 0;

	(void)self;
	(void)noargs;
	Py_BEGIN_ALLOW_THREADS
	rc = tam_mem_stats(&ms);
	if (rc)
		err = errno;
	Py_END_ALLOW_THREADS
	if (rc)
		return os_error(err);
	r = PyStructSequence_New(&MemStatsType);
	if (!r)
		return NULL;
	for (i = 0; i <= NR_MEM_FIELDS; i++) {
		if (i < NR_MEM_FIELDS) {
			memcpy(&u, (const char *)&ms + mem_fields[i].off, sizeof(u));
			v = PyLong_FromUnsignedLongLong(u);
		} else {
			v = PyLong_FromUnsignedLong(ms.mask);
		}
		if (!v) {
			Py_DECREF(r);
			return NULL;
		}
		PyStructSequence_SET_ITEM(r, i, v);
	}
	return r;
}

PyDoc_STRVAR(source_doc,
"source($module, /)\n--\n\n"
"Where the figures come from: 'syscall' when the running kernel has the\n"
"tamalloc syscalls (vm_stats(2), mem_stats(2)), 'proc' when the library\n"
"falls back to /proc (and tamalloc() to mmap(2)).  The library probes once\n"
"per process, as tamstat does: tamstat's \"source:\" line says the same.");

static PyObject *py_source(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	return PyUnicode_FromString(tam_source_name(tam_kernel_support() ?
						    TAM_SOURCE_SYSCALL : TAM_SOURCE_PROC));
}

/* ------------------------------------------------------------------ */
/* tamalloc(): the region object                                       */

typedef struct {
	PyObject_HEAD
	char *addr;		/* NULL once closed */
	Py_ssize_t size;
	Py_ssize_t exports;	/* buffers handed out and not released */
} Region;

static PyTypeObject RegionType;

PyDoc_STRVAR(tamalloc_doc,
"tamalloc($module, size, /)\n--\n\n"
"Map size bytes of zero-filled memory, reserved but not committed.\n\n"
"Returns a Region: a writable buffer (memoryview(r), numpy.frombuffer(r),\n"
"bytes(r), r.address for ctypes) of size bytes, from tamalloc(2), or from\n"
"mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE) on a kernel without it.\n"
"VmSize grows by size at once; VmRSS only as pages are written (reading\n"
"makes nothing resident); nothing is charged to Committed_AS outside\n"
"overcommit mode 2.  The memory is unmapped by r.close(), at the end of a\n"
"with block, or when the Region is garbage collected.\n\n"
"Raises OSError(EINVAL) for size 0, OSError(ENOMEM) when it does not fit\n"
"(RLIMIT_AS, RLIMIT_DATA, the address space), ValueError for a negative\n"
"size.");

static PyObject *py_tamalloc(PyObject *self, PyObject *arg)
{
	Py_ssize_t size;
	Region *r;
	void *p;

	(void)self;
	size = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
	if (size == -1 && PyErr_Occurred())
		return NULL;
	if (size < 0) {
		PyErr_SetString(PyExc_ValueError, "tamalloc: size must not be negative");
		return NULL;
	}
	r = PyObject_New(Region, &RegionType);
	if (!r)
		return NULL;
	r->addr = NULL;
	r->size = size;
	r->exports = 0;
	p = tamalloc((size_t)size);
	if (!p) {
		int err = errno;

		Py_DECREF(r);
		return os_error(err);
	}
	r->addr = p;
	return (PyObject *)r;
}

static int region_unmap(Region *r)
{
	char *addr = r->addr;

	r->addr = NULL;
	return addr ? tamfree(addr, (size_t)r->size) : 0;
}

static void region_dealloc(Region *r)
{
	region_unmap(r);
	PyObject_Free(r);
}

static int region_getbuffer(Region *r, Py_buffer *view, int flags)
{
	if (!r->addr) {
		PyErr_SetString(PyExc_ValueError, "Region is closed");
		view->obj = NULL;
		return -1;
	}
	if (PyBuffer_FillInfo(view, (PyObject *)r, r->addr, r->size, 0, flags))
		return -1;
	r->exports++;
	return 0;
}

static void region_releasebuffer(Region *r, Py_buffer *view)
{
	(void)view;
	r->exports--;
}

static PyBufferProcs region_as_buffer = {
	(getbufferproc)region_getbuffer,
	(releasebufferproc)region_releasebuffer,
};

PyDoc_STRVAR(close_doc,
"close($self, /)\n--\n\n"
"Unmap the memory (munmap(2)).  A second close() does nothing.  Raises\n"
"BufferError while a memoryview or a numpy array of it exists.");

static PyObject *region_close(Region *r, PyObject *noargs)
{
	(void)noargs;
	if (r->exports) {
		PyErr_Format(PyExc_BufferError,
			     "cannot close a Region while %zd buffers of it exist",
			     r->exports);
		return NULL;
	}
	if (region_unmap(r))
		return os_error(errno);
	Py_RETURN_NONE;
}

static PyObject *region_enter(Region *r, PyObject *noargs)
{
	(void)noargs;
	if (!r->addr) {
		PyErr_SetString(PyExc_ValueError, "Region is closed");
		return NULL;
	}
	return Py_NewRef((PyObject *)r);
}

static PyObject *region_exit(Region *r, PyObject *args)
{
	(void)args;
	return region_close(r, NULL);
}

static PyObject *region_get_address(Region *r, void *closure)
{
	(void)closure;
	if (!r->addr) {
		PyErr_SetString(PyExc_ValueError, "Region is closed");
		return NULL;
	}
	return PyLong_FromVoidPtr(r->addr);
}

static PyObject *region_get_closed(Region *r, void *closure)
{
	(void)closure;
	return PyBool_FromLong(!r->addr);
}

static PyObject *region_get_size(Region *r, void *closure)
{
	(void)closure;
	return PyLong_FromSsize_t(r->size);
}

static Py_ssize_t region_length(Region *r)
{
	return r->size;
}

static PyObject *region_repr(Region *r)
{
	if (!r->addr)
		return PyUnicode_FromFormat("<tamalloc.Region size=%zd, closed>", r->size);
	return PyUnicode_FromFormat("<tamalloc.Region size=%zd at %p>", r->size, r->addr);
}

static PyMethodDef region_methods[] = {
	{ "close", (PyCFunction)region_close, METH_NOARGS, close_doc },
	{ "__enter__", (PyCFunction)region_enter, METH_NOARGS,
	  "__enter__($self, /)\n--\n\nReturn the Region itself." },
	{ "__exit__", (PyCFunction)region_exit, METH_VARARGS,
	  "__exit__($self, *exc_info, /)\n--\n\nclose() it." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef region_getset[] = {
	{ "address", (getter)region_get_address, NULL,
	  "the address of the memory, as an int (ctypes.c_void_p(r.address))", NULL },
	{ "closed", (getter)region_get_closed, NULL, "True once close() unmapped it", NULL },
	{ "size", (getter)region_get_size, NULL, "its size in bytes, as given to tamalloc()", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PySequenceMethods region_as_sequence = {
	.sq_length = (lenfunc)region_length,
};

static PyTypeObject RegionType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "tamalloc.Region",
	.tp_basicsize = sizeof(Region),
	.tp_dealloc = (destructor)region_dealloc,
	.tp_repr = (reprfunc)region_repr,
	.tp_as_sequence = &region_as_sequence,
	.tp_as_buffer = &region_as_buffer,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Region: memory from tamalloc(), a writable buffer of bytes.\n\n"
		  "Made by tamalloc.tamalloc(size), not by calling the class.  len(r)\n"
		  "is its size; it is unmapped by close(), by leaving a with block or\n"
		  "when garbage collected.",
	.tp_methods = region_methods,
	.tp_getset = region_getset,
};

/* ------------------------------------------------------------------ */
/* The module                                                          */

static PyMethodDef methods[] = {
	{ "vm_stats", (PyCFunction)(void (*)(void))py_vm_stats,
	  METH_VARARGS | METH_KEYWORDS, vm_stats_doc },
	{ "mem_stats", py_mem_stats, METH_NOARGS, mem_stats_doc },
	{ "source", py_source, METH_NOARGS, source_doc },
	{ "tamalloc", py_tamalloc, METH_O, tamalloc_doc },
	{ NULL, NULL, 0, NULL },
};

PyDoc_STRVAR(module_doc,
"Reserved and committed memory, through tamalloc(2), vm_stats(2) and\n"
"mem_stats(2): libtamalloc for Python.\n"
"\n"
"SYNOPSIS\n"
"    import tamalloc\n"
"    tamalloc.vm_stats(pid=0, fields=None)  -> list[vm_stat_result] (pid 0)\n"
"                                           -> vm_stat_result      (pid > 0)\n"
"    tamalloc.mem_stats()                   -> mem_stats_result\n"
"    tamalloc.source()                      -> 'syscall' or 'proc'\n"
"    tamalloc.tamalloc(size)                -> Region (a buffer)\n"
"\n"
"DESCRIPTION\n"
"    vm_stats() reports per process what /proc/PID/status and oom_score\n"
"    show (VmSize as vms, VmRSS as rss, ..., the OOM score) in one system\n"
"    call for every process, instead of four file reads each; mem_stats()\n"
"    the system's RAM and commit figures and the sums over the processes.\n"
"    Field names follow psutil where they mean the same (pid, name, rss,\n"
"    vms, swap) and tamstat(1)'s vocabulary elsewhere: reserved memory is\n"
"    VmSize, committed memory is VmRSS (resident), the commit charge is\n"
"    Committed_AS.  Every size is in bytes.\n"
"\n"
"    tamalloc(size) maps zero-filled memory that is reserved but not\n"
"    committed: VmSize grows at once, VmRSS only as pages are written.\n"
"\n"
"    On a kernel without the syscalls everything still works: the library\n"
"    reads /proc and maps memory with mmap(2); source() says which.\n"
"\n"
"ERRORS\n"
"    Failures raise OSError with the call's errno, as the man pages list\n"
"    them: ProcessLookupError (ESRCH) for a process that does not exist or\n"
"    that /proc hides, PermissionError (EPERM) for one whose files /proc\n"
"    refuses, OSError with errno EINVAL or ENOMEM otherwise.\n"
"\n"
"EXAMPLE\n"
"    import tamalloc\n"
"    top = sorted(tamalloc.vm_stats(fields=('rss',)), key=lambda p: p.rss)\n"
"    for p in top[-3:]:\n"
"        print(p.pid, p.name, p.rss)\n"
"    with tamalloc.tamalloc(1 << 20) as r:\n"
"        m = memoryview(r)       # reads as zeros; writing commits pages\n"
"        m[0] = 1\n"
"        m.release()\n"
"\n"
"SEE ALSO\n"
"    tamalloc(2), vm_stats(2), mem_stats(2), tamstat(1)");

static struct PyModuleDef moduledef = {
	PyModuleDef_HEAD_INIT, "tamalloc", module_doc, -1, methods,
	NULL, NULL, NULL, NULL,
};

/* fields[0..n) from the table, then the invisible "mask". */
static int init_seq(PyTypeObject *type, PyStructSequence_Desc *desc,
		    PyStructSequence_Field *f, size_t n,
		    const char *(*name)(size_t), const char *(*doc)(size_t),
		    const char *mask_doc)
{
	size_t i;

	for (i = 0; i < n; i++) {
		f[i].name = name(i);
		f[i].doc = doc(i);
	}
	f[n].name = "mask";
	f[n].doc = mask_doc;
	f[n + 1].name = NULL;
	return PyStructSequence_InitType2(type, desc);
}

static const char *vm_name(size_t i) { return vm_fields[i].name; }
static const char *vm_doc(size_t i) { return vm_fields[i].doc; }
static const char *mem_name(size_t i) { return mem_fields[i].name; }
static const char *mem_doc(size_t i) { return mem_fields[i].doc; }

/* type._fields: the names of the tuple's items, as a namedtuple has them. */
static int set_fields(PyTypeObject *type, PyStructSequence_Field *f, size_t n)
{
	PyObject *t = PyTuple_New(n), *s;
	size_t i;
	int rc;

	if (!t)
		return -1;
	for (i = 0; i < n; i++) {
		s = PyUnicode_FromString(f[i].name);
		if (!s) {
			Py_DECREF(t);
			return -1;
		}
		PyTuple_SET_ITEM(t, i, s);
	}
	rc = PyDict_SetItemString(type->tp_dict, "_fields", t);
	Py_DECREF(t);
	PyType_Modified(type);
	return rc;
}

PyMODINIT_FUNC PyInit_tamalloc(void)
{
	PyObject *m;

	if (!types_ready) {
		if (init_seq(&VmStatType, &vm_desc, vm_seq_fields, NR_VM_FIELDS,
			     vm_name, vm_doc, "TAM_VM_* bits of the fields filled") ||
		    init_seq(&MemStatsType, &mem_desc, mem_seq_fields, NR_MEM_FIELDS,
			     mem_name, mem_doc, "TAM_MEM_* groups filled") ||
		    set_fields(&VmStatType, vm_seq_fields, NR_VM_FIELDS) ||
		    set_fields(&MemStatsType, mem_seq_fields, NR_MEM_FIELDS) ||
		    PyType_Ready(&RegionType))
			return NULL;
		types_ready = 1;
	}
	m = PyModule_Create(&moduledef);
	if (!m)
		return NULL;
	if (PyModule_AddType(m, &VmStatType) || PyModule_AddType(m, &MemStatsType) ||
	    PyModule_AddType(m, &RegionType) ||
	    PyModule_AddStringConstant(m, "__version__", TAM_VERSION)) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
