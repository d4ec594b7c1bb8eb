# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The persist option of the iptables kind (on the fake iptables of test_iptables_commands and a
FakePersistHost): the files written after the rules, check mode and diff, a second run, removal,
owners kept apart; and the boot-time replay of an iptables owner (netvirt-replay iptables NAME)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._runner import replay
from ansible_collections.netvirt.linux.plugins.module_utils._state import persist
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakePersistHost, FakeSession, params, run_replay, run_steps
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._state.test_iptables_commands import (
    FakeIptables, FakeRunner, FakeTools, port, spec)

NAME = persist.iptables_name('ns1', 'filter', 'INPUT', 'filter/INPUT')
STATE = '/etc/netvirt/persist/iptables-%s.json' % NAME
UNIT = '/etc/systemd/system/netvirt-iptables-%s.service' % NAME
WANTS = '/etc/systemd/system/multi-user.target.wants/netvirt-iptables-%s.service' % NAME
LIB = '/usr/local/lib/netvirt'


def args(**kw):
    given = {'netns': 'ns1', 'table': 'filter', 'chain': 'INPUT', 'ip_version': 'ipv4', 'rules': [port(1)],
             'backend': 'nft'}
    given.update(kw)
    return params(IptablesKind, **given)


def run(host, ipt, check_mode=False, **kw):
    FakeRunner.fake = ipt
    fake_io = FakeIo(FakeSession(existing=['ns1']), iptables=FakeTools, persist=host)
    return run_steps(IptablesKind(), args(**kw), fake_io, check_mode=check_mode)


def ops(plan):
    return [(a.op, a.params.get('path') or a.params.get('folder')) for a in plan.actions]


def test_the_name_is_safe_for_a_unit_and_tells_owners_apart():
    assert NAME.startswith('ns1.filter.INPUT.') and len(NAME) == len('ns1.filter.INPUT.') + 8
    other = persist.iptables_name('ns1', 'filter', 'INPUT', 'web/in')
    assert other.startswith('ns1.filter.INPUT.web_in.') and other != NAME
    assert persist.iptables_name(None, 'nat', 'PREROUTING', 'nat/PREROUTING').startswith('host.nat.PREROUTING.')
    assert persist.iptables_name('a.b', 'filter', 'X', 'filter/X') != persist.iptables_name('a', 'filter', 'b.X', 'filter/b.X')


def test_persist_writes_the_files_after_the_rules_and_a_second_run_changes_nothing():
    host, ipt = FakePersistHost(), FakeIptables()
    ran = run(host, ipt, persist=True)
    assert ops(ran.plan) == [('iptables_restore', None), ('persist_write', STATE), ('persist_write', UNIT),
                             ('persist_link', WANTS), ('persist_library', LIB), ('persist_reload', None)]
    assert ipt.rules[4] == ['INPUT %s' % spec(1)]
    saved = json.loads(host.files[STATE]['content'])
    assert (saved['kind'], saved['name']) == ('iptables', NAME) and 'persist' not in saved['params']
    assert saved['params']['rules'][0]['destination_port'] == '1' and saved['params']['netns'] == 'ns1'
    assert host.files[STATE]['mode'] == 0o600
    unit = host.files[UNIT]['content']
    assert 'ExecStart=/usr/bin/python3 -I -B %s/netvirt-replay iptables %s\n' % (LIB, NAME) in unit
    assert 'After=local-fs.target systemd-modules-load.service systemd-sysctl.service network-pre.target\n' in unit
    assert 'Before=network.target shutdown.target\n' in unit and 'network-online' not in unit
    assert ran.result['persist'] == {'state_file': STATE, 'unit': 'netvirt-iptables-%s.service' % NAME, 'library': LIB}
    written = list(host.log)
    again = run(host, ipt, persist=True)
    assert ops(again.plan) == [] and host.log == written and not again.plan.changed


def test_the_replay_library_holds_the_iptables_kind_and_its_tools():
    from ansible_collections.netvirt.linux.plugins.module_utils._host import persist as host_persist
    files = host_persist.library(replay.__name__)
    base = 'ansible_collections/netvirt/linux/plugins/module_utils/'
    for rel in ('_state/iptables.py', '_iptables/command.py', '_iptables/canon.py', '_iptables/rules.py'):
        assert base + rel in files


