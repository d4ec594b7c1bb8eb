"""Concurrent runs on one namespace, per module interpreter, in its own sandbox: for each pair of
modules that can share an object (concurrency_runner.py PAIRS), both started at once, 5 rounds:
both succeed, the shared object is there once with everything each asked for, and a run of each
again changes nothing. Without the namespace locks the runner holds (Kind.locks) the second
bridge, namespace or pair made at the same moment fails with EEXIST. The report is kept in
tests/output/integration/pyroute2-X.Y/concurrency.json."""

import json
import os
import signal
import subprocess

import pytest

from harness import REPO, SANDBOX, VENV, module_pythons

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'concurrency_runner.py')
ROUNDS = int(os.environ.get('NETVIRT_CONCURRENCY_ROUNDS') or 5)
# what each pair must leave: (namespaces, ports of bridge cbr0, links that must exist)
EXPECTED = {
    'bridge+bridge': ([], [], ['cbr0']),
    'netns+netns': (['cns'], [], []),
    'veth+veth': ([], [], ['cv0', 'cv1']),
    'vxlan+vxlan': ([], [], ['cvx']),
    'netns+topology': (['cns'], [], []),
    'bridge+topology': (['cns1'], ['cl1'], ['cbr0', 'cl1']),
    'topology+topology': (['cns1', 'cns2'], ['cl1', 'cl2'], ['cbr0', 'cl1', 'cl2']),
}


@pytest.mark.parametrize('python', [pytest.param(p, id='%s-concurrency' % p.label) for p in module_pythons()])
def test_two_runs_on_one_namespace_at_once_both_succeed(python):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    argv = [SANDBOX, os.path.join(VENV, 'bin', 'python'), RUNNER, python.path, str(ROUNDS)]
    timeout = float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 900)
    with subprocess.Popen(argv, cwd=HERE, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail('concurrency_runner (%s) timed out after %.0f s\n%s' % (python.label, timeout, err[-3000:]),
                        pytrace=False)
    log_dir = os.path.join(REPO, 'tests', 'output', 'integration', python.label)
    os.makedirs(log_dir, exist_ok=True)
    log = os.path.join(log_dir, 'concurrency.json')
    with open(log, 'w') as handle:
        handle.write(out or err)
    assert proc.returncode == 0, 'concurrency_runner failed (exit %s):\n%s' % (proc.returncode, err[-3000:])
    report = json.loads(out)
    assert sorted(report['pairs']) == sorted(EXPECTED)
    bad = []
    for label, rounds in sorted(report['pairs'].items()):
        namespaces, ports, wanted = EXPECTED[label]
        assert len(rounds) == ROUNDS
        for n, one in enumerate(rounds):
            where = '%s, round %d' % (label, n)
            for step in one['concurrent']:
                if step['failed']:
                    bad.append('%s: %s failed at the same time as its pair: %s' % (where, step['module'], step['msg']))
            if not any(step['changed'] for step in one['concurrent']):
                bad.append('%s: neither run made anything' % where)
            for step in one['again']:
                if step['failed'] or step['changed']:
                    bad.append('%s: %s again: changed=%s, %s' % (where, step['module'], step['changed'], step['msg']))
            if one['namespaces'] != namespaces or one['bridge_ports'] != ports \
                    or not set(wanted) <= set(one['links']):
                bad.append('%s: left namespaces %s, ports %s, links %s' % (where, one['namespaces'],
                                                                           one['bridge_ports'], one['links']))
            if 'absent' in one:
                first, second = one['absent']
                # whichever made the shared bridge, absent of ct1 leaves it, with ct2's port, to ct2
                if first['failed'] or 'cbr0' not in first['links'] or first['bridge_ports'] != ['cl2'] \
                        or first['namespaces'] != ['cns2']:
                    bad.append('%s: absent of ct1 left links %s, ports %s, namespaces %s (%s)' % (
                        where, first['links'], first['bridge_ports'], first['namespaces'], first['msg']))
                if second['failed'] or second['links'] != ['lo'] or second['namespaces']:
                    bad.append('%s: absent of both left links %s, namespaces %s (%s)' % (
                        where, second['links'], second['namespaces'], second['msg']))
    assert not bad, '\n'.join(bad + ['(log %s)' % log])
