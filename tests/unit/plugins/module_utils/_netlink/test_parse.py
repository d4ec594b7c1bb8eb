# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""parse.py with fake netlink messages: only get_attr(NAME) and msg['field'] exist, as the
parse functions may use (the same in pyroute2 0.7.2 and 0.9.x)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import parse


class Msg(object):
    """A netlink message: fields by msg['name'], NLA attributes by msg.get_attr('NAME').
    Deliberately no .get(), so code that calls msg.get('ifname') fails here."""

    def __init__(self, fields=None, attrs=None):
        self.fields = dict(fields or {})
        self.attrs = dict(attrs or {})

    def __getitem__(self, key):
        return self.fields[key]

    def get_attr(self, name, default=None):
        return self.attrs.get(name, default)


def link_msg(name='v0', index=5, flags=0x1043, kind=None, data=None, **attrs):
    base = {'IFLA_IFNAME': name, 'IFLA_MTU': 1500, 'IFLA_ADDRESS': '02:00:00:00:00:0a', 'IFLA_OPERSTATE': 'UP'}
    if kind is not None:
        info = {'IFLA_INFO_KIND': kind}
        if data is not None:
            info['IFLA_INFO_DATA'] = Msg(attrs=data)
        base['IFLA_LINKINFO'] = Msg(attrs=info)
    base.update(attrs)
    return Msg({'index': index, 'flags': flags, 'family': 0}, base)


# -- parse_link -----------------------------------------------------------------------------
def test_parse_link_veth_with_peer_in_another_namespace():
    msg = link_msg(kind='veth', IFLA_LINK=9, IFLA_LINK_NETNSID=2, IFLA_MASTER=3, IFLA_IFALIAS='uplink')
    assert parse.parse_link(msg) == {
        'name': 'v0', 'index': 5, 'kind': 'veth', 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': True,
        'operstate': 'up', 'master_index': 3, 'alias': 'uplink', 'link_index': 9, 'link_netnsid': 2,
    }


@pytest.mark.parametrize('nsid, expected', [
    (4294967295, None),     # NETNSA_NSID_NOT_ASSIGNED as the kernel's u32
    (-1, None),
    (None, None),
    (0, 0),                 # 0 is a real nsid
    (7, 7),
])
def test_parse_link_nsid(nsid, expected):
    msg = link_msg(kind='veth', IFLA_LINK=9, IFLA_LINK_NETNSID=nsid)
    assert parse.parse_link(msg)['link_netnsid'] == expected


def test_parse_link_without_netnsid_attribute():
    out = parse.parse_link(link_msg(kind='veth', IFLA_LINK=6))
    assert out['link_netnsid'] is None and out['link_index'] == 6


def test_parse_link_loopback_kind():
    msg = link_msg(name='lo', index=1, flags=0x49, IFLA_MTU=65536, IFLA_ADDRESS='00:00:00:00:00:00',
                   IFLA_OPERSTATE='UNKNOWN')
    out = parse.parse_link(msg)
    assert (out['kind'], out['up'], out['operstate'], out['mtu']) == ('loopback', True, 'unknown', 65536)


def test_parse_link_loopback_down():
    out = parse.parse_link(link_msg(name='lo', index=1, flags=0x8, IFLA_OPERSTATE='DOWN'))
    assert (out['kind'], out['up'], out['operstate']) == ('loopback', False, 'down')


def test_parse_link_plain_device_without_linkinfo():
    out = parse.parse_link(link_msg(name='eth0', index=2, flags=0x1003))
    assert out['kind'] == 'device'
    assert 'bridge' not in out


def test_parse_link_linkinfo_without_kind():
    msg = link_msg(name='eth0', flags=0x1002)
    msg.attrs['IFLA_LINKINFO'] = Msg(attrs={})
    out = parse.parse_link(msg)
    assert (out['kind'], out['up']) == ('device', False)


