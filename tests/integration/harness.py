"""Run an ansible-playbook inside a throwaway network namespace (tools/sandbox).

Used by the integration tests: the machine's own network is never touched, and everything a
playbook makes is gone when the sandbox ends, even when the playbook fails."""

import collections
import json
import os
import signal
import subprocess
import sys
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGETS = os.path.join(REPO, 'tests', 'integration', 'targets')
SANDBOX = os.path.join(REPO, 'tools', 'sandbox')
VENV = os.environ.get('NETVIRT_VENV', os.path.join(REPO, '.venv'))
COLLECTIONS = os.environ.get('NETVIRT_COLLECTIONS', os.path.join(REPO, '.build', 'collections'))


def interpreter(env=None):
    """The module interpreter: NETVIRT_TEST_PYTHON (the pyroute2 0.7 run sets it), else the venv's."""
    env = os.environ if env is None else env
    return os.path.abspath(env.get('NETVIRT_TEST_PYTHON') or os.path.join(VENV, 'bin', 'python'))


class ModulePython(collections.namedtuple('ModulePython', 'path pyroute2 error')):
    """One module interpreter of the run: its path (a venv's python, deliberately not resolved:
    resolving the symlink would leave the venv), the major.minor of the pyroute2 it imports, or
    why it cannot be used (error)."""

    @property
    def label(self):
        """pyroute2-X.Y: the test id part and the log directory (tests/output/integration/LABEL)."""
        if self.pyroute2:
            return 'pyroute2-%s' % self.pyroute2
        return os.path.basename(os.path.dirname(os.path.dirname(self.path))) or self.path


_PROBED = {}


def _probe(path):
    if path not in _PROBED:
        if not os.access(path, os.X_OK):
            _PROBED[path] = ModulePython(path, None, 'module interpreter %s does not exist: run tools/bootstrap' % path)
        else:
            proc = subprocess.run([path, '-c', 'import pyroute2; print(pyroute2.__version__)'], check=False,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            if proc.returncode != 0:
                _PROBED[path] = ModulePython(path, None, 'cannot import pyroute2 with %s:\n%s' % (path, proc.stderr))
            else:
                _PROBED[path] = ModulePython(path, '.'.join(proc.stdout.strip().split('.')[:2]), None)
    return _PROBED[path]


def module_pythons(env=None):
    """The module interpreters this run tests with, each a ModulePython:
    NETVIRT_TEST_PYTHONS (several, separated by spaces: `make integration-all` runs both venvs in
    one pytest session), else NETVIRT_TEST_PYTHON (one), else .venv/bin/python. Relative paths
    are taken from the repository root."""
    env = os.environ if env is None else env
    paths = (env.get('NETVIRT_TEST_PYTHONS') or '').split() or [env.get('NETVIRT_TEST_PYTHON') or os.path.join(VENV, 'bin', 'python')]
    found = []
    for path in paths:
        python = _probe(os.path.normpath(os.path.join(REPO, path)))
        if python.label in [p.label for p in found]:
            raise ValueError('NETVIRT_TEST_PYTHONS: two module interpreters with %s (%s)' % (python.label, paths))
        found.append(python)
    return found


def run_playbook(playbook, extra_env=None, timeout=600):
    env = dict(os.environ)
    env.update({
        'ANSIBLE_ROLES_PATH': TARGETS,
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
    })
    env.update(extra_env or {})
    controller = os.environ.get('NETVIRT_CONTROLLER') or VENV
    argv = [SANDBOX, os.path.join(controller, 'bin', 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
            '-e', 'ansible_python_interpreter=%s' % interpreter(env), playbook]
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout, cwd=REPO, check=False)
    return proc.returncode, proc.stdout


def run_runner(runner, args, what, log_path, extra_env=None):
    """Start one of the runners (playbook_runner.py, examples_runner.py) inside tools/sandbox with
    .venv's python, wait for it (NETVIRT_TEST_TIMEOUT, default 1200 s; the whole process group is
    killed after that), write its steps' output to ``log_path`` and return its JSON report.
    ``what`` names the test in failures ("playbook seed_002 (pyroute2-0.9)")."""
    env = dict(os.environ)
    env.pop('ANSIBLE_STDOUT_CALLBACK', None)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'PYTHONUNBUFFERED': '1',
    })
    env.update(extra_env or {})
    argv = [SANDBOX, sys.executable, runner] + list(args)
    timeout = float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 1200)
    started = time.monotonic()
    with subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail('%s timed out after %.0f s\n%s' % (what, timeout, err.decode('utf-8', 'replace')[-3000:]),
                        pytrace=False)
    out = out.decode('utf-8', 'replace')
    err = err.decode('utf-8', 'replace')
    elapsed = time.monotonic() - started
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    try:
        report = json.loads(out)
    except ValueError:
        report = None
    with open(log_path, 'w') as handle:
        handle.write('# %s\n# exit %s after %.1f s\n' % (' '.join(argv), proc.returncode, elapsed))
        for step in (report or {}).get('runs', []):
            handle.write('\n#### %s: %s (exit %s)\n%s' % (step['label'], ' '.join(step['argv']), step['rc'], step['output']))
        if report is None:
            handle.write(out)
        handle.write(err)
    assert proc.returncode == 0 and report is not None, \
        'runner failed (exit %s, log %s):\n%s\n%s' % (proc.returncode, log_path, out[-3000:], err[-3000:])
    return report


def run_report(argv, what, log_path, cwd=None):
    """Run ``argv`` (a runner that prints one JSON report, usually inside tools/sandbox), wait for it
    (NETVIRT_TEST_TIMEOUT, default 900 s; the whole process group is killed after that), keep its
    report (or its error output) at ``log_path`` and return the report. ``what`` names the runner
    in failures ("kill_runner (pyroute2-0.9)")."""
    timeout = float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 900)
    started = time.monotonic()
    with subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail('%s timed out after %.0f s\n%s' % (what, timeout, err[-3000:]), pytrace=False)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, 'w') as handle:
        handle.write(out or err)
    assert proc.returncode == 0, '%s failed (exit %s after %.0f s):\n%s' % (
        what, proc.returncode, time.monotonic() - started, err[-3000:])
    return json.loads(out)


def tail(text, lines=150):
    return '\n'.join(text.splitlines()[-lines:])
