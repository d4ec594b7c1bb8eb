# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tuntap kind: desired() validation and plan() from plain observed dicts, in the shape
TuntapKind.observe returns: {'netns': ref, 'links': {name: link}}, a tun/tap link carrying 'tun'."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import tuntap as tuntap_mod
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.tuntap import TuntapKind
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for

NS = 'tns'


params = params_for(TuntapKind, name='tap0', netns=NS, mode='tap')


def tun(**kw):
    out = {'mode': 'tap', 'owner': None, 'group': None, 'packet_info': False, 'vnet_hdr': False,
           'persist': True, 'multi_queue': False, 'in_use': False}
    out.update(kw)
    return out


def link(name='tap0', kind='tun', up=True, mtu=1500, master=None, **tun_kw):
    out = {'name': name, 'index': 7, 'kind': kind, 'mtu': mtu, 'mac': '02:00:00:00:00:0a', 'up': up,
           'master': master, 'addresses': []}
    if kind == 'tun':
        out['tun'] = tun(**tun_kw)
    return out


def plan_for(p, links=None, check_mode=False):
    kind = TuntapKind()
    desired = kind.desired(p)
    observed = {'netns': NS, 'links': dict((l['name'], l) for l in (links or []))}
    return kind.plan(desired, observed, Context(check_mode, True))


@pytest.fixture(autouse=True)
def host_accounts(monkeypatch):
    users = {'qemu': 107, 'nobody': 65534}
    groups = {'kvm': 104}

    def uid(name):
        return users[name]

    def gid(name):
        return groups[name]
    monkeypatch.setattr(tuntap_mod, '_uid', uid)
    monkeypatch.setattr(tuntap_mod, '_gid', gid)


# -- desired ---------------------------------------------------------------------------------
def test_user_and_group_by_name_or_number():
    d = TuntapKind().desired(params(user='qemu', group='104'))
    assert (d['tun']['owner'], d['tun']['group']) == (107, 104)
    d = TuntapKind().desired(params(user='0', group='kvm'))
    assert (d['tun']['owner'], d['tun']['group']) == (0, 104)
    d = TuntapKind().desired(params(user=1000, group=0))      # YAML numbers (the options are raw)
    assert (d['tun']['owner'], d['tun']['group']) == (1000, 0)


@pytest.mark.parametrize('kw, pieces', [
    ({'user': 'no-such'}, ['option user of tap tap0', "no user named 'no-such'"]),
    ({'group': 'no-such'}, ['option group of tap tap0', "no group named 'no-such'"]),
    ({'user': '4294967295'}, ['option user of tap tap0', 'out of range']),
    ({'user': ' '}, ['option user of tap tap0', 'a name or a number']),
    ({'user': True}, ['option user of tap tap0', 'not a name or a number']),
    ({'group': 1.5}, ['option group of tap tap0', 'not a name or a number']),
    ({'user': -1}, ['option user of tap tap0', 'out of range']),
    ({'name': 'x' * 16}, ['option name', 'at most 15']),
    ({'mtu': 20}, ['option mtu of tap tap0', 'out of range']),
])
def test_bad_input_names_option_and_object(kw, pieces):
    with pytest.raises(ValidationError) as exc:
        TuntapKind().desired(params(**kw))
    for piece in pieces:
        assert piece in exc.value.msg


# -- plan ------------------------------------------------------------------------------------
def test_create_then_up():
    plan = plan_for(params(user='qemu', vnet_hdr=True))
    assert plan.descriptions() == ['tns: create tap tap0 (vnet_hdr, user 107)', 'tns: set tap tap0 up']
    create = plan.actions[0]
    assert create.op == 'tun_create'
    assert create.params == {'name': 'tap0', 'mode': 'tap', 'multi_queue': False, 'packet_info': False,
                             'vnet_hdr': True, 'owner': 107, 'group': None}
    assert create.undo.op == 'link_delete'
    key = "tap tap0 (namespace 'tns')"
    assert plan.before[key] == {'state': 'absent'}
    assert plan.after[key] == {'state': 'present', 'netns': NS, 'mode': 'tap', 'owner': 107, 'group': None,
                               'multi_queue': False, 'packet_info': False, 'vnet_hdr': True, 'persist': True,
                               'mtu': 1500, 'up': True, 'master': None}


