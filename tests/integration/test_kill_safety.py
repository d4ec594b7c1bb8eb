"""Kill-safety of the topology module, per module interpreter, in its own sandbox: kill_runner.py
SIGKILLs a 100-namespace build at 20 seeded random points of its apply; after each, the next run
succeeds and equals a clean build, a third changes nothing, and `state: absent` leaves nothing (no
namespace, link or ownership record). Also a namespace file left half made (created, nothing
bound to it) by a kill: finished by a build, removed by an absent. The report is kept in
tests/output/integration/pyroute2-X.Y/kill_safety.json; NETVIRT_KILL_POINTS / NETVIRT_KILL_SEED
change the count and the seed.

The iptables case (kill_runner.py ... iptables): four tasks, ~500 rules of filter and nat with
``ip_version: both``, SIGKILLed at NETVIRT_IPT_KILL_POINTS (20) seeded points: each owned chain of
each family is then as the run found it or new, never a half; every 5th point and the last the
re-run equals a clean run; a third run changes nothing; absent leaves no owned chain or rule;
a foreign chain and FORWARD rule are untouched throughout. Report kill_safety_iptables.json."""

import json
import os

import pytest

from harness import REPO, SANDBOX, VENV, module_pythons, run_report

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'kill_runner.py')
POINTS = int(os.environ.get('NETVIRT_KILL_POINTS') or 20)
IPT_POINTS = int(os.environ.get('NETVIRT_IPT_KILL_POINTS') or 20)
SEED = int(os.environ.get('NETVIRT_KILL_SEED') or 13)


def run_runner(python, argv, name):
    """kill_runner.py in its own sandbox -> (report, log path)."""
    log = os.path.join(REPO, 'tests', 'output', 'integration', python.label, name)
    return run_report(argv, 'kill_runner (%s)' % python.label, log, cwd=HERE), log


@pytest.mark.parametrize('python', [pytest.param(p, id='%s-kill_safety' % p.label) for p in module_pythons()])
def test_a_killed_build_converges_and_absent_leaves_nothing(python):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    argv = [SANDBOX, os.path.join(VENV, 'bin', 'python'), RUNNER, python.path, str(POINTS), str(SEED), '100']
    report, log = run_runner(python, argv, 'kill_safety.json')
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


@pytest.mark.parametrize('python', [pytest.param(p, id='%s-kill_safety_iptables' % p.label) for p in module_pythons()])
def test_a_killed_iptables_run_leaves_each_family_old_or_new_and_converges(python):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    argv = [SANDBOX, os.path.join(VENV, 'bin', 'python'), RUNNER, python.path, str(IPT_POINTS), str(SEED), 'iptables']
    report, log = run_runner(python, argv, 'kill_safety_iptables.json')
    for key in ('clean_run_0', 'clean_run_1'):
        assert report[key]['changed'] and not report[key]['failed'], (key, report[key], log)
    assert report['clean_rerun']['changed'] is False and not report['clean_rerun']['failed'], log
    assert report['old_differs_from_new'], log
    refused = report['ipv6_refused_at_commit']     # IPv6 refused at its commit after IPv4's went in
    assert refused['failed'] and '(ipv6): iptables-restore refused' in refused['msg'], refused
    assert 'ipv4, committed just before, was put back as it was' in refused['msg'], refused
    assert refused['state_kept'], 'IPv4 was not put back: %s changed (log %s)' % (refused['changed_chains'], log)
    assert sum(report['rules'].values()) >= 900, report['rules']     # ~500 rules, most in both families
    points = report['points']
    assert len(points) == IPT_POINTS
    killed = [p for p in points if not p['finished_first']]
    # kills must hit running tasks, and some between two tasks' commits (some chains new, some old)
    assert len(killed) >= IPT_POINTS * 3 // 4, 'only %d of %d kills hit a running task (log %s)' % (
        len(killed), IPT_POINTS, log)
    assert any(p['mixed'] for p in points), 'no kill left some chains new and others old (log %s)' % log
    bad = []
    for i, p in enumerate(points):
        if p['half']:
            bad.append('kill %d after %.3f s (task %s): a half chain: %s'
                       % (i, p['killed_after'], p['killed_task'], sorted(p['half'])))
        if not p['foreign_kept']:
            bad.append('kill %d: a foreign chain or rule changed' % i)
        if p['finished_first'] and not p['finished_equals_clean']:
            bad.append('kill %d: the run was not killed and differs from a clean run' % i)
        if 'rerun' in p and (p['rerun']['failed'] or not p['rerun_equals_clean']):
            bad.append('kill %d: the re-run %s' % (i, p['rerun']['msg'] if p['rerun']['failed'] else
                                                   'differs from a clean run'))
    if report['third_changed'] or report['third_failed']:
        bad.append('a third run changed=%s failed=%s' % (report['third_changed'], report['third_failed']))
    if report['absent']['failed'] or not report['absent_leaves_nothing']:
        bad.append('absent left %s (%s)' % (json.dumps(report['left_after_absent'])[:2000], report['absent']['msg']))
    # the namespace's lock file (an flock file, kept by design) is all that may stay under /run/netvirt
    stray = [f for f in report['run_after_absent'] if not (f.startswith('iptables-') and f.endswith('.lock'))]
    if stray:
        bad.append('left under /run/netvirt: %s' % stray)
    assert len([p for p in points if 'rerun' in p]) >= 4
    assert not bad, '\n'.join(bad + ['(log %s)' % log])
