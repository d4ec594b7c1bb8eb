"""Kill-safety of the topology module, per module interpreter, in its own sandbox: kill_runner.py
SIGKILLs a 100-namespace build at 20 seeded random points of its apply; after each, the next run
succeeds and equals a clean build, a third changes nothing, and `state: absent` leaves nothing (no
namespace, link or ownership record). Also a namespace file left half made (created, nothing
bound to it) by a kill: finished by a build, removed by an absent. The report is kept in
tests/output/integration/pyroute2-X.Y/kill_safety.json; NETVIRT_KILL_POINTS / NETVIRT_KILL_SEED
change the count and the seed."""

import json
import os
import signal
import subprocess
import time

import pytest

from harness import REPO, SANDBOX, VENV, module_pythons

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'kill_runner.py')
POINTS = int(os.environ.get('NETVIRT_KILL_POINTS') or 20)
SEED = int(os.environ.get('NETVIRT_KILL_SEED') or 13)


@pytest.mark.parametrize('python', [pytest.param(p, id='%s-kill_safety' % p.label) for p in module_pythons()])
def test_a_killed_build_converges_and_absent_leaves_nothing(python):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    argv = [SANDBOX, os.path.join(VENV, 'bin', 'python'), RUNNER, python.path, str(POINTS), str(SEED), '100']
    timeout = float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 900)
    started = time.monotonic()
    with subprocess.Popen(argv, cwd=HERE, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail('kill_runner (%s) timed out after %.0f s\n%s' % (python.label, timeout, err[-3000:]),
                        pytrace=False)
    log_dir = os.path.join(REPO, 'tests', 'output', 'integration', python.label)
    os.makedirs(log_dir, exist_ok=True)
    log = os.path.join(log_dir, 'kill_safety.json')
    with open(log, 'w') as handle:
        handle.write(out or err)
    assert proc.returncode == 0, 'kill_runner failed (exit %s, %.0f s):\n%s' % (
        proc.returncode, time.monotonic() - started, err[-3000:])
    report = json.loads(out)
    assert report['clean_absent_leaves_nothing'] and report['clean_rerun']['changed'] is False, log
    points = report['points']
    assert len(points) == POINTS
    killed = [p for p in points if not p['finished_first']]
    # the points must fall inside the apply, or the test shows nothing: most kills leave a part built
    partial = [p for p in killed if p['cut_short']]
    assert len(killed) >= POINTS * 3 // 4, 'only %d of %d kills hit a running build (log %s)' % (len(killed), POINTS, log)
    assert len(partial) >= POINTS // 2, 'only %d kills cut a build short (log %s)' % (len(partial), log)
    bad = []
    for i, p in enumerate(points):
        what = []
        if p['rerun']['failed']:
            what.append('the re-run failed: %s' % p['rerun']['msg'])
        elif not p['rerun_equals_clean']:
            what.append('the re-run differs from a clean build')
        if p['third_changed'] or p['third_failed']:
            what.append('a third run changed=%s failed=%s' % (p['third_changed'], p['third_failed']))
        if p['absent_failed'] or not p['absent_leaves_nothing']:
            what.append('absent left %s' % json.dumps(p.get('left_after_absent')))
        if what:
            bad.append('kill %d after %.4f s (%d namespaces left): %s' % (i, p['killed_after'], p['left_namespaces'],
                                                                          '; '.join(what)))
    half = report['half_made']
    if not half['build_equals_clean']:
        bad.append('a half-made namespace file: the build did not finish it: %s' % half['build']['msg'])
    if half['absent_of_half_made']['failed'] or not half['absent_leaves_nothing']:
        bad.append('a half-made namespace file: absent left something: %s' % half['absent_of_half_made']['msg'])
    assert not bad, '\n'.join(bad + ['(log %s)' % log])
