# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option hairpin of a bridge port (issue 15) in the planners of interface, veth and topology:
one port_set step when the mode differs (a port attached by the plan starts with it off), none on a
second run, the same plan in check mode, before/after showing it, and a clear refusal when the
interface would be no port of a bridge. Observed links as Session.links gives them ('brport')."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import common
from ansible_collections.netvirt.linux.plugins.module_utils._state.interface import InterfaceKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind, phase
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._state import test_topology as topo
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._state import test_veth as veth

iface_params = params_for(InterfaceKind, name='v0')


def link(name, kind='veth', index=7, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:01', 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def bridge(name='br0', index=2):
    return link(name, 'bridge', index=index)


def port(name='v0', master='br0', hairpin=False, **kw):
    return link(name, master=master, brport={'hairpin': hairpin}, **kw)


def iface_plan(given, links, check_mode=False):
    kind = InterfaceKind()
    obs = {'netns': None, 'target': None, 'links': {None: dict((l['name'], l) for l in links)}}
    ctx = Context(check_mode, True)
    plan = kind.plan(kind.desired(given), copy.deepcopy(obs), ctx)
    return plan, ctx


def steps(plan):
    return [(a.op, a.netns, a.params, a.option) for a in plan.actions]


# -- interface --------------------------------------------------------------------------------
def test_hairpin_on_an_existing_port_is_one_step_and_shows_in_before_and_after():
    plan, _ctx = iface_plan(iface_params(hairpin=True), [bridge(), port()])
    assert steps(plan) == [('port_set', None, {'name': 'v0', 'hairpin': True}, 'hairpin')]
    assert plan.actions[0].text == 'turn hairpin mode on on interface v0 (port of bridge br0)'
    key = 'interface v0 (the current namespace)'
    assert plan.before[key]['hairpin'] is False and plan.after[key]['hairpin'] is True
    assert plan.changed


def test_second_run_changes_nothing():
    plan, _ctx = iface_plan(iface_params(hairpin=True, master='br0'), [bridge(), port(hairpin=True)])
    assert plan.actions == [] and not plan.changed


def test_hairpin_off_turns_it_off():
    plan, _ctx = iface_plan(iface_params(hairpin=False), [bridge(), port(hairpin=True)])
    assert steps(plan) == [('port_set', None, {'name': 'v0', 'hairpin': False}, 'hairpin')]


def test_hairpin_unset_leaves_it_and_the_pictures_as_they_were():
    plan, _ctx = iface_plan(iface_params(mtu=1400), [bridge(), port(hairpin=True)])
    assert [a.op for a in plan.actions] == ['link_set']
    key = 'interface v0 (the current namespace)'
    assert 'hairpin' not in plan.before[key] and 'hairpin' not in plan.after[key]


def test_a_port_attached_by_the_plan_starts_with_hairpin_off():
    plan, _ctx = iface_plan(iface_params(master='br0', hairpin=True), [bridge(), link('v0')])
    assert [(a.op, a.params) for a in plan.actions] == [
        ('link_set', {'name': 'v0', 'master': 'br0'}),
        ('port_set', {'name': 'v0', 'hairpin': True}),
    ]
    # a port moved to another bridge is a new port: hairpin off there, whatever it was on the old one
    plan, _ctx = iface_plan(iface_params(master='br1', hairpin=True),
                            [bridge(), bridge('br1', 3), port(hairpin=True)])
    assert [a.op for a in plan.actions] == ['link_set', 'port_set']
    plan, _ctx = iface_plan(iface_params(master='br1', hairpin=False),
                            [bridge(), bridge('br1', 3), port(hairpin=True)])
    assert [a.op for a in plan.actions] == ['link_set']


@pytest.mark.parametrize('given, links', [
    (iface_params(hairpin=True), [link('v0')]),                        # no master, none given
    (iface_params(hairpin=False), [link('v0')]),
    (iface_params(hairpin=True, master=''), [bridge(), port()]),      # detached by this task
])
def test_hairpin_without_a_bridge_is_refused_naming_option_and_object(given, links):
    with pytest.raises(ValidationError) as info:
        iface_plan(given, links)
    assert info.value.option == 'hairpin' and info.value.obj == 'interface v0'
    assert info.value.msg.startswith('option hairpin of interface v0: hairpin mode belongs to a port of a bridge')
    assert 'option master' in info.value.msg


def test_check_mode_plans_the_same_and_assumes_an_interface_made_earlier():
    given, links = iface_params(hairpin=True), [bridge(), port()]
    assert steps(iface_plan(given, links, check_mode=True)[0]) == steps(iface_plan(given, links)[0])
    plan, ctx = iface_plan(iface_params(hairpin=True, master='br0'), [bridge()], check_mode=True)
    assert [a.op for a in plan.actions] == ['link_set', 'port_set']
    plan, ctx = iface_plan(iface_params(hairpin=True), [bridge()], check_mode=True)   # its master unknown
    assert [a.op for a in plan.actions] == [] and ctx.warnings


def test_a_moved_interface_arrives_as_no_port():
    kind = InterfaceKind()
    obs = {'netns': None, 'target': 'ns1', 'links': {None: {'v0': port(hairpin=True)}, 'ns1': {'br0': bridge()}}}
    plan = kind.plan(kind.desired(iface_params(target_netns='ns1', master='br0', hairpin=True)), obs,
                     Context(False, True))
    assert [(a.op, a.netns) for a in plan.actions] == [('link_move', None), ('link_set', 'ns1'), ('port_set', 'ns1')]


def test_hairpin_of():
    assert common.hairpin_of(port(hairpin=True)) is True
    assert common.hairpin_of(port()) is False
    assert common.hairpin_of(link('v0')) is None
    assert common.hairpin_of(None) is None


# -- veth ---------------------------------------------------------------------------------------
def test_veth_new_pair_gets_hairpin_on_after_its_attach():
    links = {None: {'lo': veth.lo(), 'br0': bridge()}, 'ns1': {'lo': veth.lo()}}
    plan, _ctx = veth.plan_of(veth.params(master='br0', hairpin=True, peer=veth.peer(netns='ns1')),
                              veth.observed(links, None, 'ns1'))
    ops = [(a.op, a.netns, a.params.get('name')) for a in plan.actions]
    assert ops.index(('link_set', None, 'v0')) < ops.index(('port_set', None, 'v0'))
    assert plan.after['veth v0 (the current namespace)']['hairpin'] is True
    assert 'hairpin' not in plan.after['veth v0 (the current namespace)']['peer']


def test_veth_both_ends_ports_second_run_no_change():
    links = veth.pair_links(None, 'v0', 'ns1', 'eth0', main={'master': 'br0', 'brport': {'hairpin': True}},
                            other={'master': 'br1', 'brport': {'hairpin': False}})
    links[None]['br0'] = bridge()
    links['ns1']['br1'] = bridge('br1', 3)
    given = veth.params(master='br0', hairpin=True, peer=veth.peer(netns='ns1', master='br1', hairpin=False))
    plan, _ctx = veth.plan_of(given, veth.observed(links, None, 'ns1'))
    assert plan.actions == []
    key = 'veth v0 (the current namespace)'
    assert plan.before[key]['hairpin'] is True and plan.before[key]['peer']['hairpin'] is False
    assert plan.before[key] == plan.after[key]
    # the peer's mode changed: one step, named by peer.hairpin
    given = veth.params(master='br0', hairpin=True, peer=veth.peer(netns='ns1', master='br1', hairpin=True))
    plan, _ctx = veth.plan_of(given, veth.observed(links, None, 'ns1'))
    assert [(a.op, a.netns, a.params, a.option) for a in plan.actions] == [
        ('port_set', 'ns1', {'name': 'eth0', 'hairpin': True}, 'peer.hairpin')]
    assert plan.actions[0].obj == 'veth peer eth0'


def test_veth_peer_hairpin_without_a_bridge_is_refused():
    links = {None: {'lo': veth.lo()}, 'ns1': {'lo': veth.lo()}}
    with pytest.raises(ValidationError) as info:
        veth.plan_of(veth.params(peer=veth.peer(netns='ns1', hairpin=True)), veth.observed(links, None, 'ns1'))
    assert info.value.option == 'peer.hairpin' and info.value.obj == 'veth peer eth0'
    assert 'option peer.master' in info.value.msg


def test_veth_desired_carries_hairpin_only_when_given():
    out = VethKind().desired(veth.params(master='br0', hairpin=False, peer=veth.peer()))
    assert out['end']['hairpin'] is False and 'hairpin' not in out['peer']


# -- topology -------------------------------------------------------------------------------------
def test_topology_link_end_hairpin_runs_after_the_attach_and_the_second_run_is_quiet():
    lab = copy.deepcopy(topo.LAB)
    lab['links'][0]['hairpin'] = True
    plan = topo.plan_of(topo.params(**lab), topo.observed(namespaces={'ns1': {'exists': False}}, sysctls=[None]))
    got = topo.steps(plan)
    assert got.index(('link_create', None, 'v1', 'links[0].name')) < got.index(
        ('port_set', None, 'v1', 'links[0].hairpin'))
    assert got.index(('port_set', None, 'v1', 'links[0].hairpin')) < got.index(
        ('addr_add', 'ns1', 'eth0', 'links[0].peer.addresses'))
    done = topo.built()
    done['links'][None]['v1']['brport'] = {'hairpin': True}
    assert topo.plan_of(topo.params(**lab), done).actions == []
    done['links'][None]['v1']['brport'] = {'hairpin': False}
    assert topo.steps(topo.plan_of(topo.params(**lab), done)) == [('port_set', None, 'v1', 'links[0].hairpin')]


def test_topology_refuses_hairpin_on_an_end_without_master():
    lab = copy.deepcopy(topo.LAB)
    lab['links'][0]['peer']['hairpin'] = True
    with pytest.raises(ValidationError) as info:
        topo.plan_of(topo.params(**lab), topo.built())
    assert 'links[0].peer.hairpin' in info.value.msg


def test_port_set_runs_in_the_attrs_phase():
    assert phase(Action('port_set', None, 'veth v1', {'name': 'v1', 'hairpin': True})) == 'attrs'


def test_topology_items_take_the_option():
    spec = TopologyKind.options()['links']['options']
    assert spec['hairpin'] == {'type': 'bool'} and spec['peer']['options']['hairpin'] == {'type': 'bool'}
