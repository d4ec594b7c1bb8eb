"""Persistence (topology's persist option) across simulated reboots, per module interpreter, in a
sandbox of its own: persist_runner.py runs three "boots" (new network, /run and processes each;
/etc and /usr/local overlays on a tmpfs "disk" that outlives them), each one playbook of
tests/integration/persist/ whose asserts are the test. Select with `make integration K=persist`;
the output of the boots is kept in tests/output/integration/pyroute2-X.Y/persist.log."""

import os

import pytest

from harness import REPO, module_pythons, run_runner, tail

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'persist_runner.py')


@pytest.mark.parametrize('python', module_pythons(), ids=lambda p: p.label)
def test_persist(python, tmp_path):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    disk = tmp_path / 'disk'
    disk.mkdir()
    log = os.path.join(REPO, 'tests', 'output', 'integration', python.label, 'persist.log')
    report = run_runner(RUNNER, [str(disk), python.path], 'persistence (%s)' % python.label, log)
    labels = [run['label'] for run in report['runs']]
    for run in report['runs']:
        assert run['rc'] == 0, '%s failed (log %s):\n%s' % (run['label'], log, tail(run['output']))
    assert labels == ['boot 1', 'boot 2', 'boot 3'], labels
