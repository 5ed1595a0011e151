/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The layout of the --mcp payload records, shared by the BPF program and the shim: written once,
 * here. The Java decoder's offsets are checked against it by a test (mlp_mcp_record_layout()).
 */
#ifndef MLP_MCP_PAYLOAD_H
#define MLP_MCP_PAYLOAD_H

#define MCP_HEAD_BYTES 512 /* the first bytes of a read or write; a power of two */
#define MCP_TAIL_BYTES 128 /* the last bytes, where responses put "id" */
#define MCP_MAX_IOV 8      /* iovecs walked for readv/writev/recvmsg/sendmsg */

enum mcp_direction {
	MCP_DIR_READ = 1,  /* read/readv/recvfrom/recvmsg, at fexit: ts_ns is when the data was in */
	MCP_DIR_WRITE = 2, /* write/writev/sendto/sendmsg, at fentry: ts_ns is when sending began */
};

enum mcp_fd_kind {
	MCP_FD_PIPE = 1,
	MCP_FD_SOCKET = 2,
};

/* flags */
#define MCP_F_LEN_UNKNOWN 0x1 /* more iovecs than MCP_MAX_IOV: len counts the first ones only, no tail */

/*
 * One read or write of a traced process on a pipe or socket whose data can be JSON-RPC.
 * Variable size: the header, head_len bytes from the start of the data, then tail_len bytes that
 * end at its last byte. head_len + tail_len < len means the middle was not copied; the two never
 * overlap.
 */
struct mcp_payload_event {
	__u64 ts_ns;             /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u64 len;               /* bytes read (the return value) or bytes given to write */
	__u32 tgid;
	__u32 tid;
	__s32 fd;
	__u32 nr;                /* the syscall */
	__u16 head_len;
	__u16 tail_len;
	__u8 dir;                /* enum mcp_direction */
	__u8 fd_kind;            /* enum mcp_fd_kind */
	__u8 flags;
	__u8 pad;
	/* head_len + tail_len bytes follow */
};

#define MCP_RECORD_MAX (sizeof(struct mcp_payload_event) + MCP_HEAD_BYTES + MCP_TAIL_BYTES)

/* Per-CPU counters of the payload hooks. */
enum mcp_counter {
	MCP_EMITTED = 0,     /* records submitted */
	MCP_DROPPED,         /* records lost because the payload ring was full */
	MCP_FILTERED,        /* reads/writes on pipes and sockets whose data cannot be JSON-RPC */
	MCP_COPY_FAILED,     /* the user buffer could not be read */
	MCP_COUNTER_COUNT,
};

struct mcp_counters {
	__u64 value[MCP_COUNTER_COUNT];
};

#endif
