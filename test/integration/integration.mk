# Issue 5: durable state and a real host. Included by the top Makefile.
#
#   make component       build/muc-component (needs libstrophe-dev)
#   make store-test      round trip of every piece of durable state; the
#                        directory store's files, names and failure reports
#   make crash-test      SIGKILL at random points while rooms change; every
#                        acknowledged change must survive, every file parse
#   make integration     the two above, then Debian's Prosody on loopback
#                        with muc-component and real clients (slixmpp),
#                        then net-corpus when the shared corpus is there
#   make net-corpus      the shared corpus (SCS=DIR) over the network
#                        through Prosody + muc-component, each script on a
#                        fresh pair; fails if one passes in-process only
#   make integration-deps  apt-get the packages these targets need

.PHONY: component store-test crash-test integration integration-deps \
        net-corpus

# Evaluated when used (after integration-deps may have installed them).
STROPHE_CFLAGS = $(shell $(PKG) --cflags libstrophe)
STROPHE_LIBS   = $(shell $(PKG) --libs libstrophe)
COMPONENT      := $(B)/muc-component
INTEG_DIR      := test/integration

integration-deps:
	@sh $(INTEG_DIR)/deps.sh

component: $(COMPONENT)

$(B)/examples/muc-component/%.o: examples/muc-component/%.c include/muc.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(STROPHE_CFLAGS) -c $< -o $@

$(COMPONENT): $(B)/examples/muc-component/muc-component.o $(STLIB)
	$(CC) -o $@ $< $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS) $(STROPHE_LIBS)

$(B)/test/integration/%.o: test/integration/%.c include/muc.h test/integration/check.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/test-store: $(B)/test/integration/store_test.o $(STLIB)
	$(CC) -o $@ $< $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS)

$(B)/test-crash: $(B)/test/integration/crash_test.o $(STLIB)
	$(CC) -o $@ $< $(STLIB) $(LDFLAGS_ALL) $(DEP_LIBS)

store-test: $(B)/test-store
	$(B)/test-store

crash-test: $(B)/test-crash
	$(B)/test-crash

integration: integration-deps
	$(MAKE) --no-print-directory store-test crash-test component $(RUNNER)
	sh $(INTEG_DIR)/run.sh $(COMPONENT)
	@if [ -d "$(SCS)" ]; then \
		RUNNER=$(abspath $(RUNNER)) sh $(INTEG_DIR)/net-corpus.sh $(COMPONENT) $(SCS); \
	else echo "net-corpus: skipped, no corpus at $(SCS)"; fi

net-corpus: integration-deps
	$(MAKE) --no-print-directory component $(RUNNER)
	RUNNER=$(abspath $(RUNNER)) sh $(INTEG_DIR)/net-corpus.sh $(COMPONENT) $(SCS)
