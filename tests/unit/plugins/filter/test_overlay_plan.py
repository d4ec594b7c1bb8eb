# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The overlay role's plan (filter netvirt.linux.overlay_plan): replication lists, MTU, addresses, errors."""

from ansible_collections.netvirt.linux.plugins.filter.overlay_plan import overlay_plan

NETS = [{'name': 'blue', 'vni': 100, 'subnet': '10.100.0.0/16'}, {'name': 'red', 'vni': 200, 'subnet': '10.200.0.0/16'}]


def members(n=3, **over):
    out = []
    for i in range(1, n + 1):
        m = {'host': 'h%d' % i, 'address': '192.0.2.%d' % i, 'mtu': 1500, 'index': i, 'interface': 'ul0',
             'containers': [{'name': 'c1', 'network': 'blue', 'address': '10.100.128.%d' % i}]}
        m.update(over.get('h%d' % i, {}))
        out.append(m)
    return out


def test_plan_of_one_host():
    plan = overlay_plan(members(), NETS, 'h2')
    assert plan['errors'] == []
    vx = dict((v['name'], v) for v in plan['topology']['vxlans'])
    assert vx['vx100']['remotes'] == ['192.0.2.1', '192.0.2.3'] and vx['vx100']['local'] == '192.0.2.2'
    assert vx['vx100']['dev'] == 'ul0' and vx['vx100']['master'] == 'br100' and vx['vx100']['mtu'] == 1450
    bridges = dict((b['name'], b) for b in plan['topology']['bridges'])
    assert bridges['br200']['addresses'] == ['10.200.0.2/16']
    assert plan['topology']['links'][0]['peer'] == {'name': 'eth0', 'netns': 'c1', 'addresses': ['10.100.128.2/16']}
    assert plan['topology']['name'] == 'overlay.overlay'
    assert {'from': 'c1', 'to': '10.100.128.1', 'expect': 'reachable'} in plan['probes']
    assert plan['remote_hosts'] == [{'name': 'h1', 'addresses': ['10.100.128.1']},
                                    {'name': 'h3', 'addresses': ['10.100.128.3']}]


def test_underlay_is_the_other_members_with_their_addresses():
    assert overlay_plan(members(), NETS, 'h2')['underlay'] == {
        'probes': [{'to': '192.0.2.1', 'expect': 'any'}, {'to': '192.0.2.3', 'expect': 'any'}],
        'remote_hosts': [{'name': 'h1', 'addresses': ['192.0.2.1']}, {'name': 'h3', 'addresses': ['192.0.2.3']}]}
    assert overlay_plan(members(1), NETS, 'h1')['underlay'] == {'probes': [], 'remote_hosts': []}


def test_membership_change_is_exactly_the_members():
    plan = overlay_plan(members(2), NETS, 'h1')
    assert [v['remotes'] for v in plan['topology']['vxlans']] == [['192.0.2.2'], ['192.0.2.2']]


def test_ipv6_underlay_mtu_and_multicast():
    ms = [dict(m, address='2001:db8::%d' % (i + 1), mtu=9000) for i, m in enumerate(members())]
    plan = overlay_plan(ms, [dict(NETS[0], group='ff05::100')], 'h1')
    assert plan['errors'] == []
    assert plan['topology']['vxlans'][0]['mtu'] == 8930 and plan['topology']['vxlans'][0]['group'] == 'ff05::100'
    assert 'remotes' not in plan['topology']['vxlans'][0]


def errors(ms, nets):
    return overlay_plan(ms, nets, 'h1')['errors']


def test_bad_inputs_name_option_and_object():
    assert any('VNI 100 is used by network blue too' in e for e in errors(members(), [NETS[0], dict(NETS[1], vni=100)]))
    assert any('overlaps network blue' in e for e in errors(members(), [NETS[0], dict(NETS[1], subnet='10.100.5.0/24')]))
    assert any("10.100.0.1 on network blue is host h1's too" in e for e in errors(members(h2={'index': 1}), NETS))
    assert any('host h3: the host has no underlay address' in e for e in errors(members(h3={'address': ''}), NETS))
    assert any('MTU 1480 does not fit the underlay of host h2 (MTU 1460' in e
               for e in errors(members(h2={'mtu': 1460}), [dict(NETS[0], mtu=1480)]))


def test_errors_leave_no_plan():
    plan = overlay_plan(members(h3={'address': ''}), NETS, 'h1')
    assert plan['topology']['vxlans'] == [] and plan['probes'] == []


def test_reachability_remote_hosts_single_addresses_only():
    import pytest
    from ansible_collections.netvirt.linux.plugins.module_utils._state.reachability import remote_hosts
    assert remote_hosts([{'name': 'far', 'addresses': ['10.0.9.1', '2001:db8::1']}]) == {
        '10.0.9.1': 'far', '2001:db8::1': 'far'}
    for bad in ('10.0.9.0/24', '10.0.9.1-10.0.9.5', 'far.example', '224.0.0.1'):
        with pytest.raises(Exception) as info:
            remote_hosts([{'name': 'far', 'addresses': [bad]}])
        assert 'option remote_hosts[0].addresses of remote host far' in str(info.value)
