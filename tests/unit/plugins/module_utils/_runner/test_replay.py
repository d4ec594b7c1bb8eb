# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_runner.replay (netvirt-replay KIND NAME) on fakes: exit status, what goes to stdout (the journal)
and stderr, the owner's own state file only, the same kind code as the module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import subprocess
import sys

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import persist
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession, params, run_replay

STATE = '/etc/netvirt/persist/topology-lab.json'


def state_file(name='lab', **given):
    given.setdefault('namespaces', [{'name': 'ns1'}])
    text = persist.state_text('topology', name, params(TopologyKind, name=name, persist=True, **given))
    return {'type': 'file', 'mode': 0o600, 'content': text}


def main(argv, files, session=None, fail_apply=None):
    session = session if session is not None else FakeSession(links={None: {}}, named=[])
    return run_replay(argv, files, session, fail_apply=fail_apply)


def test_a_replay_builds_the_state_and_says_what_it_did_and_touches_no_persistence_file():
    status, out, err, made, host = main(['topology', 'lab'], {STATE: state_file()})
    assert status == 0 and err == ''
    lines = out.splitlines()
    assert lines[0] == 'netvirt-replay: topology lab: replaying ' + STATE
    assert 'netvirt-replay: topology lab:   create namespace ns1' in lines
    assert lines[-1] == 'netvirt-replay: topology lab: applied'
    applied = made[0].applied
    assert [how for how, _a in applied] == ['fast_apply'] and [a.op for a in applied[0][1]] == ['netns_create', 'link_set']
    assert [op for op, _p in host.log] == []            # the files stay as the module wrote them
    assert made[0].records.written[0][0] == 'lab'       # the ownership record under /run/netvirt, as the module's


def test_nothing_to_change():
    lo = {'name': 'lo', 'index': 1, 'kind': 'loopback', 'up': True, 'addresses': [], 'alias': None, 'master': None,
          'mtu': 65536, 'mac': '00:00:00:00:00:00', 'operstate': 'unknown'}
    session = FakeSession(links={None: {}, 'ns1': {'lo': lo}}, named=['ns1'])
    state = state_file(namespaces=[])       # nothing of its own: the module's own namespace, nothing to make
    status, out, _err, made, _host = main(['topology', 'lab'], {STATE: state}, session=session)
    assert status == 0 and out.splitlines()[-1] == 'netvirt-replay: topology lab: nothing to change: the state is already there'
    assert made[0].applied == []


def test_a_state_that_cannot_be_applied_exits_1_naming_the_option_and_the_object():
    state = state_file(namespaces=[], vxlans=[{'name': 'vx9', 'vni': 9, 'remote': '192.0.2.2', 'dev': 'up0'}])
    status, out, err, made, _host = main(['topology', 'lab'], {STATE: state})
    assert status == 1
    assert err.startswith("netvirt-replay: topology lab: FAILED: option vxlans[0].dev of vxlan vx9 in the current namespace: interface 'up0' does not exist")
    assert made[0].applied == [] and 'applied' not in out


def test_a_kernel_refusal_during_apply_exits_1():
    from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError
    status, _out, err, _made, _host = main(['topology', 'lab'], {STATE: state_file()},
                                           fail_apply=ApplyError('option namespaces[0].name of namespace ns1: refused',
                                                                 'namespaces[0].name', 'namespace ns1'))
    assert status == 1 and 'FAILED: option namespaces[0].name of namespace ns1: refused' in err


@pytest.mark.parametrize('argv, files, why', [
    (['topology'], {}, 'usage: netvirt-replay KIND NAME'),
    (['bridge', 'lab'], {}, "unknown kind 'bridge'"),
    (['topology', 'lab'], {}, STATE + ' is missing: nothing to replay'),
    (['topology', 'lab'], {STATE: {'type': 'other', 'mode': 0o755}}, STATE + ' is not a text file'),
    (['topology', 'lab'], {STATE: state_file(name='other')}, 'holds the state of topology other, not of topology lab'),
    (['topology', 'lab'], {STATE: {'type': 'file', 'mode': 0o600, 'content': '{"format": 1}'}}, 'not a netvirt.linux state file'),
])
def test_usage_and_state_file_problems_exit_2_and_replay_nothing(argv, files, why):
    status, out, err, made, _host = main(argv, files)
    assert status == 2 and why in err and made == []
    assert 'applied' not in out


def test_only_the_owner_named_is_replayed():
    files = {STATE: state_file(), '/etc/netvirt/persist/topology-other.json': state_file(name='other', namespaces=[{'name': 'o1'}])}
    status, out, _err, made, _host = main(['topology', 'lab'], files)
    assert status == 0 and 'o1' not in out
    assert [a.params.get('name') for a in made[0].applied[0][1] if a.op == 'netns_create'] == ['ns1']


def test_the_script_runs_main(tmp_path):
    """The installed script (SCRIPT_TEXT) beside a copy of the library reaches replay.main: with no
    arguments it prints the usage and exits 2."""
    from ansible_collections.netvirt.linux.plugins.module_utils._host import persist as host
    for rel, text in persist.library_files(host.library(persist.REPLAY_MODULE)).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text[0])
    proc = subprocess.run([sys.executable, '-I', '-B', str(tmp_path / persist.SCRIPT)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith('usage: netvirt-replay KIND NAME'), proc.stderr
    assert not os.path.exists(str(tmp_path / 'ansible_collections' / '__pycache__'))     # -B: nothing written
