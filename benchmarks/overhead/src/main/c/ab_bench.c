// SPDX-License-Identifier: Apache-2.0
/*
 * A/B harness for variants of the probe's kernel side: one process, its loop thread pinned to one
 * CPU making getppid calls, and per variant, switched every few hundred ms in rotating order:
 *
 *   untraced                  nothing attached
 *   floor:OBJ:PREFIX          the programs of OBJ whose name starts with PREFIX (bpf_hold's floor)
 *   probe:LIB                 the shim LIB (dlopen'ed: each variant has its own) tracing this process,
 *                             drained by a consumer thread on the other CPU every 10 ms
 *   bystander:LIB             the same probe tracing another process (a paced getppid loop on the
 *                             other CPU) while this one runs untraced
 *
 * The Java pipeline is not in the loop: its consumer runs on the other CPU, so what the loop pays
 * is the kernel side, the same whichever language drains the ring. Switching in milliseconds
 * instead of JVM starts lets the variants share the machine's noise evenly.
 *
 *   ab_bench [-T] [-n CALLS] [-k SUBROUNDS] [-r ROUNDS] [-l LOOP_CPU] [-c CONSUMER_CPU] [-o OTHER_RATE] VARIANT...
 *
 * With -T (toggle), every variant must be probe:LIB: all of them are loaded and attached once,
 * and a round moves this process's PID from one variant's filter to the next, so the switch
 * costs microseconds and A and B alternate every sub-round. Each measurement then also pays the
 * other variants' bystander path: the same for all of them as long as that path is the same,
 * so compare the variants with each other, not with untraced.
 *
 * Prints per round and variant: "round R variant V cpu_ns C wall_ns W delivered D dropped X",
 * with C and W the fastest of the sub-rounds (interference only adds time).
 *
 * The machine may be shared: a tracing program loaded by someone else (a test run, a bpftrace)
 * makes every syscall dearer. A measurement starts only when no tracing-type BPF program is
 * loaded, and is taken again if one is loaded when it ends.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define RING_BYTES (8 << 20)   /* SyscallProbe.DEFAULT_RING_BYTES */
#define BATCH_RECORDS 4096     /* SyscallProbe.DEFAULT_BATCH_RECORDS */
#define POLL_MS 10             /* SyscallProbe.DEFAULT_POLL_INTERVAL */
#define RECORD_BYTES_MAX 64
#define QUIET_WAIT_MS 120000   /* how long to wait for someone else's tracer to go away */
#define UNLOAD_WAIT_MS 500     /* our own programs are freed shortly after their links close */
#define MAX_TRIES 3

struct shim {
	int (*open)(uint32_t, uint32_t, uint32_t);
	int (*attach)(int);
	int (*add_tgid)(int, uint32_t);
	int (*remove_tgid)(int, uint32_t);
	int (*poll)(int, void *, int64_t, int32_t, int32_t);
	int (*read_counters)(int, uint64_t *, int32_t);
	int (*close)(int);
	const char *(*last_error)(void);
	int (*record_size)(void);
};

struct consumer {
	struct shim *shim;
	int handle, cpu;
	volatile int stop;
	long delivered;
	char *buffer;
};

static long long clock_ns(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "ab_bench: %s: %s\n", what, detail);
	exit(1);
}

static struct shim *load_shim(const char *path)
{
	struct shim *s = calloc(1, sizeof(*s));
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		die("dlopen", dlerror());
#define SYM(field, name) if (!(*(void **)&s->field = dlsym(lib, name))) die("dlsym " name, path)
	SYM(open, "mlp_open");
	SYM(attach, "mlp_attach");
	SYM(add_tgid, "mlp_add_tgid");
	SYM(remove_tgid, "mlp_remove_tgid");
	SYM(poll, "mlp_poll");
	SYM(read_counters, "mlp_read_counters");
	SYM(close, "mlp_close");
	SYM(last_error, "mlp_last_error");
	SYM(record_size, "mlp_record_size");
#undef SYM
	return s;
}

/* BPF programs of the types a syscall tracer uses that are loaded now, ours included. */
static int tracers_loaded(void)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    (info.type == BPF_PROG_TYPE_TRACEPOINT || info.type == BPF_PROG_TYPE_RAW_TRACEPOINT ||
		     info.type == BPF_PROG_TYPE_TRACING || info.type == BPF_PROG_TYPE_KPROBE ||
		     info.type == BPF_PROG_TYPE_PERF_EVENT))
			n++;
		close(fd);
	}
	return n;
}

/*
 * Waits up to ms for no tracer to be loaded; returns 1 if none is. IGNORE_OTHER_TRACERS=1 (as in
 * lib.sh): never waits, for a machine where others trace all the time (their programs then cost
 * every variant the same, so the paired differences still hold).
 */
