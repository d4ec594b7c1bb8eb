# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_netlink/tuntap: the ioctl numbers and struct ifreq as the kernel lays them out, the TUNSETIFF
flags, the ioctl sequence (with fcntl.ioctl and os.open replaced), and the tun/tap options read back
through pyroute2's messages (parse) and through the raw reader (rawdump): the same plain data."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply, parse, rawdump, tuntap
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._netlink.test_parse import Msg
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._netlink.test_rawdump import rta
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession


# -- the kernel's layout ---------------------------------------------------------------------
def test_ifreq_is_40_bytes_name_then_flags():
    """struct ifreq on x86_64: ifr_name[16], then a 24-byte union whose first member is the short flags."""
    assert tuntap.IFREQ.size == 40
    raw = tuntap.pack_ifreq('tap0', 0x1002)
    assert len(raw) == 40
    assert raw[:16] == b'tap0' + b'\0' * 12
    assert struct.unpack_from('=H', raw, 16)[0] == 0x1002
    assert raw[18:] == b'\0' * 22
    assert tuntap.unpack_ifreq(raw) == ('tap0', 0x1002)


def test_ifreq_name_limits():
    assert tuntap.pack_ifreq('a' * 15, 1)[:16] == b'a' * 15 + b'\0'    # always NUL-terminated
    for bad in ('', 'a' * 16):
        with pytest.raises(ValueError):
            tuntap.pack_ifreq(bad, 1)


@pytest.mark.skipif(tuntap.platform.machine() not in ('x86_64', 'aarch64', 'i686'), reason='generic ioctl layout')
def test_ioctl_numbers_match_linux_if_tun_h():
    # _IOW('T', 202, int) etc. as <linux/if_tun.h> gives them on x86 and arm
    assert tuntap.TUNSETIFF == 0x400454ca
    assert tuntap.TUNSETPERSIST == 0x400454cb
    assert tuntap.TUNSETOWNER == 0x400454cc
    assert tuntap.TUNSETGROUP == 0x400454ce
    assert tuntap.TUNGETIFF == 0x800454d2


@pytest.mark.parametrize('args, expected', [
    (('tun',), 0x0001 | 0x1000),                         # IFF_TUN | IFF_NO_PI, as `ip tuntap add mode tun`
    (('tap',), 0x0002 | 0x1000),
    (('tap', True), 0x0002 | 0x1000 | 0x0100),           # IFF_MULTI_QUEUE
    (('tun', False, True), 0x0001),                      # packet_info: no IFF_NO_PI
    (('tap', False, False, True), 0x0002 | 0x1000 | 0x4000),   # IFF_VNET_HDR
])
def test_flags(args, expected):
    assert tuntap.flags(*args) == expected


# -- the ioctl sequence ----------------------------------------------------------------------
@pytest.fixture
def kernel(monkeypatch):
    """Records os.open/close and fcntl.ioctl; ``state['getiff']`` is what TUNGETIFF answers."""
    state = {'calls': [], 'getiff': None, 'fail': {}}

    def fake_open(path, flags, *mode):
        state['calls'].append(('open', path))
        return 42

    def fake_close(fd):
        state['calls'].append(('close', fd))

    def fake_ioctl(fd, request, arg=0):
        assert fd == 42
        if request in state['fail']:
            raise OSError(state['fail'][request], 'refused')
        state['calls'].append(('ioctl', request, arg))
        if request == tuntap.TUNGETIFF:
            return tuntap.pack_ifreq('tap0', state['getiff'])
        return arg

    monkeypatch.setattr(tuntap.os, 'open', fake_open)
    monkeypatch.setattr(tuntap.os, 'close', fake_close)
    monkeypatch.setattr(tuntap.fcntl, 'ioctl', fake_ioctl)
    return state


def create_action(**kw):
    params = {'name': 'tap0', 'mode': 'tap', 'multi_queue': False, 'packet_info': False, 'vnet_hdr': False,
              'owner': 1000, 'group': None}
    params.update(kw)
    return Action('tun_create', 'ns0', 'tap tap0', params, option='name')


def test_create_in_the_namespace_then_persist(kernel):
    session = FakeSession(existing=['ns0'])
    apply.apply_one(session, create_action())
    assert session.entered_refs == ['ns0', 'home']     # the file is opened inside the namespace
    assert kernel['calls'] == [
        ('open', '/dev/net/tun'),
        ('ioctl', tuntap.TUNSETIFF, tuntap.pack_ifreq('tap0', 0x1002)),
        ('ioctl', tuntap.TUNSETOWNER, 1000),
        ('ioctl', tuntap.TUNSETPERSIST, 1),
        ('close', 42),
    ]


def test_create_failure_closes_the_file_and_names_option(kernel):
    kernel['fail'][tuntap.TUNSETGROUP] = errno.EINVAL
    with pytest.raises(ApplyError) as exc:
        apply.apply_one(FakeSession(existing=['ns0']), create_action(group=10))
    assert ('close', 42) in kernel['calls']
    assert not any(c[:2] == ('ioctl', tuntap.TUNSETPERSIST) for c in kernel['calls'])
    assert 'ns0: ' in exc.value.msg and '(option name)' in exc.value.msg and 'EINVAL' in exc.value.msg


def set_action(**kw):
    params = {'name': 'tap0', 'mode': 'tap', 'multi_queue': True, 'packet_info': False, 'vnet_hdr': True}
    params.update(kw)
    return Action('tun_set', 'ns0', 'tap tap0', params, option='vnet_hdr', text='change tap tap0: vnet_hdr on')


