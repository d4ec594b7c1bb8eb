# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""fastapply with a fake session and a fake kernel behind raw sockets: which steps are pipelined
(only on this run's new objects), errors matched to their step and naming object and option,
nothing that existed before is touched after a refusal, and the undo of this run's creations."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import struct

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply, fastapply, rawdump, rawlink
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
from ansible_collections.netvirt.linux.tests.unit import fakes

NAMES = {rawlink.RTM_NEWLINK: 'link', rawlink.RTM_GETLINK: 'get', rawlink.RTM_NEWADDR: 'addr',
         rawlink.RTM_DELADDR: 'deladdr'}


NAMESPACES = ('ns0', 'n1', 'n2', 'n3')


def ack(seq, code=0):
    body = struct.pack('=i', -code) + b'\0' * 16
    return struct.pack('=IHHII', 16 + len(body), rawlink.NLMSG_ERROR, 0, seq, 0) + body


class Kernel(object):
    """Links by (namespace, name); ``refuse[(ref, what, name)] = errno``; ``events`` logs every
    send and every ack read, in order: (event, ref, what, name)."""

    def __init__(self):
        self.links = {(None, 'br0'): 2, (None, 'br-old'): 3}
        self.refuse = {}
        self.events = []
        self.next_index = 10

    def name_of(self, ref, msg_type, data):
        """The interface a request is about (its name, or the name of its index; 1 is lo)."""
        if msg_type in (rawlink.RTM_NEWADDR, rawlink.RTM_DELADDR):
            index = struct.unpack_from('=I', data, 16 + 4)[0]
            return next((n for (r, n), i in self.links.items() if r == ref and i == index), index)
        index = struct.unpack_from('=i', data, 16 + 4)[0]
        found = rawdump.attrs(data, 32, len(data))
        if rawlink.IFLA_IFNAME in found:
            return found[rawlink.IFLA_IFNAME].rstrip(b'\0').decode()
        if index == 1:
            return 'lo'
        return next((n for (r, n), i in self.links.items() if r == ref and i == index), index)

    def answer(self, ref, data):
        _length, msg_type, flags, seq, _pid = struct.unpack_from('=IHHII', data)
        what = NAMES[msg_type]
        name = self.name_of(ref, msg_type, data)
        self.events.append(('send', ref, what, name))
        code = self.refuse.get((ref, what, name), 0)
        if what == 'get':
            index = self.links.get((ref, name))
            if index is None:
                return [ack(seq, errno.ENODEV)]
            body = struct.pack('=BxHiII', 0, 1, index, 0, 0)
            return [struct.pack('=IHHII', 16 + len(body), rawlink.RTM_NEWLINK, 0, seq, 0) + body]
        if what == 'link' and flags & rawlink.NLM_F_CREATE and not code:
            self.links[(ref, name)] = self.next_index
            self.links[('ns0', 'eth0')] = 2     # the peer (the tests create one veth, peer eth0 in ns0)
            self.next_index += 1
        return [(ack(seq, code), (ref, what, name))]


class FakeSocket(object):
    def __init__(self, kernel, ref):
        self.kernel, self.ref = kernel, ref
        self.queue = []
        self.closed = False

    def send(self, data):
        self.queue.extend(self.kernel.answer(self.ref, data))
        return len(data)

    def recv(self, size):
        item = self.queue.pop(0)
        if isinstance(item, tuple):
            item, label = item
            self.kernel.events.append(('ack',) + label)
        return item

    def close(self):
        self.closed = True


def FakeSession(kernel):     # noqa: N802 - reads as the session it makes
    """The shared fake with raw sockets onto ``kernel``, the index cache on, the tests' namespaces there."""
    return fakes.FakeSession(raw=lambda ref: FakeSocket(kernel, ref), fds=lambda ref: 50, cache_indexes=True,
                             existing=NAMESPACES)


@pytest.fixture
def undone(monkeypatch):
    calls = []

    def fake_apply_one(session, action):
        calls.append((action.op, action.netns, action.params.get('name')))
    monkeypatch.setattr(fastapply, 'apply_one', fake_apply_one)
    monkeypatch.setattr(apply, 'apply_one', fake_apply_one)   # the undo (apply.undo) goes through it
    return calls


def bench_plan():
    """The plan of one namespace of the bench topology (as TopologyKind orders it)."""
    return [
        Action('netns_create', None, 'namespace ns0', {'name': 'ns0', 'nofork': True},
               undo=Action('netns_delete', None, 'namespace ns0', {'name': 'ns0'})),
        Action('link_create', None, 'veth v0', {'name': 'v0', 'kind': 'veth', 'peer': {'name': 'eth0', 'netns': 'ns0'},
                                                'alias': 'netvirt-topology:t', 'master': 'br0'},
               option='links[0].name', undo=Action('link_delete', None, 'veth v0', {'name': 'v0'})),
        Action('addr_add', 'ns0', 'veth peer eth0', {'name': 'eth0', 'address': '10.0.0.2/16'},
               option='links[0].peer.addresses'),
        Action('link_set', 'ns0', 'lo of namespace ns0', {'name': 'lo', 'up': True}, option='namespaces[0].loopback'),
        Action('link_set', None, 'veth v0', {'name': 'v0', 'up': True}, option='links[0].up'),
        Action('link_set', 'ns0', 'veth peer eth0', {'name': 'eth0', 'up': True}, option='links[0].peer.up'),
    ]


def test_bench_plan_sends_raw_and_pipelines_only_new_objects(undone):
    kernel = Kernel()
    session = FakeSession(kernel)
    fastapply.apply_plan(session, bench_plan())
    assert undone == []
    assert session.created == [('ns0', [])]
    sends = [e[1:] for e in kernel.events if e[0] == 'send']
    assert sends == [(None, 'get', 'br0'), (None, 'link', 'v0'), (None, 'link', 'v0'), ('ns0', 'get', 'eth0'),
                     ('ns0', 'addr', 'eth0'), ('ns0', 'link', 'lo'), (None, 'link', 'v0'), ('ns0', 'link', 'eth0')]
    # the create waits for its ack; the alias, the address and the ups on new objects are in flight together
    events = kernel.events
    assert events.index(('ack', None, 'link', 'v0')) < events.index(('send', None, 'link', 'v0'), 2)
    last_send = max(i for i, e in enumerate(events) if e[0] == 'send')
    acks_after = [e[1:] for e in events[last_send:] if e[0] == 'ack']
    assert ('ns0', 'addr', 'eth0') in acks_after and ('ns0', 'link', 'eth0') in acks_after
    assert len([e for e in events if e[0] == 'ack']) == 6   # every request answered


def test_pipelined_refusal_names_its_step_and_undoes_creations_newest_first(undone):
    kernel = Kernel()
    kernel.refuse[('ns0', 'addr', 'eth0')] = errno.EEXIST
    session = FakeSession(kernel)
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, bench_plan())
    exc = info.value
    assert exc.errno == errno.EEXIST
    assert exc.option == 'links[0].peer.addresses' and exc.obj == 'veth peer eth0'
    assert 'option links[0].peer.addresses' in exc.msg and 'already assigned' in exc.msg and 'eth0' in exc.msg
    assert undone == [('link_delete', None, 'v0'), ('netns_delete', None, 'ns0')]


