# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Port VLANs of the bridge kind (option vlans): plan() from plain observed dicts, where
observed['vlans'] is what Session.vlans gives: {interface: {'vids', 'pvid', 'untagged'}}."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply, parse, rawdump
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.tests.unit.fakes import params_for

NS = 'bsw'
params = params_for(BridgeKind, name='br0', netns=NS)
DEFAULT = {'vids': [1], 'pvid': 1, 'untagged': [1]}


def link(name, kind='veth', index=2, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def br0(vlan_filtering=True):
    return link('br0', 'bridge', 10, bridge={'stp': False, 'forward_delay': 15.0, 'hello_time': 2.0, 'max_age': 20.0,
                                             'ageing_time': 300.0, 'vlan_filtering': vlan_filtering})


def world(*links):
    out = {'lo': link('lo', 'loopback', 1), 'p1': link('p1', index=2, master='br0'),
           'p2': link('p2', index=3, master='br0'), 'eth9': link('eth9', index=4)}
    for item in links:
        out[item['name']] = item
    return out


def plan_for(links, vlans_seen=None, **kw):
    kind = BridgeKind()
    ctx = Context(check_mode=False, diff=True)
    observed = {'netns': NS, 'links': links, 'fdb': None, 'vlans': vlans_seen or {}}
    return kind.plan(kind.desired(params(**kw)), observed, ctx)


def steps(plan):
    return [(a.op, a.params['name'], a.params['vid'], a.params.get('pvid'), a.params.get('untagged'),
             a.params['self']) for a in plan.actions if a.op.startswith('vlan')]


def access(port, vid):
    return {'port': port, 'vids': [vid], 'pvid': vid, 'untagged': [vid]}


def test_access_ports_exactly_one_vlan_each():
    seen = {'p1': DEFAULT, 'p2': DEFAULT, 'br0': DEFAULT}
    plan = plan_for(world(br0()), seen, vlans=[access('p1', 10), access('p2', 20)], purge_vlans=True)
    assert steps(plan) == [('vlan_del', 'p1', 1, None, None, False), ('vlan_add', 'p1', 10, True, True, False),
                           ('vlan_del', 'p2', 1, None, None, False), ('vlan_add', 'p2', 20, True, True, False)]
    diff = plan.diff()
    assert diff['before']['vlans'] == {'p1': DEFAULT, 'p2': DEFAULT}
    assert diff['after']['vlans'] == {'p1': {'vids': [10], 'pvid': 10, 'untagged': [10]},
                                      'p2': {'vids': [20], 'pvid': 20, 'untagged': [20]}}
    assert plan.actions[1].text == 'add VLAN 10 on port p1 of bridge br0 (pvid, untagged)'


def test_second_run_changes_nothing():
    seen = {'p1': {'vids': [10], 'pvid': 10, 'untagged': [10]}}
    plan = plan_for(world(br0()), seen, vlans=[access('p1', 10)], purge_vlans=True)
    assert plan.actions == []
    assert plan.diff()['before'] == plan.diff()['after']


def test_added_to_keeps_others_and_the_pvid_moves():
    seen = {'p1': {'vids': [1, 10], 'pvid': 1, 'untagged': [1]}}
    plan = plan_for(world(br0()), seen, vlans=[{'port': 'p1', 'vids': [20, 30], 'pvid': 20}])
    assert steps(plan) == [('vlan_add', 'p1', 20, True, False, False), ('vlan_add', 'p1', 30, False, False, False)]
    assert plan.diff()['after']['vlans']['p1'] == {'vids': [1, 10, 20, 30], 'pvid': 20, 'untagged': [1]}


def test_changed_flags_are_one_add():
    seen = {'p1': {'vids': [1, 10], 'pvid': 1, 'untagged': [1, 10]}}
    plan = plan_for(world(br0()), seen, vlans=[{'port': 'p1', 'vids': [1, 10], 'pvid': 1, 'untagged': [1]}])
    assert steps(plan) == [('vlan_add', 'p1', 10, False, False, False)]
    assert plan.actions[0].text == 'set VLAN 10 on port p1 of bridge br0 (tagged)'


def test_the_bridge_itself_with_self():
    seen = {'br0': DEFAULT}
    plan = plan_for(world(br0()), seen, vlans=[{'port': 'br0', 'vids': [10, 20]}], purge_vlans=True)
    assert steps(plan) == [('vlan_del', 'br0', 1, None, None, True), ('vlan_add', 'br0', 10, False, False, True),
                           ('vlan_add', 'br0', 20, False, False, True)]


def test_new_bridge_and_new_port_start_with_the_default_vlan():
    links = world()
    del links['p1'], links['p2']
    links['p1'] = link('p1', index=2)
    plan = plan_for(links, {}, vlan_filtering=True, ports=['p1'], vlans=[access('p1', 10)], purge_vlans=True)
    ops = [a.op for a in plan.actions]
    assert ops.index('link_set') < ops.index('vlan_del')    # attached first
    assert steps(plan) == [('vlan_del', 'p1', 1, None, None, False), ('vlan_add', 'p1', 10, True, True, False)]
    assert 'vlans' not in plan.diff()['before']


@pytest.mark.parametrize('given, option, text', [
    (dict(vlans=[{'port': 'p1', 'vids': [0]}]), 'vlans', 'out of range'),
    (dict(vlans=[{'port': 'p1', 'vids': [4095]}]), 'vlans', 'out of range'),
    (dict(vlans=[{'port': 'p1', 'vids': [10], 'pvid': 20}]), 'vlans.pvid', 'pvid 20 of port p1 is not in its vids'),
    (dict(vlans=[{'port': 'p1', 'vids': [10], 'untagged': [30]}]), 'vlans.untagged', 'untagged VLAN 30'),
    (dict(vlans=[access('p1', 10), access('p1', 20)]), 'vlans', 'listed twice'),
    (dict(vlans=[{'port': 'p1', 'vids': [10, 10]}]), 'vlans.vids', '10'),
])
def test_bad_vlans_fail_before_the_kernel(given, option, text):
    with pytest.raises(ValidationError) as err:
        plan_for(world(br0()), {}, **given)
    assert err.value.option == option and text in err.value.msg and 'bridge br0' in err.value.msg


def test_vlans_on_a_bridge_without_vlan_filtering_are_refused():
    with pytest.raises(ValidationError) as err:
        plan_for(world(br0(vlan_filtering=False)), {}, vlans=[access('p1', 10)])
    assert 'set option vlan_filtering: true' in err.value.msg


def test_vlans_on_an_interface_that_is_no_port_are_refused():
    with pytest.raises(ValidationError) as err:
        plan_for(world(br0()), {}, vlans=[access('eth9', 10)])
    assert "'eth9' is not a port of the bridge" in err.value.msg


class VlanSocket(object):
    def __init__(self):
        self.calls = []

    def link_lookup(self, ifname):
        return [{'br0': 10, 'p1': 2}[ifname]]

    def vlan_filter(self, command, **kwargs):
        self.calls.append((command, kwargs))


class VlanSession(object):
    def __init__(self):
        self.sock = VlanSocket()

    def socket(self, ref):
        return self.sock


def test_apply_calls_vlan_filter_as_measured():
    session = VlanSession()
    apply.apply_one(session, Action('vlan_add', NS, 'bridge br0', {'name': 'p1', 'vid': 10, 'pvid': True,
                                                                   'untagged': True, 'self': False}))
    apply.apply_one(session, Action('vlan_del', NS, 'bridge br0', {'name': 'br0', 'vid': 1, 'self': True}))
    assert session.sock.calls == [
        ('add', {'index': 2, 'vlan_info': {'vid': 10, 'flags': ['pvid', 'untagged']}}),
        ('del', {'index': 10, 'vlan_info': {'vid': 1}, 'vlan_flags': 'self'})]


def test_both_readers_decode_a_vlan_dump_alike():
    entries = [(1, 0x4), (10, 0x6), (20, 0)]
    spec = b''.join(struct.pack('=HHHH', 8, 2, flags, vid) for vid, flags in entries)
    body = struct.pack('=BxHiII', 7, 1, 5, 0, 0) + struct.pack('=HH', 4 + len(spec), 26 | 0x8000) + spec
    assert rawdump.decode_vlans(body, 0, len(body)) == (5, entries)

    class Spec(object):
        def get_attrs(self, name):
            assert name == 'IFLA_BRIDGE_VLAN_INFO'
            return [{'vid': vid, 'flags': flags} for vid, flags in entries]

    class Message(dict):
        def get_attr(self, name):
            return Spec() if name == 'IFLA_AF_SPEC' else None

    assert parse.parse_vlans(Message(index=5)) == (5, entries)
    assert parse.plain_vlans(entries) == {'vids': [1, 10, 20], 'pvid': 10, 'untagged': [1, 10]}
