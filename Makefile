# Makefile — builds libpayband, the payband tool and the tests.
#
#   make            build build/payband
#   make check      unit tests, CLI cases, crash, concurrency and HTTP tests and
#                   fuzz-corpus replay, then all of them again under
#                   AddressSanitizer + UndefinedBehaviorSanitizer, then those
#                   that touch the store on PostgreSQL (make test-pg)
#   make test-pg    the tests that touch the store, on a throw-away PostgreSQL
#                   cluster (scripts/pg-tests; after `make test` of the same
#                   BUILD, whose CLI outputs it must match)
#   make tour       the built-in dataset tour
#   make fuzz       libFuzzer targets (needs clang)
#   make install    build/payband, its manual page and bash completion under
#                   $(PREFIX) (default /usr/local; DESTDIR for staging)
#   make man completion
#                   remake docs/payband.1 and completion/payband.bash from the
#                   command table (the tests check the committed ones match)

BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
PKGS     := sqlite3 libpq yaml-0.1 jansson md4c libxxhash
WARN     := -std=c17 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes
CPPFLAGS += -D_DEFAULT_SOURCE -Iinclude -Isrc -I$(BUILD)/gen
OPT      ?= -O2 -g
override CFLAGS += $(OPT) $(WARN) $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lm

ifeq ($(SAN),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

# The unit tests: Criterion, and libpq for the fresh PostgreSQL database
# each test gets when PAYBAND_TEST_PG is set (tests/unit/testpg.h).
TEST_PKGS := criterion libpq

LIB_SRC  := $(wildcard src/*/*.c)
CLI_SRC  := $(wildcard cli/*.c)
SQL      := $(sort $(wildcard src/sql/*.sql))
PG_SQL   := $(sort $(wildcard src/sql/pg/*.sql))
DATA     := $(sort $(wildcard data/*.yaml))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# payband serve: libmicrohttpd, and the page's files (web/, Debian's Chart.js,
# the OpenAPI document) compiled into the binary like the dataset.
SERVER_SRC := $(wildcard server/*.c)
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web.o
SERVER_PKGS := libmicrohttpd
SERVER_LIBS = $(shell pkg-config --libs $(SERVER_PKGS)) -pthread
CHARTJS  ?= /usr/share/javascript/chart.js/chart.min.js
WEB      := $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg)) $(CHARTJS) server/openapi.json

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLI_LIB_OBJ := $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
REPLAY_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/replay_%)

# Test hooks (allocation-failure injection, forced scalar paths) exist only
# in the library the tests and fuzz replays link, libpayband-test.a: the
# files that hold them (those that name PB_TEST_HOOKS) are compiled a second
# time with -DPB_TEST_HOOKS; build/payband and libpayband.a carry none
# (docs/internals/alloc.md).
HOOK_SRC := $(shell grep -l PB_TEST_HOOKS $(LIB_SRC))
HOOK_OBJ := $(HOOK_SRC:%.c=$(BUILD)/hooks/%.o)
TEST_LIB_OBJ := $(filter-out $(HOOK_SRC:%.c=$(BUILD)/%.o),$(LIB_OBJ)) $(HOOK_OBJ)
TEST_LIB := $(BUILD)/libpayband-test.a
# The tool with a kill switch for the crash tests (tests/crash/).
KILLPOINT := $(BUILD)/tests/payband-killpoint

.PHONY: all check test test-pg unit cli-cases replay tour fuzz clean install man completion FORCE
all: $(BUILD)/payband

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -Werror -O1 $< -o $@

# What each generated file embeds, as a list rewritten only when a file is
# added or removed: removing a migration or a page file regenerates the C
# file too (its timestamps alone would not tell).
define embed-list
	@mkdir -p $(dir $@)
	@printf '%s\n' $(1) | cmp -s - $@ || printf '%s\n' $(1) >$@
endef

$(BUILD)/gen/embedded.list: FORCE
	$(call embed-list,$(SQL) -- $(PG_SQL) -- $(DATA))

$(BUILD)/gen/web.list: FORCE
	$(call embed-list,$(WEB))

FORCE:

$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(BUILD)/gen/embedded.list $(SQL) $(PG_SQL) $(DATA)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ sql $(SQL) -- pg_sql $(PG_SQL) -- data $(DATA)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(CHARTJS):
	@echo "payband: $(CHARTJS) is missing: install Debian's libjs-chart.js (scripts/dev does)" >&2; exit 1

$(BUILD)/gen/web.c: $(BUILD)/tools/embed $(BUILD)/gen/web.list $(WEB)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ web $(WEB)

$(BUILD)/gen/web.o: $(BUILD)/gen/web.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/server/%.o: server/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell pkg-config --cflags $(SERVER_PKGS)) -MMD -MP -c $< -o $@

$(BUILD)/cli/cmd_serve.o: CPPFLAGS += -Iserver

$(BUILD)/libpayband.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/hooks/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DPB_TEST_HOOKS $(CFLAGS) -MMD -MP -c $< -o $@

$(TEST_LIB): $(TEST_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/payband: $(CLI_OBJ) $(SERVER_OBJ) $(BUILD)/libpayband.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(SERVER_LIBS) -o $@

# The command-line tool without its main(), for tests of cli/ (test_cli_*)
# and the crash tests' tool.
$(BUILD)/libpaybandcli.a: $(CLI_LIB_OBJ) $(SERVER_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/test_cli_%: tests/unit/test_cli_%.c $(BUILD)/libpaybandcli.a $(TEST_LIB) \
                           $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DPB_TEST_HOOKS -Itests/unit -Icli $(CFLAGS) \
	    $(shell pkg-config --cflags $(TEST_PKGS)) $< $(BUILD)/libpaybandcli.a $(TEST_LIB) $(LDFLAGS) $(LDLIBS) \
	    $(SERVER_LIBS) $(shell pkg-config --libs $(TEST_PKGS)) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(TEST_LIB) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DPB_TEST_HOOKS -Itests/unit $(CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) $< \
	    $(TEST_LIB) $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS)) -o $@

# The request-body readers of the server are fuzzed without the server.
$(BUILD)/fuzz/replay_fuzz_http_body: fuzz/fuzz_http_body.c fuzz/replay_main.c server/body.c \
                                     $(TEST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DPB_TEST_HOOKS -Iserver $(CFLAGS) fuzz/fuzz_http_body.c \
	    fuzz/replay_main.c server/body.c $(TEST_LIB) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/tests/crash/cli_main.o: cli/main.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Dmain=pb_cli_main -MMD -MP -c $< -o $@

$(KILLPOINT): tests/crash/killpoint.c $(BUILD)/tests/crash/cli_main.o $(BUILD)/libpaybandcli.a \
              $(TEST_LIB)
	$(CC) $(CPPFLAGS) -DPB_TEST_HOOKS $(CFLAGS) $^ $(LDFLAGS) $(LDLIBS) $(SERVER_LIBS) -o $@

$(BUILD)/fuzz/replay_%: fuzz/%.c fuzz/replay_main.c $(TEST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DPB_TEST_HOOKS $(CFLAGS) fuzz/$*.c fuzz/replay_main.c $(TEST_LIB) \
	    $(LDFLAGS) $(LDLIBS) -o $@

# One build's worth of tests; `check` runs it twice, then the PostgreSQL
# half of the plain build. Every half runs even when an earlier one fails;
# a half that did not finish counts as a failure.
test: $(BUILD)/payband $(UNIT_BIN) $(REPLAY_BIN) $(KILLPOINT)
	@scripts/run-tests $(BUILD)

test-pg: $(BUILD)/payband $(UNIT_BIN) $(REPLAY_BIN) $(KILLPOINT)
	@scripts/pg-tests $(BUILD)

CHECK_SUMMARIES := build/test-summary build/test-summary-pg build/asan/test-summary
check:
	@rm -f $(CHECK_SUMMARIES)
	@ok=0; \
	$(MAKE) --no-print-directory test || ok=1; \
	$(MAKE) --no-print-directory test BUILD=build/asan SAN=1 OPT="-O1 -g" || ok=1; \
	$(MAKE) --no-print-directory test-pg || ok=1; \
	for f in $(CHECK_SUMMARIES); do \
	    if [ -f $$f ]; then cat $$f; else echo "check: $$f missing: that half did not finish" >&2; echo "0 1 0"; fi; \
	done | awk '{p += $$1; f += $$2; s += $$3} END {printf "check: %d passed, %d failed, %d skipped\n", p, f, s}'; \
	exit $$ok

tour: $(BUILD)/payband
	@scripts/tour $(BUILD)/payband

fuzz:
	@scripts/fuzz

install: $(BUILD)/payband
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BUILD)/payband $(DESTDIR)$(PREFIX)/bin/payband
	install -m 644 docs/payband.1 $(DESTDIR)$(PREFIX)/share/man/man1/payband.1
	install -m 644 completion/payband.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/payband

man: $(BUILD)/payband
	$(BUILD)/payband help --man >docs/payband.1

completion: $(BUILD)/payband
	$(BUILD)/payband completion bash >completion/payband.bash

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
