// SPDX-License-Identifier: Apache-2.0
/*
 * The shim: libbpf lifecycle and batch draining, nothing else.
 * Java calls it once per batch; records are copied into the caller's buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mlp_shim.h"
#include "syscall_event.h"
#include "mcp_payload.h"
#include "syscall_latency.skel.h"

#define MAX_PROBES 64
#define SLOT_BITS 6
#define ERROR_LEN 1024
#define PIDNS_HINT "run the probe in the host's PID namespace (docker: --pid=host, Kubernetes: hostPID: true)"
#define PID_NS_PATH "/proc/self/ns/pid"
#define PROC_PID_INIT_INO 0xEFFFFFFCU /* the initial PID namespace's inode (the kernel's PROC_PID_INIT_INO) */
/*
 * A consumer that keeps up flushes the CPUs' staged records at most this often: each flush is an
 * interrupt on every CPU with records staged, which a traced CPU pays for.
 */
#define FLUSH_INTERVAL_MS 2

_Static_assert(sizeof(struct syscall_event) == 40, "record layout changed: update the Java decoder");

struct probe {
	struct syscall_latency *skel;
	struct ring_buffer *ring;
	int epoll_fd;  /* waits on the ring and on wake_fd */
	int wake_fd;   /* written by mlp_close to end a waiting mlp_poll */
	int mode;
	pthread_mutex_t drain_lock; /* one drainer at a time; the batch fields below belong to it */
	char *batch;
	int32_t capacity;
	int32_t count;
	/* Records of the last sample that did not fit the caller's batch: handed out first next time. */
	struct syscall_event carry[MLP_STAGE_RECORDS];
	int32_t carry_at;
	int32_t carry_count;
	int flush_fd;          /* the mlp_flush program */
	uint64_t flushed_ns;   /* CLOCK_MONOTONIC of the last flush */
	int cpus;              /* possible CPUs: the per-CPU maps' value count */
	struct mlp_stage *stages; /* the drainer's scratch for reading the staging map, one value per CPU */
	/* --mcp: the payload ring, drained by mlp_poll_mcp under drain_lock into the batch below */
	struct ring_buffer *mcp_ring;
	char *mcp_batch;
	int32_t mcp_capacity; /* bytes */
	int32_t mcp_used;
	int32_t mcp_count;
	uint64_t consumed; /* records copied into callers' batches since open: the consumer's position */
};

struct slot {
	pthread_rwlock_t lock; /* readers: calls on a live probe; writer: close */
	struct probe *probe;
	uint32_t generation;
	int wake_fd;
};

static struct slot slots[MAX_PROBES];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER; /* open and close */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static __thread char last_error[ERROR_LEN];
static __thread char libbpf_log[ERROR_LEN]; /* the last libbpf warning, for error details */
static int verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (verbose)
		return vfprintf(stderr, fmt, args);
	if (level == LIBBPF_WARN)
		vsnprintf(libbpf_log, sizeof(libbpf_log), fmt, args);
	return 0;
}

