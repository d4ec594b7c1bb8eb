# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hairpin mode of a bridge port (issue 15): both readers give link['brport'] from IFLA_INFO_SLAVE_DATA,
the raw writer encodes what pyroute2 would, apply and fastapply send one request per port_set."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply, fastapply, loader, parse, rawdump, rawlink
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.tests.unit import fakes
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._netlink.test_parse import Msg
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._netlink import test_fastapply as fa
from ansible_collections.netvirt.linux.tests.unit.plugins.module_utils._netlink.test_rawlink import (
    ifinfmsg, needs_pyroute2, pyroute2_bytes)


def rta(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def port_messages(mode, slave_kind='bridge', with_data=True):
    """One veth that is a port (IFLA_INFO_SLAVE_KIND ``slave_kind``) as the kernel sends it and as
    pyroute2 gives it; ``mode`` its IFLA_BRPORT_MODE, among other port attributes the readers skip."""
    body = struct.pack('=BxHiII', 0, 1, 5, 0x1003, 0)
    body += rta(3, b'v0\0') + rta(4, struct.pack('=I', 1500)) + rta(10, struct.pack('=I', 2))
    info = rta(1, b'veth\0') + rta(4, slave_kind.encode() + b'\0')
    slave = {}
    if with_data:
        # IFLA_BRPORT_STATE 1 (u8), IFLA_BRPORT_PRIORITY 2 (u16), IFLA_BRPORT_MODE 4 (u8), IFLA_BRPORT_GUARD 5
        raw = rta(1, b'\x03') + rta(2, struct.pack('=H', 32)) + rta(4, struct.pack('B', mode)) + rta(5, b'\x00')
        info += rta(5 | 0x8000, raw)
        slave = {'IFLA_BRPORT_STATE': 3, 'IFLA_BRPORT_PRIORITY': 32, 'IFLA_BRPORT_MODE': mode,
                 'IFLA_BRPORT_GUARD': 0}
    body += rta(18 | 0x8000, info)
    fake_info = {'IFLA_INFO_KIND': 'veth', 'IFLA_INFO_SLAVE_KIND': slave_kind}
    if with_data:
        fake_info['IFLA_INFO_SLAVE_DATA'] = Msg(attrs=slave)
    fake = Msg({'index': 5, 'flags': 0x1003, 'family': 0},
               {'IFLA_IFNAME': 'v0', 'IFLA_MTU': 1500, 'IFLA_MASTER': 2, 'IFLA_LINKINFO': Msg(attrs=fake_info)})
    return body, fake


@pytest.mark.parametrize('mode, want', [(1, True), (0, False)])
def test_both_readers_give_the_hairpin_mode_of_a_bridge_port(mode, want):
    body, fake = port_messages(mode)
    raw = rawdump.decode_link(body, 0, len(body))
    assert raw['brport'] == {'hairpin': want}
    assert raw == parse.parse_link(fake)


def test_a_port_of_another_kind_of_master_and_no_port_have_no_brport():
    body, fake = port_messages(1, slave_kind='bond')
    assert 'brport' not in rawdump.decode_link(body, 0, len(body))
    assert 'brport' not in parse.parse_link(fake)
    plain = parse.plain_link(3, 0x1, 'veth', {'IFLA_IFNAME': 'v9'}, None)
    assert 'brport' not in plain


def test_a_bridge_port_without_slave_data_is_read_as_hairpin_off():
    body, fake = port_messages(1, with_data=False)
    assert rawdump.decode_link(body, 0, len(body))['brport'] == {'hairpin': False}
    assert parse.parse_link(fake)['brport'] == {'hairpin': False}


def test_slave_tables_decode_exactly_the_attributes_parse_reads():
    assert sorted(rawdump.SLAVE_DATA) == sorted(parse.SLAVE_DATA_ATTRS)
    for kind, table in rawdump.SLAVE_DATA.items():
        assert sorted(name for name, _decode in table.values()) == sorted(parse.SLAVE_DATA_ATTRS[kind])


@needs_pyroute2
@pytest.mark.parametrize('index, hairpin, attrs', [
    (7, True, []),
    (0, False, [('IFLA_IFNAME', 'v0')]),
])
def test_port_set_is_pyroute2s_message(index, hairpin, attrs):
    info = {'attrs': [('IFLA_INFO_SLAVE_KIND', 'bridge'),
                      ('IFLA_INFO_SLAVE_DATA', {'attrs': [('IFLA_BRPORT_MODE', 1 if hairpin else 0)]})]}
    want = pyroute2_bytes(ifinfmsg(), rawlink.RTM_NEWLINK, 5, 3,
                          {'family': 0, 'index': index, 'flags': 0, 'change': 0}, attrs + [('IFLA_LINKINFO', info)])
    got = rawlink.message(rawlink.RTM_NEWLINK, 5, 3, rawlink.port_set(index=index, name='v0', hairpin=hairpin))
    assert got == want


def test_port_set_decodes_back_as_the_mode_it_sets():
    body = rawlink.port_set(index=7, hairpin=True)
    found = rawdump.attrs(body, 16, len(body))
    info = rawdump.attrs(found[rawlink.IFLA_LINKINFO], 0, len(found[rawlink.IFLA_LINKINFO]))
    assert info[rawlink.IFLA_INFO_SLAVE_KIND] == b'bridge\0'
    assert rawdump.attrs(info[rawlink.IFLA_INFO_SLAVE_DATA], 0, 8) == {rawlink.IFLA_BRPORT_MODE: b'\x01'}


def hairpin_action(on=True, netns=None, name='v0'):
    return Action('port_set', netns, 'veth %s' % name, {'name': name, 'hairpin': on}, option='hairpin',
                  text='turn hairpin mode %s on veth %s (port of bridge br0)' % ('on' if on else 'off', name))


def test_apply_sets_the_mode_through_pyroute2s_brport():
    session = fakes.FakeSession(ifaces={None: {'v0': 7}})
    apply.apply_plan(session, [hairpin_action(True), hairpin_action(False)])
    assert session.log == [('brport', None, 'set', {'index': 7, 'mode': 1}),
                           ('brport', None, 'set', {'index': 7, 'mode': 0})]


def test_apply_on_an_interface_that_is_no_port_names_the_option():
    session = fakes.FakeSession(ifaces={None: {'v0': 7}},
                                fail={('brport', 'set'): loader.NetlinkError(errno.EOPNOTSUPP)})
    with pytest.raises(ApplyError) as info:
        apply.apply_plan(session, [hairpin_action()])
    assert info.value.option == 'hairpin' and info.value.obj == 'veth v0'
    assert 'not a port of a bridge' in info.value.msg and '[EOPNOTSUPP]' in info.value.msg


def test_fastapply_sends_port_set_raw_after_the_attach_it_follows(undone):
    kernel = fa.Kernel()
    session = fa.FakeSession(kernel)
    plan = fa.bench_plan()
    plan.insert(2, Action('port_set', None, 'veth v0', {'name': 'v0', 'hairpin': True}, option='links[0].hairpin'))
    fastapply.apply_plan(session, plan)
    assert undone == []
    sends = [e[1:] for e in kernel.events if e[0] == 'send']
    assert sends[:4] == [(None, 'get', 'br0'), (None, 'link', 'v0'), (None, 'link', 'v0'), (None, 'link', 'v0')]


def test_fastapply_refused_port_set_names_the_option_and_undoes(undone):
    kernel = fa.Kernel()
    session = fa.FakeSession(kernel)
    plan = fa.bench_plan()
    plan.insert(2, Action('port_set', None, 'veth v0', {'name': 'v0', 'hairpin': True}, option='links[0].hairpin'))
    # the third request about v0 (create, alias, hairpin) is the refused one
    calls = {'n': 0}
    answer = kernel.answer

    def refuse_third(ref, data):
        out = answer(ref, data)
        if kernel.events[-1] == ('send', None, 'link', 'v0'):
            calls['n'] += 1
            if calls['n'] == 3:
                seq = struct.unpack_from('=IHHII', data)[3]
                return [(fa.ack(seq, errno.EOPNOTSUPP), (None, 'link', 'v0'))]
        return out
    kernel.answer = refuse_third
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, plan)
    assert info.value.option == 'links[0].hairpin' and 'not a port of a bridge' in info.value.msg
    assert undone == [('link_delete', None, 'v0'), ('netns_delete', None, 'ns0')]


@pytest.fixture
def undone(monkeypatch):
    """The steps that went to apply_one (the undo among them), as test_fastapply records them."""
    calls = []

    def fake_apply_one(session, action):
        calls.append((action.op, action.netns, action.params.get('name')))
    monkeypatch.setattr(fastapply, 'apply_one', fake_apply_one)
    monkeypatch.setattr(apply, 'apply_one', fake_apply_one)
    return calls
