# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vlan and dummy kinds (sublink.LinkKind): validation and plan from observed dicts (see test_macvlan)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.dummy import DummyKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.vlan import VlanKind
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for

vparams = params_for(VlanKind, name='eth0.7', netns='ns1', link='eth0', id=7)
dparams = params_for(DummyKind, name='d0', netns='ns1')


def link(name, kind='veth', index=2, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def vl(name='eth0.7', vid=7, protocol='802.1Q', parent='eth0', index=30, **kw):
    return link(name, 'vlan', index, vlan={'id': vid, 'protocol': protocol}, parent={'name': parent, 'netns': 'ns1'},
                **kw)


def ns1(*extra):
    out = {'lo': link('lo', 'loopback', 1), 'eth0': link('eth0')}
    for item in extra:
        out[item['name']] = item
    return out


def plan_for(kind, params, links, check_mode=False, **kw):
    ctx = Context(check_mode=check_mode, diff=True)
    return kind.plan(kind.desired(params(**kw)), {'netns': 'ns1', 'target': 'ns1', 'links': {'ns1': links}}, ctx)


def test_vlan_create_converged_and_recreated():
    plan = plan_for(VlanKind(), vparams, ns1())
    assert plan.actions[0].params == {'name': 'eth0.7', 'kind': 'vlan', 'vlan': {'id': 7, 'protocol': '802.1Q'},
                                      'link': 'eth0'}
    assert plan.actions[0].describe() == 'ns1: create vlan eth0.7 on eth0 (id 7, protocol 802.1Q)'
    assert plan_for(VlanKind(), vparams, ns1(vl())).actions == []
    plan = plan_for(VlanKind(), vparams, ns1(vl()), id=8, protocol='802.1ad')
    assert plan.actions[0].describe() == ('ns1: delete vlan eth0.7 to create it again (id 7 -> 8, protocol 802.1Q -> '
                                          '802.1ad: the kernel cannot change id, protocol in place)')
    assert plan.actions[0].undo.params['vlan'] == {'id': 7, 'protocol': '802.1Q'}
    assert plan.actions[1].params['vlan'] == {'id': 8, 'protocol': '802.1ad'}


def test_vlan_qinq_by_stacking():
    outer = vl('eth0.10', 10, '802.1ad', index=31)
    plan = plan_for(VlanKind(), vparams, ns1(outer), name='eth0.10.20', link='eth0.10', id=20)
    assert plan.actions[0].params['link'] == 'eth0.10'


@pytest.mark.parametrize('value,words', [(0, '0 is out of range'), (4095, '4095 is out of range'),
                                         (None, 'a VLAN id (1-4094) is required'), (True, 'is not a VLAN id')])
def test_vlan_id_refused(value, words):
    with pytest.raises(ValidationError) as err:
        VlanKind().desired(vparams(id=value))
    assert "option id of vlan eth0.7 in namespace 'ns1'" in err.value.msg and words in err.value.msg


def test_vlan_same_id_on_the_parent_refused():
    with pytest.raises(ValidationError) as err:
        plan_for(VlanKind(), vparams, ns1(vl('other', index=33)))
    assert 'eth0 already carries vlan other with id 7 (802.1Q)' in err.value.msg
    assert plan_for(VlanKind(), vparams, ns1(vl('other', protocol='802.1ad', index=33))).actions


def test_dummy_in_place_only():
    plan = plan_for(DummyKind(), dparams, ns1(), addresses=['192.0.2.1/32'], mac='02:00:00:00:00:10')
    assert [a.op for a in plan.actions] == ['link_create', 'link_set', 'addr_add', 'link_set']
    assert plan.actions[0].params == {'name': 'd0', 'kind': 'dummy', 'dummy': {}}
    have = link('d0', 'dummy', 40, dummy={})
    plan = plan_for(DummyKind(), dparams, ns1(have), mtu=9000, mac='02:00:00:00:00:11')
    want = [('link_set', {'name': 'd0', 'mtu': 9000}), ('link_set', {'name': 'd0', 'mac': '02:00:00:00:00:11'})]
    assert [(a.op, a.params) for a in plan.actions] == want
    assert plan_for(DummyKind(), dparams, ns1(have)).actions == []
    with pytest.raises(ValidationError) as err:
        plan_for(DummyKind(), dparams, ns1(link('d0', 'bridge', 40)))
    assert 'is a bridge, not a dummy' in err.value.msg