static void init(void)
{
	pthread_rwlockattr_t attr;

	/* Writer preference: a poll loop must not starve mlp_close. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (int i = 0; i < MAX_PROBES; i++)
		pthread_rwlock_init(&slots[i].lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	libbpf_set_print(libbpf_print);
}

static int fail(int err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, args);
	va_end(args);
	return err < 0 ? err : -err;
}

void mlp_set_verbose(int on) { verbose = on; }
const char *mlp_last_error(void) { return last_error; }
int mlp_abi_version(void) { return MLP_ABI_VERSION; }
int mlp_record_size(void) { return sizeof(struct syscall_event); }
int mlp_counter_count(void) { return MLP_COUNTER_COUNT; }

/* Hands a layout table to the caller: as much of it as fits; returns its full length. */
static int copy_layout(const int32_t *layout, int n, int32_t *offsets, int32_t capacity)
{
	if (!offsets)
		return fail(EINVAL, "offsets is NULL");
	for (int i = 0; i < n && i < capacity; i++)
		offsets[i] = layout[i];
	return n;
}

int mlp_record_layout(int32_t *offsets, int32_t capacity)
{
	const int32_t layout[] = {
		offsetof(struct syscall_event, end_ns),
		offsetof(struct syscall_event, latency_ns),
		offsetof(struct syscall_event, ret),
		offsetof(struct syscall_event, tgid),
		offsetof(struct syscall_event, tid),
		offsetof(struct syscall_event, nr),
	};
	return copy_layout(layout, sizeof(layout) / sizeof(layout[0]), offsets, capacity);
}

/* ---- handles ---- */

static int handle_of(int index) { return (int)((slots[index].generation << SLOT_BITS) | index) + 1; }

/* Read-locks the slot of a live handle; NULL (and an error) for a closed or invalid one. */
static struct probe *acquire(int handle, struct slot **out)
{
	unsigned int raw = (unsigned int)handle - 1;
	struct slot *slot;

	pthread_once(&init_once, init);
	if (handle <= 0) {
		fail(EBADF, "invalid probe handle %d", handle);
		return NULL;
	}
	slot = &slots[raw & (MAX_PROBES - 1)];
	pthread_rwlock_rdlock(&slot->lock);
	if (!slot->probe || slot->generation != raw >> SLOT_BITS) {
		pthread_rwlock_unlock(&slot->lock);
		fail(EBADF, "the probe is closed");
		return NULL;
	}
	*out = slot;
	return slot->probe;
}

static void release(struct slot *slot) { pthread_rwlock_unlock(&slot->lock); }

/* ---- open / attach / close ---- */

static int error_with_privileges(int err, const char *what)
{
	if (err == -EPERM || err == -EACCES)
		return fail(err, "%s: permission denied", what); /* the caller says how to grant it */
	if (libbpf_log[0]) {
		size_t len = strlen(libbpf_log);

		while (len && libbpf_log[len - 1] == '\n')
			libbpf_log[--len] = 0;
		return fail(err, "%s: %s (libbpf: %s)", what, strerror(-err), libbpf_log);
	}
	return fail(err, "%s: %s", what, strerror(-err));
}

static void probe_free(struct probe *p)
{
	if (!p)
		return;
	ring_buffer__free(p->ring);
	ring_buffer__free(p->mcp_ring);
	syscall_latency__destroy(p->skel); /* detaches every link */
	free(p->stages);
	if (p->epoll_fd >= 0)
		close(p->epoll_fd);
	if (p->wake_fd >= 0)
		close(p->wake_fd);
	pthread_mutex_destroy(&p->drain_lock);
	free(p);
}

/* Into the caller's batch while it has room, the rest of the sample into carry (still unread). */
static void take_record(struct probe *p, const void *record)
{
	if (p->count < p->capacity) {
		memcpy(p->batch + (size_t)p->count++ * sizeof(struct syscall_event), record, sizeof(struct syscall_event));
		__atomic_store_n(&p->consumed, p->consumed + 1, __ATOMIC_RELEASE);
	} else {
		memcpy(&p->carry[p->carry_count++], record, sizeof(struct syscall_event));
	}
}

/* A sample is 1..MLP_STAGE_RECORDS records: a CPU's staging slot, or one written directly. */
static int copy_records(void *ctx, void *data, size_t size)
{
	struct probe *p = ctx;
	size_t n = size / sizeof(struct syscall_event);

	if (size % sizeof(struct syscall_event) || n == 0 || n > MLP_STAGE_RECORDS)
		return 0; /* cannot happen with our program; never copy a partial record */
	for (size_t i = 0; i < n; i++)
		take_record(p, (const char *)data + i * sizeof(struct syscall_event));
	/* A negative return stops libbpf after this sample, which it has already consumed. */
	return p->count == p->capacity ? -ENOSPC : 0;
}

/* ---- --mcp: the payload ring ---- */

int mlp_mcp_record_max(void) { return MCP_RECORD_MAX; }
int mlp_mcp_counter_count(void) { return MCP_COUNTER_COUNT; }

int mlp_mcp_record_layout(int32_t *offsets, int32_t capacity)
{
	const int32_t layout[] = {
		sizeof(struct mcp_payload_event),
		offsetof(struct mcp_payload_event, ts_ns),
		offsetof(struct mcp_payload_event, len),
		offsetof(struct mcp_payload_event, tgid),
		offsetof(struct mcp_payload_event, tid),
		offsetof(struct mcp_payload_event, fd),
		offsetof(struct mcp_payload_event, nr),
		offsetof(struct mcp_payload_event, head_len),
		offsetof(struct mcp_payload_event, tail_len),
		offsetof(struct mcp_payload_event, dir),
		offsetof(struct mcp_payload_event, fd_kind),
		offsetof(struct mcp_payload_event, flags),
		MCP_HEAD_BYTES,
		MCP_TAIL_BYTES,
	};
	return copy_layout(layout, sizeof(layout) / sizeof(layout[0]), offsets, capacity);
}

/*
 * Without --mcp the payload hooks in the main programs are removed by the verifier (mcp_on is
 * read-only data) and the payload ring is the smallest possible: the main programs reference the
 * maps, so they exist either way.
 */
static void mcp_configure(struct syscall_latency *skel, int on, uint32_t ring_bytes)
{
	skel->rodata->mcp_on = !!on;
	bpf_map__set_max_entries(skel->maps.mcp_events, on ? ring_bytes : (uint32_t)sysconf(_SC_PAGESIZE));
	skel->data->mcp_wakeup_bytes = on ? ring_bytes / 4 : 0;
}

/* A batch entry: a 4-byte record size, 4 bytes of padding, the record, padding to 8 bytes. */
#define MCP_ENTRY_HDR 8
#define MCP_ENTRY_MAX ((MCP_ENTRY_HDR + MCP_RECORD_MAX + 7) & ~7)

static int copy_mcp_record(void *ctx, void *data, size_t size)
{
	struct probe *p = ctx;
	char *at = p->mcp_batch + p->mcp_used;
	uint32_t len = size;

	if (size < sizeof(struct mcp_payload_event) || size > MCP_RECORD_MAX)
		return 0; /* cannot happen with our program */
	memcpy(at, &len, sizeof(len));
	memset(at + 4, 0, 4);
	memcpy(at + MCP_ENTRY_HDR, data, size);
	p->mcp_used += (MCP_ENTRY_HDR + size + 7) & ~7;
	p->mcp_count++;
	/* Stop while the largest record still fits: libbpf consumes the record it hands over. */
	return p->mcp_capacity - p->mcp_used < MCP_ENTRY_MAX ? -ENOSPC : 0;
}

/*
 * The probe's PID namespace, for the BPF side to filter and report in it: *ino stays 0 in the
 * initial namespace. Elsewhere the PIDs the Java side reads from /proc must be that namespace's
 * too, or the PIDs it registers would be of another namespace.
 */
static int pid_namespace(uint64_t *dev, uint64_t *ino)
{
	char self[32];
	struct stat st;
	ssize_t len;

	*dev = *ino = 0;
	if (stat(PID_NS_PATH, &st))
		return fail(-errno, "cannot tell the probe's PID namespace (%s: %s): mount /proc, or " PIDNS_HINT,
			    PID_NS_PATH, strerror(errno));
	if (st.st_ino == PROC_PID_INIT_INO)
		return 0;
	len = readlink("/proc/self", self, sizeof(self) - 1);
	if (len <= 0 || (self[len] = 0, strtol(self, NULL, 10) != getpid()))
		return fail(EXDEV, "/proc is not mounted for the probe's PID namespace: mount it there "
			    "(unshare --pid --fork --mount-proc), or " PIDNS_HINT);
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

static int task_storage_supported(void)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) != 0;
}

