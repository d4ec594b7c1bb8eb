# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role netvirt.linux.overlay on three simulated hosts (namespaces reached through the
netvirt.linux.netns connection), in a sandbox: overlay_fleet_runner.py does the steps (check mode,
converge, no change, cross-host matrix, a host removed and added again, the bad inputs, absent).
One test per module interpreter (both pyroute2 versions); logs in
tests/output/integration/pyroute2-X.Y/overlay/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from harness import module_pythons

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


@pytest.mark.parametrize("python", [pytest.param(p, id=p.label) for p in module_pythons()])
def test_overlay_fleet(python):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    log_dir = os.path.join(ROOT, 'tests', 'output', 'integration', 'pyroute2-%s' % python.pyroute2, 'overlay')
    os.makedirs(log_dir, exist_ok=True)
    env = dict(os.environ, NETVIRT_OVERLAY_LOG_DIR=log_dir, PYTHONUNBUFFERED='1')
    env.pop('ANSIBLE_STDOUT_CALLBACK', None)
    argv = [os.path.join(ROOT, 'tools', 'sandbox'), sys.executable, os.path.join(HERE, 'overlay_fleet_runner.py'),
            python.path]
    with subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True) as proc:
        try:
            out = proc.communicate(timeout=float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 1200))[0]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out = proc.communicate()[0]
    text = out.decode('utf-8', 'replace')
    with open(os.path.join(log_dir, 'runner.log'), 'w') as handle:
        handle.write(text)
    assert proc.returncode == 0 and 'ALL OK' in text, 'overlay fleet (%s) failed, logs in %s:\n%s' % (
        python.label, log_dir, text[-5000:])
