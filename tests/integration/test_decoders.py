"""The pyroute2 reader (parse.parse_link) and the raw reader (rawdump, Session.links(raw=True),
topology's observation) give the same plain data on real links of every kind the collection
manages (veth across namespaces and within one, bridges, vxlan, tun and tap, lo, a macvlan as a
generic interface), for every module interpreter: decoders_runner.py makes the links and compares,
inside tools/sandbox; its report is kept in tests/output/integration/pyroute2-X.Y/decoders.json."""

import json
import os
import signal
import subprocess
import time
import warnings

import pytest

from harness import COLLECTIONS, REPO, SANDBOX, module_pythons

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'decoders_runner.py')
KINDS = ['bridge', 'loopback', 'macvlan', 'tun', 'veth', 'vxlan']
# Made when the kernel has them (decoders_runner.OPTIONAL); the ones it lacks are named in a warning.
OPTIONAL_KINDS = ['dummy', 'ipvlan', 'vlan']


@pytest.mark.parametrize('python', [pytest.param(p, id='%s-decoders' % p.label) for p in module_pythons()])
def test_decoders_agree_on_real_links(python):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    env = dict(os.environ)
    env['PYTHONPATH'] = COLLECTIONS
    argv = [SANDBOX, python.path, RUNNER]
    timeout = float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 600)
    started = time.monotonic()
    with subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail('decoders (%s) timed out after %.0f s\n%s' % (python.label, timeout, err[-3000:]), pytrace=False)
    log_dir = os.path.join(REPO, 'tests', 'output', 'integration', python.label)
    os.makedirs(log_dir, exist_ok=True)
    log = os.path.join(log_dir, 'decoders.json')
    with open(log, 'w') as handle:
        elapsed = time.monotonic() - started
        handle.write('# %s\n# exit %s after %.1f s\n%s%s' % (' '.join(argv), proc.returncode, elapsed, out, err))
    assert proc.returncode == 0, 'decoders_runner failed (exit %s, log %s):\n%s' % (proc.returncode, log, err[-3000:])
    report = json.loads(out)
    assert report['pyroute2'].startswith(python.pyroute2), report['pyroute2']
    if report['absent_kinds']:
        warnings.warn('decoders (%s): this kernel has no driver for %s (Unknown device type): those readers '
                      'were not compared on real links' % (python.label, ', '.join(report['absent_kinds'])))
    made = sorted(set(KINDS) | (set(OPTIONAL_KINDS) - set(report['absent_kinds'])))
    assert report['kinds'] == made, 'not every link kind was made and read (log %s)' % log
    problems = ['pyroute2 and the raw reader differ:'] + report['mismatches'] if report['mismatches'] else []
    if report['missing']:
        problems += ['values the links were made with are not in what the pyroute2 reader returns:'] + report['missing']
    assert not problems, '\n  '.join(problems + ['(log %s)' % log])