static int probe_load(struct probe *p, uint32_t ring_bytes, uint32_t flags, uint32_t exclude_tgid)
{
	struct syscall_latency *skel;
	struct epoll_event ev = { .events = EPOLLIN };
	uint64_t pidns_dev, pidns_ino;
	int err, use_storage;

	err = pid_namespace(&pidns_dev, &pidns_ino);
	if (err)
		return err;
	skel = syscall_latency__open();
	if (!skel)
		return error_with_privileges(-errno, "opening the BPF object");
	p->skel = skel;

	use_storage = !(flags & MLP_OPEN_FORCE_HASH) && task_storage_supported();
	if ((flags & MLP_OPEN_MCP) && !use_storage)
		return fail(ENOTSUP, "--mcp needs BPF task storage (kernel >= 5.11), which %s",
			    flags & MLP_OPEN_FORCE_HASH ? "the tid-hash fallback does not use" : "this kernel lacks");
	mcp_configure(skel, flags & MLP_OPEN_MCP, ring_bytes);
	p->mode = use_storage ? MLP_MODE_TASK_STORAGE : MLP_MODE_TID_HASH;
	bpf_program__set_autoload(skel->progs.mlp_enter, use_storage);
	bpf_program__set_autoload(skel->progs.mlp_exit, use_storage);
	bpf_program__set_autoload(skel->progs.mlp_hash_enter, !use_storage);
	bpf_program__set_autoload(skel->progs.mlp_hash_exit, !use_storage);
	bpf_program__set_autoattach(skel->progs.mlp_flush, false); /* run by the consumer, attached nowhere */
	if (use_storage)
		bpf_map__set_max_entries(skel->maps.tid_states, 1); /* referenced by the exit hook, unused */
	else {
		bpf_map__set_autocreate(skel->maps.task_states, false);
		bpf_map__set_autocreate(skel->maps.mcp_threads, false); /* both used by the task-storage pair only */
	}

	err = bpf_map__set_max_entries(skel->maps.events, ring_bytes);
	if (err)
		return fail(err, "setting the ring buffer size to %u bytes: %s", ring_bytes, strerror(-err));
	skel->rodata->exclude_tgid = exclude_tgid;
	skel->rodata->pidns_dev = pidns_dev;
	skel->rodata->pidns_ino = pidns_ino;
	skel->rodata->trace_all = !!(flags & MLP_OPEN_TRACE_ALL);
	skel->rodata->follow_children = !!(flags & MLP_OPEN_FOLLOW_CHILDREN);
	/* Wake the consumer early only when a quarter of the ring is pending; it drains on its timer otherwise. */
	skel->rodata->wakeup_bytes = ring_bytes / 4;

	err = syscall_latency__load(skel);
	if (err && pidns_ino && err != -EPERM && err != -EACCES) /* e.g. a kernel without bpf_get_ns_current_pid_tgid */
		return error_with_privileges(err, "loading the BPF program for a PID namespace other than the host's; "
					     PIDNS_HINT);
	if (err)
		return error_with_privileges(err, "loading the BPF program");

	p->flush_fd = bpf_program__fd(skel->progs.mlp_flush);
	p->cpus = libbpf_num_possible_cpus();
	if (p->cpus <= 0)
		return fail(p->cpus < 0 ? p->cpus : EINVAL, "cannot count the possible CPUs");
	p->stages = calloc(p->cpus, sizeof(*p->stages));
	if (!p->stages)
		return fail(ENOMEM, "out of memory");
	p->ring = ring_buffer__new(bpf_map__fd(skel->maps.events), copy_records, p, NULL);
	if (!p->ring)
		return error_with_privileges(-errno, "mapping the ring buffer");
	if (flags & MLP_OPEN_MCP) {
		p->mcp_ring = ring_buffer__new(bpf_map__fd(skel->maps.mcp_events), copy_mcp_record, p, NULL);
		if (!p->mcp_ring)
			return error_with_privileges(-errno, "mapping the payload ring buffer");
	}
	p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (p->wake_fd < 0 || p->epoll_fd < 0)
		return fail(-errno, "creating the poll descriptors: %s", strerror(errno));
	if (epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(p->ring), &ev) ||
	    epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, p->wake_fd, &ev))
		return fail(-errno, "epoll_ctl: %s", strerror(errno));
	return 0;
}

