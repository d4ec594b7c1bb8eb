# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""validate.py: canonical values for good input; for bad input a ValidationError whose message
names the option and the object, and whose .option/.obj say the same."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError

OBJ = 'veth v0'


def _fails(func, value, option, *fragments, **kwargs):
    """Call func(value, option, OBJ) and check the error names option and object."""
    with pytest.raises(ValidationError) as info:
        func(value, option, OBJ, **kwargs)
    exc = info.value
    assert exc.msg.startswith('option %s of %s: ' % (option, OBJ)), exc.msg
    assert exc.option == option
    assert exc.obj == OBJ
    for fragment in fragments:
        assert fragment in exc.msg, (fragment, exc.msg)
    return exc


# -- ifname ---------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('eth0', 'eth0'),
    ('v0', 'v0'),
    ('a' * 15, 'a' * 15),               # IFNAMSIZ - 1 bytes: the longest allowed
    ('br-test.10', 'br-test.10'),
    ('veth_a-b', 'veth_a-b'),
    (7, '7'),                           # YAML may give a number
])
def test_ifname_good(value, expected):
    assert validate.ifname(value, 'name', OBJ) == expected


@pytest.mark.parametrize('value, fragments', [
    (None, ['an interface name is required']),
    ('', ['an interface name is required']),
    ('a' * 16, ['is 16 characters long', 'at most 15']),
    (u'\u00e9' * 8, ['is 16 characters long']),        # 8 characters but 16 bytes
    ('.', ["'.'", 'not valid']),
    ('..', ["'..'", 'not valid']),
    ('v/0', ["'v/0'", 'not valid']),
    ('v:0', ["'v:0'", 'not valid']),
    ('v 0', ["'v 0'", 'not valid']),
    ('v\t0', ['not valid']),
    ('v\n0', ['not valid']),
])
def test_ifname_bad(value, fragments):
    _fails(validate.ifname, value, 'peer.name', *fragments)


def test_ifname_without_object_names_the_option():
    with pytest.raises(ValidationError) as info:
        validate.ifname('v/0')
    assert info.value.msg.startswith("option name: interface name 'v/0'")


# -- netns_name -----------------------------------------------------------------------------
@pytest.mark.parametrize('value', ['ns1', 'a', 'red-blue_2', 'x.y', 'n' * 255])
def test_netns_name_good(value):
    assert validate.netns_name(value, 'name', 'namespace') == value


@pytest.mark.parametrize('value', ['', '.', '..', 'a/b', 'a b', 'a\tb', 'a\0b', 'n' * 256])
def test_netns_name_bad(value):
    _fails(validate.netns_name, value, 'name', 'namespace name', 'is not valid')


# -- netns_ref ------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    (None, None),
    ('', None),
    ('ns1', 'ns1'),
    ('  ns1 ', 'ns1'),
    (1234, '1234'),
    ('1234', '1234'),
    ('007', '7'),
    ('/run/netns/ns1', '/run/netns/ns1'),
    ('/proc/1/ns/net', '/proc/1/ns/net'),
    ('/var/run/netns/a..b', '/var/run/netns/a..b'),
])
def test_netns_ref_good(value, expected):
    assert validate.netns_ref(value, 'netns', OBJ) == expected


@pytest.mark.parametrize('value, fragments', [
    (True, ['expected a namespace name, path or PID', 'True']),
    (False, ['expected a namespace name, path or PID']),
    (0, ['PID 0 is not valid']),
    ('0', ['PID 0 is not valid']),
    ('000', ['PID 000 is not valid']),
    (-1, ['PID -1 is not valid']),      # an int is a PID, never the namespace name '-1'
    (-42, ['PID -42 is not valid']),
    ('/run/netns/../../etc', ['path', 'is not valid']),
    ('/run/netns/..', ['path', 'is not valid']),
    ('/run/netns/a\0b', ['path', 'is not valid']),
    ('a/b', ["'a/b'", 'is not valid']),
    ('a b', ["'a b'", 'is not valid']),
    ('..', ["'..'", 'is not valid']),
])
def test_netns_ref_bad(value, fragments):
    _fails(validate.netns_ref, value, 'peer.netns', *fragments)


# -- mtu ------------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    (None, None),
    (68, 68),
    (1500, 1500),
    ('9000', 9000),
    (65535, 65535),
])
def test_mtu_good(value, expected):
    assert validate.mtu(value, 'mtu', OBJ) == expected


@pytest.mark.parametrize('value, fragments', [
    ('abc', ["'abc' is not a number"]),
    ('1500.0', ["'1500.0' is not a number"]),
    ([1500], ['is not a number']),
    (67, ['MTU 67 is out of range (68-65535)']),
    (0, ['MTU 0 is out of range']),
    (-1, ['MTU -1 is out of range']),
    (65536, ['MTU 65536 is out of range']),
])
def test_mtu_bad(value, fragments):
    _fails(validate.mtu, value, 'mtu', *fragments)


