/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --mcp: the payload hooks, called from the main sys_enter/sys_exit programs (included before them
 * in syscall_latency.bpf.c). mcp_on is read-only data fixed at load time: without --mcp the verifier
 * removes the hooks' code and the syscall path keeps only the flag's load (4 BPF instructions at
 * entry, 3 at exit); with it, a syscall other than the eight reads and writes costs a few compares.
 * Separate programs would cost a program run per syscall of every process, and fentry/fexit on the
 * syscall wrappers (which would hook only the eight) is refused by some kernels: loading even an
 * empty fentry program fails with EPERM on this project's 6.18 test kernel.
 *
 * For the reads (at exit: the data is in) and writes (at entry: the data is complete) of traced
 * processes on pipes and sockets they copy the first MCP_HEAD_BYTES and the last MCP_TAIL_BYTES of
 * the data into a second ring, when the data can be JSON-RPC (a JSON object or array, an SSE line,
 * an HTTP message, an HTTP chunk). The time spent in syscalls inside a request is computed in user
 * space from the main ring's records.
 */
#include "mcp_payload.h"

#if defined(__TARGET_ARCH_x86)
#define MCP_NR_READ 0
#define MCP_NR_WRITE 1
#define MCP_NR_READV 19
#define MCP_NR_WRITEV 20
#define MCP_NR_SENDTO 44
#define MCP_NR_RECVFROM 45
#define MCP_NR_SENDMSG 46
#define MCP_NR_RECVMSG 47
#elif defined(__TARGET_ARCH_arm64)
#define MCP_NR_READ 63
#define MCP_NR_WRITE 64
#define MCP_NR_READV 65
#define MCP_NR_WRITEV 66
#define MCP_NR_SENDTO 206
#define MCP_NR_RECVFROM 207
#define MCP_NR_SENDMSG 211
#define MCP_NR_RECVMSG 212
#else
#error "--mcp knows the syscall numbers of x86 and arm64 only"
#endif

#define MCP_S_IFMT 0170000
#define MCP_S_IFIFO 0010000
#define MCP_S_IFSOCK 0140000

const volatile __u32 mcp_on = 0; /* --mcp */
__u64 mcp_wakeup_bytes = 1 << 20;

/* Per thread, touched only by reads and writes on pipes and sockets. */
struct mcp_thread {
	/*
	 * The fd whose last read (write) this thread sent up may have ended inside a message (its
	 * last byte not a newline), plus one; 0: none. The next read (write) on it is sent up unfiltered:
	 * it continues that message, whatever its first bytes are.
	 */
	__s32 open_read_fd;
	__s32 open_write_fd;
};

/* Per CPU: the record being built, and the syscall's buffers for mcp_submit() (which takes no arguments). */
struct mcp_scratch {
	struct mcp_payload_event e;
	/* Room for a head copied at any offset below MCP_HEAD_BYTES, then the tail: the verifier's bounds. */
	__u8 data[2 * MCP_HEAD_BYTES + MCP_TAIL_BYTES];
	__u64 buf;   /* one buffer, when vec is 0 */
	__u64 vec;   /* an iovec array */
	__u64 total; /* a read's return value; unused for writes */
	__u32 cnt;   /* iovecs in vec */
	__u32 continues; /* in: the data continues a message sent up before: do not filter */
	__u32 open_end;  /* out: the data was sent up and ends inside a message */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by the shim before load */
} mcp_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct mcp_thread);
} mcp_threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mcp_scratch);
} mcp_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mcp_counters);
} mcp_counters SEC(".maps");

static __always_inline void mcp_count(enum mcp_counter which)
{
	__u32 zero = 0;
	struct mcp_counters *c = bpf_map_lookup_elem(&mcp_counters, &zero);

	if (c && which < MCP_COUNTER_COUNT)
		c->value[which]++;
}

/* Pipe or socket: the only files MCP travels over. Five dependent loads. */
static __always_inline __u8 mcp_fd_kind(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **files, *file = NULL;
	unsigned int mode;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	files = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &files[fd]) || !file)
		return 0;
	mode = BPF_CORE_READ(file, f_inode, i_mode) & MCP_S_IFMT;
	return mode == MCP_S_IFIFO ? MCP_FD_PIPE : mode == MCP_S_IFSOCK ? MCP_FD_SOCKET : 0;
}

