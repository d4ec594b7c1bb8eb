# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""apply.py with a fake session: the kwargs each op sends, errors turned into ApplyError naming the
object and the option, and the undo of earlier creations (newest first) when a step fails."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply, loader
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan
from ansible_collections.netvirt.linux.tests.unit import fakes


def FakeSession(**kw):     # noqa: N802 - reads as the session it makes
    """The shared fake; an fd names its namespace ('fd:ns2'), so a test sees which one was handed over."""
    return fakes.FakeSession(fds=lambda ref: 'fd:%s' % ref, **kw)


def pair_plan():
    """Namespace ns1, then veth v0 in it with a peer in the current namespace, then an address."""
    plan = Plan()
    plan.add('netns_create', None, 'namespace ns1', {'name': 'ns1'},
             undo=Action('netns_delete', None, 'namespace ns1', {'name': 'ns1'}), text='create namespace ns1')
    plan.add('link_set', 'ns1', 'lo of namespace ns1', {'name': 'lo', 'up': True}, option='loopback',
             text='set lo up')
    plan.add('link_create', 'ns1', 'veth v0', {'name': 'v0', 'kind': 'veth', 'peer': {'name': 'eth0', 'netns': None}},
             option='name', undo=Action('link_delete', 'ns1', 'veth v0', {'name': 'v0'}, text='delete veth v0'),
             text="create veth v0 with peer eth0 in the current namespace")
    plan.add('addr_add', 'ns1', 'veth v0', {'name': 'v0', 'address': '10.0.0.1/24'}, option='addresses',
             text='add address 10.0.0.1/24 to veth v0')
    plan.add('link_set', 'ns1', 'veth v0', {'name': 'v0', 'up': True}, option='up', text='set veth v0 up')
    return plan


def test_apply_plan_all_good():
    session = FakeSession()
    apply.apply_plan(session, pair_plan().actions)
    assert session.log == [
        ('netns', None, 'create', {'name': 'ns1'}),
        ('link', 'ns1', 'set', {'index': 1, 'state': 'up'}),
        ('link', 'ns1', 'add', {'ifname': 'v0', 'kind': 'veth', 'peer': {'ifname': 'eth0', 'net_ns_fd': 'fd:None'}}),
        ('addr', 'ns1', 'add', {'index': 100, 'address': '10.0.0.1', 'prefixlen': 24, 'broadcast': '10.0.0.255'}),
        ('link', 'ns1', 'set', {'index': 100, 'state': 'up'}),
    ]


def test_failure_undoes_earlier_creations_newest_first():
    session = FakeSession(fail={('addr', 'add'): loader.NetlinkError(errno.EEXIST)})
    with pytest.raises(ApplyError) as info:
        apply.apply_plan(session, pair_plan().actions)
    exc = info.value
    assert exc.msg == ("ns1: add address 10.0.0.1/24 to veth v0 failed (option addresses): "
                       "the address is already assigned [EEXIST]")
    assert (exc.errno, exc.option, exc.obj) == (17, 'addresses', 'veth v0')
    assert exc.action.op == 'addr_add'
    # after the failing step: the veth goes first, then the namespace; lo/up have no undo
    assert [(e[0], e[1], e[2]) for e in session.log] == [
        ('netns', None, 'create'),
        ('link', 'ns1', 'set'),
        ('link', 'ns1', 'add'),
        ('addr', 'ns1', 'add'),
        ('link', 'ns1', 'del'),
        ('netns', None, 'remove'),
    ]
    assert session.log[4][3] == {'index': 100}


def test_failing_undo_does_not_hide_the_first_error():
    session = FakeSession(fail={('link', 'add'): loader.NetlinkError(errno.EEXIST),
                                ('netns', 'remove'): OSError(errno.EBUSY, 'busy')})
    with pytest.raises(ApplyError) as info:
        apply.apply_plan(session, pair_plan().actions)
    assert info.value.msg == (
        "ns1: create veth v0 with peer eth0 in the current namespace failed (option name): an interface of that "
        "name already exists (in this namespace, or the peer name in the peer namespace) [EEXIST]")
    assert [(e[0], e[2]) for e in session.log] == [('netns', 'create'), ('link', 'set'), ('link', 'add'),
                                                   ('netns', 'remove')]


def test_first_step_failing_undoes_nothing():
    session = FakeSession(fail={('netns', 'create'): OSError(errno.EEXIST, 'File exists')})
    with pytest.raises(ApplyError) as info:
        apply.apply_plan(session, pair_plan().actions)
    assert info.value.msg == "create namespace ns1 failed: it already exists [EEXIST]"
    assert info.value.obj == 'namespace ns1'
    assert len(session.log) == 1