@pytest.mark.parametrize('operstate, expected', [
    ('UP', 'up'), ('DOWN', 'down'), ('LOWERLAYERDOWN', 'lowerlayerdown'), ('UNKNOWN', 'unknown'),
    ('up', 'up'),
    (6, 'up'), (2, 'down'), (3, 'lowerlayerdown'), (0, 'unknown'), (5, 'dormant'), (99, 'unknown'),
    (None, 'unknown'),
])
def test_parse_link_operstate_as_string_or_int(operstate, expected):
    assert parse.parse_link(link_msg(IFLA_OPERSTATE=operstate))['operstate'] == expected


def test_parse_link_no_master_and_empty_alias_are_none():
    out = parse.parse_link(link_msg(kind='veth', IFLA_MASTER=0, IFLA_IFALIAS=''))
    assert out['master_index'] is None
    assert out['alias'] is None


def test_parse_link_missing_fields():
    msg = Msg(attrs={'IFLA_IFNAME': 'x'})    # no index, no flags
    out = parse.parse_link(msg)
    assert (out['name'], out['index'], out['up'], out['kind'], out['mtu']) == ('x', None, False, 'device', None)


def test_parse_link_bridge():
    data = {'IFLA_BR_FORWARD_DELAY': 1500, 'IFLA_BR_HELLO_TIME': 200, 'IFLA_BR_MAX_AGE': 2000,
            'IFLA_BR_AGEING_TIME': 30000, 'IFLA_BR_STP_STATE': 1, 'IFLA_BR_VLAN_FILTERING': 0,
            'IFLA_BR_PRIORITY': 32768}
    out = parse.parse_link(link_msg(name='br0', kind='bridge', data=data))
    assert out['kind'] == 'bridge'
    assert out['bridge'] == {'forward_delay': 15.0, 'hello_time': 2.0, 'max_age': 20.0, 'ageing_time': 300.0,
                             'stp': True, 'vlan_filtering': False, 'priority': 32768, 'topology_change': False}


def test_parse_link_bridge_without_info_data():
    assert parse.parse_link(link_msg(name='br0', kind='bridge'))['bridge'] == {}


# -- parse_bridge: a plain {name: value} mapping of IFLA_INFO_DATA----------------------------------------------------------------------
@pytest.mark.parametrize('data, expected', [
    ({}, {'forward_delay': None, 'hello_time': None, 'max_age': None, 'ageing_time': None,
          'stp': False, 'vlan_filtering': False, 'priority': None}),
    ({'IFLA_BR_FORWARD_DELAY': 0, 'IFLA_BR_STP_STATE': 0, 'IFLA_BR_VLAN_FILTERING': 1},
     {'forward_delay': 0.0, 'stp': False, 'vlan_filtering': True}),
    ({'IFLA_BR_FORWARD_DELAY': 415, 'IFLA_BR_HELLO_TIME': 199}, {'forward_delay': 4.15, 'hello_time': 1.99}),
    ({'IFLA_BR_STP_STATE': 2}, {'stp': True}),
    ({'IFLA_BR_STP_STATE': 1, 'IFLA_BR_TOPOLOGY_CHANGE': 1, 'IFLA_BR_AGEING_TIME': 800, 'IFLA_BR_FORWARD_DELAY': 400},
     {'topology_change': True, 'ageing_time': 8.0}),
    ({}, {'topology_change': False}),
])
def test_parse_bridge(data, expected):
    out = parse.parse_bridge(data)
    for key, value in expected.items():
        assert out[key] == value, key


def test_parse_bridge_none():
    assert parse.parse_bridge(None) == {}


@pytest.mark.parametrize('seconds, centis', [(15, 1500), (0, 0), (4.15, 415), ('2', 200), (0.5, 50)])
def test_seconds_and_centis_round_trip(seconds, centis):
    assert parse.seconds_to_centis(seconds) == centis
    assert parse.centis_to_seconds(centis) == float(seconds)


