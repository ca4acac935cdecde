# make bench-prosody: the same load against Prosody with its own mod_muc and
# with mod_libmuc, side by side (issue 7; see bindings/bench/README).
# Included by bindings/bindings.mk, after the Lua binding's rules.
#
#   make bench-prosody                       N = 50 200 500, about 2 minutes
#   make bench-prosody BENCH_ARGS='--sizes 50 --deliveries 20000 --keep'
#
# Needs Debian's prosody and python3 (/usr/bin/python3, standard library
# only). Writes the table to stdout and the figures to $(B)/bench-prosody.json.

.PHONY: bench-prosody

BENCH_PYTHON ?= /usr/bin/python3
BENCH_ARGS   ?=
BENCH_CLOCK  := $(B)/bench/benchclock.so

# Clocks and malloc figures for the profiling module, loaded by Prosody's
# lua5.4: no sanitizer here, whatever SAN says.
$(BENCH_CLOCK): bindings/bench/benchclock.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(OPT) $(WARN) $(LUA_CFLAGS) $(CFLAGS) -fPIC -shared $< -o $@

bench-prosody: $(LUA_MOD) $(BENCH_CLOCK)
	$(BENCH_PYTHON) bindings/bench/bench_prosody.py --lua-mod $(LUA_MOD) \
	  --benchclock $(BENCH_CLOCK) --json $(B)/bench-prosody.json $(BENCH_ARGS)
