# mcp-latency-probe: `make` builds everything, `make test` runs every test. `make help` lists the rest.
MVN ?= mvn -B -q
# gcc + libc6-dev: the shim (a fresh Debian 12 has neither); systemd: systemd-analyze, which the unit
# tests run offline; util-linux: runuser and unshare; iproute2: ss, with which run_mcp_benchmark.sh
# finds the process behind --url.
DEB_PACKAGES := clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool gcc libc6-dev make systemd util-linux iproute2
# Under sudo, Maven and the files it writes are the invoking user's (scripts/as-user.sh); only apt-get
# and the kernel tests run as root, and the test run hands what it wrote back (scripts/give-back.sh).
AS_USER := bash scripts/as-user.sh
# The tests' Maven under sudo uses root's own ~/.m2 (even with sudo -E), never the user's.
ROOT_MAVEN_HOME := $(if $(filter-out 0,$(SUDO_UID)),HOME=$$(getent passwd 0 | cut -d: -f6))
# The tests run as plain root, as in CI: a probe that sees SUDO_UID would run what it launches as that
# user (that behaviour has tests of its own, which set SUDO_* themselves).
TESTS_AS_ROOT := env -u SUDO_UID -u SUDO_GID -u SUDO_USER -u SUDO_COMMAND
DURATION ?= 60
CONCURRENCY ?= 100

.DEFAULT_GOAL := all

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

all: deps ## build the BPF object, the shim, the jars and ./probe-demo.jar
	@bash scripts/give-back.sh . # what an earlier root build left behind
	$(AS_USER) $(MVN) package -DskipTests
	@if [ -f java/target/probe-demo.jar ]; then $(AS_USER) cp java/target/probe-demo.jar probe-demo.jar && echo "built ./probe-demo.jar: run it with 'sudo java -jar probe-demo.jar --help'"; fi
	@# The demo's MCP servers and load, next to ./probe-demo.jar, where it looks for them.
	@for j in mcp-servers mcp-stress; do if [ -f benchmarks/mcp/target/$$j.jar ]; then $(AS_USER) cp benchmarks/mcp/target/$$j.jar $$j.jar; fi; done

# Ends with one line per module and test phase and 'N passed, N failed, N skipped' (scripts/test-summary.sh),
# and keeps mvn's failing exit status. Reports of an earlier run are removed first so none is counted twice.
test: deps ## run all tests, unit and kernel (the kernel ones need root or CAP_BPF+CAP_PERFMON)
	@find . -path '*/target/surefire-reports' -prune -exec rm -rf {} + -o -path '*/target/failsafe-reports' -prune -exec rm -rf {} +
	bash scripts/test-deps.sh
	@status=0; $(ROOT_MAVEN_HOME) $(TESTS_AS_ROOT) $(MVN) verify || status=$$?; \
	if [ -f java/target/probe-demo.jar ]; then cp java/target/probe-demo.jar probe-demo.jar; fi; \
	for j in mcp-servers mcp-stress; do if [ -f benchmarks/mcp/target/$$j.jar ]; then cp benchmarks/mcp/target/$$j.jar $$j.jar; fi; done; \
	bash scripts/give-back.sh .; \
	MVN_STATUS=$$status bash scripts/test-summary.sh .

# Installs the Debian/Ubuntu packages the build needs, when run as root and they are missing.
deps: ## install missing build packages (gcc, clang, libbpf-dev, libelf-dev, bpftool, ...) with apt-get, as root
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

bench-mcp-overhead: all ## what --mcp adds: ns per getppid and per pipe write/read, untraced, probe, probe --mcp (root)
	benchmarks/overhead/run-mcp-overhead.sh

bench-throughput: all ## a one-core syscall storm into the Java consumer: events/s, drops, consumer CPU (root)
	benchmarks/overhead/run-throughput.sh

.PHONY: bench-startup
bench-startup: all ## exec to "Tracing" (probe, bpftrace, Hello JVM) and launch mode vs bpftrace; BASELINE_JAR= to compare (root)
	benchmarks/overhead/run-startup.sh

bench-soak: all ## 30 min of ~1M syscalls/s into the CLI with 1 s intervals: RSS and heap each minute (root)
	bash benchmarks/soak/run-soak.sh

mcp-benchmark: all ## load the MCP servers while the probe measures them: make mcp-benchmark DURATION=60 CONCURRENCY=100 (root)
	bash scripts/run_mcp_benchmark.sh $(DURATION) $(CONCURRENCY)

install-systemd: all ## install the omnimind-mcp user units (and, as root, the jars and the probe's system unit)
	bash scripts/install-systemd.sh

# The container tests (scripts/container/): Debian 12 booted with systemd by systemd-nspawn. Root.
test-fresh: ## the README's two commands as a new user on a fresh Debian 12 container, and the probe in its PID namespace (root)
	bash scripts/container/test-fresh.sh

test-systemd: all ## the systemd units live under a real systemd in a container: servers, probe unit, restarts, security (root)
	bash scripts/container/test-systemd.sh

clean: ## remove build outputs
	$(AS_USER) $(MVN) clean
	rm -f probe-demo.jar
	rm -f mcp-servers.jar mcp-stress.jar

.PHONY: help all test deps clean bench bench-overhead bench-mcp-overhead bench-throughput bench-soak mcp-benchmark install-systemd test-fresh test-systemd