def test_missing_interface_names_the_action():
    session = FakeSession(ifaces={'ns1': {}})
    action = Action('link_set', 'ns1', 'veth v0', {'name': 'v0', 'mtu': 9000}, option='mtu',
                    text='set mtu 9000 on veth v0')
    with pytest.raises(ApplyError) as info:
        apply.apply_plan(session, [action])
    assert info.value.msg == "ns1: set mtu 9000 on veth v0 failed: interface 'v0' is not there any more"
    assert (info.value.option, info.value.obj) == ('mtu', 'veth v0')


def test_value_error_becomes_apply_error():
    session = FakeSession(ifaces={None: {'v0': 5}}, fail={('link', 'set'): ValueError('bad mac')})
    action = Action('link_set', None, 'veth v0', {'name': 'v0', 'mac': '02:00:00:00:00:01'}, option='mac',
                    text='set mac 02:00:00:00:00:01 on veth v0')
    with pytest.raises(ApplyError) as info:
        apply.apply_one(session, action)
    assert info.value.msg == 'set mac 02:00:00:00:00:01 on veth v0 failed: bad mac'
    assert info.value.option == 'mac'


@pytest.mark.parametrize('code, op, option, expected', [
    (errno.EOPNOTSUPP, 'link_set', 'master',
     "set veth v0 master failed (option master): not supported by this kernel or this kind of interface (for "
     "example vlan_filtering on a kernel without bridge VLAN support, or a master that is not a bridge) "
     "[EOPNOTSUPP]"),     # the name iproute2 uses (Python calls 95 ENOTSUP)
    (errno.ERANGE, 'link_set', None, "set veth v0 master failed: a value is out of range [ERANGE]"),
    (4242, 'link_set', 'mtu', "set veth v0 master failed (option mtu): Unknown error 4242 [4242]"),
])
def test_error_messages(code, op, option, expected):
    session = FakeSession(ifaces={None: {'v0': 5, 'br0': 3}}, fail={('link', 'set'): loader.NetlinkError(code)})
    action = Action(op, None, 'veth v0', {'name': 'v0', 'master': 'br0'}, option=option, text='set veth v0 master')
    with pytest.raises(ApplyError) as info:
        apply.apply_one(session, action)
    assert info.value.msg == expected
    assert info.value.errno == code


# -- what each op sends ---------------------------------------------------------------------
@pytest.mark.parametrize('action, expected', [
    (Action('link_set', 'ns1', 'veth v0', {'name': 'v0', 'master': ''}),
     ('link', 'ns1', 'set', {'index': 5, 'master': 0})),
    (Action('link_set', 'ns1', 'veth v0', {'name': 'v0', 'master': 'br0', 'up': True}),
     ('link', 'ns1', 'set', {'index': 5, 'master': 3, 'state': 'up'})),
    (Action('link_set', 'ns1', 'veth v0', {'name': 'v0', 'new_name': 'v9', 'mac': '02:00:00:00:00:01'}),
     ('link', 'ns1', 'set', {'index': 5, 'ifname': 'v9', 'address': '02:00:00:00:00:01'})),
    (Action('link_set', 'ns1', 'bridge br0', {'name': 'br0', 'bridge': {'stp': False, 'forward_delay': 4}}),
     ('link', 'ns1', 'set', {'index': 3, 'kind': 'bridge', 'br_stp_state': 0, 'br_forward_delay': 400})),
    (Action('link_create', 'ns1', 'veth v0', {'name': 'v0', 'kind': 'veth', 'peer': {'name': 'eth0', 'netns': 'ns1'}}),
     ('link', 'ns1', 'add', {'ifname': 'v0', 'kind': 'veth', 'peer': {'ifname': 'eth0'}})),
    (Action('link_create', 'ns1', 'bridge br1', {'name': 'br1', 'kind': 'bridge', 'bridge': {'ageing_time': 300}}),
     ('link', 'ns1', 'add', {'ifname': 'br1', 'kind': 'bridge', 'br_ageing_time': 30000})),
    (Action('link_move', 'ns1', 'veth peer v0', {'name': 'v0', 'to': 'ns2', 'new_name': 'eth1'}),
     ('link', 'ns1', 'set', {'index': 5, 'net_ns_fd': 'fd:ns2', 'ifname': 'eth1'})),
    (Action('addr_add', 'ns1', 'veth v0', {'name': 'v0', 'address': 'fd00::1/64'}),
     ('addr', 'ns1', 'add', {'index': 5, 'address': 'fd00::1', 'prefixlen': 64, 'IFA_FLAGS': apply.IFA_F_NODAD})),
    (Action('addr_add', 'ns1', 'veth v0', {'name': 'v0', 'address': '10.0.0.1/31'}),
     ('addr', 'ns1', 'add', {'index': 5, 'address': '10.0.0.1', 'prefixlen': 31})),
    (Action('addr_del', 'ns1', 'veth v0', {'name': 'v0', 'address': '10.0.0.1/24'}),
     ('addr', 'ns1', 'del', {'index': 5, 'address': '10.0.0.1', 'prefixlen': 24})),
])
def test_op_kwargs(action, expected):
    session = FakeSession(ifaces={'ns1': {'v0': 5, 'br0': 3}}, existing=['ns2'])
    apply.apply_one(session, action)
    assert session.log[0] == expected


