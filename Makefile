# Short aliases for the CMake build (see README.md).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all demo deps test conformance sanitize bench size clean

all:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

# Two hosts on a lossy virtual link: UDP echo, a trace, demo.pcap. Needs only
# a C compiler, make and CMake; no root.
demo:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS) --target berth-demo
	./$(BUILD)/berth-demo --pcap demo.pcap

# What the tests need (Debian packages): installed as root, named otherwise.
deps:
	scripts/install-deps.sh --if-missing

# Every test: unit, simulation, and the kernel-oracle conformance suite
# (which needs root for `unshare -n` and skips without it). On a fresh
# Debian machine as root it first installs what the tests need.
test: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

conformance: all
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) -L conformance

# AddressSanitizer + UndefinedBehaviorSanitizer build of the unit and
# simulation tests.
sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBERTH_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS) -L 'unit|sim'

bench: all
	./$(BUILD)/bench/berth-bench

# berth's footprint on a Cortex-M4 (arm-none-eabi-gcc + newlib-nano): .text,
# .data, .bss and heap per feature set, beside lwIP when LWIP_DIR is set
# (docs/porting.md). Needs gcc-arm-none-eabi; qemu-system-arm for the heap.
size:
	sh scripts/size-report.sh build-size

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-size
