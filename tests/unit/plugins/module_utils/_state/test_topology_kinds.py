# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""topology composes vxlan and tuntap by naming them: their options, marks, phases and checks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import topology
from ansible_collections.netvirt.linux.plugins.module_utils._state.tuntap import TuntapKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.vxlan import VxlanKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.tests.unit.fakes import params as fake_params

SPEC = topology.TopologyKind.argument_spec


def item(option, **given):
    """A list item as a task gives it (params() fills the rest as AnsibleModule does)."""
    assert option in SPEC
    return given


PEER = {'name': 'ul1'}


def params(**lists):
    return fake_params(topology.TopologyKind, name='lab', **lists)


def observed(links=None, remotes=None):
    return {'record': {'namespaces': {}, 'refs': [], 'routes': []}, 'owned': {}, 'namespaces': {}, 'ref_of': {},
            'links': {None: links or {}}, 'routes': {}, 'sysctls': [], 'doomed_nsids': {},
            'vxlan_remotes': remotes or []}


@pytest.mark.parametrize('option, kind, dropped', [
    ('vxlans', VxlanKind, {'state'}),
    ('tuntaps', TuntapKind, {'state'}),
])
def test_the_sub_options_are_the_kinds_own(option, kind, dropped):
    own = kind.options()
    got = SPEC[option]['options']
    assert set(got) == set(own) - dropped
    for name in got:
        if name not in ('vni', 'mode'):
            assert got[name] == own[name], name
    assert got['vni' if kind is VxlanKind else 'mode']['required'] is True


def test_the_kinds_checks_between_options_come_along_where_their_options_do():
    assert SPEC['vxlans']['mutually_exclusive'] == [('remote', 'group', 'remotes')]
    assert 'required_if' not in SPEC['vxlans']     # it names state, which topology does not take
    assert 'required_if' not in SPEC['tuntaps']


def test_a_vxlan_is_created_marked_and_attached_and_ordered_after_the_veths():
    kind = topology.TopologyKind()
    desired = kind.desired(params(
        bridges=[item('bridges', name='br0')],
        links=[item('links', name='ul0', peer=PEER)],
        vxlans=[item('vxlans', name='vx1', vni=5, remote='192.0.2.2', dev='ul0', master='br0',
                     remotes=None)]))
    plan = kind.plan(desired, observed(remotes=[None]), Context(False, False))
    ops = [(a.op, a.params.get('kind'), a.params.get('name')) for a in plan.actions]
    assert ops.index(('link_create', 'veth', 'ul0')) < ops.index(('link_create', 'vxlan', 'vx1'))
    create = [a for a in plan.actions if a.op == 'link_create' and a.params.get('kind') == 'vxlan'][0]
    assert create.params['alias'] == 'netvirt-topology:lab'
    attach = [a for a in plan.actions if a.op == 'link_set' and a.params.get('name') == 'vx1'
              and a.params.get('master')]
    assert [a.option for a in attach] == ['vxlans[0].master']


def test_a_vxlan_without_its_vni_is_refused_naming_the_item():
    kind = topology.TopologyKind()
    with pytest.raises(ValidationError) as err:
        kind.desired(params(vxlans=[item('vxlans', name='vx1', vni=0, remote='192.0.2.2')]))
    assert err.value.option.startswith('vxlans[0].vni')


def test_a_vxlan_on_a_missing_bridge_is_refused_naming_the_item():
    kind = topology.TopologyKind()
    desired = kind.desired(params(vxlans=[item('vxlans', name='vx1', vni=5, remote='192.0.2.2', master='br9')]))
    with pytest.raises(ValidationError) as err:
        kind.plan(desired, observed(remotes=[None]), Context(False, False))
    assert err.value.option == 'vxlans[0].master'
    assert "bridge 'br9' does not exist" in err.value.msg


def test_managed_remotes_of_a_new_vxlan_are_fdb_entries_in_the_addresses_phase():
    kind = topology.TopologyKind()
    desired = kind.desired(params(vxlans=[item('vxlans', name='vx1', vni=5, remotes=['192.0.2.2', '192.0.2.3'],
                                               local='192.0.2.1')]))
    plan = kind.plan(desired, observed(remotes=[None]), Context(False, False))
    fdb = [a for a in plan.actions if a.op == 'fdb_append']
    assert [a.params['dst'] for a in fdb] == ['192.0.2.2', '192.0.2.3']
    assert set(topology.phase(a) for a in fdb) == {'addresses'}


def test_a_tap_is_created_with_the_mark_and_attached():
    kind = topology.TopologyKind()
    desired = kind.desired(params(bridges=[item('bridges', name='br0')],
                                  tuntaps=[item('tuntaps', name='tap0', mode='tap', master='br0')]))
    plan = kind.plan(desired, observed(), Context(False, False))
    create = [a for a in plan.actions if a.op == 'tun_create']
    assert len(create) == 1 and create[0].params['alias'] == 'netvirt-topology:lab'
    assert topology.phase(create[0]) == 'link'
    assert [a.option for a in plan.actions if a.op == 'link_set' and a.params.get('master') == 'br0'] == \
        ['tuntaps[0].master']


def test_two_items_of_one_name_in_one_namespace_are_refused():
    kind = topology.TopologyKind()
    with pytest.raises(ValidationError) as err:
        kind.desired(params(tuntaps=[item('tuntaps', name='x0', mode='tap')],
                            vxlans=[item('vxlans', name='x0', vni=5, remote='192.0.2.2')]))
    assert 'already names an interface' in err.value.msg


@pytest.mark.parametrize('op, params, expect', [
    ('tun_create', {'name': 't'}, 'link'),
    ('tun_set', {'name': 't'}, 'attrs'),
    ('fdb_append', {'name': 'v'}, 'addresses'),
    ('fdb_del', {'name': 'v'}, 'addresses'),
])
def test_phases_of_the_composed_kinds(op, params, expect):
    assert topology.phase(Action(op, None, 'x', params)) == expect