def test_mtu_custom_range():
    assert validate.mtu(1280, 'mtu', OBJ, minimum=1280) == 1280
    _fails(validate.mtu, 1279, 'mtu', 'MTU 1279 is out of range (1280-65535)', minimum=1280)


# -- mac ------------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    (None, None),
    ('02:42:ac:11:00:02', '02:42:ac:11:00:02'),
    ('02:42:AC:11:00:02', '02:42:ac:11:00:02'),
    ('02-42-ac-11-00-02', '02:42:ac:11:00:02'),
    (' 02:42:ac:11:00:02 ', '02:42:ac:11:00:02'),
    ('00:16:3e:00:00:01', '00:16:3e:00:00:01'),
])
def test_mac_good(value, expected):
    assert validate.mac(value, 'mac', OBJ) == expected


@pytest.mark.parametrize('value, fragments', [
    ('02:42:ac:11:00', ['is not a MAC address']),
    ('02:42:ac:11:00:02:03', ['is not a MAC address']),
    ('0242.ac11.0002', ['is not a MAC address']),
    ('02:42:ac:11:00:zz', ["'02:42:ac:11:00:zz'", 'is not a MAC address']),
    ('2:42:ac:11:0:2', ['is not a MAC address']),
    ('01:00:5e:00:00:01', ['multicast']),
    ('ff:ff:ff:ff:ff:ff', ['multicast']),
    ('03:00:00:00:00:00', ['multicast']),
    ('00:00:00:00:00:00', ['not a usable MAC address']),
])
def test_mac_bad(value, fragments):
    _fails(validate.mac, value, 'peer.mac', *fragments)


# -- cidr -----------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('10.0.0.1/24', '10.0.0.1/24'),
    (' 10.0.0.1/24 ', '10.0.0.1/24'),
    ('10.0.0.1/255.255.255.0', '10.0.0.1/24'),
    ('10.0.0.1/32', '10.0.0.1/32'),
    ('fd00:0:0::0001/64', 'fd00::1/64'),
    ('FD00::1/64', 'fd00::1/64'),
    ('fe80::1/64', 'fe80::1/64'),
])
def test_cidr_good(value, expected):
    assert validate.cidr(value, 'addresses', OBJ) == expected


@pytest.mark.parametrize('value, fragments', [
    ('10.0.0.1', ['needs a prefix length', '10.0.0.1/24']),
    ('fd00::1', ['needs a prefix length']),
    ('10.0.0.300/24', ["'10.0.0.300/24' is not a valid address/prefix"]),
    ('10.0.0.1/33', ['is not a valid address/prefix']),
    ('fd00::1/129', ['is not a valid address/prefix']),
    ('host/24', ['is not a valid address/prefix']),
])
def test_cidr_bad(value, fragments):
    _fails(validate.cidr, value, 'addresses', *fragments)


# -- address --------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('10.0.0.1', '10.0.0.1'),
    (' 192.168.1.254 ', '192.168.1.254'),
    ('FE80:0::0001', 'fe80::1'),
])
def test_address_good(value, expected):
    assert validate.address(value, 'gateway', OBJ) == expected


@pytest.mark.parametrize('value', ['10.0.0.1/24', '10.0.0', '300.1.1.1', 'gw', '', 'fd00:::1'])
def test_address_bad(value):
    _fails(validate.address, value, 'gateway', 'is not a valid IP address')


# -- network --------------------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('default', 'default'),
    ('all', 'default'),
    (' default ', 'default'),
    ('10.0.0.0/24', ipaddress.ip_network(u'10.0.0.0/24')),
    ('10.0.0.7', ipaddress.ip_network(u'10.0.0.7/32')),
    ('0.0.0.0/0', ipaddress.ip_network(u'0.0.0.0/0')),
    ('fd00:0::/64', ipaddress.ip_network(u'fd00::/64')),
    ('fd00::1', ipaddress.ip_network(u'fd00::1/128')),
])
def test_network_good(value, expected):
    assert validate.network(value, 'dst', OBJ) == expected


@pytest.mark.parametrize('value, fragments', [
    ('10.0.0.1/24', ['is not a valid network', 'host bits are set: did you mean 10.0.0.0/24?']),
    ('fd00::1/64', ['host bits are set: did you mean fd00::/64?']),
    ('10.0.0.0/33', ["'10.0.0.0/33' is not a valid network"]),
    ('nowhere', ["'nowhere' is not a valid network"]),
])
def test_network_bad(value, fragments):
    exc = _fails(validate.network, value, 'dst', *fragments)
    if not any('host bits' in f for f in fragments):
        assert 'host bits' not in exc.msg


# -- unique ---------------------------------------------------------------------------------
def test_unique_good_returns_the_list():
    values = ['10.0.0.1/24', 'fd00::1/64']
    assert validate.unique(values, 'addresses', OBJ) is values
    assert validate.unique([], 'addresses', OBJ) == []


def test_unique_bad():
    _fails(validate.unique, ['10.0.0.1/24', 'fd00::1/64', '10.0.0.1/24'], 'addresses',
           "'10.0.0.1/24' is listed twice")
