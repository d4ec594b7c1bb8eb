"""Every entry of bad_inputs.yml in its own sandbox: the task fails naming the option and the
object, and the network is exactly as before it ran."""

import json
import os

import pytest
import yaml

from harness import interpreter, run_playbook, tail
from bad_inputs_runner import playbook

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, 'bad_inputs.yml')) as handle:
    CATALOGUE = yaml.safe_load(handle) or []


def test_catalogue_is_well_formed():
    ids = [entry['id'] for entry in CATALOGUE]
    assert len(ids) == len(set(ids)), 'duplicate ids in bad_inputs.yml'
    for entry in CATALOGUE:
        assert set(entry) <= {'id', 'module', 'setup', 'args', 'msg', 'check_mode'}, entry['id']
        assert entry['msg'], '%s: a bad input must say what the message names' % entry['id']
        assert os.path.exists(os.path.join(HERE, '..', '..', 'plugins', 'modules', entry['module'] + '.py')), \
            '%s: no module %s' % (entry['id'], entry['module'])


@pytest.mark.parametrize('entry', CATALOGUE, ids=[e['id'] for e in CATALOGUE])
def test_bad_input(entry, tmp_path):
    path = tmp_path / 'bad.yml'
    path.write_text(json.dumps(playbook(entry, interpreter()), indent=1))
    rc, out = run_playbook(str(path))
    assert rc == 0, tail(out)