int mlp_open(uint32_t ring_bytes, uint32_t flags, uint32_t exclude_tgid)
{
	long page = sysconf(_SC_PAGESIZE);
	struct probe *p;
	int err, index = -1;

	pthread_once(&init_once, init);
	last_error[0] = 0;
	libbpf_log[0] = 0;
	if (ring_bytes < (uint32_t)page || (ring_bytes & (ring_bytes - 1)))
		return fail(EINVAL, "ring buffer size %u is not a power of two of at least %ld bytes", ring_bytes, page);

	p = calloc(1, sizeof(*p));
	if (!p)
		return fail(ENOMEM, "out of memory");
	p->epoll_fd = p->wake_fd = -1;
	pthread_mutex_init(&p->drain_lock, NULL);
	err = probe_load(p, ring_bytes, flags, exclude_tgid);
	if (err) {
		probe_free(p);
		return err;
	}

	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < MAX_PROBES; i++) {
		if (!slots[i].probe) {
			index = i;
			break;
		}
	}
	if (index < 0) {
		pthread_mutex_unlock(&slots_lock);
		probe_free(p);
		return fail(EMFILE, "too many open probes (at most %d)", MAX_PROBES);
	}
	pthread_rwlock_wrlock(&slots[index].lock);
	slots[index].probe = p;
	slots[index].wake_fd = p->wake_fd;
	pthread_rwlock_unlock(&slots[index].lock);
	err = handle_of(index);
	pthread_mutex_unlock(&slots_lock);
	return err;
}

