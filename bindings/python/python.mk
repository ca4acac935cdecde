# Python binding (issue 7): bindings/python/, the cffi package `libmuc`, and
# its example host examples/python-component/. Included by bindings/bindings.mk.
#
#   make python              the package, built against $(B)/libmuc.so, into
#                            $(B)/python/lib (PYTHONPATH=$(B)/python/lib)
#   make check-python        check-python-unit, -venv, -install, -component:
#     check-python-unit      the pytest suite on that build (and mypy --strict
#                            on the package when python3-mypy is installed)
#     check-python-venv      `pip install --no-build-isolation ./bindings/python`
#                            into a fresh venv (--system-site-packages, no
#                            index), then the suite against what pip installed
#     check-python-install   `make install-python` into a scratch PREFIX (and
#                            its own build directory), then the suite against
#                            what it installed
#     check-python-component examples/python-component/ against Debian's
#                            Prosody: join.scs and the shared corpus, each
#                            script passing in-process must pass there
#   make check-python-valgrind  the suite under valgrind (not in check-python)
#   make install-python      `make install`, then the package into
#                            PYTHON_SITEDIR (default: where PYTHON looks for
#                            PREFIX, see bindings/python/sitedir.py)
#   make uninstall-python
#
# Debian packages: python3-cffi python3-setuptools python3-dev (to build),
# python3-pytest python3-venv (tests), python3-slixmpp prosody (component),
# python3-mypy (optional).

.PHONY: python check-python check-python-unit check-python-venv \
        check-python-install check-python-component check-python-valgrind \
        install-python uninstall-python

# Debian's python3 when it has cffi and setuptools, else the one on PATH
# (which may be another Python, e.g. pyenv's, without Debian's packages).
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do \
	$$p -c 'import cffi, setuptools' >/dev/null 2>&1 && { command -v $$p; break; }; done)
PYTHON_SITEDIR ?= $(shell $(PYTHON) bindings/python/sitedir.py $(PREFIX))
PY_SRC   := bindings/python
PY_B      = $(abspath $(B))/python
PY_NET   ?= ../shared/tools/scansion_net.py
PY_NEED   = @test -n "$(PYTHON)" || { echo "no python3 with cffi and setuptools: apt-get install python3-cffi python3-setuptools python3-dev" >&2; exit 1; }
# setup.py build against a header and library directory: $(call PY_BUILD,inc,lib,rpath,out)
PY_BUILD  = cd $(PY_SRC) && LIBMUC_INCLUDE_DIR=$(1) LIBMUC_LIBRARY_DIR=$(2) LIBMUC_RPATH=$(3) \
	$(PYTHON) setup.py -q egg_info --egg-base $(4).tmp \
	  build --build-base $(4).tmp --build-lib $(4) 2>&1 | \
	grep -v -e '^libmuc: building' -e 'byte-compiling is disabled' -e '^$$' || true; \
	test -f $(4)/libmuc/__init__.py && ls $(4)/libmuc/_libmuc_cffi*.so >/dev/null
# The suite, run from outside the tree so that `import libmuc` finds only
# what is being tested: $(call PY_TEST,python,PYTHONPATH)
PY_TEST   = cd $(PY_B) && env -u PYTHONPATH $(if $(2),PYTHONPATH=$(2)) PYTHONDONTWRITEBYTECODE=1 \
	$(1) -c 'import libmuc, sys; print("testing", libmuc.__file__, file=sys.stderr)' && \
	cd $(PY_B) && env -u PYTHONPATH $(if $(2),PYTHONPATH=$(2)) PYTHONDONTWRITEBYTECODE=1 \
	$(1) -m pytest -q -p no:cacheprovider $(CURDIR)/$(PY_SRC)/tests

python: $(SHLIB)
	$(PY_NEED)
	rm -rf $(PY_B)/lib $(PY_B)/lib.tmp
	@mkdir -p $(PY_B)/lib.tmp
	$(call PY_BUILD,$(CURDIR)/include,$(abspath $(B)),$(abspath $(B)),$(PY_B)/lib)

