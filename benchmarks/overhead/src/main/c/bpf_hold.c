// SPDX-License-Identifier: Apache-2.0
/*
 * Loads a BPF object, attaches (some of) its programs, drains its ring buffers on a 10 ms
 * timer like the probe's consumer, and holds everything until SIGINT/SIGTERM. Then prints,
 * per attached program, the kernel's run count and run time (with kernel.bpf_stats_enabled=1),
 * the records drained per ring, and the object's 4- and 8-byte .bss globals.
 *
 *   bpf_hold [-P PREFIX]... [-s NAME=VALUE]... OBJECT.bpf.o
 *
 * -P attaches only the programs whose name starts with PREFIX (default: all).
 * -s sets a `const volatile` global (in .rodata) of 4 or 8 bytes before load: the verifier then
 *    prunes the branches it disables, so one object holds several variants of a program.
 * Prints "ready" on stdout once attached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define MAX_PREFIXES 16
#define MAX_SETTINGS 16
#define MAX_RINGS 8
#define DRAIN_INTERVAL_NS 10000000L /* the probe's default poll interval */
#define COPY_BYTES (1 << 16)

static volatile sig_atomic_t stop;
static char copy[COPY_BYTES]; /* records are copied out, as the shim does into the caller's batch */

struct ring_count {
	const char *name;
	unsigned long long records, bytes;
};

static void on_signal(int sig) { (void)sig; stop = 1; }

static int copy_record(void *ctx, void *data, size_t size)
{
	struct ring_count *c = ctx;

	memcpy(copy, data, size < COPY_BYTES ? size : COPY_BYTES);
	c->records++;
	c->bytes += size;
	return 0;
}

static int wanted(const char *name, char **prefixes, int n)
{
	if (n == 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* Writes VALUE into the .rodata variable NAME: found through the object's BTF. */
static int set_rodata(struct bpf_object *obj, const char *setting)
{
	char name[128];
	const char *eq = strchr(setting, '=');
	unsigned long long value;
	struct bpf_map *map = NULL, *m;
	const struct btf_type *sec;
	const struct btf_var_secinfo *vs;
	struct btf *btf = bpf_object__btf(obj);
	size_t size;
	char *data;
	int id;

	if (!eq || eq - setting >= (long)sizeof(name)) {
		fprintf(stderr, "bad setting '%s': want NAME=VALUE\n", setting);
		return -1;
	}
	memcpy(name, setting, eq - setting);
	name[eq - setting] = 0;
	value = strtoull(eq + 1, NULL, 0);
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t len = strlen(n);

		if (len >= 7 && !strcmp(n + len - 7, ".rodata")) /* not .rodata.str1.1 */
			map = m;
	}
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!map || id < 0) {
		fprintf(stderr, "the object has no .rodata: cannot set %s\n", name);
		return -1;
	}
	data = (char *)bpf_map__initial_value(map, &size); /* writable until load, as a skeleton's rodata */
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size == 4)
			*(unsigned int *)(data + vs->offset) = (unsigned int)value;
		else if (vs->size == 8)
			*(unsigned long long *)(data + vs->offset) = value;
		else
			return fprintf(stderr, "%s is %u bytes: only 4 or 8 can be set\n", name, vs->size), -1;
		return 0;
	}
	fprintf(stderr, "no const volatile global named %s\n", name);
	return -1;
}

/* Prints "global NAME VALUE" for each 4- or 8-byte variable in the object's .bss. */
static void print_bss(struct bpf_object *obj)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map = NULL, *m;
	char *data;
	int id;

	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t len = strlen(n);

		if (len >= 4 && !strcmp(n + len - 4, ".bss"))
			map = m;
	}
	id = btf && map ? btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return;
	data = calloc(1, bpf_map__value_size(map));
	if (!data || bpf_map__lookup_elem(map, &(int){ 0 }, sizeof(int), data, bpf_map__value_size(map), 0))
		goto out;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const char *name = btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off);

		if (vs->size == 8)
			fprintf(stderr, "global %s %llu\n", name, *(unsigned long long *)(data + vs->offset));
		else if (vs->size == 4)
			fprintf(stderr, "global %s %u\n", name, *(unsigned int *)(data + vs->offset));
	}
out:
	free(data);
}

int main(int argc, char **argv)
{
	char *prefixes[MAX_PREFIXES], *settings[MAX_SETTINGS];
	int nprefixes = 0, nsettings = 0, nrings = 0, opt, err;
	struct ring_count counts[MAX_RINGS] = {};
	struct ring_buffer *rings = NULL;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;

	while ((opt = getopt(argc, argv, "P:s:")) != -1) {
		if (opt == 'P' && nprefixes < MAX_PREFIXES)
			prefixes[nprefixes++] = optarg;
		else if (opt == 's' && nsettings < MAX_SETTINGS)
			settings[nsettings++] = optarg;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;

	obj = bpf_object__open_file(argv[optind], NULL);
	if (!obj) {
		fprintf(stderr, "opening %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	for (int i = 0; i < nsettings; i++)
		if (set_rodata(obj, settings[i]))
			return 1;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, wanted(bpf_program__name(prog), prefixes, nprefixes));
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "loading %s: %s (as root? the verifier's log is above)\n", argv[optind], strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__autoload(prog) && !bpf_program__attach(prog)) {
			fprintf(stderr, "attaching %s: %s\n", bpf_program__name(prog), strerror(errno));
			return 1;
		}
	}
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF || nrings == MAX_RINGS)
			continue;
		counts[nrings].name = bpf_map__name(map);
		if (!rings)
			rings = ring_buffer__new(bpf_map__fd(map), copy_record, &counts[nrings], NULL);
		else
			ring_buffer__add(rings, bpf_map__fd(map), copy_record, &counts[nrings]);
		nrings++;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		struct timespec interval = { 0, DRAIN_INTERVAL_NS };

		if (rings)
			ring_buffer__consume(rings);
		nanosleep(&interval, NULL);
	}
	if (rings)
		ring_buffer__consume(rings);

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_program__autoload(prog) || bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		fprintf(stderr, "prog %s run_cnt %llu run_time_ns %llu\n", bpf_program__name(prog),
			(unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns);
	}
	for (int i = 0; i < nrings; i++)
		fprintf(stderr, "ring %s records %llu bytes %llu\n", counts[i].name, counts[i].records, counts[i].bytes);
	print_bss(obj);
	ring_buffer__free(rings);
	bpf_object__close(obj);
	return 0;

usage:
	fprintf(stderr, "usage: %s [-P PROGRAM_PREFIX]... [-s NAME=VALUE]... OBJECT.bpf.o\n", argv[0]);
	return 2;
}
