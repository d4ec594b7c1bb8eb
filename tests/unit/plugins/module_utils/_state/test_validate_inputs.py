# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inputs refused before the kernel (issue 13, item 4), one class at a time: names the kernel would
template or refuse, namespace references that are not network namespaces (the planner's side;
the session's check is in _netlink/test_session_netns_check.py), addresses the kernel would not
keep as given, duplicate identities in one task, control characters, and names that belong to an
object of another shape (a bridge as a port, a foreign veth pair). Every message names the option
and the object."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import rules
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import argument_spec
from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.interface import InterfaceKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.sysctl import value_text
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context


def refused(func, *args, **kw):
    with pytest.raises(ValidationError) as info:
        func(*args, **kw)
    return info.value


# -- spec-shaped parameters -------------------------------------------------------------------
def with_defaults(spec, given):
    out = {}
    for key, opt in spec.items():
        value = given.get(key, copy.deepcopy(opt.get('default')))
        if opt.get('type') == 'dict' and value is not None and 'options' in opt:
            value = with_defaults(opt['options'], value)
        if opt.get('elements') == 'dict' and value and 'options' in opt:
            value = [with_defaults(opt['options'], item) for item in value]
        out[key] = value
    return out


def params(kind, **given):
    return with_defaults(argument_spec(kind), given)


# -- names the kernel would template or refuse -------------------------------------------------
@pytest.mark.parametrize('name,pieces', [
    ('v%d', ["'v%d'", "'%'", 'template']),
    ('%s', ['template']),
    ('eth%', ['template']),
    (u'v\u00e0', ['0xa0', 'white space']),        # UTF-8 C3 A0: the kernel's isspace() says yes
    (u'v\x01a', ['control character', '\\x01']),
    (u'v\x7f', ['control character']),
    (u'v\x9b', ['control character']),           # C1 (CSI)
    ('all', ['reserved', '/proc/sys/net/ipv4/conf/all']),
    ('default', ['reserved']),
    ('.', ['not valid']),
    ('..', ['not valid']),
    ('a:b', ['not valid']),
    ('a/b', ['not valid']),
    ('a\tb', ['not valid']),
    (u'a\u00a0b', ['not valid']),
])
def test_ifname_refuses_what_the_kernel_would_change_or_refuse(name, pieces):
    err = refused(validate.ifname, name, 'peer.name', 'veth v0')
    assert err.msg.startswith('option peer.name of veth v0: ')
    assert err.option == 'peer.name' and err.obj == 'veth v0'
    for piece in pieces:
        assert piece in err.msg


@pytest.mark.parametrize('name', ['eth0', 'v0.100', 'br-lan', u'v\u00e9', 'a' * 15, 'ALL', 'all0', 'x_y'])
def test_ifname_keeps_good_names(name):
    assert validate.ifname(name) == name


def test_every_kind_uses_the_name_rules():
    assert 'template' in refused(BridgeKind().desired, params(BridgeKind(), name='br%d')).msg
    err = refused(VethKind().desired, params(VethKind(), name='v0', peer={'name': 'p%d'}))
    assert err.option == 'peer.name' and 'template' in err.msg
    err = refused(InterfaceKind().desired, params(InterfaceKind(), name='v0', rename_to='eth%d'))
    assert err.option == 'rename_to' and 'template' in err.msg
    err = refused(TopologyKind().desired, params(TopologyKind(), name='lab', links=[{'name': 'v%d', 'peer': {'name': 'p0'}}]))
    assert err.msg.startswith('option links[0].name') and 'template' in err.msg


@pytest.mark.parametrize('func,value', [
    (validate.netns_name, u'a\x1bb'),
    (validate.netns_name, u'a\x00b'),
    (validate.netns_path, u'/run/a\x01b'),
])
def test_namespace_names_refuse_control_characters(func, value):
    err = refused(func, value, 'netns', 'veth v0')
    assert err.msg.startswith('option netns of veth v0: ')


# -- a namespace reference that is not a network namespace (the planner's side) ---------------------
class FakeSession(object):
    """exists/fd as Session gives them: fd raises NetvirtError naming the option, marked
    ``not_a_netns`` for a file that is something else than a missing one."""

    def __init__(self, namespaces=(), bad=None):
        self.namespaces = set(namespaces)
        self.bad = bad or {}

    def exists(self, ref):
        return ref is None or ref in self.namespaces

    def fd(self, ref, option='netns', obj=None):
        if ref is None or ref in self.namespaces:
            return 3
        if ref in self.bad:
            err = NetvirtError('option %s of %s: %s' % (option, obj, self.bad[ref]), option=option, obj=obj)
            err.not_a_netns = True
            raise err
        raise NetvirtError('option %s of %s: missing' % (option, obj), option=option, obj=obj)

    def links(self, ref, peers=True):
        return {}


def test_namespace_exists_tells_missing_from_not_a_namespace():
    session = FakeSession(['ns1'], bad={'half': 'an empty file'})
    assert common.namespace_exists(session, 'ns1')
    assert not common.namespace_exists(session, 'nowhere')
    with pytest.raises(NetvirtError) as info:
        common.namespace_exists(session, 'half', 'peer.netns', 'veth v0')
    assert info.value.msg == 'option peer.netns of veth v0: an empty file'


@pytest.mark.parametrize('check_mode', [False, True])
def test_observe_links_fails_on_a_file_that_is_not_a_namespace_in_check_mode_too(check_mode):
    session = FakeSession(bad={'/etc/passwd': 'a regular file'})
    ctx = Context(check_mode, False)
    with pytest.raises(NetvirtError) as info:
        common.observe_links(session, [(None, 'netns'), ('/etc/passwd', 'peer.netns')], ctx, obj='veth v0')
    assert info.value.msg == 'option peer.netns of veth v0: a regular file'
    assert ctx.warnings == []


def test_observe_links_still_plans_a_missing_namespace_in_check_mode():
    ctx = Context(True, False)
    assert common.observe_links(FakeSession(), [('nowhere', 'netns')], ctx, obj='veth v0') == {'nowhere': {}}
    assert len(ctx.warnings) == 1


# -- addresses the kernel would not keep as given ------------------------------------------------
@pytest.mark.parametrize('cidr,pieces', [
    ('0.0.0.0/24', ['unspecified', 'keeps nothing']),
    ('0.0.0.0/0', ['unspecified']),
    ('::/64', ['unspecified']),
    ('224.0.0.5/24', ['multicast']),
    ('239.1.1.1/32', ['multicast']),
    ('ff02::5/64', ['multicast']),
    ('255.255.255.255/32', ['limited broadcast']),
    ('255.255.255.255/24', ['limited broadcast']),
    ('::1/128', ['loopback', 'only lo']),
    ('10.0.1.255/24', ['broadcast address of 10.0.1.0/24', 'between 10.0.1.1 and 10.0.1.254']),
    ('192.168.3.3/30', ['broadcast address of 192.168.3.0/30']),
])
def test_cidr_refuses_what_the_kernel_would_not_keep_as_given(cidr, pieces):
    err = refused(validate.cidr, cidr, 'addresses', 'veth v0', 'v0')
    assert err.msg.startswith("option addresses of veth v0: '%s' " % cidr)
    for piece in pieces:
        assert piece in err.msg


@pytest.mark.parametrize('cidr,device', [
    ('10.0.0.0/24', 'v0'),          # the network address: the kernel keeps it and it is usable
    ('10.0.0.1/31', 'v0'), ('10.0.0.0/31', 'v0'),   # RFC 3021: both ends are hosts
    ('10.0.0.7/32', 'v0'),
    ('240.0.0.1/24', 'v0'),         # class E: kept, and some networks use it
    ('fd00::/64', 'v0'),
    ('::1/128', 'lo'),
    ('127.0.0.2/8', 'lo'),
    ('fe80::5/64', 'v0'),
])
def test_cidr_keeps_what_the_kernel_keeps(cidr, device):
    assert validate.cidr(cidr, 'addresses', 'veth v0', device) == cidr


def test_one_ipv6_address_with_two_prefix_lengths_is_one_address():
    err = refused(common.addresses, ['fd00::1/64', 'fd00:0::1/48'], 'addresses', 'interface v0', 'v0')
    assert err.msg.startswith('option addresses of interface v0: fd00::1/64 and fd00::1/48 are one IPv6 address')
    # IPv4 knows an address by address and prefix: both are kept by the kernel
    assert common.addresses(['10.0.0.1/24', '10.0.0.1/16'], 'addresses', 'interface v0') == ['10.0.0.1/24', '10.0.0.1/16']
    err = refused(common.addresses, ['10.0.0.1/24', '10.0.0.1/24'], 'addresses', 'interface v0')
    assert 'listed twice' in err.msg


def test_kinds_give_the_device_name_to_the_address_check():
    assert VethKind().desired(params(VethKind(), name='v0', peer={'name': 'p0'}))['end']['addresses'] is None
    err = refused(VethKind().desired, params(VethKind(), name='v0', peer={'name': 'p0', 'addresses': ['::1/128']}))
    assert err.option == 'peer.addresses' and 'loopback' in err.msg
    assert InterfaceKind().desired(params(InterfaceKind(), name='lo', addresses=['::1/128']))['want']['addresses'] \
        == ['::1/128']
    err = refused(BridgeKind().desired, params(BridgeKind(), name='br0', addresses=['0.0.0.0/24']))
    assert err.msg.startswith("option addresses of bridge br0: '0.0.0.0/24' is the unspecified address")


@pytest.mark.parametrize('gateway,what', [
    ('0.0.0.0', 'unspecified'), ('::', 'unspecified'), ('224.0.0.1', 'multicast'), ('ff02::1', 'multicast'),
    ('255.255.255.255', 'limited broadcast'),
])
def test_gateway_must_be_a_next_hop(gateway, what):
    err = refused(validate.gateway, gateway, 'gateway', 'route 10.9.0.0/24')
    assert err.msg.startswith("option gateway of route 10.9.0.0/24: '%s' is " % gateway)
    assert what in err.msg and 'not a next hop' in err.msg
    assert validate.gateway('10.0.0.1') == '10.0.0.1'
    assert validate.gateway('fe80::1') == 'fe80::1'


# -- duplicate identities inside one task --------------------------------------------------------
def topology(**given):
    return params(TopologyKind(), name='lab', **given)


def test_two_routes_of_one_identity_are_refused_naming_both():
    err = refused(TopologyKind().desired, topology(routes=[
        {'netns': 'n1', 'dst': '10.2.0.0/24', 'gateway': '10.0.1.1'},
        {'netns': 'n1', 'dst': '10.2.0.0/24', 'gateway': '10.0.2.1'}]))
    assert err.msg.startswith("option routes[1].dst of route 10.2.0.0/24: routes[0] is the same route in namespace 'n1'")
    assert 'via 10.0.1.1 and via 10.0.2.1' in err.msg
    assert err.option == 'routes[1].dst'


def test_routes_of_one_dst_with_another_metric_table_namespace_or_family_are_kept():
    out = TopologyKind().desired(topology(routes=[
        {'dst': '10.2.0.0/24', 'gateway': '10.0.1.1'},
        {'dst': '10.2.0.0/24', 'gateway': '10.0.2.1', 'metric': 10},
        {'dst': '10.2.0.0/24', 'gateway': '10.0.2.1', 'table': 100},
        {'dst': '10.2.0.0/24', 'gateway': '10.0.2.1', 'netns': 'n2'},
        {'dst': 'default', 'gateway': '10.0.1.1'},
        {'dst': 'default', 'gateway': 'fd00::1'}]))
    assert len(out['routes']) == 6


def test_default_spelt_two_ways_is_one_route():
    err = refused(TopologyKind().desired, topology(routes=[
        {'dst': 'default', 'gateway': '10.0.1.1'}, {'dst': '0.0.0.0/0', 'gateway': '10.0.2.1'}]))
    assert 'routes[0] is the same route' in err.msg


def test_one_sysctl_key_twice_is_refused_in_either_spelling():
    err = refused(TopologyKind().desired, topology(sysctls=[
        {'netns': 'n1', 'name': 'net.ipv4.ip_forward', 'value': '1'},
        {'netns': 'n1', 'name': 'net/ipv4/ip_forward', 'value': '0'}]))
    assert err.msg.startswith("option sysctls[1].name of sysctl net/ipv4/ip_forward: sysctls[0] sets the same key "
                              "in namespace 'n1' ('1', here '0')")
    out = TopologyKind().desired(topology(sysctls=[
        {'netns': 'n1', 'name': 'net.ipv4.ip_forward', 'value': '1'},
        {'netns': 'n2', 'name': 'net.ipv4.ip_forward', 'value': '1'}]))
    assert len(out['sysctls']) == 2


def test_one_address_on_two_interfaces_of_a_namespace_is_refused():
    err = refused(TopologyKind().desired, topology(
        bridges=[{'name': 'br0', 'netns': 'n1', 'addresses': ['10.0.1.1/24']}],
        links=[{'name': 'v0', 'peer': {'name': 'eth0', 'netns': 'n1', 'addresses': ['10.0.1.1/16']}}]))
    assert err.msg.startswith('option links[0].peer.addresses of veth v0: 10.0.1.1 is also given to br0 '
                              "(bridges[0].addresses) in namespace 'n1'")
    # both ends of a pair in one namespace count as two interfaces
    err = refused(TopologyKind().desired, topology(
        links=[{'name': 'v0', 'addresses': ['10.0.1.1/24'], 'peer': {'name': 'p0', 'addresses': ['10.0.1.1/24']}}]))
    assert err.option == 'links[0].peer.addresses'
    # one address in two namespaces is fine
    elsewhere = {'name': 'p0', 'netns': 'n1', 'addresses': ['10.0.1.1/24']}
    out = TopologyKind().desired(topology(links=[{'name': 'v0', 'addresses': ['10.0.1.1/24'], 'peer': elsewhere}]))
    assert len(out['links']) == 1


# -- control characters -------------------------------------------------------------------------
@pytest.mark.parametrize('value', ['1\n0', '1\r0', '1\x1b', '1\x00', '\x7f'])
def test_sysctl_value_with_a_line_break_or_control_character(value):
    err = refused(value_text, value, 'value', 'sysctl net.ipv4.ip_forward')
    assert err.msg.startswith('option value of sysctl net.ipv4.ip_forward: the value ')
    assert 'control characters' in err.msg


@pytest.mark.parametrize('value,kept', [('1\n', '1'), ('  1 ', '1'), ('32768\t60999', '32768 60999'),
                                        ('32768   60999', '32768 60999')])
def test_sysctl_value_tabs_and_outer_white_space_are_fine(value, kept):
    assert value_text(value, 'value', 'sysctl x') == kept


@pytest.mark.parametrize('field', ['comment', 'log_prefix'])
@pytest.mark.parametrize('value', ['a\tb', 'a\x1bb', 'a\x7f', 'a\nb'])
def test_iptables_text_values_refuse_control_characters(field, value):
    fields = {'jump': 'LOG' if field == 'log_prefix' else 'ACCEPT', field: value}
    err = refused(rules.render, fields, 'netvirt:x', 'rules[0]', 'iptables chain filter/INPUT')
    assert err.msg.startswith('option rules[0].%s of iptables chain filter/INPUT: ' % field)


def test_no_control_helper():
    assert validate.no_control('plain text', 'alias', 'veth v0') == 'plain text'
    err = refused(validate.no_control, 'a\nb', 'alias', 'veth v0')
    assert err.msg.startswith("option alias of veth v0: the value 'a\\nb' holds a control character (\\n)")


# -- a name that belongs to an object of another shape ------------------------------------------
def link(name, kind='veth', index=2, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:%02x' % index,
           'up': True, 'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def interface_plan(given, links, check_mode=False):
    kind = InterfaceKind()
    observed = {'netns': None, 'target': None, 'links': {None: links}}
    return kind.plan(kind.desired(params(kind, **given)), observed, Context(check_mode, False))


@pytest.mark.parametrize('name,master,kind,extra,piece', [
    ('br0', 'br1', 'bridge', {}, "'br0' is a bridge, and a bridge cannot be a port of another bridge"),
    ('br1', 'br1', 'bridge', {}, 'an interface cannot be a port of itself'),
    ('lo', 'br1', 'loopback', {}, "'lo' is the loopback"),
    ('t0', 'br1', 'tun', {'tun': {'mode': 'tun'}}, 'layer-3 tun device'),
])
def test_interface_that_cannot_be_a_port(name, master, kind, extra, piece):
    links = {'br1': link('br1', 'bridge', 3), name: link(name, kind, 4, **extra)}
    err = refused(interface_plan, {'name': name, 'master': master}, links)
    assert err.msg.startswith('option master of interface %s: ' % name)
    assert piece in err.msg and "(bridge '%s' in the current namespace)" % master in err.msg


def test_a_tap_and_a_veth_can_be_ports():
    for kind, extra in (('tun', {'tun': {'mode': 'tap'}}), ('veth', {})):
        links = {'br1': link('br1', 'bridge', 3), 'x0': link('x0', kind, 4, **extra)}
        plan = interface_plan({'name': 'x0', 'master': 'br1'}, links)
        assert [a.params for a in plan.actions] == [{'name': 'x0', 'master': 'br1'}]


def test_bridge_port_that_is_a_tun():
    kind = BridgeKind()
    links = {'t0': link('t0', 'tun', 4, tun={'mode': 'tun'})}
    desired = kind.desired(params(kind, name='br0', ports=['t0']))
    err = refused(kind.plan, desired, {'netns': None, 'links': links, 'fdb': None}, Context(False, False))
    assert err.msg.startswith("option ports of bridge br0: 't0' is a layer-3 tun device")


# -- a veth whose name is one end of a foreign pair ------------------------------------------------
def pair(ns, name, pns, pname, alias=None):
    links = {ns: {}, pns: {}}
    links[ns][name] = link(name, index=5, alias=alias, peer={'name': pname, 'netns': pns, 'index': 6})
    links[pns][pname] = link(pname, index=6, alias=alias, peer={'name': name, 'netns': ns, 'index': 5})
    return links


def veth_plan(given, links, netns, pns, extra=None, check_mode=False):
    kind = VethKind()
    desired = kind.desired(params(kind, **given))
    desired.update(extra or {})
    return kind.plan(desired, {'netns': netns, 'peer_netns': pns, 'links': links}, Context(check_mode, False))


@pytest.mark.parametrize('check_mode', [False, True])
def test_foreign_pair_is_not_renamed(check_mode):
    err = refused(veth_plan, {'name': 'v0', 'peer': {'name': 'p0'}}, pair(None, 'v0', None, 'x1'), None, None,
                  check_mode=check_mode)
    assert err.msg.startswith("option peer.name of veth v0: veth v0 already exists and is paired with 'x1' in the "
                              "current namespace, not with 'p0' in the current namespace; refusing to rename")
    assert 'netvirt.linux.interface' in err.msg and 'state: absent' in err.msg


def test_foreign_pair_is_not_moved():
    links = pair(None, 'vethc1', 'c1', 'eth0')
    links['lab'] = {}
    err = refused(veth_plan, {'name': 'vethc1', 'peer': {'name': 'eth0', 'netns': 'lab'}}, links, None, 'lab')
    assert err.option == 'peer.netns'
    assert "paired with 'eth0' in namespace 'c1', not with 'eth0' in namespace 'lab'; refusing to move" in err.msg


def test_the_pair_in_place_is_converged():
    plan = veth_plan({'name': 'v0', 'mtu': 9000, 'peer': {'name': 'x1'}}, pair(None, 'v0', None, 'x1'), None, None)
    assert [(a.op, a.params) for a in plan.actions] == [
        ('link_set', {'name': 'v0', 'mtu': 9000}), ('link_set', {'name': 'x1', 'mtu': 9000})]


def test_a_pair_marked_as_the_callers_own_is_still_moved_and_renamed():
    mark = 'netvirt-topology:lab'
    links = pair(None, 'v0', 'n1', 'eth0', alias=mark)
    links['n2'] = {}
    plan = veth_plan({'name': 'v0', 'peer': {'name': 'eth1', 'netns': 'n2'}}, links, None, 'n2', {'alias': mark})
    assert plan.actions[0].op == 'link_move'
    assert plan.actions[0].params == {'name': 'eth0', 'to': 'n2', 'new_name': 'eth1'}
    # another topology's mark is not ours
    err = refused(veth_plan, {'name': 'v0', 'peer': {'name': 'eth1', 'netns': 'n2'}}, links, None, 'n2',
                  {'alias': 'netvirt-topology:other'})
    assert 'refusing to move' in err.msg


def test_tun_and_vxlan_masters_refused_at_desired():
    from ansible_collections.netvirt.linux.plugins.module_utils._state.tuntap import TuntapKind
    from ansible_collections.netvirt.linux.plugins.module_utils._state.vxlan import VxlanKind
    err = refused(TuntapKind().desired, params(TuntapKind(), name='t0', mode='tun', master='br0'))
    assert err.msg.startswith("option master of tun t0: 't0' is a layer-3 tun device")
    assert TuntapKind().desired(params(TuntapKind(), name='t0', mode='tap', master='br0'))['master'] == 'br0'
    err = refused(VxlanKind().desired, params(VxlanKind(), name='vx0', vni=5, remote='10.0.0.2', master='vx0'))
    assert 'cannot be a port of itself' in err.msg


def test_veth_one_address_on_both_ends_of_one_namespace():
    err = refused(VethKind().desired, params(VethKind(), name='v0', addresses=['10.0.0.1/24'],
                                             peer={'name': 'p0', 'addresses': ['10.0.0.1/16']}))
    assert err.msg == ('option peer.addresses of veth v0: 10.0.0.1 is also given to this end (10.0.0.1/24), in the '
                       'current namespace; an address belongs to one interface')
    out = VethKind().desired(params(VethKind(), name='v0', addresses=['10.0.0.1/24'],
                                    peer={'name': 'p0', 'netns': 'n1', 'addresses': ['10.0.0.1/24']}))
    assert out['peer']['addresses'] == ['10.0.0.1/24']
