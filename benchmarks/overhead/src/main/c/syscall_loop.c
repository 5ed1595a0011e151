// SPDX-License-Identifier: Apache-2.0
/*
 * The measured workload: syscall(SYS_getppid) in a loop, the cheapest real syscall,
 * so whatever a tracer adds per syscall shows up undiluted.
 *
 *   syscall_loop -n COUNT [-k ROUNDS] [-p PAUSE_MS]
 *                                      prints "CPU_NS WALL_NS" per syscall for each round of COUNT
 *                                      calls, pausing PAUSE_MS between rounds
 *   syscall_loop -s SECONDS [-r RATE]   runs for SECONDS (at most RATE calls/s), prints calls and calls/s
 *   -m pipe                            instead of getppid, each call is a write of an MCP ping
 *                                      request (41 bytes of JSON-RPC) into a pipe and its read back:
 *                                      the per-call figures are then per syscall (half a pair)
 *
 * Time is read with clock_gettime through the vDSO: no syscall of its own. CPU_NS is this thread's
 * CPU time (user + system, which includes the BPF programs run in its syscalls) per call: on a
 * shared machine it leaves out the time other processes took the CPU away, which WALL_NS does not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#define PACE_BATCH 100          /* calls between two looks at the clock when paced */
#define SLEEP_ABOVE_NS 200000   /* ahead of schedule by more than this: sleep instead of spinning */

static long long clock_ns(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

/* -m pipe: a write and a read of a JSON-RPC line over a pipe, the data path --mcp copies. */
static int pipe_mode;
static int pipe_fds[2];
static const char ping[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n";

static void one_call(void)
{
	char buf[sizeof(ping)];

	if (!pipe_mode) {
		syscall(SYS_getppid);
		return;
	}
	if (write(pipe_fds[1], ping, sizeof(ping) - 1) < 0 || read(pipe_fds[0], buf, sizeof(buf)) < 0) {
		perror("pipe");
		exit(1);
	}
}

static void usage(const char *self)
{
	fprintf(stderr, "usage: %s [-m pipe] -n COUNT [-k ROUNDS] [-p PAUSE_MS] | -s SECONDS [-r CALLS_PER_SECOND]\n", self);
	exit(2);
}

static void count_rounds(long count, int rounds, int pause_ms)
{
	for (int r = 0; r < rounds; r++) {
		if (r > 0 && pause_ms > 0) {
			struct timespec pause = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };

			nanosleep(&pause, NULL);
		}
		long long cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID), start = now_ns();

		for (long i = 0; i < count; i++)
			one_call();
		/* Per syscall: a pipe call is two of them. */
		long syscalls = pipe_mode ? 2 * count : count;

		printf("%.1f %.1f\n", (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu) / syscalls,
		       (double)(now_ns() - start) / syscalls);
		fflush(stdout);
	}
}

static void timed(double seconds, double rate)
{
	long long start = now_ns(), end = start + (long long)(seconds * 1e9), now = start;
	long calls = 0;

	while (now < end) {
		for (int i = 0; i < PACE_BATCH; i++)
			one_call();
		calls += PACE_BATCH;
		now = now_ns();
		if (rate > 0) {
			long long due = start + (long long)(calls * 1e9 / rate);

			while (now < due && now < end) {
				if (due - now > SLEEP_ABOVE_NS) {
					struct timespec d = { 0, due - now < 999999999 ? due - now : 999999999 };
					nanosleep(&d, NULL);
				}
				now = now_ns();
			}
		}
	}
	printf("calls %ld seconds %.3f calls_per_s %.0f\n", calls, (now - start) / 1e9, calls / ((now - start) / 1e9));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long count = 0;
	int rounds = 1, pause_ms = 0, opt;
	double seconds = 0, rate = 0;

	while ((opt = getopt(argc, argv, "n:k:p:s:r:m:")) != -1) {
		switch (opt) {
		case 'm':
			if (strcmp(optarg, "pipe"))
				usage(argv[0]);
			pipe_mode = 1;
			break;
		case 'p': pause_ms = atoi(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'k': rounds = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		default: usage(argv[0]);
		}
	}
	if ((count > 0) == (seconds > 0) || rounds < 1)
		usage(argv[0]);
	if (pipe_mode && pipe(pipe_fds)) {
		perror("pipe");
		return 1;
	}
	if (count > 0)
		count_rounds(count, rounds, pause_ms);
	else
		timed(seconds, rate);
	return 0;
}
