# mcp-latency-probe: `make` builds everything, `make test` runs every test. `make help` lists the rest.
MVN ?= mvn -B -q
# systemd: systemd-analyze, which the unit tests run offline.
DEB_PACKAGES := clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make systemd
DURATION ?= 60
CONCURRENCY ?= 100

.DEFAULT_GOAL := all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

all: deps ## build the BPF object, the shim, the jars and ./probe-demo.jar
	$(MVN) package -DskipTests
	@if [ -f java/target/probe-demo.jar ]; then cp java/target/probe-demo.jar probe-demo.jar && echo "built ./probe-demo.jar: run it with 'sudo java -jar probe-demo.jar --help'"; fi

test: deps ## run all tests, unit and kernel (the kernel ones need root or CAP_BPF+CAP_PERFMON)
	$(MVN) verify
	@if [ -f java/target/probe-demo.jar ]; then cp java/target/probe-demo.jar probe-demo.jar; fi

# Installs the Debian/Ubuntu packages the build needs, when run as root and they are missing.
deps: ## install missing build packages (clang, libbpf-dev, libelf-dev, bpftool) with apt-get, as root
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "missing packages: $$missing (run 'sudo make deps')" >&2; exit 1; fi; \
	if ! command -v apt-get >/dev/null; then echo "missing packages: $$missing; install them with your package manager" >&2; exit 1; fi; \
	echo "installing $$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y -qq --no-install-recommends $$missing >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } || \
	  { echo "apt-get could not install: $$missing" >&2; exit 1; }

bench: all ## JMH: decode + record per event, snapshots, rendering (a few minutes)
	java -jar benchmarks/jmh/target/benchmarks.jar -f 1 -wi 3 -i 5 -w 1s -r 1s

bench-overhead: all ## ns per getppid: untraced, empty-program floor, this probe, bpftrace, a bystander (root)
	benchmarks/overhead/run-overhead.sh

bench-throughput: all ## a one-core syscall storm into the Java consumer: events/s, drops, consumer CPU (root)
	benchmarks/overhead/run-throughput.sh

bench-soak: all ## 30 min of ~1M syscalls/s into the CLI with 1 s intervals: RSS and heap each minute (root)
	bash benchmarks/soak/run-soak.sh

mcp-benchmark: all ## load the MCP servers while the probe measures them: make mcp-benchmark DURATION=60 CONCURRENCY=100 (root)
	bash scripts/run_mcp_benchmark.sh $(DURATION) $(CONCURRENCY)

install-systemd: all ## install the omnimind-mcp user units (and, as root, the jars and the probe's system unit)
	bash scripts/install-systemd.sh

clean: ## remove build outputs
	$(MVN) clean
	rm -f probe-demo.jar

.PHONY: help all test deps clean bench bench-overhead bench-throughput bench-soak mcp-benchmark install-systemd
