# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_state.persist (the planner of the persist option) and topology's use of it, on FakePersistHost:
what is written or removed, check mode and diff, a second run, the errors; the state file's own checks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import persist
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakePersistHost, FakeSession, params_for, run_steps

params = params_for(TopologyKind, name='lab', namespaces=[{'name': 'ns1'}])
STATE = '/etc/netvirt/persist/topology-lab.json'
UNIT = '/etc/systemd/system/netvirt-topology-lab.service'
WANTS = '/etc/systemd/system/multi-user.target.wants/netvirt-topology-lab.service'
LIB = '/usr/local/lib/netvirt'


SESSIONS = {}


def run(host, check_mode=False, commands=None, **kw):
    """One run of topology lab on ``host``; the kernel (a FakeSession) is kept per host across runs."""
    session = SESSIONS.setdefault(id(host), (host, FakeSession(links={None: {}}, named=[])))[1]

    def kernel(actions):
        if any(a.op == 'netns_create' for a in actions):
            session.namespaces.add('ns1')

    def run_command(argv):
        commands.append(argv)
        return (1, '', 'Failed to connect to bus')
    io = FakeIo(session, persist=host, on_apply=kernel, run_command=run_command if commands is not None else None)
    return run_steps(TopologyKind(), params(**kw), io, check_mode=check_mode), io


def ops(plan):
    return [(a.op, a.params.get('path') or a.params.get('folder')) for a in plan.actions if a.op in persist.OPS]


def test_persist_writes_state_unit_link_library_then_reloads_and_changes_nothing_again():
    host = FakePersistHost()
    commands = []
    ran, io = run(host, commands=commands, persist=True)
    assert ops(ran.plan) == [('persist_write', STATE), ('persist_write', UNIT), ('persist_link', WANTS),
                             ('persist_library', LIB), ('persist_reload', None)]
    # the network first, the files after it
    assert [a.op for a in io.applied[0][1]] == ['netns_create', 'link_set']
    assert host.files[STATE]['mode'] == 0o600 and host.files[UNIT]['mode'] == 0o644
    saved = json.loads(host.files[STATE]['content'])
    assert saved['kind'] == 'topology' and saved['name'] == 'lab' and saved['format'] == persist.FORMAT
    assert saved['params'] == dict((k, v) for k, v in params(persist=True).items() if k not in ('persist', 'src'))  # src is the controller's
    assert host.files[WANTS] == {'type': 'link', 'target': UNIT}
    assert 'ExecStart=/usr/bin/python3 -I -B %s/netvirt-replay topology lab\n' % LIB in host.files[UNIT]['content']
    assert host.files[LIB + '/netvirt-replay']['content'] == persist.SCRIPT_TEXT
    assert host.files[LIB + '/ansible_collections/netvirt/linux/plugins/module_utils/_runner/replay.py']['mode'] == 0o644
    assert commands == [['systemctl', 'daemon-reload']]
    assert any('daemon-reload failed' in w for w in ran.ctx.warnings)       # a warning, not a failure
    assert ran.result['persist'] == {'state_file': STATE, 'unit': 'netvirt-topology-lab.service', 'library': LIB}
    written = list(host.log)
    again, _io = run(host, commands=commands, persist=True)
    # (the fake kernel does not keep ns1: only the persistence part is looked at)
    assert ops(again.plan) == [] and host.log == written and len(commands) == 1


def test_check_mode_and_diff_show_the_files_and_write_nothing():
    host = FakePersistHost()
    ran, io = run(host, check_mode=True, persist=True)
    assert host.files == {} and host.log == [] and io.applied == []
    assert 'write %s (mode 0600)' % STATE in ran.plan.descriptions()
    diff = ran.plan.diff()
    assert diff['before']['file ' + STATE] == {'state': 'absent'}
    after = diff['after']['file ' + STATE]
    assert after['mode'] == '0600' and json.loads(after['content'])['name'] == 'lab'
    assert 'Description=netvirt.linux topology lab (persisted network state)' in diff['after']['file ' + UNIT]['content']
    assert diff['after']['link ' + WANTS] == {'state': 'link', 'target': UNIT}
    assert 'netvirt-replay' in diff['after']['library ' + LIB]['files']


def test_a_changed_state_or_mode_is_written_again_the_rest_left():
    host = FakePersistHost()
    run(host, persist=True)
    host.files[UNIT]['mode'] = 0o666
    ran, _io = run(host, persist=True, ipv6_quiet=True)
    assert ops(ran.plan) == [('persist_write', STATE), ('persist_write', UNIT), ('persist_reload', None)]
    assert json.loads(host.files[STATE]['content'])['params']['ipv6_quiet'] is True
    assert host.files[UNIT]['mode'] == 0o644


def test_a_library_file_of_an_older_version_is_replaced_and_a_stale_one_removed_pycache_left():
    host = FakePersistHost()
    run(host, persist=True)
    rel = 'ansible_collections/netvirt/linux/plugins/module_utils/_runner/replay.py'
    host.files['%s/%s' % (LIB, rel)]['content'] = 'old'
    host.files[LIB + '/ansible_collections/old.py'] = {'type': 'file', 'mode': 0o644, 'content': ''}
    host.files[LIB + '/ansible_collections/__pycache__/x.pyc'] = {'type': 'file', 'mode': 0o644, 'content': None}
    ran, _io = run(host, persist=True)
    assert ops(ran.plan) == [('persist_library', LIB)]
    action = ran.plan.actions[-1]
    assert sorted(action.params['files']) == [rel] and action.params['stale'] == ['ansible_collections/old.py']
    assert LIB + '/ansible_collections/__pycache__/x.pyc' in host.files