def test_create_with_the_kernels_mtu_sets_no_mtu():
    assert [a.op for a in plan_for(params(mtu=1500, up=False)).actions] == ['tun_create']
    assert plan_for(params(mtu=9000, up=False)).descriptions()[1] == 'tns: set mtu 9000 on tap tap0'


def test_converged_is_no_change_even_when_held():
    plan = plan_for(params(user='qemu'), [link(owner=107, in_use=True, master='br0')])
    assert plan.actions == []
    key = "tap tap0 (namespace 'tns')"
    assert plan.before[key] == plan.after[key]
    assert plan.after[key]['master'] == 'br0'


def test_unset_owner_is_left_alone():
    assert plan_for(params(), [link(owner=107, group=104)]).actions == []


def test_flags_and_owner_change_in_place_in_one_attach():
    plan = plan_for(params(packet_info=True, group='kvm', mtu=1400), [link(owner=107, multi_queue=False)])
    assert plan.descriptions() == ['tns: change tap tap0: packet_info on, group 104', 'tns: set mtu 1400 on tap tap0']
    attach = plan.actions[0]
    assert attach.op == 'tun_set' and attach.option == 'packet_info'
    assert attach.params == {'name': 'tap0', 'mode': 'tap', 'multi_queue': False, 'packet_info': True,
                             'vnet_hdr': False, 'group': 104}
    after = plan.after["tap tap0 (namespace 'tns')"]
    assert (after['owner'], after['group'], after['packet_info'], after['mtu']) == (107, 104, True, 1400)


def test_owner_only_change_names_option_user():
    plan = plan_for(params(user='nobody'), [link(owner=107)])
    assert [(a.op, a.option) for a in plan.actions] == [('tun_set', 'user')]
    assert plan.actions[0].params['owner'] == 65534


@pytest.mark.parametrize('kw, have, text', [
    ({'mode': 'tun'}, {}, 'mode tap -> tun'),
    ({'multi_queue': True}, {}, 'multi_queue off -> on'),
])
def test_mode_or_multi_queue_change_recreates_keeping_owner(kw, have, text):
    plan = plan_for(params(**kw), [link(owner=107, master='br0', mtu=1400, **have)])
    descr = plan.descriptions()
    assert descr[0] == 'tns: delete tap tap0 to make it again (%s)' % text
    assert [a.op for a in plan.actions] == ['link_delete', 'tun_create', 'link_set']
    assert plan.actions[1].params['owner'] == 107          # kept: the task did not set user
    assert plan.actions[1].undo.op == 'link_delete'
    after = plan.after[list(plan.after)[0]]
    assert after['master'] is None and after['mtu'] == 1500 and after['up']
    assert after['owner'] == 107


def test_recreate_refused_while_a_process_holds_it():
    with pytest.raises(ValidationError) as exc:
        plan_for(params(mode='tun'), [link(in_use=True)])
    assert exc.value.option == 'mode'
    assert 'option mode of tun tap0' in exc.value.msg and 'a process holds it' in exc.value.msg


def test_not_persistent_is_not_taken_over():
    with pytest.raises(ValidationError) as exc:
        plan_for(params(), [link(persist=False, in_use=True)])
    assert 'not persistent' in exc.value.msg and 'option name of tap tap0' in exc.value.msg


def test_not_persistent_can_be_removed():
    plan = plan_for(params(state='absent', mode=None), [link(persist=False, in_use=True)])
    assert plan.descriptions() == ['tns: delete tun/tap tap0']


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_another_kind_is_never_touched(state):
    with pytest.raises(ValidationError) as exc:
        plan_for(params(state=state), [link(kind='veth')])
    assert "it is a veth, not a tun/tap" in exc.value.msg
    assert ('remove it' if state == 'absent' else 'take it over') in exc.value.msg


def test_absent():
    plan = plan_for(params(state='absent', mode=None), [link(mode='tun')])
    assert [(a.op, a.params) for a in plan.actions] == [('link_delete', {'name': 'tap0'})]
    key = "tun/tap tap0 (namespace 'tns')"
    assert plan.before[key]['mode'] == 'tun'
    assert plan.after[key] == {'state': 'absent'}
    again = plan_for(params(state='absent', mode=None), [])
    assert again.actions == [] and again.before[key] == {'state': 'absent'}


def test_down():
    plan = plan_for(params(up=False), [link(up=True)])
    assert plan.descriptions() == ['tns: set tap tap0 down']
