# netvirt.linux build and test entry points. See tests/README.md.
#
#   make test                     unit, integration-all, sanity, lint, build,
#                                 molecule; stops at the first failure
#   make integration-all          the integration tests with modules on pyroute2
#                                 0.9 and on 0.7, in one pytest session
#   make integration              ... with modules on pyroute2 0.9 only
#   make integration-pyroute2-0.7 ... with modules on pyroute2 0.7 only
#   make integration T=netns      one target (several: T="netns veth"), all
#                                 three integration* entry points take T and K
#   make integration K='veth'     a pytest -k expression
#   make integration K=seed_003   one seed lab playbook (tests/integration/test_playbooks.py)
#   make integration K=examples   every module's EXAMPLES (tests/integration/test_examples.py)
#   make integration JOBS=1       no parallel tests (default: pytest-xdist,
#                                 JOBS=auto, one worker per CPU)
#   make molecule                 every molecule scenario (roles/*/molecule/*) on
#                                 podman containers of a locally built image;
#                                 S="veth_pair routed_subnets/two_hosts" for some
#   make demo                     the demo lab in a sandbox; writes its report to
#                                 .build/demo/lab-report.html (DEMO_REPORT=)
#   make bench | clean | distclean

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

ROOT        := $(CURDIR)
VENV        := $(ROOT)/.venv
VENV07      := $(ROOT)/.venv-pyroute2-0.7
# The ansible-core matrix: the oldest supported and the newest controller (tests/README.md).
OLDEST      := $(ROOT)/.venv-ansible-2.16
NEWEST      := $(ROOT)/.venv-ansible-2.21
COLLECTIONS := $(ROOT)/.build/collections
SANDBOX     := $(ROOT)/tools/sandbox
PYTEST      := $(VENV)/bin/python -m pytest --rootdir=$(ROOT)

# Default: every pytest file in tests/integration (test_targets.py runs the
# target roles; other files there are tests of their own). T="a b" runs just
# those target roles (exact names); K='expr' adds a pytest -k expression.
# Test ids name the module interpreter's pyroute2 and then the target or
# bad-input entry: test_target[pyroute2-0.7-netns],
# test_bad_input[pyroute2-0.9-veth-bad-cidr].
T ?=
K ?=
# pytest-xdist workers (-n): every test runs in a sandbox of its own, so tests
# run side by side; tests/integration/conftest.py puts the longest first.
# JOBS=1 (or 0) runs them one after the other in this process.
JOBS ?= auto
INTEGRATION_ARGS = $(if $(strip $(T)),tests/integration/test_targets.py,tests/integration) $(if $(strip $(K)),-k '$(K)') \
	$(if $(filter 0 1,$(JOBS)),,-n $(JOBS) --dist load --maxschedchunk 1) --durations=15

# $(1): the module interpreters (NETVIRT_TEST_PYTHONS, separated by spaces); $(2): the controller
# venv (NETVIRT_CONTROLLER, default the newest ansible-core); $(3): pytest arguments instead of
# INTEGRATION_ARGS.
# pytest exits 5 when it collects nothing: with no integration test at all,
# say so and succeed.
define run_integration
	@echo "== integration: modules run by $(1)"; \
	rc=0; NETVIRT_CONTROLLER="$(or $(2),$(NEWEST))" NETVIRT_TEST_PYTHONS="$(1)" NETVIRT_TEST_TARGETS="$(strip $(T))" \
	  $(PYTEST) $(or $(3),$(INTEGRATION_ARGS)) -v -rfEs || rc=$$?; \
	if [ $$rc -eq 5 ] && [ -z "$(strip $(T)$(K))" ]; then echo "no integration targets"; rc=0; fi; \
	exit $$rc
endef

.PHONY: all test bootstrap demo unit integration integration-pyroute2-0.7 integration-all examples-oldest sanity build bench lint molecule \
	changelog changelog-check ee docs clean distclean

all: test

test: unit integration-all examples-oldest sanity lint build changelog-check ee docs molecule

bootstrap:
	@$(ROOT)/tools/bootstrap

# The demo also writes its lab report (the picture, the matrix, the actions) to DEMO_REPORT.
DEMO_REPORT ?= $(ROOT)/.build/demo/lab-report.html
demo: bootstrap
	mkdir -p $(dir $(DEMO_REPORT))
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=False \
	ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_CALLBACK_RESULT_FORMAT=yaml \
	  $(SANDBOX) $(VENV)/bin/ansible-playbook -i localhost, -c local \
	    -e ansible_python_interpreter=$(VENV)/bin/python -e lab_report=$(DEMO_REPORT) playbooks/demo.yml
	@echo "demo: the lab report is $(DEMO_REPORT) (open it in a browser; it needs no network)"

unit: bootstrap
	PYTHONPATH=$(COLLECTIONS) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) \
	  $(PYTEST) --import-mode=importlib tests/unit -q -rs

integration: bootstrap
	$(call run_integration,$(VENV)/bin/python)

integration-pyroute2-0.7: bootstrap
	$(call run_integration,$(VENV07)/bin/python)

# Both module interpreters in one session: xdist balances the two runs.
integration-all: bootstrap
	$(call run_integration,$(VENV)/bin/python $(VENV07)/bin/python)

# every module's EXAMPLES with the oldest supported ansible-playbook (modules on pyroute2 0.9). The roles'
# README examples are left out here: the runner reads results from the default callback, and 2.16's
# prints an include_role task without a result line and counts it differently in the PLAY RECAP.
examples-oldest: bootstrap
	$(call run_integration,$(VENV)/bin/python,$(OLDEST),tests/integration/test_examples.py -k 'not role-' \
	  $(if $(filter 0 1,$(JOBS)),,-n $(JOBS) --dist load --maxschedchunk 1) --durations=5)

# ansible-test sanity with the oldest supported and with the newest ansible-core, one after the other
sanity: bootstrap
	NETVIRT_SANITY_VENV=$(OLDEST) $(ROOT)/tools/sanity
	NETVIRT_SANITY_VENV=$(NEWEST) $(ROOT)/tools/sanity

# CHANGELOG.md from changelogs/ (antsibull-changelog); the check: lint, up to date, a fragment per change
changelog: bootstrap
	$(ROOT)/tools/changelog
changelog-check: bootstrap
	$(ROOT)/tools/changelog --check

# meta/execution-environment.yml with ansible-builder (introspect, create)
ee: bootstrap
	$(ROOT)/tools/ee

# the docs site (antsibull-docs + Sphinx) into .build/docs/html
docs: bootstrap
	$(ROOT)/tools/docs

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

# molecule scenarios (tools/molecule; tests/molecule/README.md): S= selects ROLE or ROLE/SCENARIO.
S ?=
molecule: bootstrap
	$(ROOT)/tools/molecule $(S)

clean:
	rm -rf .build tests/output .pytest_cache .ansible
	find . -path ./.git -prune -o -path './.venv*' -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf .venv .venv-pyroute2-0.7 .venv-pyroute2-0.6 .venv-molecule .venv-ansible-2.16 .venv-ansible-2.21 .venv-docs