static int await_no_tracers(int ms)
{
	const char *ignore = getenv("IGNORE_OTHER_TRACERS");

	if (ignore && !strcmp(ignore, "1"))
		return 1;
	for (int waited = 0; waited <= ms; waited += 10) {
		if (tracers_loaded() == 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void *consume(void *arg)
{
	struct consumer *c = arg;

	pin(c->cpu);
	while (!c->stop) {
		int n = c->shim->poll(c->handle, c->buffer, (int64_t)BATCH_RECORDS * RECORD_BYTES_MAX, BATCH_RECORDS, POLL_MS);

		if (n < 0)
			break;
		c->delivered += n;
	}
	return NULL;
}

/* Runs the sub-rounds; returns the fastest CPU and wall ns per call. */
static void run_loop(long calls, int subrounds, double *cpu_ns, double *wall_ns)
{
	*cpu_ns = *wall_ns = 1e18;
	for (int k = 0; k < subrounds; k++) {
		long long c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), w0 = clock_ns(CLOCK_MONOTONIC);

		for (long i = 0; i < calls; i++)
			syscall(SYS_getppid);
		double c = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / calls;
		double w = (double)(clock_ns(CLOCK_MONOTONIC) - w0) / calls;
		if (c < *cpu_ns)
			*cpu_ns = c;
		if (w < *wall_ns)
			*wall_ns = w;
	}
}

static pid_t start_other(int cpu, const char *rate)
{
	char self[4096], loop[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	pid_t pid;

	if (n <= 0)
		die("readlink", strerror(errno));
	self[n] = 0;
	snprintf(loop, sizeof(loop), "%.*s/syscall_loop", (int)(strrchr(self, '/') - self), self);
	pid = fork();
	if (pid == 0) {
		pin(cpu);
		execl(loop, loop, "-s", "3600", "-r", rate, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int run_toggled(char **specs, int nvariants, struct shim **shims, long calls, int subrounds, int rounds,
		       int consumer_cpu)
{
	struct consumer *c = calloc(nvariants, sizeof(*c));
	pthread_t *threads = calloc(nvariants, sizeof(*threads));
	uint64_t (*before)[4] = calloc(nvariants, sizeof(*before));

	if (!await_no_tracers(QUIET_WAIT_MS))
		fprintf(stderr, "ab_bench: someone else's tracing programs are loaded; measuring anyway\n");
	for (int v = 0; v < nvariants; v++) {
		if (!shims[v])
			die("-T needs probe:LIB variants only", specs[v]);
		c[v] = (struct consumer){ .shim = shims[v], .cpu = consumer_cpu };
		c[v].handle = shims[v]->open(RING_BYTES, 0, 0);
		if (c[v].handle < 0 || shims[v]->attach(c[v].handle) < 0)
			die("loading", shims[v]->last_error());
		c[v].buffer = malloc((size_t)BATCH_RECORDS * RECORD_BYTES_MAX);
		pthread_create(&threads[v], NULL, consume, &c[v]);
	}
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < nvariants; i++) {
			int v = (i + r) % nvariants;
			long delivered = c[v].delivered;
			uint64_t counters[4];
			double cpu_ns, wall_ns;

			shims[v]->read_counters(c[v].handle, before[v], 4);
			if (shims[v]->add_tgid(c[v].handle, getpid()) < 0)
				die("mlp_add_tgid", shims[v]->last_error());
			run_loop(calls, subrounds, &cpu_ns, &wall_ns);
			if (shims[v]->remove_tgid(c[v].handle, getpid()) < 0)
				die("mlp_remove_tgid", shims[v]->last_error());
			usleep(2 * POLL_MS * 1000);
			shims[v]->read_counters(c[v].handle, counters, 4);
			printf("round %d variant %s cpu_ns %.1f wall_ns %.1f delivered %ld dropped %llu\n", r + 1, specs[v],
			       cpu_ns, wall_ns, c[v].delivered - delivered, (unsigned long long)(counters[1] - before[v][1]));
		}
	}
	for (int v = 0; v < nvariants; v++) {
		c[v].stop = 1;
		shims[v]->close(c[v].handle);
		pthread_join(threads[v], NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long calls = 200000;
	int subrounds = 5, rounds = 7, loop_cpu = 0, consumer_cpu = 1, opt, nvariants;
	const char *other_rate = "100000";
	struct shim **shims;

	int toggle = 0;

	while ((opt = getopt(argc, argv, "n:k:r:l:c:o:T")) != -1) {
		switch (opt) {
		case 'T': toggle = 1; break;
		case 'n': calls = atol(optarg); break;
		case 'k': subrounds = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'l': loop_cpu = atoi(optarg); break;
		case 'c': consumer_cpu = atoi(optarg); break;
		case 'o': other_rate = optarg; break;
		default: goto usage;
		}
	}
	nvariants = argc - optind;
	if (nvariants < 1)
		goto usage;
	shims = calloc(nvariants, sizeof(*shims));
	for (int v = 0; v < nvariants; v++) {
		const char *spec = argv[optind + v];

		if (!strncmp(spec, "probe:", 6))
			shims[v] = load_shim(spec + 6);
		else if (!strncmp(spec, "bystander:", 10))
			shims[v] = load_shim(spec + 10);
		else if (strcmp(spec, "untraced") && strncmp(spec, "floor:", 6))
			goto usage;
	}
	pin(loop_cpu);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (toggle)
		return run_toggled(argv + optind, nvariants, shims, calls, subrounds, rounds, consumer_cpu);

	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < nvariants; i++) {
			int v = (i + r) % nvariants; /* rotating order: no variant always first */
			const char *spec = argv[optind + v];
			int tries = 0, clean;
		again:;
			struct consumer c = { .shim = shims[v], .cpu = consumer_cpu, .handle = -1 };
			struct bpf_object *floor = NULL;
			struct bpf_link *floor_links[8] = {};
			int nlinks = 0;
			pthread_t consumer;
			uint64_t counters[4] = {};
			pid_t other = 0;
			double cpu_ns, wall_ns;

			if (!await_no_tracers(QUIET_WAIT_MS))
				fprintf(stderr, "ab_bench: someone else's tracing programs stayed loaded for %d s; measuring anyway\n",
					QUIET_WAIT_MS / 1000);
			if (!strncmp(spec, "floor:", 6)) {
				char obj[4096], *prefix;
				struct bpf_program *prog;

				snprintf(obj, sizeof(obj), "%s", spec + 6);
				prefix = strchr(obj, ':');
				if (!prefix)
					die("floor variant needs floor:OBJ:PREFIX", spec);
				*prefix++ = 0;
				floor = bpf_object__open_file(obj, NULL);
				if (!floor)
					die("opening", obj);
				bpf_object__for_each_program(prog, floor)
					bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog), prefix, strlen(prefix)));
				if (bpf_object__load(floor))
					die("loading", obj);
				bpf_object__for_each_program(prog, floor) {
					if (!bpf_program__autoload(prog) || nlinks == 8)
						continue;
					floor_links[nlinks] = bpf_program__attach(prog);
					if (!floor_links[nlinks++])
						die("attaching", bpf_program__name(prog));
				}
			} else if (c.shim) {
				int bystander = !strncmp(spec, "bystander:", 10);

				if (bystander)
					other = start_other(consumer_cpu, other_rate);
				c.handle = c.shim->open(RING_BYTES, 0, 0);
				if (c.handle < 0)
					die("mlp_open", c.shim->last_error());
				if (c.shim->add_tgid(c.handle, bystander ? (uint32_t)other : (uint32_t)getpid()) < 0)
					die("mlp_add_tgid", c.shim->last_error());
				if (c.shim->attach(c.handle) < 0)
					die("mlp_attach", c.shim->last_error());
				c.buffer = malloc((size_t)BATCH_RECORDS * RECORD_BYTES_MAX);
				pthread_create(&consumer, NULL, consume, &c);
			}

			run_loop(calls, subrounds, &cpu_ns, &wall_ns);

			if (c.shim) {
				usleep(3 * POLL_MS * 1000); /* let the consumer drain the tail */
				c.shim->read_counters(c.handle, counters, 4);
				c.stop = 1;
				c.shim->close(c.handle); /* wakes the consumer */
				pthread_join(consumer, NULL);
				free(c.buffer);
				if (other) {
					kill(other, SIGTERM);
					waitpid(other, NULL, 0);
				}
			}
			for (int l = 0; l < nlinks; l++)
				bpf_link__destroy(floor_links[l]); /* links belong to the caller, not the object */
			if (floor)
				bpf_object__close(floor);
			clean = await_no_tracers(UNLOAD_WAIT_MS);
			if (!clean && ++tries < MAX_TRIES) {
				fprintf(stderr, "ab_bench: a tracer of someone else's was loaded during %s: measuring again\n", spec);
				goto again;
			}
			printf("round %d variant %s cpu_ns %.1f wall_ns %.1f delivered %ld dropped %llu\n", r + 1, spec,
			       cpu_ns, wall_ns, c.delivered, (unsigned long long)counters[1]);
		}
	}
	return 0;

usage:
	fprintf(stderr, "usage: %s [-T] [-n CALLS] [-k SUBROUNDS] [-r ROUNDS] [-l LOOP_CPU] [-c CONSUMER_CPU] [-o OTHER_RATE]"
		" untraced | floor:OBJ:PREFIX | probe:LIB | bystander:LIB ...\n", argv[0]);
	return 2;
}
