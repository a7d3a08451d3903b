# ruledex — build with `make`, test with `make check`.
#
#   make                 library (build/libruledex.a) and CLI (build/ruledex)
#   make check           every test suite; ends with "N passed, N failed"
#   make check SAN=1     the same, built with ASan+UBSan in build-san/
#   make CC=clang        any C11 compiler; warnings are errors
#   make bench           benchmarks (docs/PERFORMANCE.md)
#   make fuzz            libFuzzer targets (clang), FUZZ_SECONDS each

CC      ?= cc
PREFIX  ?= /usr/local
V       ?=
Q       := $(if $(V),,@)
PKGS    := libfyaml libpcre2-8 libhs libdeflate
# The tests and the bench's EVTX writer compute checksums with zlib: an
# implementation of CRC-32 other than the reader's (libdeflate).
TEST_PKGS := zlib
SAN     ?=
B       := $(if $(SAN),build-san,build)
OPT     ?= -O2
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
# gcc 12 with UBSan reports a spurious "null format string" in vsnprintf
# wrappers (format-truncation); the normal build keeps that warning on.
ASAN    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
           -Wno-format-truncation
SANFLAGS:= $(if $(SAN),$(ASAN))
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DRDX_PREFIX='"$(PREFIX)"' \
              $(WARN) $(SANFLAGS) \
              -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS) -lpthread -lm
TEST_LIBS  := $(shell pkg-config --libs $(TEST_PKGS))
LDFLAGS += $(SANFLAGS)