int mlp_attach(int handle)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	int err;

	if (!p)
		return -EBADF;
	libbpf_log[0] = 0;
	err = syscall_latency__attach(p->skel);
	if (err)
		err = error_with_privileges(err, "attaching the BPF programs");
	release(slot);
	return err;
}

int mlp_close(int handle)
{
	unsigned int raw = (unsigned int)handle - 1;
	struct slot *slot;
	struct probe *p;
	uint64_t one = 1;

	pthread_once(&init_once, init);
	if (handle <= 0)
		return fail(EBADF, "invalid probe handle %d", handle);
	slot = &slots[raw & (MAX_PROBES - 1)];
	pthread_mutex_lock(&slots_lock);
	if (!slot->probe || slot->generation != raw >> SLOT_BITS) {
		pthread_mutex_unlock(&slots_lock);
		return 0; /* closing twice is not an error */
	}
	/* Wake a poller blocked in epoll_wait so it lets go of the read lock. */
	if (write(slot->wake_fd, &one, sizeof(one)) < 0) { /* cannot fail on a live eventfd */ }
	pthread_rwlock_wrlock(&slot->lock);
	p = slot->probe;
	slot->probe = NULL;
	slot->wake_fd = -1;
	slot->generation = (slot->generation + 1) & ((1u << (31 - SLOT_BITS)) - 1);
	pthread_rwlock_unlock(&slot->lock);
	pthread_mutex_unlock(&slots_lock);
	probe_free(p);
	return 0;
}

int mlp_kernel_mode(int handle)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	int mode;

	if (!p)
		return -EBADF;
	mode = p->mode;
	release(slot);
	return mode;
}

int mlp_program_count(int handle)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	struct bpf_program *prog;
	int n = 0;

	if (!p)
		return -EBADF;
	bpf_object__for_each_program(prog, p->skel->obj)
		n += bpf_program__autoload(prog);
	release(slot);
	return n;
}

/* ---- targets ---- */

/*
 * A process stops being traced. Its syscalls in flight
 * must not be joined to a later tracing of the same process: the kernel checks this record.
 */
static void untraced(struct probe *p, __u32 tgid)
{
	__u32 gen = __atomic_add_fetch(&p->skel->bss->untrace_gen, 1, __ATOMIC_SEQ_CST);

	bpf_map__update_elem(p->skel->maps.removed_tgids, &tgid, sizeof(tgid), &gen, sizeof(gen), BPF_ANY);
}

static int tgid_target(int handle, uint32_t tgid, int add)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	__u64 *word, bit = 1ULL << (tgid & 63);

	if (!p)
		return -EBADF;
	if (tgid == 0 || tgid >= MLP_TGID_WORDS * 64ULL) {
		release(slot);
		return fail(EINVAL, "PID %u is outside 1..%llu", tgid, MLP_TGID_WORDS * 64ULL - 1);
	}
	word = &p->skel->bss->traced_tgids[tgid >> 6];
	if (add) {
		__atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST);
	} else if (__atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST) & bit) {
		untraced(p, tgid);
	}
	release(slot);
	return 0;
}

