# Language bindings (issue 7). Included by the top Makefile.
#
#   make lua             build/lua/libmuc.so, the Lua 5.4 module (require "libmuc")
#   make check-lua       its tests (exact output stanzas), then the same under valgrind
#   make check-prosody   Debian's Prosody on loopback with bindings/prosody/mod_libmuc.lua
#                        serving conference.localhost; the shared corpus over the network
#                        (same result and same traffic as in-process), then durable
#                        state through a restart of Prosody
#   make check-prosody-scenarios  test/scenarios the same way (about 2 minutes)
#   make check-bindings  every binding's checks: $(BINDING_CHECKS)
#   make install-lua     the module into LUA_CMOD_DIR, mod_libmuc.lua into PROSODY_MOD_DIR
#
# Another binding adds its check with `BINDING_CHECKS += check-…` (the list is
# expanded when check-bindings runs, so it may be extended after this file).

.PHONY: lua check-lua check-prosody check-prosody-scenarios check-bindings install-lua

LUA_PKG     ?= lua5.4
LUA         ?= lua5.4
LUA_CFLAGS   = $(shell $(PKG) --cflags $(LUA_PKG))
LUA_MOD     := $(B)/lua/libmuc.so
LUA_SRC     := $(wildcard bindings/lua/*.c)
LUA_OBJ     := $(LUA_SRC:%.c=$(B)/lua/obj/%.o)
LUA_TESTS   := $(sort $(wildcard bindings/lua/test/test_*.lua))
LUA_CMOD_DIR    ?= $(LIBDIR)/lua/5.4
PROSODY_MOD_DIR ?= $(PREFIX)/lib/prosody/modules
SCS         ?= ../shared/conformance/prosody-scansion

BINDING_CHECKS += check-lua check-prosody

# The Python binding keeps its rules in its own folder.
ifneq ($(wildcard bindings/python/python.mk),)
include bindings/python/python.mk
BINDING_CHECKS += check-python
endif

lua: $(LUA_MOD)

# Only the public header: the binding must not reach into lib/.
$(B)/lua/obj/%.o: %.c bindings/lua/lmuc.h include/muc.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) $(SAN) \
	  -Iinclude $(LUA_CFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# libmuc's position-independent objects are linked in, so the module needs
# no libmuc.so at run time; it exports luaopen_libmuc only.
$(LUA_MOD): $(LUA_OBJ) $(PIC_OBJ) bindings/lua/exports.map
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(LUA_OBJ) $(PIC_OBJ) \
	  -Wl,--version-script=bindings/lua/exports.map $(LDFLAGS_ALL) $(DEP_LIBS)

check-lua: $(LUA_MOD)
	LUA_CPATH='$(B)/lua/?.so;;' LUA_PATH='bindings/lua/test/?.lua;;' \
	  sh bindings/lua/test/run.sh $(LUA) $(LUA_TESTS)
	LUA_CPATH='$(B)/lua/?.so;;' LUA_PATH='bindings/lua/test/?.lua;;' \
	  sh bindings/lua/test/run.sh "valgrind -q --keep-debuginfo=yes --suppressions=bindings/lua/test/valgrind.supp --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=1 $(LUA)" $(LUA_TESTS)

check-prosody: $(LUA_MOD) $(RUNNER)
	RUNNER=$(RUNNER) sh bindings/prosody/test/run-corpus.sh $(LUA_MOD) $(SCS)
	sh bindings/prosody/test/run-persist.sh $(LUA_MOD)

# Our own scenarios over the network too (not in check-bindings: 37 scripts
# full of 'receives: nothing' take about two minutes even with a short wait).
check-prosody-scenarios: $(LUA_MOD) $(RUNNER)
	RUNNER=$(RUNNER) NET_ARGS='--nothing-timeout 0.2' \
	  sh bindings/prosody/test/run-corpus.sh $(LUA_MOD) $(SCENARIOS)

.SECONDEXPANSION:
check-bindings: $$(BINDING_CHECKS)
	@echo "make check-bindings: all passed ($(BINDING_CHECKS))"

install-lua: $(LUA_MOD)
	install -d $(DESTDIR)$(LUA_CMOD_DIR) $(DESTDIR)$(PROSODY_MOD_DIR)
	install -m 755 $(LUA_MOD) $(DESTDIR)$(LUA_CMOD_DIR)/libmuc.so
	install -m 644 bindings/prosody/mod_libmuc.lua $(DESTDIR)$(PROSODY_MOD_DIR)/mod_libmuc.lua
-include bindings/bench/bench.mk