LIB_SRC  := $(sort $(wildcard src/*/*.c src/front/*/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)

.PHONY: all check unit golden clean bench fuzz install

all: $(B)/ruledex

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Position-independent, so the archive also links into shared objects (the
# Python extension, bindings/python); on x86-64 this costs nothing measurable.
$(LIB_OBJ): ALL_CFLAGS += -fPIC -I$(B)/buildid

# The build's identity: a hash of every library source and header.  The
# cache keys (the rule-set snapshot, the matcher's plan) include it, so a
# build whose readers or atom derivation changed never reuses what another
# build wrote, even when the version and formats were not bumped.
LIB_HDR := $(sort $(wildcard include/ruledex/*.h src/*/*.h src/front/*/*.h))
$(B)/buildid/build_id.h: $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(Q)printf '#define RDX_BUILD_ID "%s"\n' \
	    "$$(cat $(LIB_SRC) $(LIB_HDR) | sha256sum | cut -c1-16)" > $@.tmp && mv $@.tmp $@
$(B)/src/cache/snapshot.o $(B)/src/engine/matcher.o: $(B)/buildid/build_id.h

$(B)/libruledex.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# librdkafka (Debian's librdkafka-dev) for `ruledex stream`, in the CLI only:
# the library never needs it, and without it the command says so.  Only its
# headers are used at build time: `stream` loads it with dlopen
# (cli/rdkafka_lazy.h), so no other command pays for loading it and its
# TLS libraries, and ruledex starts where it is not installed.
RDKAFKA := $(shell pkg-config --exists rdkafka && echo yes)
ifeq ($(RDKAFKA),yes)
$(CLI_OBJ): ALL_CFLAGS += -DRDX_HAVE_RDKAFKA $(shell pkg-config --cflags rdkafka)
CLI_LIBS := -ldl
endif

$(B)/ruledex: $(CLI_OBJ) $(B)/libruledex.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libruledex.a $(CLI_LIBS) $(LDLIBS)

$(TEST_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags $(TEST_PKGS))
$(B)/unit_tests: $(TEST_OBJ) $(B)/libruledex.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(B)/libruledex.a $(TEST_LIBS) $(LDLIBS)

# Programs written against the public headers alone (examples/c): only
# include/ is on their include path, so a private header cannot slip in.
EXAMPLES := $(patsubst examples/c/%.c,$(B)/examples/%,$(wildcard examples/c/*.c))
$(B)/examples/%: examples/c/%.c $(B)/libruledex.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_DEFAULT_SOURCE $(WARN) $(SANFLAGS) -Iinclude $(CFLAGS) $< -o $@ \
	    $(LDFLAGS) $(B)/libruledex.a $(LDLIBS)

.PHONY: examples
examples: $(EXAMPLES)

# The whole suite: unit tests (corpus conformance included), golden CLI
# tests, the example programs.  tests/run.sh prints each suite's line and
# the total last.
check: $(B)/ruledex $(B)/unit_tests $(EXAMPLES) $(B)/toml_dump $(B)/gen
	@RDX_BUILD=$(B) sh tests/run.sh

# bench/gen.c: the bench's workloads (big EVTX and JSON Lines), also what
# tests/speed/run.sh splits across threads.
$(B)/gen: bench/gen.c $(B)/libruledex.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libruledex.a $(TEST_LIBS) $(LDLIBS)

# The TOML reader's dump for tests/oracle/toml_check.sh (against tomllib).
$(B)/toml_dump: tests/oracle/toml_dump.c $(B)/libruledex.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libruledex.a $(LDLIBS)

# What the Elastic reader made of each EQL query, for tests/oracle/eql_check.sh.
$(B)/elastic_dump: tests/oracle/elastic_dump.c $(B)/libruledex.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libruledex.a $(LDLIBS)

# What the KQL reader made of each query, for tests/oracle/kusto_check.sh.
$(B)/kusto_dump: tests/oracle/kusto_dump.c $(B)/libruledex.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libruledex.a $(LDLIBS)

unit: $(B)/unit_tests
	./$(B)/unit_tests $(T)

golden: $(B)/ruledex
	RDX_BUILD=$(B) sh tests/golden/run.sh

# Correlation rules against rsigma (docs/CORRELATION.md); skips with a
# message when rsigma cannot be had.
.PHONY: oracle-correlation
oracle-correlation: $(B)/ruledex
	@RDX_BUILD=$(B) sh tests/oracle/correlation/run.sh

# `ruledex dump` against the evtx crate's evtx_dump 0.15.1, value for value,
# on every EVTX sample (docs/FIELDS.md); builds evtx_dump with cargo when it
# is missing (about 10 minutes), so it is not part of `make oracle` or CI.
.PHONY: oracle-evtx
oracle-evtx: $(B)/ruledex
	@RDX_BUILD=$(B) sh tests/oracle/evtx/run.sh

# The SPL, KQL, Elastic and YARA-L readers through pySigma's backends
# (docs/ORACLE.md, "Languages round trip"); skips when PyPI is unreachable.
.PHONY: oracle-languages
oracle-languages: $(B)/ruledex
	@RDX_BUILD=$(B) sh tests/oracle/languages/run.sh

# the same through the backends' processing pipelines (docs/ORACLE.md
# "Pipelines"; a few minutes more, not in CI)
.PHONY: oracle-languages-pipelines
oracle-languages-pipelines: $(B)/ruledex
	@RDX_BUILD=$(B) RDX_LANG_ORACLE_PIPELINES=1 sh tests/oracle/languages/run.sh

.PHONY: oracle
oracle: $(B)/libruledex.a $(B)/toml_dump $(B)/elastic_dump $(B)/kusto_dump
	@RDX_BUILD=$(B) sh tests/oracle/toml_check.sh
	@RDX_BUILD=$(B) sh tests/oracle/eql_check.sh
	@RDX_BUILD=$(B) sh tests/oracle/kusto_check.sh
	@RDX_BUILD=$(B) CC="$(CC)" SANFLAGS="$(SANFLAGS)" sh tests/oracle/run.sh

.PHONY: lint-oracle
lint-oracle: $(B)/ruledex
	@RDX_BUILD=$(B) CC="$(CC)" SANFLAGS="$(SANFLAGS)" sh tests/lint/run.sh

bench: $(B)/ruledex $(B)/gen
	sh bench/run.sh

# `ruledex stream` on a local Kafka broker, one worker and two
# (docs/PERFORMANCE.md); needs what tests/kafka needs.
.PHONY: bench-stream
bench-stream: $(B)/ruledex
	RDX_BUILD=$(B) sh bench/stream.sh

# Fuzzing (docs/FUZZING.md): every tests/fuzz/fuzz_*.c, built by
# tests/fuzz/run.sh with clang's libFuzzer and ASan+UBSan into build-fuzz/,
# seeded from ../shared/corpus and tests/data/regressions/.
#   make fuzz FUZZ_SECONDS=600        each target for ten minutes
#   make fuzz-smoke                   each target for 20 s (CI)
#   make fuzz FUZZ_TARGETS="sigma json" FUZZ_JOBS=2 FUZZ_ENGINE=afl
FUZZ_SECONDS ?= 60
.PHONY: fuzz-smoke
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-smoke:
	FUZZ_SECONDS=20 sh tests/fuzz/run.sh $(FUZZ_TARGETS)

# The log-source table goes where the binary looks for it by default
# (PREFIX/share/ruledex; RULEDEX_DATA or --logsources override).
install: $(B)/ruledex
	install -D -m 755 $(B)/ruledex $(DESTDIR)$(PREFIX)/bin/ruledex
	install -D -m 644 data/logsources.yml $(DESTDIR)$(PREFIX)/share/ruledex/logsources.yml
	install -D -m 644 data/fields.yml $(DESTDIR)$(PREFIX)/share/ruledex/fields.yml
	install -D -m 644 data/noisy-rules.txt $(DESTDIR)$(PREFIX)/share/ruledex/noisy-rules.txt

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