static __always_inline int mcp_ws(__u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static __always_inline int mcp_hex(__u8 c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Can these bytes begin a JSON-RPC carrier? A JSON object or array, an SSE field (data:, event:,
 * id:), an HTTP request or response, or an HTTP chunk-size line. A permissive first cut: user space
 * parses strictly; this only keeps file contents and other protocols out of the ring. Reads 16
 * bytes as two words so the verifier sees few branches.
 */
static __always_inline int mcp_may_carry_jsonrpc(struct mcp_scratch *s, __u32 n)
{
	__u64 w = 0, w2 = 0;
	__u32 i = 0, j;
	__u8 c;

	for (; i < 8 && i < n && mcp_ws(s->data[i]); i++)
		;
	if (i >= n)
		return 0;
	i &= 15;
	__builtin_memcpy(&w, &s->data[i], 8);
	__builtin_memcpy(&w2, &s->data[i + 8], 8);
	c = w & 0xff;
	if (c == '{' || c == '[')
		return 1;
	if ((w & 0xffffffffffULL) == 0x3a61746164ULL)   /* "data:" */
		return 1;
	if ((w & 0xffffffffffffULL) == 0x3a746e657665ULL) /* "event:" */
		return 1;
	if ((w & 0xffffffULL) == 0x3a6469ULL)             /* "id:" */
		return 1;
	if ((w & 0xffffffffffULL) == 0x2f50545448ULL)   /* "HTTP/" */
		return 1;
	if ((w & 0xffffffffffULL) == 0x2054534f50ULL)   /* "POST " */
		return 1;
	/* An HTTP chunk: hex digits, then CR LF. */
	for (j = 0; j < 8; j++) {
		c = (w >> (8 * j)) & 0xff;
		if (!mcp_hex(c))
			break;
	}
	if (j == 0)
		return 0;
	if (j < 7)
		return ((w >> (8 * j)) & 0xffff) == 0x0a0d;
	if (j == 7)
		return ((w >> 56) & 0xff) == '\r' && (w2 & 0xff) == '\n';
	return (w2 & 0xffff) == 0x0a0d;
}

struct mcp_iov {
	__u64 base;
	__u64 len;
};

/* The walk over a syscall's iovecs, one bpf_loop() step per iovec (verified once, not unrolled). */
struct mcp_walk {
	__u64 vec;
	__u64 total;
	__u64 cum;
	__u64 end_base;
	__u64 end_off;
	__u64 prev_base; /* the non-empty iovec before the last: a tail may start there */
	__u64 prev_off;
	__u32 head;
	__u32 cnt;
	__u32 dir;
	__u32 failed;
};

static long mcp_walk_iov(__u32 i, void *ctx)
{
	struct mcp_walk *w = ctx;
	__u32 zero = 0, head = w->head, n;
	struct mcp_scratch *s = bpf_map_lookup_elem(&mcp_scratch, &zero);
	struct mcp_iov iov;

	if (!s || i >= w->cnt)
		return 1;
	if (!w->vec) {
		iov.base = s->buf;
		iov.len = w->total;
	} else if (bpf_probe_read_user(&iov, sizeof(iov), (void *)(w->vec + i * sizeof(iov)))) {
		w->failed = 1;
		return 1;
	}
	if (w->dir == MCP_DIR_READ && iov.len > w->total - w->cum)
		iov.len = w->total - w->cum; /* a read fills its iovecs in order */
	if (head < MCP_HEAD_BYTES && iov.len) {
		n = iov.len < MCP_HEAD_BYTES - head ? iov.len : MCP_HEAD_BYTES - head;
		if (n > MCP_HEAD_BYTES)
			n = MCP_HEAD_BYTES;
		if (bpf_probe_read_user(&s->data[head & (MCP_HEAD_BYTES - 1)], n, (void *)iov.base)) {
			w->failed = 1;
			return 1;
		}
		w->head = head + n;
	}
	if (iov.len) {
		w->prev_base = w->end_base;
		w->prev_off = w->end_off;
		w->end_base = iov.base;
		w->end_off = iov.len;
	}
	w->cum += iov.len;
	return w->dir == MCP_DIR_READ && w->cum >= w->total;
}

/*
 * Copies the head and tail of the data described in the scratch record (one buffer, or cnt iovecs)
 * and submits it if it can be JSON-RPC. A global function: the verifier checks it once, not at
 * every call site.
 */
__noinline int mcp_submit(void)
{
	__u32 zero = 0, head, tail = 0;
	struct mcp_scratch *s = bpf_map_lookup_elem(&mcp_scratch, &zero);
	struct mcp_walk w = {};
	__u64 sz, total, cum, end_base, end_off, prev_base, prev_off;
	__u8 flags = 0, dir;

	if (!s)
		return 0;
	s->open_end = 0;
	dir = s->e.dir;
	w.dir = dir;
	w.total = s->total;
	w.vec = s->vec;
	w.cnt = w.vec ? s->cnt : 1;
	if (w.cnt > MCP_MAX_IOV) {
		flags |= MCP_F_LEN_UNKNOWN;
		w.cnt = MCP_MAX_IOV;
	}
	bpf_loop(MCP_MAX_IOV, mcp_walk_iov, &w, 0);
	if (w.failed) {
		mcp_count(MCP_COPY_FAILED);
		return 0;
	}
	head = w.head;
	total = w.total;
	cum = w.cum;
	end_base = w.end_base;
	end_off = w.end_off;
	prev_base = w.prev_base;
	prev_off = w.prev_off;
	if (dir == MCP_DIR_WRITE)
		total = cum + (flags & MCP_F_LEN_UNKNOWN ? 1 : 0);
	if (head > MCP_HEAD_BYTES)
		head = MCP_HEAD_BYTES;
	if (!s->continues && !mcp_may_carry_jsonrpc(s, head)) {
		mcp_count(MCP_FILTERED);
		return 0;
	}
	/*
	 * The tail: the last bytes of the data, never overlapping the head, from the last iovec and the
	 * one before it (an HTTP chunk is often written as size line, data, CRLF: the id is in the data).
	 */
	if (!(flags & MCP_F_LEN_UNKNOWN) && total > head) {
		__u64 rest = total - head, want, early = 0, late;

		want = rest < MCP_TAIL_BYTES ? rest : MCP_TAIL_BYTES;
		late = want < end_off ? want : end_off;
		if (want > late && prev_off) {
			early = want - late;
			if (early > prev_off)
				early = prev_off;
			early &= 2 * MCP_TAIL_BYTES - 1;
			if (early > MCP_TAIL_BYTES)
				early = MCP_TAIL_BYTES;
			if (early && bpf_probe_read_user(&s->data[head], early, (void *)(prev_base + prev_off - early))) {
				mcp_count(MCP_COPY_FAILED);
				return 0;
			}
		}
		late &= 2 * MCP_TAIL_BYTES - 1;
		if (late > MCP_TAIL_BYTES - early)
			late = MCP_TAIL_BYTES - early;
		if (late && bpf_probe_read_user(&s->data[(head + early) & (2 * MCP_HEAD_BYTES - 1)], late,
						(void *)(end_base + end_off - late))) {
			mcp_count(MCP_COPY_FAILED);
			return 0;
		}
		tail = early + late;
	}
	s->e.ts_ns = bpf_ktime_get_ns();
	s->e.len = total;
	s->e.head_len = head;
	s->e.tail_len = tail;
	s->e.flags = flags;
	s->e.pad = 0;
	sz = sizeof(s->e) + head + tail;
	if (sz > sizeof(s->e) + MCP_HEAD_BYTES + MCP_TAIL_BYTES)
		return 0;
	if (head + tail > 0) {
		__u32 last = (head + tail - 1) & (2 * MCP_HEAD_BYTES - 1);
		__u8 c = s->data[last];

		s->open_end = c != '\n'; /* a '}' may close a nested object: only a line end is sure */
	}
	if (bpf_ringbuf_output(&mcp_events, s, sz,
			       bpf_ringbuf_query(&mcp_events, BPF_RB_AVAIL_DATA) >= mcp_wakeup_bytes ?
			       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP))
		mcp_count(MCP_DROPPED);
	else
		mcp_count(MCP_EMITTED);
	return 0;
}

/* Fills the scratch record's header for mcp_submit(). */
static __always_inline int mcp_prepare(struct mcp_thread *st, __u64 pid_tgid, __u8 dir, __u8 kind, int fd,
				       __u32 nr, __u64 buf, __u64 vec, __u32 cnt, __u64 total)
{
	__u32 zero = 0;
	struct mcp_scratch *s = bpf_map_lookup_elem(&mcp_scratch, &zero);

	if (!s)
		return -1;
	s->e.tgid = pid_tgid >> 32;
	s->e.tid = (__u32)pid_tgid;
	s->e.fd = fd;
	s->e.nr = nr;
	s->e.dir = dir;
	s->e.fd_kind = kind;
	s->buf = buf;
	s->vec = vec;
	s->cnt = cnt;
	s->total = total;
	s->continues = (dir == MCP_DIR_READ ? st->open_read_fd : st->open_write_fd) == fd + 1;
	return 0;
}

/* After mcp_submit(): remember whether this fd's data stopped inside a message. */
static __always_inline void mcp_after_submit(struct mcp_thread *st, __u8 dir, int fd)
{
	__u32 zero = 0;
	struct mcp_scratch *s = bpf_map_lookup_elem(&mcp_scratch, &zero);
	__s32 open = s && s->open_end ? fd + 1 : 0;

	if (dir == MCP_DIR_READ)
		st->open_read_fd = open;
	else
		st->open_write_fd = open;
}

/* The iovec array and its length inside a struct user_msghdr (sendmsg/recvmsg). */
static __always_inline int mcp_msghdr_iov(__u64 msg, __u64 *vec, __u32 *cnt)
{
	struct user_msghdr m;

	if (bpf_probe_read_user(&m, sizeof(m), (void *)msg))
		return -1;
	*vec = (__u64)m.msg_iov;
	*cnt = m.msg_iovlen;
	return 0;
}

/* The thread's state, if it is traced: 0 otherwise. */
static __always_inline struct mcp_thread *mcp_traced_thread(__u64 *pid_tgid)
{
	*pid_tgid = probe_ids(bpf_get_current_pid_tgid());
	if (!is_traced(*pid_tgid >> 32))
		return 0;
	return bpf_task_storage_get(&mcp_threads, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/*
 * Sends up the data of a write at entry (complete there, and its time stamp is when sending began;
 * total: its count) or of a read at exit (in by then; total: its return value), when the fd is a
 * pipe or a socket of a traced thread. The arguments are in the saved user registers either way.
 */
static __always_inline void mcp_copy(struct pt_regs *regs, long nr, __u8 dir, long ret)
{
	__u64 pid_tgid, a1, a2, a3, buf = 0, vec = 0;
	struct mcp_thread *st = mcp_traced_thread(&pid_tgid);
	__u32 cnt = 0;
	__u8 kind;

	if (!st)
		return;
	a1 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	a2 = PT_REGS_PARM2_CORE_SYSCALL(regs);
	a3 = PT_REGS_PARM3_CORE_SYSCALL(regs);
	kind = mcp_fd_kind((int)a1);
	if (!kind)
		return;
	if (nr == MCP_NR_READ || nr == MCP_NR_RECVFROM || nr == MCP_NR_WRITE || nr == MCP_NR_SENDTO)
		buf = a2;
	else if (nr == MCP_NR_READV || nr == MCP_NR_WRITEV)
		vec = a2, cnt = a3;
	else if (mcp_msghdr_iov(a2, &vec, &cnt) || !vec)
		return;
	if (!mcp_prepare(st, pid_tgid, dir, kind, (int)a1, nr, buf, vec, cnt, dir == MCP_DIR_WRITE ? a3 : ret)) {
		mcp_submit();
		mcp_after_submit(st, dir, (int)a1);
	}
}

static __always_inline int mcp_is_read(long nr)
{
	return nr == MCP_NR_READ || nr == MCP_NR_READV || nr == MCP_NR_RECVFROM || nr == MCP_NR_RECVMSG;
}

static __always_inline int mcp_is_write(long nr)
{
	return nr == MCP_NR_WRITE || nr == MCP_NR_WRITEV || nr == MCP_NR_SENDTO || nr == MCP_NR_SENDMSG;
}

/*
 * Called first thing in the main sys_enter program: before its time stamp, so a write's copy is not
 * part of the write's latency. Without --mcp the verifier removes it.
 */
static __always_inline void mcp_sys_enter(struct pt_regs *regs, long id)
{
	if (mcp_on && mcp_is_write(id))
		mcp_copy(regs, id, MCP_DIR_WRITE, 0);
}

/* Called last in the main sys_exit program: after its record, so a read's copy is not part of its latency. */
static __always_inline int mcp_sys_exit(struct pt_regs *regs, long ret)
{
	long nr;

	if (!mcp_on || ret <= 0)
		return 0;
	/* A direct load (regs is a BTF pointer here), not exit_nr()'s helper call: every exit pays it. */
#if defined(__TARGET_ARCH_x86)
	nr = regs->orig_ax;
#else
	nr = regs->syscallno;
#endif
	if (mcp_is_read(nr))
		mcp_copy(regs, nr, MCP_DIR_READ, ret);
	return 0;
}