@pytest.mark.parametrize('given', [{'persist': False}, {'state': 'absent', 'persist': True}, {'state': 'absent'}])
def test_persist_false_or_absent_removes_the_owner_files_and_the_last_owner_the_library(given):
    host = FakePersistHost()
    run(host, persist=True)
    ran, _io = run(host, **given)
    assert ops(ran.plan)[:3] == [('persist_remove', WANTS), ('persist_remove', UNIT), ('persist_remove', STATE)]
    assert ('persist_remove_library', LIB) in ops(ran.plan) and ops(ran.plan)[-1] == ('persist_reload', None)
    assert ran.plan.diff()['after']['file ' + STATE] == {'state': 'absent'}
    assert host.files == {}
    again, _io = run(host, **given)
    assert ops(again.plan) == []


def test_another_owner_keeps_the_library_and_its_own_files():
    host = FakePersistHost()
    run(host, persist=True)
    other = dict((p, dict(v)) for p, v in host.files.items() if p.startswith('/etc/netvirt/persist/'))
    host.files['/etc/netvirt/persist/topology-other.json'] = other[STATE]
    ran, _io = run(host, persist=False)
    assert 'persist_remove_library' not in [op for op, _p in ops(ran.plan)]
    assert '/etc/netvirt/persist/topology-other.json' in host.files and LIB + '/netvirt-replay' in host.files


def test_nothing_persisted_and_persist_false_reads_three_paths_and_plans_nothing():
    host = FakePersistHost()
    ran, _io = run(host)
    assert ops(ran.plan) == [] and 'persist' not in ran.result
    assert ran.observed['persist']['library'] is None and ran.observed['persist']['sources'] is None


def test_without_systemd_persist_true_fails_naming_the_option_even_in_check_mode():
    for check_mode in (False, True):
        host = FakePersistHost(systemd=False)
        with pytest.raises(NetvirtError) as exc:
            run(host, check_mode=check_mode, persist=True)
        assert exc.value.msg.startswith('option persist of topology lab: this host does not run systemd')
        assert exc.value.option == 'persist' and host.files == {}
    # removing needs no systemd
    host = FakePersistHost(systemd=False, files={STATE: {'type': 'file', 'mode': 0o600, 'content': '{}'}})
    ran, _io = run(host)
    assert ops(ran.plan) == [('persist_remove', STATE)] and host.files == {}


@pytest.mark.parametrize('python', ['python3', '/opt/my python/bin/python3', None])
def test_a_python_that_cannot_be_written_in_execstart_is_refused(python):
    with pytest.raises(NetvirtError) as exc:
        run(FakePersistHost(python=python), persist=True)
    assert 'option persist of topology lab' in exc.value.msg and 'ansible_python_interpreter' in exc.value.msg


def test_a_folder_where_a_file_goes_is_refused():
    host = FakePersistHost(files={UNIT: {'type': 'other', 'mode': 0o755}})
    with pytest.raises(NetvirtError) as exc:
        run(host, persist=True)
    assert exc.value.msg == 'option persist of topology lab: %s is not a file (mode 0755): remove it' % UNIT


def test_the_replay_plans_no_persistence():
    kind = TopologyKind()
    kind.replaying = True
    session = FakeSession(links={None: {}}, named=[])
    io = FakeIo(session, persist=FakePersistHost(systemd=False))
    ran = run_steps(kind, dict((k, v) for k, v in params(persist=True).items() if k != 'persist'), io)
    assert 'persist' not in ran.observed and ops(ran.plan) == [] and io.persist.log == []


def test_state_file_checks():
    text = persist.state_text('topology', 'lab', {'name': 'lab', 'persist': True, 'purge': False})
    assert persist.read_state(text, 'topology', 'lab', STATE) == {'name': 'lab', 'purge': False}
    assert persist.state_text('topology', 'lab', {'purge': False, 'name': 'lab'}) == text     # stable bytes
    with pytest.raises(NetvirtError) as exc:
        persist.read_state(text, 'topology', 'other', '/etc/netvirt/persist/topology-other.json')
    assert 'holds the state of topology lab, not of topology other' in exc.value.msg
    for bad in ('not json', '[]', '{"format": 2, "kind": "topology", "name": "lab", "params": {}}'):
        with pytest.raises(NetvirtError) as exc:
            persist.read_state(bad, 'topology', 'lab', STATE)
        assert exc.value.msg.startswith(STATE + ': not a netvirt.linux state file')


def test_the_unit():
    text = persist.unit_text('topology', 'lab', '/usr/bin/python3')
    lines = text.splitlines()
    for line in ('Type=oneshot', 'RemainAfterExit=yes', 'DefaultDependencies=no', 'Wants=network-pre.target',
                 'Before=network-pre.target shutdown.target', 'Conflicts=shutdown.target', 'WantedBy=multi-user.target',
                 'Description=netvirt.linux topology lab (persisted network state)',
                 'ExecStart=/usr/bin/python3 -I -B /usr/local/lib/netvirt/netvirt-replay topology lab'):
        assert line in lines
    assert 'network-online' not in text
