# netvirt.linux build and test entry points. See tests/README.md.
#
#   make test                     unit, integration (pyroute2 0.9), integration
#                                 (pyroute2 0.7 as module interpreter), sanity,
#                                 build; stops at the first failure
#   make integration T=netns      one target (several: T="netns veth")
#   make integration K='veth'     a pytest -k expression
#   make demo | bench | clean | distclean

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

ROOT        := $(CURDIR)
VENV        := $(ROOT)/.venv
VENV07      := $(ROOT)/.venv-pyroute2-0.7
COLLECTIONS := $(ROOT)/.build/collections
SANDBOX     := $(ROOT)/tools/sandbox
PYTEST      := $(VENV)/bin/python -m pytest --rootdir=$(ROOT)

# Default: every pytest file in tests/integration (test_targets.py runs the
# target roles; other files there are tests of their own). T="a b" runs just
# those target roles (exact names); K='expr' adds a pytest -k expression.
T ?=
K ?=
INTEGRATION_ARGS = $(if $(strip $(T)),$(foreach t,$(T),tests/integration/test_targets.py::test_target[$(t)]),tests/integration) $(if $(strip $(K)),-k '$(K)')

# pytest exits 5 when it collects nothing: with no integration test at all,
# say so and succeed.
define run_integration
	@echo "== integration: modules run by $(1)"; \
	rc=0; NETVIRT_TEST_PYTHON=$(1) $(PYTEST) $(INTEGRATION_ARGS) -v -rs || rc=$$?; \
	if [ $$rc -eq 5 ] && [ -z "$(strip $(T)$(K))" ]; then echo "no integration targets"; rc=0; fi; \
	exit $$rc
endef

.PHONY: all test bootstrap demo unit integration integration-pyroute2-0.7 sanity build bench lint clean distclean

all: test

test: unit integration integration-pyroute2-0.7 sanity lint build

bootstrap:
	@$(ROOT)/tools/bootstrap

demo: bootstrap
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=False \
	ANSIBLE_RETRY_FILES_ENABLED=0 \
	  $(SANDBOX) $(VENV)/bin/ansible-playbook -i localhost, -c local \
	    -e ansible_python_interpreter=$(VENV)/bin/python playbooks/demo.yml

unit: bootstrap
	PYTHONPATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) \
	  $(PYTEST) --import-mode=importlib tests/unit -q -rs

integration: bootstrap
	$(call run_integration,$(VENV)/bin/python)

integration-pyroute2-0.7: bootstrap
	$(call run_integration,$(VENV07)/bin/python)

sanity: bootstrap
	$(ROOT)/tools/sanity

build: bootstrap
	$(ROOT)/tools/build

# B=topology runs only bench/topology_bench.py (bench/<B>*.py).
B ?=
bench: bootstrap
	@shopt -s nullglob; benches=(bench/$(B)*.py); \
	if [ $${#benches[@]} -eq 0 ]; then echo "no benchmarks yet"; exit 0; fi; \
	for b in "$${benches[@]}"; do \
	  echo "== $$b"; \
	  PYTHONPATH=$(COLLECTIONS) $(SANDBOX) $(VENV)/bin/python "$$b"; \
	done

# ansible-lint, production profile (part of `make test`).
# (ansible-lint keeps a cache in .ansible/, which is git-ignored.)
lint: bootstrap
	PATH=$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ANSIBLE_HOME=$(ROOT)/.build/ansible-home \
	  $(VENV)/bin/ansible-lint --profile production --nocolor

clean:
	rm -rf .build tests/output .pytest_cache .ansible
	find . -path ./.git -prune -o -path './.venv*' -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf .venv .venv-pyroute2-0.7
