# mcp-latency-probe: `make` builds everything, `make test` runs every test. `make help` lists the rest.
MVN ?= mvn -B -q
DEB_PACKAGES := clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make
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

clean: ## remove build outputs
	$(MVN) clean
	rm -f probe-demo.jar

.PHONY: help all test deps clean