check-python: check-python-unit check-python-venv check-python-install \
              check-python-component
	@echo "make check-python: all passed"

check-python-unit: python
	$(call PY_TEST,$(PYTHON),$(PY_B)/lib)
	@if $(PYTHON) -c 'import mypy' 2>/dev/null; then \
	  echo "mypy --strict -p libmuc"; cd $(PY_B)/lib && \
	  $(PYTHON) -m mypy --strict --cache-dir $(PY_B)/mypy -p libmuc; \
	else echo "check-python-unit: no mypy (python3-mypy): types not checked"; fi

# Not part of check-python (it takes half a minute): the suite under
# valgrind; any invalid access, or a block definitely lost, fails it.
check-python-valgrind: python
	cd $(PY_B) && env -u PYTHONPATH PYTHONPATH=$(PY_B)/lib PYTHONMALLOC=malloc \
	  PYTHONDONTWRITEBYTECODE=1 valgrind -q --leak-check=full \
	  --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	  --error-exitcode=1 --suppressions=$(CURDIR)/$(PY_SRC)/tests/valgrind.supp \
	  $(PYTHON) -m pytest -q -p no:cacheprovider $(CURDIR)/$(PY_SRC)/tests

check-python-venv: $(SHLIB)
	$(PY_NEED)
	rm -rf $(PY_B)/venv
	$(PYTHON) -m venv --system-site-packages $(PY_B)/venv
	LIBMUC_INCLUDE_DIR=$(CURDIR)/include LIBMUC_LIBRARY_DIR=$(abspath $(B)) \
	  $(PY_B)/venv/bin/pip install -q --no-index --no-build-isolation \
	  --disable-pip-version-check ./$(PY_SRC)
	rm -rf $(PY_SRC)/build $(PY_SRC)/src/libmuc.egg-info
	$(PY_B)/venv/bin/python -c 'import libmuc, sys; \
	  assert libmuc.__file__.startswith(sys.prefix), libmuc.__file__'
	$(call PY_TEST,$(PY_B)/venv/bin/python,)

check-python-install:
	$(PY_NEED)
	rm -rf $(PY_B)/prefix
	$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
	  install-python B=$(PY_B)/b PREFIX=$(PY_B)/prefix PYTHON=$(PYTHON) >/dev/null
	$(call PY_TEST,$(PYTHON),$(shell $(PYTHON) $(PY_SRC)/sitedir.py $(PY_B)/prefix))

check-python-component: python $(RUNNER)
	@if [ ! -e $(PY_NET) ]; then \
	  echo "check-python-component: $(PY_NET) not found: skipped"; exit 0; fi; \
	PYTHONPATH=$(PY_B)/lib $(PYTHON) examples/python-component/check_prosody.py \
	  --net $(PY_NET) --runner $(RUNNER) examples/python-component/join.scs \
	  $(sort $(wildcard $(SCS)/*.scs))

# The library first (make install), then the package built against the
# installed header and library, finding libmuc.so.0 in LIBDIR at run time.
install-python: install
	$(PY_NEED)
	rm -rf $(PY_B)/install $(PY_B)/install.tmp
	@mkdir -p $(PY_B)/install.tmp
	$(call PY_BUILD,$(abspath $(DESTDIR)$(INCLUDEDIR)),$(abspath $(DESTDIR)$(LIBDIR)),$(LIBDIR),$(PY_B)/install)
	install -d $(DESTDIR)$(PYTHON_SITEDIR)/libmuc
	install -m 644 $(PY_B)/install/libmuc/*.py $(PY_B)/install/libmuc/*.pyi \
	  $(PY_B)/install/libmuc/py.typed \
	  $(DESTDIR)$(PYTHON_SITEDIR)/libmuc/
	install -m 755 $(PY_B)/install/libmuc/_libmuc_cffi*.so \
	  $(DESTDIR)$(PYTHON_SITEDIR)/libmuc/

uninstall-python:
	rm -rf $(DESTDIR)$(PYTHON_SITEDIR)/libmuc
