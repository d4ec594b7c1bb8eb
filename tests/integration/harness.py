"""Run an ansible-playbook inside a throwaway network namespace (tools/sandbox).

Used by the integration tests: the machine's own network is never touched, and everything a
playbook makes is gone when the sandbox ends, even when the playbook fails."""

import collections
import os
import subprocess

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
    argv = [SANDBOX, os.path.join(VENV, 'bin', 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
            '-e', 'ansible_python_interpreter=%s' % interpreter(env), playbook]
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout, cwd=REPO, check=False)
    return proc.returncode, proc.stdout


def tail(text, lines=150):
    return '\n'.join(text.splitlines()[-lines:])
