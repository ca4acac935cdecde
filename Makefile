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

$(B)/%.o: %.c $(wildcard include/*.h lib/*.h examples/scansion/*.h)
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

$(B)/libmuc.pc: pkgconfig/libmuc.pc.in
	@mkdir -p $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' $< > $@

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
	sh test/install/install-test.sh

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
	install -m 644 $(B)/libmuc.pc $(DESTDIR)$(PKGCONFIGDIR)/libmuc.pc
	install -m 755 $(RUNNER) $(DESTDIR)$(BINDIR)/muc-scansion

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/muc.h $(DESTDIR)$(LIBDIR)/libmuc.* \
	      $(DESTDIR)$(PKGCONFIGDIR)/libmuc.pc $(DESTDIR)$(BINDIR)/muc-scansion

clean:
	rm -rf build
