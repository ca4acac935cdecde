# libmuc — plain Makefile. `make`, `make check`, `make install PREFIX=… DESTDIR=…`.
# Works with CC=gcc or CC=clang; warnings are errors.

VERSION      := 0.1.0
SOVERSION    := 0
PREFIX       ?= /usr/local
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
BINDIR       ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR      ?=

CC       ?= cc
PKG      ?= pkg-config
B        := build
DEPS     := mxml libidn
DEP_CFLAGS := $(shell $(PKG) --cflags $(DEPS))
DEP_LIBS   := $(shell $(PKG) --libs $(DEPS))
CHECK_CFLAGS := $(shell $(PKG) --cflags check)
CHECK_LIBS   := $(shell $(PKG) --libs check)

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) $(SAN) \
             -Iinclude -Ilib $(DEP_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)

LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
PIC_OBJ  := $(LIB_SRC:%.c=$(B)/pic/%.o)
RUN_SRC  := $(wildcard examples/scansion/*.c)
RUN_OBJ  := $(RUN_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard test/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/%.o)
SCENARIOS := $(shell find test/scenarios -name '*.scs' | sort)

SONAME   := libmuc.so.$(SOVERSION)
SHLIB    := $(B)/libmuc.so.$(VERSION)
STLIB    := $(B)/libmuc.a
RUNNER   := $(B)/muc-scansion
UNIT     := $(B)/test-unit

.PHONY: all check unit scenarios runner-selftest install-test conformance \
        install uninstall clean sanitize-check valgrind-check
all: $(SHLIB) $(STLIB) $(RUNNER) $(B)/libmuc.pc

$(B)/pic/%.o: %.c $(wildcard include/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -c $< -o $@

$(B)/%.o: %.c $(wildcard include/*.h lib/*.h examples/scansion/*.h test/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fvisibility=hidden $(CHECK_CFLAGS) -c $< -o $@

$(SHLIB): $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDFLAGS_ALL) $(DEP_LIBS)
	ln -sf libmuc.so.$(VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libmuc.so

$(STLIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# The runner links the static archive: it uses the public API and, for
# parsing the scripts, the library's internal XML tree.
$(RUNNER): $(RUN_OBJ) $(STLIB)
	$(CC) -o $@ $(RUN_OBJ) $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS)

$(UNIT): $(UNIT_OBJ) $(STLIB)
	$(CC) -o $@ $(UNIT_OBJ) $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS) $(CHECK_LIBS)

# Written again by every build: it carries this build's PREFIX.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|'
.PHONY: $(B)/libmuc.pc
$(B)/libmuc.pc: pkgconfig/libmuc.pc.in
	@mkdir -p $(B)
	@$(PC_SED) $< > $@

check: unit scenarios runner-selftest install-test
	@echo "make check: all passed"

unit: $(UNIT)
	$(UNIT)

# Our own scenarios pin down all of libmuc's output (--exact).
scenarios: $(RUNNER)
	$(RUNNER) --exact $(SCENARIOS)

runner-selftest: $(RUNNER)
	sh test/runner/selftest.sh $(RUNNER)

install-test: all
	B=$(B) CC=$(CC) MAKE=$(MAKE) sh test/install/install-test.sh

SCS ?= ../shared/conformance/prosody-scansion
conformance: $(RUNNER)
	$(RUNNER) $(sort $(wildcard $(SCS)/*.scs))

# The same checks under AddressSanitizer + UndefinedBehaviorSanitizer.
sanitize-check:
	$(MAKE) B=build/san SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" OPT="-O1 -g" unit scenarios runner-selftest

valgrind-check: $(UNIT) $(RUNNER)
	CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 $(UNIT)
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 $(RUNNER) --exact $(SCENARIOS)

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 644 include/muc.h $(DESTDIR)$(INCLUDEDIR)/muc.h
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libmuc.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmuc.so
	install -m 644 $(STLIB) $(DESTDIR)$(LIBDIR)/libmuc.a
	$(PC_SED) pkgconfig/libmuc.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libmuc.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/libmuc.pc
	install -m 755 $(RUNNER) $(DESTDIR)$(BINDIR)/muc-scansion

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/muc.h $(DESTDIR)$(LIBDIR)/libmuc.* \
	      $(DESTDIR)$(PKGCONFIGDIR)/libmuc.pc $(DESTDIR)$(BINDIR)/muc-scansion

clean:
	rm -rf build

# ---- Benchmarks, fuzzing, allocation failure ------------------------------

BENCH_SRC := $(wildcard test/bench/*.c)
BENCH_OBJ := $(BENCH_SRC:%.c=$(B)/%.o)
$(B)/muc-bench: $(BENCH_OBJ) $(STLIB)
	$(CC) -o $@ $(BENCH_OBJ) $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS)

# Speed and memory: a table and JSON (not a test; never timed in tests).
.PHONY: bench fuzz failalloc-check
bench: $(B)/muc-bench
	$(B)/muc-bench

FAILALLOC_SRC := $(wildcard test/failalloc/*.c)
FAILALLOC_OBJ := $(FAILALLOC_SRC:%.c=$(B)/%.o)
$(B)/test-failalloc: $(FAILALLOC_OBJ) $(STLIB)
	$(CC) -o $@ $(FAILALLOC_OBJ) $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS)

# Fails the k-th allocation of a realistic scenario, for every k.
failalloc-check: $(B)/test-failalloc
	$(B)/test-failalloc

HOSTILE_OBJ := $(B)/test/hostile/hostile.o
$(B)/test-hostile: $(HOSTILE_OBJ) $(STLIB)
	$(CC) -o $@ $(HOSTILE_OBJ) $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS)

# Hostile input of every kind: each gets its documented answer.
.PHONY: hostile-check
hostile-check: $(B)/test-hostile
	$(B)/test-hostile

# libFuzzer (clang): arbitrary bytes and stanza sequences into one service.
FUZZ_SECONDS ?= 60
# A fixed seed and number of runs make a run repeatable (CI uses them, so
# that what it checks does not depend on the machine's speed).
FUZZ_SEED ?= 0
FUZZ_RUNS ?= -1
FUZZ_B := build/fuzz
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz:
	$(MAKE) CC=clang B=$(FUZZ_B) SAN="$(FUZZ_SAN)" OPT="-O1 -g" $(FUZZ_B)/libmuc.a
	@mkdir -p $(FUZZ_B)/corpus
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Iinclude -Ilib $(DEP_CFLAGS) \
	  -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	  $(FUZZ_CFLAGS) test/fuzz/fuzz_service.c $(FUZZ_B)/libmuc.a $(DEP_LIBS) -o $(FUZZ_B)/fuzz-service
	sh test/fuzz/make-seeds.sh $(FUZZ_B)/seeds
	$(FUZZ_B)/fuzz-service -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) \
	  -runs=$(FUZZ_RUNS) -print_final_stats=1 \
	  -artifact_prefix=$(FUZZ_B)/ $(FUZZ_B)/corpus $(FUZZ_B)/seeds test/fuzz/regressions

# ---- Parts kept in their own folders ---------------------------------------
# Integration with a real server (issue 5) and the language bindings (issue
# 7) define their targets (integration, check-bindings, install-python,
# bench-prosody) in these files.
-include test/integration/integration.mk
-include bindings/bindings.mk
