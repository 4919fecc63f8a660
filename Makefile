# quiver top-level commands. The real build is CMake (CMakeLists.txt).
#   make        build the library, tools and tests (release, warnings as errors)
#   make test   install what is missing, then C tests (ctest), the same under
#               ASan+UBSan, and the Python interop tests (pytest)
#   make demo   build and run the seed scenario
#   make bench  build and run the benchmarks (never part of make test)
#   make coverage  line and branch coverage of src/ under ctest (build/coverage,
#               gcovr installed on demand; never part of make test)

BUILD      ?= build/release
ASAN_BUILD ?= build/asan
VENV       ?= build/venv
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
export QV_ARROW_TESTING ?= $(abspath ../shared/arrow-testing)
export QV_PARQUET_TESTING ?= $(abspath ../shared/parquet-testing)

CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all build deps test test-c test-asan test-python demo bench install clean fuzz coverage

all: build

deps:
	@scripts/deps.sh --no-python

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQV_WERROR=ON

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DQV_WERROR=ON -DQV_SANITIZE=ON -DQV_BUILD_BENCH=OFF

TSAN_BUILD ?= build/tsan
$(TSAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(TSAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQV_WERROR=ON \
	  -DCMAKE_C_FLAGS=-fsanitize=thread -DQV_BUILD_TOOLS=OFF -DQV_BUILD_BENCH=OFF

test-c: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test-python: build
	@scripts/deps.sh
	@scripts/run-pytest.sh $(VENV) $(BUILD)

# ThreadSanitizer (build/tsan): only the thread tests, built and run alone.
.PHONY: test-tsan
# The threaded tests, one ctest name each (their executables' names).
# ignore_noninstrumented_modules: gRPC and Abseil (Debian's, built without
# TSan) synchronise in ways TSan cannot see; accesses made inside them are
# not reported, quiver's own code (the Flight server's worker pool, the body
# pool, the shm registry) stays fully checked.
TSAN_TESTS = durable_test_threads core_test_alloc_cache_threads ipc_test_ipc_compression_large ipc_test_schema_cache_threads \
             csv_test_csv_blocks csv_test_csv_write csv_test_csv_typed csv_test_csv_write_every_type jsonl_test_jsonl_write_pieces \
             flight_test_flight_roundtrip flight_test_flight_shm_link flight_test_flight_body_pool \
             compute_test_select_fast compute_test_cast_numeric_paths compute_test_group_by_stream \
             compute_test_sort_radix \
             csv_test_csv_stream \
             flight_test_flight_hostile_calls \
             flight_test_flight_counters \
             core_test_parallel \
             jsonl_test_jsonl_read_parallel \
             jsonl_test_jsonl_read_speculative \
             flight_test_flight_wire
empty :=
space := $(empty) $(empty)
test-tsan: deps $(TSAN_BUILD)/CMakeCache.txt
	cmake --build $(TSAN_BUILD) -j $(JOBS) $(addprefix --target ,$(TSAN_TESTS))
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1 \
	  ctest --output-on-failure -R '^($(subst $(space),|,$(strip $(TSAN_TESTS))))$$'

test: test-c test-asan test-tsan test-python

demo: build
	@mkdir -p build/demo
	$(BUILD)/tools/quiver-demo 1000000 build/demo/seed.arrow
	@echo
	@echo "== Part 6: the seed table through a pipe between two processes =="
	@echo '$$ quiver gen seed --rows 1000000 - | quiver stats -'
	@$(BUILD)/tools/quiver gen seed --rows 1000000 - | $(BUILD)/tools/quiver stats -
	@if [ -x $(VENV)/bin/python ]; then echo; $(VENV)/bin/python examples/demo_open.py build/demo/seed.arrow; fi
	@echo
	@echo "== Part 8: the seed table as Parquet (ZSTD), read back and queried =="
	@echo '$$ quiver convert build/demo/seed.arrow build/demo/seed.parquet --compression zstd'
	@$(BUILD)/tools/quiver convert build/demo/seed.arrow build/demo/seed.parquet --compression zstd
	@ls -l build/demo/seed.arrow build/demo/seed.parquet | awk '{print $$5, $$9}'
	@echo "\$$ quiver cat build/demo/seed.parquet --where \"a >= 'zz'\" --sort b:desc --limit 3 --format csv"
	@$(BUILD)/tools/quiver cat build/demo/seed.parquet --where "a >= 'zz'" --sort b:desc --limit 3 --format csv

bench: build
	@scripts/deps.sh
	@scripts/run-bench.sh $(BUILD) $(VENV)

COV_BUILD ?= build/coverage
coverage: deps
	@JOBS=$(JOBS) scripts/coverage.sh $(COV_BUILD)

# Fuzzing (clang + libFuzzer, ASan+UBSan, build/fuzz): FUZZ_SECONDS per target
# (default 60), FUZZ_TARGETS to pick some; see fuzz/README.md.
fuzz:
	@fuzz/deps.sh
	@fuzz/run.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf build