def test_check_mode_and_diff_show_the_files_and_write_nothing():
    host, ipt = FakePersistHost(), FakeIptables()
    ran = run(host, ipt, check_mode=True, persist=True)
    assert host.files == {} and ipt.rules[4] == []
    assert 'write %s (mode 0600)' % STATE in ran.plan.descriptions()
    diff = ran.plan.diff()
    assert diff['before']['file ' + UNIT] == {'state': 'absent'}
    assert diff['after']['link ' + WANTS] == {'state': 'link', 'target': UNIT}
    assert ran.result['persist']['state_file'] == STATE


@pytest.mark.parametrize('given', [{'persist': False}, {'persist': True, 'state': 'absent'}])
def test_persist_false_or_absent_removes_the_files(given):
    host, ipt = FakePersistHost(), FakeIptables()
    run(host, ipt, persist=True)
    ran = run(host, ipt, **given)
    assert ('persist_remove', STATE) in ops(ran.plan) and ('persist_remove_library', LIB) in ops(ran.plan)
    assert host.files == {}
    assert ipt.rules[4] == ([] if given.get('state') == 'absent' else ['INPUT %s' % spec(1)])


def test_another_owner_is_left_alone():
    host, ipt = FakePersistHost(), FakeIptables()
    run(host, ipt, persist=True)
    run(host, ipt, persist=True, owner='web/in', rules=[port(2)])
    other = persist.iptables_name('ns1', 'filter', 'INPUT', 'web/in')
    ran = run(host, ipt, persist=False)
    assert ('persist_remove_library', LIB) not in ops(ran.plan)
    assert '/etc/netvirt/persist/iptables-%s.json' % other in host.files and STATE not in host.files


def test_a_namespace_given_as_a_pid_or_path_is_refused_with_persist():
    for netns in ('1234', '/proc/1/ns/net'):
        with pytest.raises(ValidationError, match='option persist of iptables chain filter/INPUT: namespace'):
            IptablesKind().desired(args(netns=netns, persist=True))
    IptablesKind().desired(args(netns='1234', persist=False))


def test_without_systemd_persist_fails_naming_the_option():
    with pytest.raises(Exception, match='option persist of iptables '):
        run(FakePersistHost(systemd=False), FakeIptables(), persist=True)


# -- the replay -------------------------------------------------------------------------------------
def replay_main(argv, files, ipt):
    FakeRunner.fake = ipt
    status, out, err, _made, host = run_replay(argv, files, FakeSession(existing=['ns1']), iptables=FakeTools)
    return status, out, err, host


def state_file(**kw):
    return {'type': 'file', 'mode': 0o600,
            'content': persist.state_text('iptables', NAME, args(persist=True, **kw))}


def test_the_replay_puts_the_rules_back_once_and_touches_no_file():
    ipt = FakeIptables()
    status, out, err, host = replay_main(['iptables', NAME], {STATE: state_file()}, ipt)
    assert status == 0 and err == '', err
    assert ipt.rules[4] == ['INPUT %s' % spec(1)]
    lines = out.splitlines()
    assert lines[0] == 'netvirt-replay: iptables %s: replaying %s' % (NAME, STATE) and lines[-1].endswith(': applied')
    assert any(l.startswith('netvirt-replay: iptables %s:   ' % NAME) and 'filter/INPUT (ipv4)' in l
               and l.endswith(spec(1)) for l in lines), lines
    assert host.log == []
    status, out, err, host = replay_main(['iptables', NAME], {STATE: state_file()}, ipt)
    assert status == 0 and out.splitlines()[-1].endswith('nothing to change: the state is already there')
    assert ipt.rules[4] == ['INPUT %s' % spec(1)]


def test_the_replay_reads_only_its_own_owner():
    other = persist.iptables_name('ns1', 'filter', 'INPUT', 'web/in')
    files = {'/etc/netvirt/persist/iptables-%s.json' % other: state_file()}   # the content names NAME
    status, _out, err, _host = replay_main(['iptables', other], files, FakeIptables())
    assert status == 2 and 'not of iptables %s' % other in err


@pytest.mark.parametrize('name', ['../x', '', '.hidden', 'a/b'])
def test_a_name_that_is_no_file_name_is_refused(name):
    status, _out, err, _host = replay_main(['iptables', name], {}, FakeIptables())
    assert status == 2 and 'letters, digits' in err