int mlp_add_tgid(int handle, uint32_t tgid) { return tgid_target(handle, tgid, 1); }
int mlp_remove_tgid(int handle, uint32_t tgid) { return tgid_target(handle, tgid, 0); }

/* cgroup ids and command names are matched by the lifecycle hooks as processes fork, exec and move. */
static int map_target(int handle, int is_comm, const void *key, int add)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	struct bpf_map *map;
	__u8 value = 1;
	int err;

	if (!p)
		return -EBADF;
	map = is_comm ? p->skel->maps.target_comms : p->skel->maps.target_cgroups;
	err = add ? bpf_map__update_elem(map, key, bpf_map__key_size(map), &value, sizeof(value), BPF_ANY)
		  : bpf_map__delete_elem(map, key, bpf_map__key_size(map), 0);
	if (err == -ENOENT && !add)
		err = 0; /* removing what is not there */
	if (err == -E2BIG || err == -ENOMEM)
		err = fail(err, "too many %s targets (at most %u)", is_comm ? "command name" : "cgroup", bpf_map__max_entries(map));
	else if (err)
		err = fail(err, "updating the %s targets: %s", is_comm ? "command name" : "cgroup", strerror(-err));
	else if (add && is_comm)
		p->skel->bss->use_comms = 1;
	else if (add)
		p->skel->bss->use_cgroups = 1;
	/* Removing a cgroup or name untraces nobody: the processes it selected keep their bits. */
	release(slot);
	return err;
}

int mlp_add_cgroup(int handle, uint64_t cgroup_id) { return map_target(handle, 0, &cgroup_id, 1); }
int mlp_remove_cgroup(int handle, uint64_t cgroup_id) { return map_target(handle, 0, &cgroup_id, 0); }

static int comm_target(int handle, const char *comm, int add)
{
	char key[MLP_COMM_LEN] = {};

	if (!comm || !comm[0])
		return fail(EINVAL, "empty command name");
	/* The kernel keeps only the first 15 bytes of a command name. */
	strncpy(key, comm, MLP_COMM_LEN - 1);
	return map_target(handle, 1, key, add);
}

int mlp_add_comm(int handle, const char *comm) { return comm_target(handle, comm, 1); }
int mlp_remove_comm(int handle, const char *comm) { return comm_target(handle, comm, 0); }

int mlp_set_syscall_filter(int handle, const uint64_t *mask, int32_t words)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);

	if (!p)
		return -EBADF;
	if (words < 0 || words > MLP_SYSCALL_MASK_WORDS) {
		release(slot);
		return fail(EINVAL, "syscall mask has %d words, at most %d", words, MLP_SYSCALL_MASK_WORDS);
	}
	p->skel->bss->syscall_filter_on = 0;
	for (int i = 0; i < MLP_SYSCALL_MASK_WORDS; i++)
		p->skel->bss->syscall_mask[i] = mask && i < words ? mask[i] : 0;
	p->skel->bss->syscall_filter_on = mask && words > 0;
	release(slot);
	return 0;
}

/* ---- draining ---- */

/* Reads every CPU's staging slot (the whole per-CPU value) into stages[0..p->cpus). */
static int read_stages(struct probe *p, struct mlp_stage *stages)
{
	__u32 zero = 0;
	int err = bpf_map__lookup_elem(p->skel->maps.stages, &zero, sizeof(zero), stages,
				       (size_t)p->cpus * sizeof(*stages), 0);

	return err ? fail(err, "reading the staging map: %s", strerror(-err)) : 0;
}

/*
 * Runs mlp_flush on every CPU that has records staged, so that they reach the ring without
 * waiting for that CPU to stage more. A CPU that is offline keeps its records until it is back.
 */
static int flush_stages(struct probe *p)
{
	int err = read_stages(p, p->stages);

	if (err)
		return err;
	for (int cpu = 0; cpu < p->cpus; cpu++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

		if (!p->stages[cpu].count)
			continue;
		err = bpf_prog_test_run_opts(p->flush_fd, &opts);
		if (err && errno != ENXIO) /* ENXIO: the CPU is offline */
			return fail(-errno, "flushing the records staged on CPU %d: %s", cpu, strerror(errno));
	}
	return 0;
}