def test_a_refused_create_is_not_undone_and_stops_the_run(undone):
    kernel = Kernel()
    kernel.refuse[(None, 'link', 'v0')] = errno.EEXIST
    session = FakeSession(kernel)
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, bench_plan())
    assert info.value.option == 'links[0].name' and 'already exists' in info.value.msg
    assert undone == [('netns_delete', None, 'ns0')]
    assert not [e for e in kernel.events if e[1] == 'ns0' and e[2] == 'addr']


def test_nothing_that_existed_before_is_changed_after_a_pipelined_refusal(undone):
    kernel = Kernel()
    kernel.refuse[('ns0', 'link', 'lo')] = errno.EPERM
    session = FakeSession(kernel)
    plan = bench_plan() + [Action('link_set', None, 'bridge br-old', {'name': 'br-old', 'mtu': 1400},
                                  option='bridges[1].mtu')]
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, plan)
    assert info.value.option == 'namespaces[0].loopback' and 'lo of namespace ns0' in info.value.msg
    assert ('send', None, 'link', 'br-old') not in kernel.events


def test_a_step_on_an_object_that_existed_waits_for_its_ack(undone):
    kernel = Kernel()
    kernel.refuse[(None, 'link', 'br-old')] = errno.ERANGE
    session = FakeSession(kernel)
    session.remember_index(None, 'br-old', 3)
    plan = [Action('link_set', None, 'bridge br-old', {'name': 'br-old', 'mtu': 99999}, option='bridges[0].mtu'),
            Action('link_set', None, 'bridge br0', {'name': 'br0', 'up': True}, option='bridges[1].up')]
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, plan)
    assert info.value.option == 'bridges[0].mtu' and 'out of range' in info.value.msg
    assert ('send', None, 'link', 'br0') not in kernel.events


