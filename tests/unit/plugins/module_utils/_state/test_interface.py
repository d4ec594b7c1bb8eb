# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interface kind: desired() validation and plan() from plain observed dicts
(the shape InterfaceKind.observe returns: {'netns', 'target', 'links': {ref: {name: link}}})."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._state.interface import InterfaceKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for


params = params_for(InterfaceKind, name='eth0')


def link(name, kind='veth', **kw):
    out = {'name': name, 'index': 7, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:01', 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def observed(links, netns=None, target=None):
    """links: {ref: [link...]}"""
    return {'netns': netns, 'target': target,
            'links': dict((ref, dict((l['name'], l) for l in items)) for ref, items in links.items())}


def make_plan(given, obs, check_mode=False):
    kind = InterfaceKind()
    ctx = Context(check_mode, True)
    plan = kind.plan(kind.desired(given), obs, ctx)
    return plan, ctx


def steps(plan):
    return [(a.op, a.netns, a.params) for a in plan.actions]


def test_desired_loopback_mtu_65536_is_accepted():
    assert InterfaceKind().desired(params(name='lo', mtu=65536))['want']['mtu'] == 65536


@pytest.mark.parametrize('given, fragments', [
    (params(name='a-name-longer-than-15'), ['option name', 'at most 15']),
    (params(rename_to='has/slash'), ['option rename_to of interface eth0', "'has/slash'"]),
    (params(target_netns='a b'), ['option target_netns of interface eth0']),
    (params(target_netns=0), ['option target_netns of interface eth0', 'PID']),
    (params(mtu=10), ['option mtu of interface eth0', '10']),
    (params(mtu=65537), ['option mtu of interface eth0', '65537', '68-65536']),
    (params(mac='01:00:5e:00:00:01'), ['option mac of interface eth0', 'multicast']),
    (params(addresses=['10.0.0.1']), ['option addresses of interface eth0', 'prefix length']),
    (params(addresses=['10.0.0.1/24', '10.0.0.1/24']), ['option addresses of interface eth0', 'twice']),
    (params(master='x' * 16), ['option master of interface eth0']),
])
def test_desired_bad(given, fragments):
    with pytest.raises(ValidationError) as info:
        InterfaceKind().desired(given)
    for fragment in fragments:
        assert fragment in info.value.msg, (fragment, info.value.msg)


def test_desired_defaults_target_to_netns_and_keeps_up_unset():
    desired = InterfaceKind().desired(params(netns='ns1', master=''))
    assert desired['target_netns'] == 'ns1'
    assert desired['rename_to'] is None
    assert desired['want']['up'] is None
    assert desired['want']['master'] == ''


# -- attributes in place ------------------------------------------------------------------------
@pytest.mark.parametrize('given, have, expected', [
    # nothing asked: nothing done, whatever the state (up has no default)
    (params(), link('eth0', up=False), []),
    (params(up=True), link('eth0', up=True), []),
    (params(up=True), link('eth0', up=False), [('link_set', None, {'name': 'eth0', 'up': True})]),
    (params(up=False), link('eth0'), [('link_set', None, {'name': 'eth0', 'up': False})]),
    (params(mtu=9000, mac='02:AA:00:00:00:01'), link('eth0'),
     [('link_set', None, {'name': 'eth0', 'mtu': 9000}), ('link_set', None, {'name': 'eth0', 'mac': '02:aa:00:00:00:01'})]),
    (params(mac='02:00:00:00:00:01'), link('eth0'), []),
    (params(addresses=['10.0.0.1/24']), link('eth0', addresses=['10.9.0.1/24', 'fe80::1/64']),
     [('addr_add', None, {'name': 'eth0', 'address': '10.0.0.1/24'})]),
    # purge keeps the IPv6 link-local address
    (params(addresses=['10.0.0.1/24'], purge_addresses=True), link('eth0', addresses=['10.9.0.1/24', 'fe80::1/64']),
     [('addr_del', None, {'name': 'eth0', 'address': '10.9.0.1/24'}),
      ('addr_add', None, {'name': 'eth0', 'address': '10.0.0.1/24'})]),
    (params(addresses=[], purge_addresses=True), link('eth0', addresses=['fe80::1/64']), []),
    (params(master=''), link('eth0', master='br0'), [('link_set', None, {'name': 'eth0', 'master': ''})]),
    (params(master=''), link('eth0'), []),
])
def test_plan_in_place(given, have, expected):
    plan, _ctx = make_plan(given, observed({None: [have, link('br0', 'bridge')]}))
    assert steps(plan) == expected
    assert plan.changed == bool(expected)


def test_plan_master_and_diff():
    plan, _ctx = make_plan(params(netns='ns1', master='br0', up=True),
                           observed({'ns1': [link('eth0', up=False), link('br0', 'bridge')]}, 'ns1', 'ns1'))
    assert steps(plan) == [('link_set', 'ns1', {'name': 'eth0', 'master': 'br0'}),
                           ('link_set', 'ns1', {'name': 'eth0', 'up': True})]
    diff = plan.diff()
    assert diff['before']['master'] is None and diff['before']['up'] is False
    assert diff['after']['master'] == 'br0' and diff['after']['up'] is True
    assert diff['after']['name'] == 'eth0' and diff['after']['netns'] == 'ns1'
    assert diff['before_header'] == "interface eth0 (namespace 'ns1')"


@pytest.mark.parametrize('master, links, fragment', [
    ('br9', [link('eth0')], "bridge 'br9' does not exist"),
    ('v1', [link('eth0'), link('v1')], 'not a bridge'),
])
def test_plan_master_must_be_a_bridge(master, links, fragment):
    with pytest.raises(ValidationError) as info:
        make_plan(params(master=master), observed({None: links}))
    assert 'option master of interface eth0' in info.value.msg and fragment in info.value.msg


def test_plan_master_missing_in_check_mode_warns():
    plan, ctx = make_plan(params(master='br9'), observed({None: [link('eth0')]}), check_mode=True)
    assert steps(plan) == [('link_set', None, {'name': 'eth0', 'master': 'br9'})]
    assert 'br9' in ctx.warnings[0]


def test_veth_picture_has_the_peer():
    plan, _ctx = make_plan(params(), observed({None: [link('eth0', peer={'name': 'v1', 'netns': 'ns2', 'index': 3})]}))
    assert plan.after["interface eth0 (the current namespace)"]['peer'] == {'name': 'v1', 'netns': 'ns2'}


# -- missing ------------------------------------------------------------------------------------
def test_missing_interface_fails_naming_it_and_the_namespace():
    with pytest.raises(ValidationError) as info:
        make_plan(params(name='eth9', netns='ns1'), observed({'ns1': [link('eth0')]}, 'ns1', 'ns1'))
    assert info.value.option == 'name'
    assert "option name of interface eth9" in info.value.msg
    assert "'eth9' in namespace 'ns1'" in info.value.msg


def test_missing_interface_with_a_move_names_both_places():
    with pytest.raises(ValidationError) as info:
        make_plan(params(name='eth9', target_netns='ns2', rename_to='wan0'),
                  observed({None: [], 'ns2': []}, None, 'ns2'))
    assert "'eth9' in the current namespace" in info.value.msg
    assert "'wan0' in namespace 'ns2'" in info.value.msg


def test_missing_interface_in_check_mode_warns_and_plans():
    plan, ctx = make_plan(params(name='eth9', netns='ns1', up=True), observed({'ns1': {}}, 'ns1', 'ns1'),
                          check_mode=True)
    assert steps(plan) == [('link_set', 'ns1', {'name': 'eth9', 'up': True})]
    assert "'eth9'" in ctx.warnings[0]


# -- rename and move ----------------------------------------------------------------------------
def test_rename_in_place_then_idempotent():
    plan, _ctx = make_plan(params(rename_to='wan0'), observed({None: [link('eth0')]}))
    assert steps(plan) == [('link_set', None, {'name': 'eth0', 'new_name': 'wan0'})]
    assert plan.actions[0].option == 'rename_to'
    assert plan.after['interface eth0 (the current namespace)']['name'] == 'wan0'
    # second run: eth0 is gone, wan0 is there
    plan, _ctx = make_plan(params(rename_to='wan0'), observed({None: [link('wan0')]}))
    assert steps(plan) == []


def test_move_and_rename_is_one_message_then_attributes_in_the_target():
    given = params(name='veth0p', target_netns='net0', rename_to='eth0', addresses=['10.0.1.1/24'], up=True,
                   mtu=1500)
    have = link('veth0p', addresses=['10.7.0.1/24'], master='br0', up=True)
    plan, _ctx = make_plan(given, observed({None: [have, link('br0', 'bridge')], 'net0': [link('lo', 'loopback')]},
                                           None, 'net0'))
    assert steps(plan) == [
        ('link_move', None, {'name': 'veth0p', 'to': 'net0', 'new_name': 'eth0'}),
        ('addr_add', 'net0', {'name': 'eth0', 'address': '10.0.1.1/24'}),
        ('link_set', 'net0', {'name': 'eth0', 'up': True}),
    ]
    assert plan.actions[0].option == 'target_netns'
    after = plan.after['interface veth0p (the current namespace)']
    # arrived down, without its old address and master; then converged
    assert after['netns'] == 'net0' and after['name'] == 'eth0'
    assert after['addresses'] == ['10.0.1.1/24'] and after['master'] is None and after['up'] is True
    before = plan.before['interface veth0p (the current namespace)']
    assert before['netns'] is None and before['name'] == 'veth0p'


def test_move_without_up_leaves_it_down():
    plan, _ctx = make_plan(params(target_netns='ns2'), observed({None: [link('eth0')], 'ns2': []}, None, 'ns2'))
    assert steps(plan) == [('link_move', None, {'name': 'eth0', 'to': 'ns2'})]
    assert plan.after['interface eth0 (the current namespace)']['up'] is False


def test_move_second_run_converges_in_the_target():
    given = params(name='veth0p', target_netns='net0', rename_to='eth0', addresses=['10.0.1.1/24'], up=True)
    arrived = link('eth0', addresses=['10.0.1.1/24', 'fe80::1/64'])
    plan, _ctx = make_plan(given, observed({None: [], 'net0': [arrived]}, None, 'net0'))
    assert steps(plan) == []
    assert plan.before == plan.after


def test_move_second_run_still_converges_changed_attributes_there():
    given = params(name='veth0p', target_netns='net0', rename_to='eth0', mtu=9000)
    plan, _ctx = make_plan(given, observed({None: [], 'net0': [link('eth0')]}, None, 'net0'))
    assert steps(plan) == [('link_set', 'net0', {'name': 'eth0', 'mtu': 9000})]


@pytest.mark.parametrize('kind', ['bridge', 'loopback'])
def test_netns_local_devices_cannot_move(kind):
    name = 'lo' if kind == 'loopback' else 'br0'
    with pytest.raises(ValidationError) as info:
        make_plan(params(name=name, target_netns='ns1'),
                  observed({None: [link(name, kind)], 'ns1': [link('lo', 'loopback')]}, None, 'ns1'))
    assert info.value.option == 'target_netns'
    assert 'option target_netns of interface %s' % name in info.value.msg
    assert 'netns-local' in info.value.msg and 'Invalid argument' in info.value.msg


def test_bridge_can_be_renamed_in_place():
    plan, _ctx = make_plan(params(name='br0', rename_to='br1'), observed({None: [link('br0', 'bridge')]}))
    assert steps(plan) == [('link_set', None, {'name': 'br0', 'new_name': 'br1'})]


@pytest.mark.parametrize('given, links, option', [
    (params(rename_to='wan0'), {None: [link('eth0'), link('wan0', 'tun')]}, 'rename_to'),
    (params(target_netns='ns2'), {None: [link('eth0')], 'ns2': [link('eth0', 'tun')]}, 'target_netns'),
    (params(target_netns='ns2', rename_to='x0'), {None: [link('eth0')], 'ns2': [link('x0')]}, 'rename_to'),
])
def test_final_name_taken(given, links, option):
    with pytest.raises(ValidationError) as info:
        make_plan(given, observed(links, None, given['target_netns']))
    assert info.value.option == option
    assert info.value.msg.startswith('option %s of interface eth0' % option)
    assert 'already taken' in info.value.msg


def test_missing_target_namespace_in_check_mode_plans_the_move():
    plan, _ctx = make_plan(params(target_netns='new', up=True), observed({None: [link('eth0')], 'new': {}}, None, 'new'),
                           check_mode=True)
    assert steps(plan) == [('link_move', None, {'name': 'eth0', 'to': 'new'}),
                           ('link_set', 'new', {'name': 'eth0', 'up': True})]
