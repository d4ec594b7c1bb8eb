"""Run an ansible-playbook inside a throwaway network namespace (tools/sandbox).

Used by the integration tests: the machine's own network is never touched, and everything a
playbook makes is gone when the sandbox ends, even when the playbook fails."""

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