def test_link_delete_of_a_missing_link_is_quiet():
    session = FakeSession(ifaces={'ns1': {}})
    apply.apply_one(session, Action('link_delete', 'ns1', 'veth v0', {'name': 'v0'}))
    assert session.log == []


def test_link_move_forgets_nsids():
    session = FakeSession(ifaces={'ns1': {'v0': 5}}, existing=['ns2'])
    apply.apply_one(session, Action('link_move', 'ns1', 'veth peer v0', {'name': 'v0', 'to': 'ns2'}))
    assert [e[0] for e in session.log] == ['link', 'forget_nsids']
    assert session.log[0][3] == {'index': 5, 'net_ns_fd': 'fd:ns2'}


def test_the_core_ops_are_there():
    """Others may add ops; these are the ones the existing kinds plan."""
    assert set(apply.OPS) >= set(['netns_create', 'netns_delete', 'link_create', 'link_delete', 'link_set',
                                  'link_move', 'addr_add', 'addr_del', 'route_add', 'route_del', 'sysctl_set'])


# -- explain --------------------------------------------------------------------------------
@pytest.mark.parametrize('code, op, expected', [
    (errno.EEXIST, None, 'it already exists'),
    (errno.EEXIST, 'link_set', 'it already exists'),
    (errno.EEXIST, 'addr_add', 'the address is already assigned'),
    (errno.EEXIST, 'route_add', 'a route to that destination already exists'),
    (errno.ENODEV, 'link_set', 'no such interface'),
    (errno.EACCES, 'addr_add', 'permission denied: IPv6 is disabled on this interface '
                               '(net.ipv6.conf.<interface>.disable_ipv6 is 1)'),
    (errno.EACCES, 'link_set', 'permission denied'),
    (errno.EINVAL, 'link_move', 'the kernel refuses to move this device to another namespace (bridges, loopback, '
                                'vxlan and other netns-local devices cannot move)'),
    (errno.ENETUNREACH, 'route_add', 'the gateway is not reachable: no address of the namespace is on its subnet'),
    (errno.EPERM, 'netns_create', 'permission denied (managing network namespaces needs root: CAP_NET_ADMIN and '
                                  'CAP_SYS_ADMIN)'),
    (errno.EMLINK, None, os.strerror(errno.EMLINK)),
    (None, None, 'error None'),
])
def test_explain(code, op, expected):
    assert apply.explain(code, op) == expected


def test_netlink_error_carries_its_code():
    exc = loader.NetlinkError(errno.EEXIST)
    assert exc.code == errno.EEXIST
    assert not isinstance(exc, ApplyError)


def test_sysctl_set():
    session = FakeSession()
    apply.apply_one(session, Action('sysctl_set', 'ns1', 'sysctl net.ipv4.ip_forward',
                                    {'path': '/proc/sys/net/ipv4/ip_forward', 'value': '1'}))
    assert session.log == [('sysctl', 'ns1', '/proc/sys/net/ipv4/ip_forward', {'value': '1'})]


def test_link_create_with_master_and_alias():
    session = FakeSession(ifaces={None: {'br0': 7}})
    action = Action('link_create', None, 'veth v0', {'name': 'v0', 'kind': 'veth', 'master': 'br0',
                                                     'alias': 'netvirt-topology:lab', 'peer': {'name': 'eth0'}})
    apply.apply_one(session, action)
    assert session.log[0] == ('link', None, 'add', {'ifname': 'v0', 'kind': 'veth', 'master': 7,
                                                    'peer': {'ifname': 'eth0'}})
    assert session.log[1] == ('link', None, 'set', {'index': 0, 'ifname': 'v0', 'ifalias': 'netvirt-topology:lab'})