static int consume(struct probe *p)
{
	int err = ring_buffer__consume(p->ring);

	if (err < 0 && err != -ENOSPC)
		return fail(err, "reading the ring buffer: %s", strerror(-err));
	return 0;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The carried-over records, then the ring, into the caller's batch while it has room. */
static int take(struct probe *p)
{
	while (p->carry_at < p->carry_count && p->count < p->capacity) {
		memcpy(p->batch + (size_t)p->count++ * sizeof(struct syscall_event), &p->carry[p->carry_at++],
		       sizeof(struct syscall_event));
		__atomic_store_n(&p->consumed, p->consumed + 1, __ATOMIC_RELEASE);
	}
	if (p->count == p->capacity)
		return 0;
	p->carry_at = p->carry_count = 0;
	return consume(p);
}

/*
 * Fills the batch from the ring. A batch that does not fill was taken after a flush of every
 * CPU's staged records: the caller has every record made before the flush, which a final drain
 * relies on. Flushes are spaced FLUSH_INTERVAL_MS apart: a consumer that keeps up waits for the
 * rest of the interval (or up to timeout_ms when nothing came at all) before it flushes.
 */
static int drain(struct probe *p, void *buffer, int32_t capacity, int32_t timeout_ms)
{
	struct epoll_event events[2];
	int err, wait_ms = 0;

	p->batch = buffer;
	p->capacity = capacity;
	p->count = 0;
	err = take(p);
	if (err || p->count == capacity)
		return err ? err : p->count;
	if (p->count == 0) {
		wait_ms = timeout_ms; /* records are submitted without wakeups: the timeout is the consumer's timer */
	} else if (timeout_ms != 0) {
		uint64_t since = monotonic_ns() - p->flushed_ns;

		if (since < FLUSH_INTERVAL_MS * 1000000ULL)
			wait_ms = FLUSH_INTERVAL_MS - (int)(since / 1000000);
		if (timeout_ms > 0 && wait_ms > timeout_ms)
			wait_ms = timeout_ms;
	}
	if (wait_ms != 0) {
		if (epoll_wait(p->epoll_fd, events, 2, wait_ms) < 0 && errno != EINTR)
			return fail(-errno, "epoll_wait: %s", strerror(errno));
		err = take(p);
		if (err || p->count == capacity)
			return err ? err : p->count;
	}
	err = flush_stages(p);
	p->flushed_ns = monotonic_ns();
	if (!err)
		err = consume(p);
	return err ? err : p->count;
}

int mlp_poll(int handle, void *buffer, int64_t buffer_bytes, int32_t capacity, int32_t timeout_ms)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	int n;

	if (!p)
		return -EBADF;
	if (!buffer || capacity <= 0) {
		release(slot);
		return fail(EINVAL, "poll needs a buffer and a capacity > 0");
	}
	/* Never trust the caller's count alone: the records must fit the bytes it says it has. */
	if (buffer_bytes < 0 || (uint64_t)capacity > (uint64_t)buffer_bytes / sizeof(struct syscall_event)) {
		release(slot);
		return fail(EINVAL, "a buffer of %lld bytes cannot hold %d records of %zu bytes",
			    (long long)buffer_bytes, capacity, sizeof(struct syscall_event));
	}
	pthread_mutex_lock(&p->drain_lock);
	n = drain(p, buffer, capacity, timeout_ms);
	pthread_mutex_unlock(&p->drain_lock);
	release(slot);
	return n;
}

/*
 * Sums the per-CPU array map `map`, whose one value is `count` u64 counters, into
 * out[0..min(count, capacity)); returns how many were written, or -errno.
 */
