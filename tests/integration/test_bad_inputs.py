"""Every entry of bad_inputs.yml, for every module interpreter, in its own sandbox: the setup
succeeds, the bad task fails naming the option and the object, and the network is exactly as
before it ran (bad_inputs_runner.py runs the modules; the report of each entry is kept in
tests/output/integration/pyroute2-X.Y/bad_inputs/ID.json)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from harness import REPO, SANDBOX, module_pythons

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, 'bad_inputs_runner.py')
with open(os.path.join(HERE, 'bad_inputs.yml')) as handle:
    CATALOGUE = yaml.safe_load(handle) or []


def test_catalogue_is_well_formed():
    ids = [entry['id'] for entry in CATALOGUE]
    assert len(ids) == len(set(ids)), 'duplicate ids in bad_inputs.yml'
    for entry in CATALOGUE:
        assert set(entry) <= {'id', 'module', 'files', 'setup', 'args', 'msg', 'check_mode'}, entry['id']
        assert entry['msg'], '%s: a bad input must say what the message names' % entry['id']
        assert os.path.exists(os.path.join(HERE, '..', '..', 'plugins', 'modules', entry['module'] + '.py')), \
            '%s: no module %s' % (entry['id'], entry['module'])
        for step in entry.get('setup', []):
            assert os.path.exists(os.path.join(HERE, '..', '..', 'plugins', 'modules', step['module'] + '.py')), \
                '%s: setup: no module %s' % (entry['id'], step['module'])


def _params():
    return [pytest.param(python, entry, id='%s-%s' % (python.label, entry['id']))
            for python in module_pythons() for entry in CATALOGUE]


def _describe(step):
    result = step['result']
    text = 'module %s, options %s%s: rc %s\n' % (step['module'], json.dumps(step['args']),
                                                 ' (check mode)' if step['check_mode'] else '', step['rc'])
    if result is None:
        text += 'no JSON result\n---- stdout ----\n%s\n---- stderr ----\n%s' % (step['stdout'][-3000:], step['stderr'][-3000:])
    else:
        text += 'result: %s' % json.dumps(result, sort_keys=True)
    return text


@pytest.mark.parametrize('python,entry', _params())
def test_bad_input(python, entry, tmp_path):
    if python.error:
        pytest.fail(python.error, pytrace=False)
    entry_file = tmp_path / 'entry.json'
    entry_file.write_text(json.dumps(entry))
    argv = [SANDBOX, sys.executable, RUNNER, str(entry_file), python.path]
    timeout = float(os.environ.get('NETVIRT_TEST_TIMEOUT') or 600)
    started = time.monotonic()
    with subprocess.Popen(argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            pytest.fail('bad input %s (%s) timed out after %.0f s\n%s' % (entry['id'], python.label, timeout, err[-3000:]),
                        pytrace=False)
    elapsed = time.monotonic() - started

    log_dir = os.path.join(REPO, 'tests', 'output', 'integration', python.label, 'bad_inputs')
    os.makedirs(log_dir, exist_ok=True)
    log = os.path.join(log_dir, '%s.json' % entry['id'])
    with open(log, 'w') as handle:
        handle.write('# %s\n# exit %s after %.1f s\n%s%s' % (' '.join(argv), proc.returncode, elapsed, out, err))

    what = 'bad input %s (%s; report: %s)' % (entry['id'], python.label, log)
    if proc.returncode != 0:
        pytest.fail('%s: the runner exited %d\n%s\n%s' % (what, proc.returncode, out[-3000:], err[-3000:]), pytrace=False)
    report = json.loads(out)
    for step in report['steps'][:-1] if report['after'] is not None else report['steps']:
        if step['result'] is None or step['result'].get('failed'):
            pytest.fail('%s: setup failed: %s' % (what, _describe(step)), pytrace=False)
    bad = report['steps'][-1]
    if bad['result'] is None or bad['result'].get('failed') is not True:
        pytest.fail('%s: the bad task did not fail: %s' % (what, _describe(bad)), pytrace=False)
    msg = bad['result'].get('msg', '')
    missing = [piece for piece in entry['msg'] if piece not in msg]
    if missing:
        pytest.fail('%s: the message lacks %s\nmessage was: %s' % (what, json.dumps(missing), msg), pytrace=False)
    if report['before'] != report['after']:
        pytest.fail('%s: the network changed although the task failed\nbefore: %s\nafter:  %s'
                    % (what, json.dumps(report['before'], sort_keys=True), json.dumps(report['after'], sort_keys=True)),
                    pytrace=False)