# -- parse_addr -----------------------------------------------------------------------------
@pytest.mark.parametrize('fields, attrs, expected', [
    ({'family': socket.AF_INET, 'index': 5, 'prefixlen': 24},
     {'IFA_ADDRESS': '10.0.0.1', 'IFA_LOCAL': '10.0.0.1'}, (5, '10.0.0.1/24', socket.AF_INET)),
    # point-to-point: IFA_ADDRESS is the remote end, IFA_LOCAL is ours
    ({'family': socket.AF_INET, 'index': 5, 'prefixlen': 32},
     {'IFA_ADDRESS': '10.9.9.9', 'IFA_LOCAL': '10.0.0.1'}, (5, '10.0.0.1/32', socket.AF_INET)),
    ({'family': socket.AF_INET, 'index': 5, 'prefixlen': 8},
     {'IFA_ADDRESS': '10.0.0.1'}, (5, '10.0.0.1/8', socket.AF_INET)),
    ({'family': socket.AF_INET6, 'index': 7, 'prefixlen': 64},
     {'IFA_ADDRESS': 'fe80::1', 'IFA_LOCAL': 'fd00::99'}, (7, 'fe80::1/64', socket.AF_INET6)),
])
def test_parse_addr(fields, attrs, expected):
    assert parse.parse_addr(Msg(fields, attrs)) == expected


# -- parse_route ----------------------------------------------------------------------------
def route_msg(family=socket.AF_INET, dst_len=0, table=254, proto=4, scope=0, rtype=1, **attrs):
    return Msg({'family': family, 'dst_len': dst_len, 'table': table, 'proto': proto, 'scope': scope,
                'type': rtype}, attrs)


def test_parse_route_ipv6_default():
    msg = route_msg(family=socket.AF_INET6, proto=3, RTA_TABLE=254, RTA_GATEWAY='fe80::1', RTA_OIF=4,
                    RTA_PRIORITY=1024)
    assert parse.parse_route(msg) == {
        'family': 'ipv6', 'dst': 'default', 'gateway': 'fe80::1', 'oif': 4, 'metric': 1024, 'table': 254,
        'proto': 'boot', 'scope': 'universe', 'type': 'unicast', 'prefsrc': None,
    }


def test_parse_route_ipv4_connected():
    msg = route_msg(dst_len=24, proto=2, scope=253, RTA_DST='10.0.0.0', RTA_OIF=5, RTA_PREFSRC='10.0.0.1',
                    RTA_TABLE=254)
    assert parse.parse_route(msg) == {
        'family': 'ipv4', 'dst': '10.0.0.0/24', 'gateway': None, 'oif': 5, 'metric': 0, 'table': 254,
        'proto': 'kernel', 'scope': 'link', 'type': 'unicast', 'prefsrc': '10.0.0.1',
    }


def test_parse_route_ipv4_default_static_in_table_100():
    # tables above 255 only come in RTA_TABLE (the header field is 252, RT_TABLE_COMPAT)
    out = parse.parse_route(route_msg(table=252, RTA_TABLE=1000, RTA_GATEWAY='10.0.0.254'))
    assert (out['dst'], out['table'], out['proto'], out['gateway']) == ('default', 1000, 'static', '10.0.0.254')
    out = parse.parse_route(route_msg(table=100))
    assert out['table'] == 100


@pytest.mark.parametrize('rtype, expected', [(6, 'blackhole'), (7, 'unreachable'), (8, 'prohibit'), (42, 42)])
def test_parse_route_types(rtype, expected):
    assert parse.parse_route(route_msg(rtype=rtype, dst_len=8, RTA_DST='10.0.0.0'))['type'] == expected


def test_parse_route_unknown_proto_and_scope_stay_numbers():
    out = parse.parse_route(route_msg(proto=42, scope=77))
    assert (out['proto'], out['scope']) == (42, 77)


def test_parse_route_host_route():
    out = parse.parse_route(route_msg(family=socket.AF_INET6, dst_len=128, RTA_DST='fd00::5'))
    assert (out['family'], out['dst']) == ('ipv6', 'fd00::5/128')


