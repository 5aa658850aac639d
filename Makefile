# chat: a select() chat server, a terminal client and a GTK 3 client.
#   make               build everything into build/ (SANITIZE=1: ASan+UBSan into build-san/)
#   make test          build, then run unit, integration and GUI tests with one summary
#   make run           start chat-server on 127.0.0.1:1234 and one chat-client window
#   make install       build for PREFIX (/usr/local) into build-install/ and install
#                      under DESTDIR; make uninstall removes what it installed
#   make dist          chat-VERSION.tar.gz from git; make pot: po/chat-client.pot
#   make deb           the Debian packages; make deb-check builds, installs, runs, purges
#   make clean

VERSION := 2.0.0
# The GNOME application id of chat-client (GApplication, desktop entry, icon, metainfo).
# example.org is reserved for examples (RFC 2606), so this id claims nobody's domain;
# once the project has a domain of its own, its reverse-DNS name goes here.
APP_ID := org.example.Chat
GETTEXT_PACKAGE := chat-client

# Installation directories (make install; the installed build knows them).
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
LOCALEDIR ?= $(DATADIR)/locale
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)

SANITIZE ?= 0
INSTALLED ?= 0
ifeq ($(SANITIZE),1)
OUT := build-san
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(INSTALLED),1)
OUT := build-install
OPT := -O2 -g
else
OUT := build
OPT := -O2 -g
endif

# What a build knows of where it runs from: an installed build reads the system-wide
# configuration and translations; a build tree, its own translations and no
# configuration file unless given one.
ifeq ($(INSTALLED),1)
BUILD_DEFS := -DCHAT_LOCALEDIR='"$(LOCALEDIR)"' \
	-DCHAT_DEFAULT_CONFIG='"$(SYSCONFDIR)/chat-server/chat-server.conf"'
else
BUILD_DEFS := -DCHAT_LOCALEDIR='"$(abspath $(OUT))/locale"'
endif
BUILD_DEFS += -DCHAT_VERSION='"$(VERSION)"' -DGETTEXT_PACKAGE='"$(GETTEXT_PACKAGE)"' \
	-DCHAT_APP_ID='"$(APP_ID)"'

