# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every integration target (a role under tests/integration/targets/).

Each directory of tests/integration/targets/ that has tasks/main.yml is one
pytest test per module interpreter, with id LABEL-TARGET (LABEL is
pyroute2-X.Y, the interpreter's pyroute2), e.g. test_target[pyroute2-0.9-netns].
The test writes a tiny playbook (hosts: localhost, gather_facts: false,
roles: [TARGET]) into a temporary directory and runs it with .venv's
ansible-playbook inside tools/sandbox, a throwaway network + mount + PID
namespace, so a target may create and delete namespaces, links, routes and
rules freely: nothing reaches the machine's own network, and everything it
made is gone when it ends. Tests are independent of each other, so pytest-xdist
may run them side by side (-n 2).

Environment:
  NETVIRT_TEST_PYTHONS    module interpreters (ansible_python_interpreter),
                          separated by spaces: one test per target for each
                          (`make integration-all` passes both venvs);
  NETVIRT_TEST_PYTHON     else this one module interpreter; default
                          .venv/bin/python. `make integration-pyroute2-0.7`
                          uses .venv-pyroute2-0.7/bin/python.
  NETVIRT_TEST_TARGETS    exact target names separated by spaces (make T=...);
                          default every target.
  NETVIRT_TEST_TIMEOUT    seconds per target (default 1200: check_mode_truth took
                          250-450 s in earlier runs, over 600 on a loaded machine).
  NETVIRT_TEST_VERBOSITY  0-4: that many -v for ansible-playbook (default 0).

A target's optional `aliases` file (one word a line, # comments) may hold:
  disabled                 never run;
  skip/pyroute2-X.Y        skip when the module interpreter's pyroute2 is X.Y
                           (e.g. skip/pyroute2-0.7);
  uml                      also run the target inside a user-mode Linux kernel
                           (tools/uml: Debian's UML 6.1, which has the drivers and
                           qdiscs the CI kernel lacks: dummy, 8021q, ipvlan, bonding,
                           bridge VLAN filtering, netem), test id
                           uml-pyroute2-X.Y-TARGET. There every success path must
                           run: a `SKIPPED ...` debug message in its output fails
                           the test;
  uml/skip/pyroute2-X.Y    not in UML with that pyroute2 (UML runs a task about
                           ten times slower than the sandbox).
Other aliases are ignored here. NETVIRT_TEST_UML=0 leaves the UML runs out.

The full ansible output of each target is kept in
tests/output/integration/pyroute2-X.Y/TARGET.log; a failure shows its last
150 lines.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from harness import module_pythons

ROOT = Path(__file__).resolve().parents[2]
TARGETS_DIR = ROOT / "tests" / "integration" / "targets"
SANDBOX = ROOT / "tools" / "sandbox"
UML = ROOT / "tools" / "uml"
# A target's debug task that says a success path was left out because the kernel refused the kind.
SKIPPED_PATH = re.compile(r'"msg": "(SKIPPED [^"]*)"')
ANSIBLE_PLAYBOOK = Path(os.environ.get("NETVIRT_CONTROLLER") or ROOT / ".venv") / "bin" / "ansible-playbook"
COLLECTIONS_PATH = ROOT / ".build" / "collections"
TAIL_LINES = 150


def _targets():
    if not TARGETS_DIR.is_dir():
        return []
    return sorted(p.name for p in TARGETS_DIR.iterdir() if (p / "tasks" / "main.yml").is_file())


def _aliases(target):
    path = TARGETS_DIR / target / "aliases"
    if not path.is_file():
        return set()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return words


def _tail(text, lines=TAIL_LINES):
    return "\n".join(text.splitlines()[-lines:])


def _selected_targets():
    """NETVIRT_TEST_TARGETS (`make integration T="a b"`): exact target names, else every target."""
    targets = _targets()
    wanted = (os.environ.get("NETVIRT_TEST_TARGETS") or "").split()
    if not wanted:
        return targets
    unknown = [t for t in wanted if t not in targets]
    if unknown:
        raise pytest.UsageError("NETVIRT_TEST_TARGETS / T: no integration target %s (targets: %s)"
                                % (", ".join(unknown), ", ".join(targets)))
    return [t for t in targets if t in wanted]


def _params():
    """One test per (module interpreter, target), id LABEL-TARGET, e.g. pyroute2-0.9-netns."""
    targets = _selected_targets()
    if not targets:
        return [pytest.param(None, None, id="none", marks=pytest.mark.skip(reason="no integration targets"))]
    params = [pytest.param(python, target, False, id="%s-%s" % (python.label, target))
              for python in module_pythons() for target in targets]
    if os.environ.get("NETVIRT_TEST_UML", "1") != "0":
        params += [pytest.param(python, target, True, id="uml-%s-%s" % (python.label, target))
                   for python in module_pythons() for target in targets
                   if "uml" in _aliases(target)
                   and "uml/skip/pyroute2-%s" % python.pyroute2 not in _aliases(target)]
    return params


@pytest.mark.parametrize("python,target,uml", _params())
def test_target(python, target, uml, tmp_path):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    interpreter = python.path
    pyroute2_version = python.pyroute2
    aliases = _aliases(target)
    if "disabled" in aliases:
        pytest.skip("aliases: disabled")
    if "skip/pyroute2-%s" % pyroute2_version in aliases:
        pytest.skip("aliases: skip/pyroute2-%s (module interpreter has pyroute2 %s)" % (pyroute2_version, pyroute2_version))

    playbook = tmp_path / "play.yml"
    # JSON is YAML: no quoting surprises whatever the target is called.
    playbook.write_text(json.dumps([{
        "name": "integration target %s" % target,
        "hosts": "localhost",
        "gather_facts": False,
        "roles": [target],
    }], indent=2) + "\n", encoding="utf-8")

    env = dict(os.environ)
    env.pop("ANSIBLE_STDOUT_CALLBACK", None)
    env.update({
        "ANSIBLE_ROLES_PATH": str(TARGETS_DIR),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_PYTHON_INTERPRETER": interpreter,
        "PYTHONUNBUFFERED": "1",
    })

    cmd = [str(UML if uml else SANDBOX), str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local",
           "-e", json.dumps({"ansible_python_interpreter": interpreter})]
    verbosity = int(os.environ.get("NETVIRT_TEST_VERBOSITY") or 0)
    if verbosity > 0:
        cmd.append("-" + "v" * min(verbosity, 4))
    cmd.append(str(playbook))
    timeout = float(os.environ.get("NETVIRT_TEST_TIMEOUT") or 1200)

    started = time.monotonic()
    # A session of its own, so a timeout can kill the sandbox; killing
    # tools/sandbox takes every process and namespace inside with it.
    with subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          start_new_session=True) as proc:
        try:
            output = proc.communicate(timeout=timeout)[0]
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output = proc.communicate()[0]
            timed_out = True
    text = output.decode("utf-8", errors="replace")
    elapsed = time.monotonic() - started

    log_dir = ROOT / "tests" / "output" / "integration" / ("%spyroute2-%s" % ("uml-" if uml else "", pyroute2_version))
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / ("%s.log" % target)
    log.write_text("# %s\n# exit %s after %.1f s\n%s" % (" ".join(cmd), proc.returncode, elapsed, text),
                   encoding="utf-8")

    if timed_out:
        pytest.fail("target %s (%s) timed out after %.0f s (full log: %s)\n%s"
                    % (target, python.label, timeout, log, _tail(text)), pytrace=False)
    if proc.returncode != 0:
        pytest.fail("target %s (%s) failed: ansible-playbook exited %d after %.1f s (full log: %s)\n"
                    "---- last %d lines of output ----\n%s"
                    % (target, python.label, proc.returncode, elapsed, log, TAIL_LINES, _tail(text)), pytrace=False)
    skipped = SKIPPED_PATH.findall(text) if uml else []
    if skipped:
        pytest.fail("target %s (%s) in user-mode Linux left out a success path, though that kernel has every "
                    "kind it tests: %s (full log: %s)" % (target, python.label, "; ".join(skipped), log), pytrace=False)
