# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vxlan kind: desired() validation and plan() from plain observed dicts, in the shape
VxlanKind.observe returns: {'netns': ref, 'links': {name: link}}; a vxlan link has
'vxlan': {vni, remote, group, local, dev, port, ttl, learning} as Session.links gives it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.vxlan import VxlanKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession, params_for

NS = 'ns1'
OBJ = "vxlan vx0 in namespace 'ns1'"


params = params_for(VxlanKind, name='vx0', netns=NS, vni=42)


def link(name, kind='veth', index=2, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def vx(name='vx0', index=10, mtu=1450, up=True, master=None, **kw):
    data = {'vni': 42, 'remote': '10.0.0.2', 'group': None, 'local': '10.0.0.1', 'dev': 'eth0', 'port': 4789,
            'ttl': 0, 'learning': True}
    data.update(kw)
    return link(name, 'vxlan', index, mtu=mtu, up=up, master=master, vxlan=data)


def world(*links):
    out = {'lo': link('lo', 'loopback', 1), 'eth0': link('eth0', 'veth', 2)}
    for item in links:
        out[item['name']] = item
    return out


def plan_for(links, check_mode=False, peers=None, **kw):
    kind = VxlanKind()
    ctx = Context(check_mode=check_mode, diff=True)
    plan = kind.plan(kind.desired(params(**kw)), {'netns': NS, 'links': links, 'remotes': peers}, ctx)
    return plan, ctx


def ops(plan):
    return [(a.op, a.params) for a in plan.actions]


UNICAST = dict(remote='10.0.0.2', local='10.0.0.1', dev='eth0')


# -- desired --------------------------------------------------------------------------------
@pytest.mark.parametrize('kw, option, piece', [
    ({'vni': 0}, 'vni', 'out of range'),
    ({'vni': 16777216}, 'vni', 'out of range'),
    ({'port': 0}, 'port', 'out of range'),
    ({'port': 65536}, 'port', 'out of range'),
    ({'ttl': 256}, 'ttl', 'out of range'),
    ({'remote': '239.1.1.1'}, 'remote', 'multicast'),
    ({'remote': '0.0.0.0'}, 'remote', 'not a peer'),
    ({'remote': '10.0.0.300'}, 'remote', 'not a valid IP'),
    ({'group': '10.0.0.2', 'dev': 'eth0'}, 'group', 'not a multicast'),
    ({'group': '239.1.1.1'}, 'dev', 'needs an underlay'),
    ({'remote': '10.0.0.2', 'local': 'fd00::1'}, 'local', 'one address family'),
    ({'group': 'ff05::1', 'local': '10.0.0.1', 'dev': 'eth0'}, 'local', 'one address family'),
    ({'local': '224.0.0.1'}, 'local', 'not a unicast'),
    ({'remote': '10.0.0.2', 'group': '239.1.1.1', 'dev': 'eth0'}, 'remote', 'not both'),
    ({'dev': 'vx0'}, 'dev', 'itself'),
    ({'dev': 'a-name-longer-than-15'}, 'dev', 'at most 15'),
    ({'mtu': 20}, 'mtu', 'out of range'),
    ({'remotes': ['10.0.0.2', '239.1.1.1']}, 'remotes', 'not a unicast'),
    ({'remotes': ['10.0.0.2', '10.0.0.02x']}, 'remotes', 'not a valid IP'),
    ({'remotes': ['10.0.0.2', '10.0.0.2']}, 'remotes', 'listed twice'),
    ({'remotes': ['fd00::2']}, 'remotes', 'set option local'),
    ({'remotes': ['fd00::2'], 'local': '10.0.0.1'}, 'remotes', 'one address family'),
    ({'remotes': ['10.0.0.2'], 'remote': '10.0.0.3'}, 'remotes', 'not both'),
    ({'remote': 'fe80::2', 'local': 'fe80::1'}, 'dev', 'link-local'),
    ({'remotes': ['fe80::2'], 'local': 'fd00::1'}, 'dev', 'link-local'),
])
def test_desired_rejects(kw, option, piece):
    with pytest.raises(ValidationError) as err:
        VxlanKind().desired(params(**kw))
    assert err.value.option == option
    assert 'option %s of %s' % (option, OBJ) in err.value.msg or 'options remote and group of %s' % OBJ in err.value.msg
    assert piece in err.value.msg


def test_desired_canonical_addresses():
    want = VxlanKind().desired(params(remote='FD00:0::2', local='fd00::1'))
    assert (want['vxlan']['remote'], want['vxlan']['local'], want['family']) == ('fd00::2', 'fd00::1', 6)


# -- plan: create ---------------------------------------------------------------------------
def test_create_unicast():
    plan, _ctx = plan_for(world(), **UNICAST)
    assert ops(plan) == [
        ('link_create', {'name': 'vx0', 'kind': 'vxlan',
                         'vxlan': {'vni': 42, 'remote': '10.0.0.2', 'group': None, 'local': '10.0.0.1', 'dev': 'eth0',
                                   'port': 4789, 'ttl': None, 'learning': True}}),
        ('link_set', {'name': 'vx0', 'up': True}),
    ]
    assert plan.actions[0].describe() == ('ns1: create vxlan vx0 with vni 42, remote 10.0.0.2, local 10.0.0.1, '
                                          'dev eth0, port 4789, learning on')
    assert plan.actions[0].undo.op == 'link_delete'
    diff = plan.diff()
    assert diff['before'] == {'state': 'absent'}
    assert diff['after'] == {'state': 'present', 'netns': NS, 'kind': 'vxlan', 'vni': 42, 'remote': '10.0.0.2',
                             'group': None, 'local': '10.0.0.1', 'dev': 'eth0', 'port': 4789, 'ttl': 0,
                             'learning': True, 'up': True, 'master': None}


def test_create_with_mtu_and_down():
    plan, _ctx = plan_for(world(), mtu=1400, up=False, **UNICAST)
    assert [op for op, _p in ops(plan)] == ['link_create', 'link_set']
    assert ops(plan)[1][1] == {'name': 'vx0', 'mtu': 1400}
    assert plan.diff()['after']['mtu'] == 1400
    assert plan.diff()['after']['up'] is False


def test_dev_missing_fails_and_check_mode_warns():
    with pytest.raises(ValidationError) as err:
        plan_for(world(), remote='10.0.0.2', dev='eth9')
    assert err.value.option == 'dev' and OBJ in err.value.msg and "'eth9'" in err.value.msg
    plan, ctx = plan_for(world(), check_mode=True, remote='10.0.0.2', dev='eth9')
    assert plan.changed and ctx.warnings


def test_mtu_above_the_underlay():
    with pytest.raises(ValidationError) as err:
        plan_for(world(), mtu=1460, **UNICAST)
    assert err.value.option == 'mtu' and '1450' in err.value.msg
    plan_for(world(), mtu=1450, **UNICAST)
    with pytest.raises(ValidationError):
        plan_for(world(), mtu=1431, remote='fd00::2', dev='eth0')


def test_vni_in_use_by_another_vxlan_of_the_same_port_and_family():
    other = vx('vx9', 11)
    with pytest.raises(ValidationError) as err:
        plan_for(world(other), remote='10.0.0.3')
    assert err.value.option == 'vni' and 'vx9' in err.value.msg
    plan_for(world(other), remote='10.0.0.3', port=4790)          # another port
    plan_for(world(other), remote='fd00::3')                      # another family
    plan_for(world(other), vni=43, remote='10.0.0.3')


# -- plan: existing -------------------------------------------------------------------------
def test_same_device_is_no_change():
    plan, _ctx = plan_for(world(vx()), **UNICAST)
    assert plan.actions == []
    assert plan.diff()['before'] == plan.diff()['after']


@pytest.mark.parametrize('kw, option', [
    ({'vni': 43}, 'vni'),
    ({'remote': '10.0.0.3'}, 'remote'),
    ({'local': '10.0.0.9'}, 'local'),
    ({'dev': None}, 'dev'),
    ({'port': 8472}, 'port'),
])
def test_immutable_change_deletes_and_creates(kw, option):
    args = dict(UNICAST, **kw)
    plan, _ctx = plan_for(world(vx(ttl=7)), **args)
    assert [op for op, _p in ops(plan)] == ['link_delete', 'link_create', 'link_set']
    assert plan.actions[0].option == option
    assert 'to create it again' in plan.actions[0].text and option in plan.actions[0].text
    assert plan.actions[1].params['vxlan']['ttl'] == 7          # kept, not reset to the kernel's default
    after = plan.diff()['after']
    assert after[option] == (kw[option])
    assert 'mtu' not in after                                   # the kernel chooses it again


def test_recreate_keeps_bridge_port_and_sets_mtu():
    plan, _ctx = plan_for(world(vx(master='br0')), vni=43, mtu=1400, **UNICAST)
    assert ops(plan)[1][1]['master'] == 'br0'
    assert ops(plan)[2:] == [('link_set', {'name': 'vx0', 'mtu': 1400}), ('link_set', {'name': 'vx0', 'up': True})]


def test_group_instead_of_remote_recreates():
    plan, _ctx = plan_for(world(vx()), group='239.1.1.1', local='10.0.0.1', dev='eth0')
    assert [op for op, _p in ops(plan)] == ['link_delete', 'link_create', 'link_set']
    assert plan.diff()['after']['group'] == '239.1.1.1' and plan.diff()['after']['remote'] is None


def test_mutable_changes_in_place():
    plan, _ctx = plan_for(world(vx(up=False)), ttl=16, learning=False, mtu=1400, **UNICAST)
    assert ops(plan) == [
        ('link_set', {'name': 'vx0', 'vxlan': {'ttl': 16}}),
        ('link_set', {'name': 'vx0', 'vxlan': {'learning': False}}),
        ('link_set', {'name': 'vx0', 'mtu': 1400}),
        ('link_set', {'name': 'vx0', 'up': True}),
    ]
    assert [a.option for a in plan.actions] == ['ttl', 'learning', 'mtu', 'up']
    after = plan.diff()['after']
    assert (after['ttl'], after['learning'], after['mtu'], after['up']) == (16, False, 1400, True)
    assert plan.diff()['before']['ttl'] == 0


def test_ttl_unset_is_left_alone():
    plan, _ctx = plan_for(world(vx(ttl=9)), **UNICAST)
    assert plan.actions == []


def test_another_kind_is_never_taken_over_or_removed():
    links = world(link('vx0', 'bridge', 7))
    for state in ('present', 'absent'):
        with pytest.raises(ValidationError) as err:
            plan_for(links, state=state, **UNICAST)
        assert err.value.option == 'name' and 'not a vxlan' in err.value.msg and OBJ in err.value.msg


def test_absent():
    plan, _ctx = plan_for(world(vx()), state='absent')
    assert ops(plan) == [('link_delete', {'name': 'vx0'})]
    assert plan.diff()['after'] == {'state': 'absent'}
    plan, _ctx = plan_for(world(), state='absent')
    assert plan.actions == [] and plan.diff()['before'] == {'state': 'absent'}


# -- apply's keywords -----------------------------------------------------------------------
def test_vxlan_kwargs():
    plan, _ctx = plan_for(world(), ttl=3, learning=False, **UNICAST)
    action = plan.actions[0]
    assert apply.vxlan_kwargs(FakeSession(ifaces={NS: {'eth0': 2}}), action, action.params['vxlan']) == {
        'vxlan_id': 42, 'vxlan_port': 4789, 'vxlan_ttl': 3, 'vxlan_learning': 0, 'vxlan_group': '10.0.0.2',
        'vxlan_local': '10.0.0.1', 'vxlan_link': 2}
    plan, _ctx = plan_for(world(), remote='fd00::2', local='fd00::1')
    kwargs = apply.vxlan_kwargs(FakeSession(ifaces={NS: {'eth0': 2}}), plan.actions[0], plan.actions[0].params['vxlan'])
    assert (kwargs['vxlan_group6'], kwargs['vxlan_local6']) == ('fd00::2', 'fd00::1')
    assert 'vxlan_ttl' not in kwargs and 'vxlan_link' not in kwargs


# -- remotes: head-end replication peers as all-zero-MAC FDB entries ----------------------
def test_remotes_on_a_new_device():
    plan, _ctx = plan_for(world(), peers=[], remotes=['10.0.0.3', '10.0.0.2'], local='10.0.0.1', dev='eth0')
    assert [(op, p.get('dst')) for op, p in ops(plan)] == [
        ('link_create', None), ('fdb_append', '10.0.0.2'), ('fdb_append', '10.0.0.3'), ('link_set', None)]
    assert plan.actions[1].describe() == 'ns1: add peer 10.0.0.2 to vxlan vx0 (FDB 00:00:00:00:00:00 dst 10.0.0.2)'
    assert plan.diff()['after']['remotes'] == ['10.0.0.2', '10.0.0.3']
    assert plan.diff()['after']['remote'] is None


def test_remotes_converge_exactly():
    device = vx(remote=None)
    plan, _ctx = plan_for(world(device), peers=['10.0.0.2', '10.0.0.9'], remotes=['10.0.0.3', '10.0.0.2'],
                          local='10.0.0.1', dev='eth0')
    assert [(op, p.get('dst')) for op, p in ops(plan)] == [('fdb_del', '10.0.0.9'), ('fdb_append', '10.0.0.3')]
    assert [a.option for a in plan.actions] == ['remotes', 'remotes']
    assert plan.diff()['before']['remotes'] == ['10.0.0.2', '10.0.0.9']
    assert plan.diff()['after']['remotes'] == ['10.0.0.2', '10.0.0.3']
    plan, _ctx = plan_for(world(device), peers=['10.0.0.2', '10.0.0.3'], remotes=['10.0.0.3', '10.0.0.2'],
                          local='10.0.0.1', dev='eth0')
    assert plan.actions == []


def test_remotes_empty_list_removes_every_peer():
    plan, _ctx = plan_for(world(vx(remote=None)), peers=['10.0.0.2'], remotes=[], local='10.0.0.1', dev='eth0')
    assert ops(plan) == [('fdb_del', {'name': 'vx0', 'dst': '10.0.0.2'})]


def test_remotes_unset_leaves_the_fdb_and_the_picture_alone():
    plan, _ctx = plan_for(world(vx()), **UNICAST)
    assert 'remotes' not in plan.diff()['before'] and 'remotes' not in plan.diff()['after']


def test_remotes_after_a_recreate_are_all_added_again():
    plan, _ctx = plan_for(world(vx(remote=None)), peers=['10.0.0.2'], vni=43, remotes=['10.0.0.2'],
                          local='10.0.0.1', dev='eth0')
    assert [op for op, _p in ops(plan)] == ['link_delete', 'link_create', 'fdb_append', 'link_set']


def test_remotes_ipv6_with_local():
    want = VxlanKind().desired(params(remotes=['FD00::3', 'fd00::2'], local='fd00::1'))
    assert want['remotes'] == ['fd00::2', 'fd00::3'] and want['family'] == 6


def test_recreate_undo_makes_the_old_device_again():
    plan, _ctx = plan_for(world(vx(master='br0', mtu=1400, ttl=7)), vni=43, **UNICAST)
    undo = plan.actions[0].undo
    assert undo.op == 'link_create'
    assert undo.params == {'name': 'vx0', 'kind': 'vxlan', 'mtu': 1400, 'up': True, 'master': 'br0',
                           'vxlan': {'vni': 42, 'remote': '10.0.0.2', 'group': None, 'local': '10.0.0.1',
                                     'dev': 'eth0', 'port': 4789, 'ttl': 7, 'learning': True}}
    plan, _ctx = plan_for(world(vx(dev='#12')), **UNICAST)
    assert plan.actions[0].op == 'link_delete' and plan.actions[0].undo is None


class RecordingSocket(object):
    def __init__(self, fail_vni):
        self.calls = []
        self.fail_vni = fail_vni

    def link(self, command, **kwargs):
        self.calls.append((command, kwargs))
        if command == 'add' and kwargs.get('vxlan_id') == self.fail_vni:
            raise apply.loader.NetlinkError(17)

    def link_lookup(self, ifname):
        return [{'vx0': 10, 'eth0': 2}[ifname]] if ifname in ('vx0', 'eth0', 'br0') else []


def test_failed_recreate_restores_the_old_device():
    plan, _ctx = plan_for(world(vx(up=True, mtu=1400)), vni=43, **UNICAST)
    sock = RecordingSocket(fail_vni=43)
    with pytest.raises(apply.ApplyError) as err:
        apply.apply_plan(FakeSession(sock=sock, ifaces={NS: {'eth0': 2, 'vx0': 10, 'br0': 3}}), plan.actions)
    assert err.value.option == 'vni'
    assert [c for c, _k in sock.calls] == ['del', 'add', 'add']
    restored = sock.calls[-1][1]
    assert (restored['vxlan_id'], restored['mtu'], restored['state'], restored['vxlan_link']) == (42, 1400, 'up', 2)