static int sum_per_cpu(const struct bpf_map *map, int count, uint64_t *out, int32_t capacity, const char *what)
{
	int cpus = libbpf_num_possible_cpus();
	uint64_t *per_cpu;
	__u32 zero = 0;
	int err, n;

	if (cpus <= 0 || !out)
		return fail(EINVAL, "cannot read %s", what);
	per_cpu = calloc((size_t)cpus * count, sizeof(*per_cpu));
	if (!per_cpu)
		return fail(ENOMEM, "cannot read %s", what);
	err = bpf_map__lookup_elem(map, &zero, sizeof(zero), per_cpu, (size_t)cpus * count * sizeof(*per_cpu), 0);
	if (err) {
		free(per_cpu);
		return fail(err, "reading %s: %s", what, strerror(-err));
	}
	for (n = 0; n < count && n < capacity; n++) {
		out[n] = 0;
		for (int c = 0; c < cpus; c++)
			out[n] += per_cpu[(size_t)c * count + n];
	}
	free(per_cpu);
	return n;
}

int mlp_read_counters(int handle, uint64_t *out, int32_t capacity)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	uint64_t sums[MLP_COUNTER_COUNT];
	struct mlp_stage *stages;
	int n;

	if (!p)
		return -EBADF;
	if (!out || capacity < 0) {
		release(slot);
		return fail(EINVAL, "cannot read counters into %d slots", capacity);
	}
	/* The drops first: a record is made before it can be dropped, so made - dropped never undercounts. */
	n = sum_per_cpu(p->skel->maps.counters, MLP_COUNTER_COUNT, sums, MLP_COUNTER_COUNT, "counters");
	stages = calloc(p->cpus, sizeof(*stages)); /* not p->stages: that is the drainer's, under drain_lock */
	if (n >= 0 && !stages)
		n = fail(ENOMEM, "out of memory");
	if (n >= 0)
		n = read_stages(p, stages);
	if (n >= 0) {
		uint64_t made = 0;

		for (int cpu = 0; cpu < p->cpus; cpu++)
			made += stages[cpu].made + stages[cpu].made_direct;
		/* Records made and not dropped: in the ring, staged on a CPU, or read. */
		sums[MLP_EMITTED] = made - sums[MLP_DROPPED];
		for (n = 0; n < MLP_COUNTER_COUNT && n < capacity; n++)
			out[n] = sums[n];
		/* One more slot, when asked for: records not read yet (exact on the consuming thread). */
		if (capacity > MLP_COUNTER_COUNT) {
			out[MLP_COUNTER_COUNT] = sums[MLP_EMITTED] - __atomic_load_n(&p->consumed, __ATOMIC_ACQUIRE);
			n++;
		}
	}
	free(stages);
	release(slot);
	return n;
}

/* ---- --mcp: draining and configuration ---- */

int mlp_poll_mcp(int handle, void *buffer, int32_t capacity_bytes)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	int err, n;

	if (!p)
		return -EBADF;
	if (!p->mcp_ring) {
		release(slot);
		return fail(EINVAL, "the probe was opened without MLP_OPEN_MCP");
	}
	if (!buffer || capacity_bytes < (int32_t)MCP_ENTRY_MAX) {
		release(slot);
		return fail(EINVAL, "poll_mcp needs a buffer of at least %d bytes", (int)MCP_ENTRY_MAX);
	}
	pthread_mutex_lock(&p->drain_lock);
	p->mcp_batch = buffer;
	p->mcp_capacity = capacity_bytes;
	p->mcp_used = 0;
	p->mcp_count = 0;
	err = ring_buffer__consume(p->mcp_ring);
	n = err < 0 && err != -ENOSPC ? fail(err, "reading the payload ring: %s", strerror(-err)) : p->mcp_count;
	pthread_mutex_unlock(&p->drain_lock);
	release(slot);
	return n;
}

int mlp_read_mcp_counters(int handle, uint64_t *out, int32_t capacity)
{
	struct slot *slot;
	struct probe *p = acquire(handle, &slot);
	int n;

	if (!p)
		return -EBADF;
	if (!p->mcp_ring || !out) {
		release(slot);
		return fail(EINVAL, "no payload counters: the probe was opened without MLP_OPEN_MCP");
	}
	n = sum_per_cpu(p->skel->maps.mcp_counters, MCP_COUNTER_COUNT, out, capacity, "payload counters");
	release(slot);
	return n;
}