def test_set_attaches_checks_flags_and_sets_owner(kernel):
    kernel['getiff'] = 0x0002 | 0x1000 | 0x0100 | 0x4000
    apply.apply_one(FakeSession(existing=['ns0']), set_action(group=7))
    requests = [c[1] for c in kernel['calls'] if c[0] == 'ioctl']
    assert requests == [tuntap.TUNSETIFF, tuntap.TUNGETIFF, tuntap.TUNSETGROUP]
    assert ('ioctl', tuntap.TUNSETGROUP, 7) in kernel['calls']


def test_set_on_a_held_multi_queue_device_is_ebusy(kernel):
    kernel['getiff'] = 0x0002 | 0x1000 | 0x0100    # the kernel kept the old flags: no vnet_hdr
    with pytest.raises(ApplyError) as exc:
        apply.apply_one(FakeSession(existing=['ns0']), set_action())
    assert exc.value.errno == errno.EBUSY
    assert 'in use by a process' in exc.value.msg and '(option vnet_hdr)' in exc.value.msg
    assert kernel['calls'][-1] == ('close', 42)


def test_set_on_a_held_single_queue_device_is_ebusy(kernel):
    kernel['fail'][tuntap.TUNSETIFF] = errno.EBUSY
    with pytest.raises(ApplyError) as exc:
        apply.apply_one(FakeSession(existing=['ns0']), set_action(multi_queue=False))
    assert 'tap tap0' in exc.value.msg and 'in use by a process' in exc.value.msg and '[EBUSY]' in exc.value.msg


def test_missing_dev_net_tun_is_explained():
    code = errno.ENOENT
    assert 'modprobe tun' in apply.explain(code, 'tun_create')


# -- reading back: pyroute2 messages and the raw reader agree ---------------------------------
def pyroute2_msg(data, carrier):
    info = Msg(attrs={'IFLA_INFO_KIND': 'tun', 'IFLA_INFO_DATA': Msg(attrs=data)})
    return Msg({'index': 7, 'flags': 0x1003, 'family': 0},
               {'IFLA_IFNAME': 'tap0', 'IFLA_MTU': 1500, 'IFLA_ADDRESS': '02:00:00:00:00:0a',
                'IFLA_OPERSTATE': 'DOWN', 'IFLA_LINKINFO': info, 'IFLA_CARRIER': carrier})


def raw_msg(data, carrier):
    names = {'IFLA_TUN_OWNER': (rawdump.IFLA_TUN_OWNER, '=I'), 'IFLA_TUN_GROUP': (rawdump.IFLA_TUN_GROUP, '=I'),
             'IFLA_TUN_TYPE': (rawdump.IFLA_TUN_TYPE, '=B'), 'IFLA_TUN_PI': (rawdump.IFLA_TUN_PI, '=B'),
             'IFLA_TUN_VNET_HDR': (rawdump.IFLA_TUN_VNET_HDR, '=B'),
             'IFLA_TUN_PERSIST': (rawdump.IFLA_TUN_PERSIST, '=B'),
             'IFLA_TUN_MULTI_QUEUE': (rawdump.IFLA_TUN_MULTI_QUEUE, '=B')}
    nested = b''.join(rta(names[k][0], struct.pack(names[k][1], v)) for k, v in data.items())
    info = rta(rawdump.IFLA_INFO_KIND, b'tun\0') + rta(rawdump.IFLA_INFO_DATA | 0x8000, nested)
    body = struct.pack('=BxHiII', 0, 1, 7, 0x1003, 0)
    body += rta(rawdump.IFLA_IFNAME, b'tap0\0') + rta(rawdump.IFLA_MTU, struct.pack('=I', 1500))
    body += rta(rawdump.IFLA_ADDRESS, b'\x02\x00\x00\x00\x00\x0a') + rta(rawdump.IFLA_OPERSTATE, b'\x02')
    body += rta(rawdump.IFLA_LINKINFO | 0x8000, info) + rta(rawdump.IFLA_CARRIER, struct.pack('=B', carrier))
    return body


# What the kernel sends (tun_fill_info): OWNER and GROUP only when set.
TAP_OWNED = {'IFLA_TUN_TYPE': 2, 'IFLA_TUN_OWNER': 1000, 'IFLA_TUN_PI': 0, 'IFLA_TUN_VNET_HDR': 1,
             'IFLA_TUN_PERSIST': 1, 'IFLA_TUN_MULTI_QUEUE': 0}
TUN_GROUP_MQ = {'IFLA_TUN_TYPE': 1, 'IFLA_TUN_GROUP': 65534, 'IFLA_TUN_PI': 1, 'IFLA_TUN_VNET_HDR': 0,
                'IFLA_TUN_PERSIST': 1, 'IFLA_TUN_MULTI_QUEUE': 1}


@pytest.mark.parametrize('data, carrier, expected', [
    (TAP_OWNED, 0, {'mode': 'tap', 'owner': 1000, 'group': None, 'packet_info': False, 'vnet_hdr': True,
                    'persist': True, 'multi_queue': False, 'in_use': False}),
    (TUN_GROUP_MQ, 1, {'mode': 'tun', 'owner': None, 'group': 65534, 'packet_info': True, 'vnet_hdr': False,
                       'persist': True, 'multi_queue': True, 'in_use': True}),
])
def test_tun_options_same_from_pyroute2_and_raw(data, carrier, expected):
    link = parse.parse_link(pyroute2_msg(data, carrier))
    assert link['kind'] == 'tun'
    assert link['tun'] == expected
    body = raw_msg(data, carrier)
    raw = rawdump.decode_link(body, 0, len(body))
    assert raw == link


def test_other_kinds_have_no_tun_options():
    info = Msg(attrs={'IFLA_INFO_KIND': 'veth'})
    msg = Msg({'index': 2, 'flags': 0x1003}, {'IFLA_IFNAME': 'v0', 'IFLA_LINKINFO': info})
    assert 'tun' not in parse.parse_link(msg)
