# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bond kind: desired() validation and plan() from plain observed dicts, in the shape
BondKind.observe returns: {'netns': ref, 'links': {name: link}}; a bond link has
'bond': {mode, miimon, arp_interval, arp_ip_target, xmit_hash_policy, lacp_rate, primary} as
Session.links gives it, and its ports are the links whose master it is."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.plugins.module_utils._state.bond import BondKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession, params_for

NS = 'ns1'
params = params_for(BondKind, name='bond0', netns=NS, mode='active-backup')


def link(name, kind='veth', index=2, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': False,
           'operstate': 'down', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def bond(name='bond0', index=10, up=True, mtu=1500, addresses=(), **kw):
    data = {'mode': 'active-backup', 'miimon': 100, 'arp_interval': 0, 'arp_ip_target': [],
            'xmit_hash_policy': 'layer2', 'lacp_rate': 'slow', 'primary': None}
    data.update(kw)
    return link(name, 'bond', index, up=up, mtu=mtu, addresses=list(addresses), bond=data)


def world(*links):
    out = {'lo': link('lo', 'loopback', 1), 'eth1': link('eth1', index=2), 'eth2': link('eth2', index=3, up=True),
           'eth3': link('eth3', index=4), 'br0': link('br0', 'bridge', 5)}
    for item in links:
        out[item['name']] = item
    return out


def plan_for(links, check_mode=False, **kw):
    kind = BondKind()
    ctx = Context(check_mode=check_mode, diff=True)
    return kind.plan(kind.desired(params(**kw)), {'netns': NS, 'links': links}, ctx), ctx


def ops(plan):
    return [(a.op, a.params) for a in plan.actions]


def after(plan):
    return plan.diff()['after']


def test_create_with_ports_down_first_then_primary_then_up():
    plan = plan_for(world(), miimon=100, ports=['eth1', 'eth2'], primary='eth1')[0]
    assert ops(plan) == [
        ('link_create', {'name': 'bond0', 'kind': 'bond', 'bond': {'mode': 'active-backup', 'miimon': 100}}),
        ('link_set', {'name': 'eth1', 'master': 'bond0'}),
        ('link_set', {'name': 'eth2', 'up': False}),      # the kernel refuses an up port (EPERM)
        ('link_set', {'name': 'eth2', 'master': 'bond0'}),
        ('link_set', {'name': 'bond0', 'bond': {'primary': 'eth1'}}),
        ('link_set', {'name': 'bond0', 'up': True}),
    ]
    assert plan.actions[0].undo.op == 'link_delete'
    got = after(plan)
    assert got['ports'] == ['eth1', 'eth2'] and got['primary'] == 'eth1' and got['mode'] == 'active-backup'
    assert got['miimon'] == 100 and got['xmit_hash_policy'] == 'layer2' and got['mtu'] == 1500


def test_new_bond_without_miimon_leaves_it_out_of_after():
    plan = plan_for(world(), mode='802.3ad')[0]
    assert 'miimon' not in after(plan)


def test_converged_bond_plans_nothing():
    links = world(bond(), link('eth1', index=2, master='bond0', up=True))
    plan = plan_for(links, miimon=100, ports=['eth1'])[0]
    assert plan.actions == []
    assert plan.diff()['before'] == plan.diff()['after']


def test_in_place_changes_one_action_per_option():
    links = world(bond(mode='802.3ad'), link('eth1', index=2, master='bond0'))
    plan = plan_for(links, mode='802.3ad', miimon=200, xmit_hash_policy='layer3+4', lacp_rate='fast',
                    arp_ip_target=[])[0]
    assert [(a.option, a.params) for a in plan.actions] == [
        ('miimon', {'name': 'bond0', 'bond': {'miimon': 200}}),
        ('xmit_hash_policy', {'name': 'bond0', 'bond': {'xmit_hash_policy': 'layer3+4'}}),
        ('lacp_rate', {'name': 'bond0', 'bond': {'lacp_rate': 'fast'}}),
    ]


def test_arp_interval_turns_miimon_off_in_after():
    plan = plan_for(world(bond()), arp_interval=200, arp_ip_target=['192.0.2.9', '192.0.2.1'])[0]
    got = after(plan)
    assert got['arp_interval'] == 200 and got['miimon'] == 0
    assert got['arp_ip_target'] == ['192.0.2.1', '192.0.2.9']


def test_mode_change_recreates_with_ports_and_undo_restores_them():
    links = world(bond(mtu=9000, addresses=['192.0.2.10/24'], xmit_hash_policy='layer2+3'),
                  link('eth1', index=2, master='bond0', up=True, mtu=9000), link('eth3', index=4, master='bond0'))
    plan = plan_for(links, mode='balance-xor', ports=['eth1'], purge_ports=True)[0]
    first = plan.actions[0]
    assert first.op == 'link_delete' and 'mode active-backup -> balance-xor' in first.text
    assert first.undo.op == 'link_create'
    assert first.undo.params['ports'] == ['eth1', 'eth3'] and first.undo.params['bond']['mode'] == 'active-backup'
    create = plan.actions[1]
    assert create.op == 'link_create' and create.params['bond']['mode'] == 'balance-xor'
    assert create.params['bond']['xmit_hash_policy'] == 'layer2+3'   # kept: the task leaves it unset
    assert 'again' in create.text
    names = [(a.op, a.params.get('name'), a.params.get('master'), a.params.get('mtu'), a.params.get('address'))
             for a in plan.actions[2:]]
    assert ('link_set', 'eth1', 'bond0', None, None) in names
    assert ('link_set', 'bond0', None, 9000, None) in names
    assert ('addr_add', 'bond0', None, None, '192.0.2.10/24') in names
    assert not any(n[1] == 'eth3' for n in names)        # released by the delete
    got = after(plan)
    assert got['ports'] == ['eth1'] and got['mode'] == 'balance-xor' and got['mtu'] == 9000


def test_ports_are_added_unless_purge():
    links = world(bond(), link('eth1', index=2, master='bond0'))
    plan = plan_for(links, ports=['eth3'])[0]
    assert ops(plan) == [('link_set', {'name': 'eth3', 'master': 'bond0'})]
    assert after(plan)['ports'] == ['eth1', 'eth3']
    plan = plan_for(links, ports=['eth3'], purge_ports=True)[0]
    assert ops(plan) == [('link_set', {'name': 'eth1', 'master': ''}), ('link_set', {'name': 'eth3', 'master': 'bond0'})]
    assert after(plan)['ports'] == ['eth3']


@pytest.mark.parametrize('master, kind, word', [('br0', 'bridge', 'bridge br0'), ('bond1', 'bond', 'bond bond1')])
def test_port_of_something_else_is_refused_naming_it_and_its_master(master, kind, word):
    links = world(bond(), bond('bond1', index=11), link('eth1', index=2, master=master))
    with pytest.raises(ValidationError) as err:
        plan_for(links, ports=['eth1'])
    assert "'eth1' is already a port of %s" % word in err.value.msg and 'option ports' in err.value.msg


@pytest.mark.parametrize('port, why', [('lo', 'loopback'), ('br0', 'is a bridge'), ('bond0', 'itself')])
def test_ports_the_kernel_refuses(port, why):
    with pytest.raises(ValidationError) as err:
        plan_for(world(), ports=[port])
    assert why in err.value.msg


def test_missing_port_fails_but_warns_in_check_mode():
    with pytest.raises(ValidationError) as err:
        plan_for(world(), ports=['nope'])
    assert "interface 'nope' does not exist" in err.value.msg
    plan, ctx = plan_for(world(), check_mode=True, ports=['nope'])
    assert ctx.warnings and 'nope' in ctx.warnings[0]


def test_other_kind_under_the_name_is_never_taken_over_or_removed():
    links = world(link('bond0', 'bridge', 10))
    with pytest.raises(ValidationError) as err:
        plan_for(links)
    assert 'take it over' in err.value.msg
    with pytest.raises(ValidationError) as err:
        plan_for(links, state='absent')
    assert 'remove it' in err.value.msg


def test_absent_deletes_and_says_ports_are_released():
    links = world(bond(), link('eth1', index=2, master='bond0'))
    plan = plan_for(links, state='absent')[0]
    assert ops(plan) == [('link_delete', {'name': 'bond0'})] and 'released' in plan.actions[0].text
    assert after(plan) == {'state': 'absent'}
    assert plan_for(world(), state='absent')[0].actions == []


@pytest.mark.parametrize('given, option, text', [
    (dict(miimon=100, arp_interval=100), 'arp_interval', 'not both'),
    (dict(mode='802.3ad', arp_interval=100), 'arp_interval', 'cannot be used in mode 802.3ad'),
    (dict(lacp_rate='fast'), 'lacp_rate', 'mode 802.3ad only'),
    (dict(mode='balance-rr', primary='eth1', ports=['eth1']), 'primary', 'modes active-backup'),
    (dict(primary='eth3', ports=['eth1'], purge_ports=True), 'primary', 'not in option ports'),
    (dict(primary='eth3'), 'primary', 'not a port of the bond'),
    (dict(miimon=-1), 'miimon', 'not an interval'),
    (dict(arp_ip_target=['2001:db8::1']), 'arp_ip_target', 'not a unicast IPv4'),
    (dict(arp_ip_target=['224.0.0.1']), 'arp_ip_target', 'not a unicast IPv4'),
    (dict(arp_ip_target=['10.0.0.%d' % i for i in range(1, 18)]), 'arp_ip_target', 'at most 16'),
    (dict(ports=['eth1', 'eth1']), 'ports', 'eth1'),
    (dict(purge_ports=True), 'purge_ports', 'needs option ports'),
])
def test_bad_inputs_fail_before_the_kernel_naming_the_option(given, option, text):
    with pytest.raises(ValidationError) as err:
        plan_for(world(), **given)
    assert err.value.option == option and text in err.value.msg and 'bond bond0' in err.value.msg


def test_apply_kwargs_for_pyroute2():
    session = FakeSession(ifaces={NS: {'bond0': 10, 'eth1': 2}})
    act = Action('link_create', NS, 'bond bond0', {'name': 'bond0', 'kind': 'bond', 'bond': {
        'mode': '802.3ad', 'miimon': 100, 'xmit_hash_policy': 'layer3+4', 'lacp_rate': 'fast',
        'arp_ip_target': []}})
    assert apply.bond_kwargs(session, act, act.params['bond']) == {
        'bond_mode': 4, 'bond_miimon': 100, 'bond_xmit_hash_policy': 1, 'bond_ad_lacp_rate': 1,
        'bond_arp_ip_target': []}
    assert apply.bond_kwargs(session, act, {'primary': 'eth1'}) == {'bond_primary': 2}
    assert apply.bond_kwargs(session, act, {'primary': ''}) == {'bond_primary': 0}


def test_recreation_into_802_3ad_leaves_the_arp_options_out():
    """Measured: the kernel refuses arp_interval and arp_ip_target in 802.3ad (EACCES), even 0 and []."""
    links = world(bond(miimon=0, arp_interval=200, arp_ip_target=['192.0.2.1']),
                  link('eth1', index=2, master='bond0'))
    plan = plan_for(links, mode='802.3ad', miimon=100, arp_interval=0, lacp_rate='fast')[0]
    create = plan.actions[1]
    assert create.op == 'link_create'
    assert create.params['bond'] == {'mode': '802.3ad', 'miimon': 100, 'lacp_rate': 'fast',
                                     'xmit_hash_policy': 'layer2'}
    assert plan.actions[0].undo.params['bond']['arp_ip_target'] == ['192.0.2.1']
    got = after(plan)
    assert got['arp_interval'] == 0 and got['arp_ip_target'] == []


def test_arp_targets_refused_in_802_3ad():
    with pytest.raises(ValidationError) as err:
        plan_for(world(), mode='802.3ad', arp_ip_target=['192.0.2.1'])
    assert err.value.option == 'arp_ip_target' and 'EACCES' in err.value.msg