# -- parse_fdb ------------------------------------------------------------------------------
@pytest.mark.parametrize('state, flags, permanent, self_', [
    (0x80, 0x00, True, False),     # NUD_PERMANENT: a static entry
    (0x02, 0x00, False, False),    # NUD_REACHABLE: learned
    (0x40, 0x02, False, True),     # NUD_NOARP + NTF_SELF: the port's own entry
    (0x80, 0x02, True, True),
])
def test_parse_fdb(state, flags, permanent, self_):
    msg = Msg({'ifindex': 6, 'state': state, 'flags': flags, 'family': 7},
              {'NDA_LLADDR': '02:00:00:00:00:0b', 'NDA_VLAN': 10, 'NDA_MASTER': 3})
    assert parse.parse_fdb(msg) == {'mac': '02:00:00:00:00:0b', 'port_index': 6, 'vlan': 10,
                                    'permanent': permanent, 'self': self_, 'master_index': 3, 'dst': None}


def test_parse_fdb_without_vlan_and_master():
    out = parse.parse_fdb(Msg({'ifindex': 6}, {'NDA_LLADDR': '02:00:00:00:00:0b'}))
    assert (out['vlan'], out['master_index'], out['permanent'], out['self']) == (None, None, False, False)


# -- vxlan ----------------------------------------------------------------------------------
def vxlan_data(**kw):
    """IFLA_INFO_DATA of a vxlan as pyroute2 decodes it (the port already in host order)."""
    out = {'IFLA_VXLAN_ID': 42, 'IFLA_VXLAN_GROUP': '10.0.0.2', 'IFLA_VXLAN_LOCAL': '10.0.0.1',
           'IFLA_VXLAN_LINK': 3, 'IFLA_VXLAN_PORT': 4789, 'IFLA_VXLAN_TTL': 5, 'IFLA_VXLAN_LEARNING': 0}
    out.update(kw)
    return dict((k, v) for k, v in out.items() if v is not None)


def test_parse_link_vxlan_unicast_remote():
    out = parse.parse_link(link_msg(name='vx0', kind='vxlan', data=vxlan_data()))
    assert out['kind'] == 'vxlan'
    assert out['vxlan'] == {'vni': 42, 'remote': '10.0.0.2', 'group': None, 'local': '10.0.0.1',
                            'link_index': 3, 'port': 4789, 'ttl': 5, 'learning': False}


def test_parse_vxlan_multicast_group_is_group_not_remote():
    out = parse.parse_vxlan(vxlan_data(IFLA_VXLAN_GROUP='239.1.1.1', IFLA_VXLAN_LEARNING=1))
    assert (out['remote'], out['group'], out['learning']) == (None, '239.1.1.1', True)


def test_parse_vxlan_ipv6_addresses_are_canonical():
    data = vxlan_data(IFLA_VXLAN_GROUP=None, IFLA_VXLAN_LOCAL=None, IFLA_VXLAN_LINK=None,
                      IFLA_VXLAN_GROUP6='fd00:0:0::2', IFLA_VXLAN_LOCAL6='FD00::1')
    out = parse.parse_vxlan(data)
    assert (out['remote'], out['group'], out['local'], out['link_index']) == ('fd00::2', None, 'fd00::1', None)
    group6 = parse.parse_vxlan(vxlan_data(IFLA_VXLAN_GROUP=None, IFLA_VXLAN_GROUP6='ff05::100'))
    assert (group6['remote'], group6['group']) == (None, 'ff05::100')


def test_parse_vxlan_without_peer_or_local():
    data = vxlan_data(IFLA_VXLAN_GROUP='0.0.0.0', IFLA_VXLAN_LOCAL=None, IFLA_VXLAN_LINK=0, IFLA_VXLAN_TTL=None)
    out = parse.parse_vxlan(data)
    assert (out['remote'], out['group'], out['local'], out['link_index'], out['ttl']) == (None, None, None, None, 0)


def test_parse_vxlan_none_and_other_kinds_have_no_vxlan_key():
    assert parse.parse_vxlan(None) == {}
    assert 'vxlan' not in parse.parse_link(link_msg(kind='veth'))


def test_parse_fdb_of_a_vxlan_remote():
    msg = Msg({'ifindex': 7}, {'NDA_LLADDR': '00:00:00:00:00:00', 'NDA_DST': 'fd00:0::2'})
    out = parse.parse_fdb(msg)
    assert (out['mac'], out['dst'], out['port_index']) == (parse.ZERO_MAC, 'fd00::2', 7)
