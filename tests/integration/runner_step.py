"""One step of a sandboxed runner (playbook_runner.py, examples_runner.py): run an argv from the
repository root, output and errors together, and return it as a report entry."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The controller: NETVIRT_CONTROLLER (a venv: `make integration` passes the newest ansible-core's,
# `make examples-oldest` the oldest's), else the venv of the python running this.
CONTROLLER = os.environ.get('NETVIRT_CONTROLLER') or os.path.dirname(os.path.dirname(sys.executable))
ANSIBLE_PLAYBOOK = os.path.join(CONTROLLER, 'bin', 'ansible-playbook')
RUN_TIMEOUT = 600


def run_step(argv, timeout=RUN_TIMEOUT):
    """{'argv', 'rc', 'output'}; rc None when the step timed out."""
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=timeout, check=False, cwd=REPO)
    except subprocess.TimeoutExpired as exc:
        return {'argv': argv, 'rc': None, 'output': (exc.output or '') + '\ntimed out after %d s' % timeout}
    return {'argv': argv, 'rc': proc.returncode, 'output': proc.stdout}