CC ?= cc
PKG_CONFIG ?= pkg-config
WARN := -Wall -Wextra -Werror
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -I. -MMD -MP $(BUILD_DEFS) $(CPPFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(OPT) $(LDFLAGS)

# GLib, ICU (look-alike names) and libcrypto (SHA-256) serve every program through
# libcommon.
BASE_CFLAGS := $(shell $(PKG_CONFIG) --cflags glib-2.0 icu-uc icu-i18n libcrypto)
BASE_LIBS := $(shell $(PKG_CONFIG) --libs glib-2.0 icu-uc icu-i18n libcrypto)
# SQLite serves chat-server's store (server/store/), libsodium its password hashing;
# libssl its TLS.
STORE_CFLAGS := $(shell $(PKG_CONFIG) --cflags sqlite3 libsodium)
STORE_LIBS := $(shell $(PKG_CONFIG) --libs sqlite3 libsodium)
# hiredis is chat-server's client of Redis for --cluster (server/cluster_link.c); without
# --cluster it is linked but never called. Its headers are included as <hiredis/...>.
HIREDIS_LIBS := $(shell $(PKG_CONFIG) --libs hiredis)
SSL_LIBS := $(shell $(PKG_CONFIG) --libs libssl)
GIO_CFLAGS := $(shell $(PKG_CONFIG) --cflags gio-2.0 gio-unix-2.0)
GIO_LIBS := $(shell $(PKG_CONFIG) --libs gio-2.0 gio-unix-2.0)
# chat-client keeps its session token in the desktop keyring through libsecret.
GTK_CFLAGS := $(shell $(PKG_CONFIG) --cflags gtk+-3.0 libsecret-1 2>/dev/null)
GTK_LIBS := $(shell $(PKG_CONFIG) --libs gtk+-3.0 libsecret-1 2>/dev/null)

# Source groups. client/core/ is the client's protocol core (a GObject session), shared
# by both front ends: client/cli/ (chat-cli) and client/gtk/ (chat-client, whose main()
# is client/gtk/app_main.c so that widget tests can link the rest).
COMMON_SRC := $(wildcard common/*.c)
SERVER_SRC := $(wildcard server/*.c server/store/*.c)
CORE_SRC := $(wildcard client/core/*.c)
CLI_SRC := $(wildcard client/cli/*.c)
GUI_MAIN := client/gtk/app_main.c
GUI_SRC := $(filter-out $(GUI_MAIN),$(wildcard client/gtk/*.c))
GRESOURCE_XML := client/gtk/resources/chat.gresource.xml
GRESOURCE_C := $(OUT)/gen/resources.c
# bench/floor_relay.c is a program of its own (floor-relay), not part of chat-bench.
FLOOR_SRC := bench/floor_relay.c bench/net.c
BENCH_SRC := $(filter-out bench/floor_relay.c,$(wildcard bench/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
WIDGET_SRC := $(wildcard tests/widget/test_*.c)

obj = $(patsubst %.c,$(OUT)/obj/%.o,$(1))
COMMON_OBJ := $(call obj,$(COMMON_SRC))
SERVER_OBJ := $(call obj,$(SERVER_SRC))
CORE_OBJ := $(call obj,$(CORE_SRC))
GUI_OBJ := $(call obj,$(GUI_SRC)) $(OUT)/obj/gen/resources.o
UNIT_BIN := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRC))
WIDGET_BIN := $(patsubst tests/widget/%.c,$(OUT)/tests/%,$(WIDGET_SRC))

BINS := $(OUT)/chat-server $(OUT)/chat-cli $(OUT)/chat-client $(OUT)/chat-bench $(OUT)/floor-relay
# Test drivers of server modules against real services (tests/cluster/).
PROBE_BIN := $(OUT)/tests/cluster-log-probe
.PHONY: all test run bench bench-quick clean FORCE
all: $(BINS) $(UNIT_BIN) $(WIDGET_BIN) $(PROBE_BIN) translations

# Rebuild everything when BUILD_DEFS change (another PREFIX, a new VERSION).
$(OUT)/build-defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BUILD_DEFS)' | cmp -s - $@ || echo '$(BUILD_DEFS)' > $@

# Per-group compile flags.
$(OUT)/obj/common/%.o: CFLAGS_GROUP := $(BASE_CFLAGS)
$(OUT)/obj/server/%.o: CFLAGS_GROUP := $(BASE_CFLAGS) $(STORE_CFLAGS)
$(OUT)/obj/client/core/%.o $(OUT)/obj/client/cli/%.o: CFLAGS_GROUP := $(GIO_CFLAGS)
$(OUT)/obj/client/gtk/%.o: CFLAGS_GROUP := $(GTK_CFLAGS) $(GIO_CFLAGS)
$(OUT)/obj/gen/%.o: CFLAGS_GROUP := $(GTK_CFLAGS)
$(OUT)/obj/tests/%.o: CFLAGS_GROUP := $(GTK_CFLAGS) $(GIO_CFLAGS)
$(OUT)/obj/bench/%.o: CFLAGS_GROUP := $(BASE_CFLAGS)

$(OUT)/obj/%.o: %.c $(OUT)/build-defs
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CFLAGS_GROUP) -c $< -o $@

$(OUT)/obj/gen/%.o: $(OUT)/gen/%.c $(OUT)/build-defs
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CFLAGS_GROUP) -Wno-overlength-strings -c $< -o $@

$(OUT)/libcommon.a: $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# chat-server (and the fuzzers that link its files) also speak to systemd: readiness and
# stopping notices (server/systemd.c).
SYSTEMD_LIBS := $(shell $(PKG_CONFIG) --libs libsystemd)
$(OUT)/chat-server: BASE_LIBS += $(SYSTEMD_LIBS)
build-fuzz/%: BASE_LIBS += $(SYSTEMD_LIBS)

$(OUT)/chat-server: $(SERVER_OBJ) $(OUT)/libcommon.a
	$(CC) $(LDFLAGS_ALL) $^ $(SSL_LIBS) $(BASE_LIBS) $(STORE_LIBS) $(HIREDIS_LIBS) -lm -o $@

$(OUT)/chat-cli: $(CORE_OBJ) $(call obj,$(CLI_SRC)) $(OUT)/libcommon.a
	$(CC) $(LDFLAGS_ALL) $^ $(GIO_LIBS) $(BASE_LIBS) -o $@

$(OUT)/chat-client: $(GUI_OBJ) $(call obj,$(GUI_MAIN)) $(CORE_OBJ) $(OUT)/libcommon.a
	$(CC) $(LDFLAGS_ALL) $^ $(GTK_LIBS) $(GIO_LIBS) $(BASE_LIBS) -lm -o $@

$(OUT)/chat-bench: $(call obj,$(BENCH_SRC)) $(OUT)/libcommon.a
	$(CC) $(LDFLAGS_ALL) $^ $(SSL_LIBS) $(BASE_LIBS) -lm -o $@

$(OUT)/floor-relay: $(call obj,$(FLOOR_SRC))
	$(CC) $(LDFLAGS_ALL) $^ -o $@

$(GRESOURCE_C): $(GRESOURCE_XML) $(wildcard client/gtk/resources/*.ui client/gtk/resources/*.css)
	@mkdir -p $(dir $@)
	glib-compile-resources --sourcedir=client/gtk/resources --generate-source --target=$@ $<

# Unit tests link the common library; widget tests also link the GTK front end.
$(OUT)/tests/%: $(OUT)/obj/tests/unit/%.o $(OUT)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $^ $(GIO_LIBS) $(BASE_LIBS) -o $@

# The client's server lists are plain GLib: their unit test links that file alone.
$(OUT)/tests/test_server_list: $(OUT)/obj/client/core/server_list.o

# The cluster's stream and Redis link on the server's own event loop, driven by a test
# (test_cluster_log.py).
$(PROBE_BIN): $(call obj,tests/cluster/log_probe.c server/cluster_log.c server/cluster_link.c \
		server/ev.c server/ev_select.c server/ev_epoll.c) $(OUT)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $^ $(BASE_LIBS) $(HIREDIS_LIBS) -o $@

$(WIDGET_BIN): $(OUT)/tests/%: $(OUT)/obj/tests/widget/%.o $(GUI_OBJ) $(CORE_OBJ) $(OUT)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) $^ $(GTK_LIBS) $(GIO_LIBS) $(BASE_LIBS) -lm -o $@

# TEST_JOBS=N runs the integration and GUI suites on N pytest-xdist workers (no test
# asserts timing; each server picks its own port, each GUI worker starts its own virtual
# session); TEST_JOBS=1 runs them in one process.
TEST_JOBS ?= 2
PYTEST_JOBS := $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS))

test: all
	CHAT_BIN_DIR=$(abspath $(OUT)) CHAT_PYTEST_JOBS="$(PYTEST_JOBS)" tests/run-all

# The integration suite with every chat-server under valgrind; a definite leak or a
# memory error fails the test that ran it.
VALGRIND := valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
VALGRIND_TESTS ?= tests/integration
.PHONY: test-valgrind test-valgrind-core
test-valgrind: $(OUT)/chat-server $(OUT)/chat-cli $(PROBE_BIN)
	G_SLICE=always-malloc CHAT_BIN_DIR=$(abspath $(OUT)) CHAT_SERVER_WRAPPER="$(VALGRIND)" \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider $(PYTEST_JOBS) $(VALGRIND_TESTS)

# The share of it CI runs: the tests that send every frame type, hostile input and each
# feature's requests through the server once. Valgrind spends ~3.5 s of CPU starting and
# stopping each server, so the whole suite (~600 servers) takes 13 min on two cores.
VALGRIND_CORE := $(patsubst %,tests/integration/test_%.py,hostile_input upload download \
	resume rooms direct history live search thumbnails accounts moderation presence \
	tls_stream store_faults)
test-valgrind-core:
	$(MAKE) test-valgrind VALGRIND_TESTS="$(VALGRIND_CORE)"

# Side-by-side benchmark against ngircd; writes docs/PERFORMANCE.md.
bench: $(OUT)/chat-server $(OUT)/chat-bench $(OUT)/floor-relay
	bench/run-bench --bin $(OUT)

# A few seconds of load (chat-server and the floor relay): the benchmark still works and
# nothing is lost.
bench-quick: $(OUT)/chat-server $(OUT)/chat-bench $(OUT)/floor-relay
	bench/run-bench --bin $(OUT) --quick

# Fuzzing with clang's libFuzzer (ASan+UBSan): every tests/fuzz/fuzz_*.c harness runs
# for FUZZ_SECONDS over its committed seed corpus, after replaying its regressions.
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_LINKED := $(COMMON_SRC) $(filter-out server/main.c,$(SERVER_SRC))
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror $(BUILD_DEFS)
.PHONY: fuzz
fuzz: $(FUZZ_BIN)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BIN)

build-fuzz/%: tests/fuzz/%.c $(FUZZ_LINKED) $(wildcard common/*.h server/*.h server/store/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(BASE_CFLAGS) $(STORE_CFLAGS) $< $(FUZZ_LINKED) \
		$(SSL_LIBS) $(BASE_LIBS) $(STORE_LIBS) $(HIREDIS_LIBS) -lm -o $@

run: $(OUT)/chat-server $(OUT)/chat-client
	scripts/run-app $(OUT)

clean:
	rm -rf build build-san build-fuzz build-install build-deb build-dist

include mk/translations.mk mk/install.mk mk/deb.mk

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