def test_steps_it_does_not_know_go_to_apply_one_after_the_acks(undone):
    kernel = Kernel()
    session = FakeSession(kernel)
    plan = bench_plan()[:3] + [Action('route_add', 'ns0', 'route default', {'dst': 'default'})]
    fastapply.apply_plan(session, plan)
    assert undone == [('route_add', 'ns0', None)]
    assert kernel.events[-1] == ('ack', 'ns0', 'addr', 'eth0')


def test_missing_interface_for_an_address_names_the_step(undone):
    kernel = Kernel()
    session = FakeSession(kernel)
    plan = [Action('addr_add', None, 'bridge brX', {'name': 'brX', 'address': '10.1.0.1/24'},
                   option='bridges[0].addresses')]
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, plan)
    assert "interface 'brX' is not there any more" in info.value.msg
    assert info.value.option == 'bridges[0].addresses'


def test_without_pipelining_every_step_waits(undone):
    kernel = Kernel()
    session = FakeSession(kernel)
    fastapply.apply_plan(session, bench_plan(), pipeline=False)
    events = kernel.events
    for i, event in enumerate(events):
        if event[0] == 'send' and event[2] != 'get':
            assert events[i + 1] == ('ack',) + event[1:]


def test_channels_are_limited(undone, monkeypatch):
    monkeypatch.setattr(fastapply, 'MAX_CHANNELS', 2)
    kernel = Kernel()
    session = FakeSession(kernel)
    plan = []
    for i in range(4):
        name = 'n%d' % i
        plan.append(Action('netns_create', None, 'namespace ' + name, {'name': name, 'nofork': True}))
        plan.append(Action('link_set', name, 'lo of namespace ' + name, {'name': 'lo', 'up': True}))
    fastapply.apply_plan(session, plan)
    assert sorted(r for r in session.socks if r is not None) == ['n2', 'n3']
    assert len([e for e in kernel.events if e[0] == 'ack']) == 4


def test_acks_are_collected_before_a_socket_holds_too_many(undone, monkeypatch):
    """More than MAX_IN_FLIGHT requests in flight on one socket overflow its receive buffer (ENOBUFS,
    measured with 1023 veths into one namespace): the writer collects the acks first."""
    monkeypatch.setattr(fastapply, 'MAX_IN_FLIGHT', 3)
    kernel = Kernel()
    session = FakeSession(kernel)
    plan = bench_plan()[:2] + [Action('addr_add', 'ns0', 'veth peer eth0', {'name': 'eth0', 'address': '10.0.%d.2/16' % i},
                                      option='links[0].peer.addresses') for i in range(7)]
    fastapply.apply_plan(session, plan)
    in_flight, most = 0, 0
    for event in kernel.events:
        if event[1] == 'ns0' and event[2] == 'addr':
            in_flight += 1 if event[0] == 'send' else -1
            most = max(most, in_flight)
    assert most == 3
    assert in_flight == 0


def test_a_socket_that_fails_undoes_the_creations_and_names_the_step(undone):
    kernel = Kernel()
    session = FakeSession(kernel)
    real = kernel.answer

    def answer(ref, data):
        if ref == 'ns0' and struct.unpack_from('=IHHII', data)[1] == rawlink.RTM_NEWADDR:
            raise OSError(errno.ENOBUFS, 'No buffer space available')
        return real(ref, data)
    kernel.answer = answer
    with pytest.raises(ApplyError) as info:
        fastapply.apply_plan(session, bench_plan())
    assert info.value.errno == errno.ENOBUFS
    assert info.value.option == 'links[0].peer.addresses'
    assert undone == [('link_delete', None, 'v0'), ('netns_delete', None, 'ns0')]
