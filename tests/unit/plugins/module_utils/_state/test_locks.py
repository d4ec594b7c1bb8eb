# -*- coding: utf-8 -*-
"""Which namespaces each kind has the runner lock (Kind.locks): those it may change, none for a
kind that only reads."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state.bond import BondKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.net_info import NetInfoKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.netns import NetnsKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.reachability import ReachabilityKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind
from ansible_collections.netvirt.linux.tests.unit.fakes import params


def locks(kind, **given):
    return kind().locks(kind().desired(params(kind, **given)))


def test_a_kind_of_one_object_locks_its_namespace():
    assert locks(BridgeKind, name='br0', netns='ns1') == ['ns1']
    assert locks(BridgeKind, name='br0') == [None]
    assert locks(BondKind, name='bond0', netns='ns1', mode='active-backup', ports=['eth1', 'eth2']) == ['ns1']
    assert locks(BondKind, name='bond0', netns='ns2', state='absent') == ['ns2']


def test_a_veth_locks_both_namespaces_and_netns_the_one_it_makes():
    assert locks(VethKind, name='v0', netns='a', peer={'name': 'v1', 'netns': 'b'}) == ['a', 'b']
    assert locks(NetnsKind, name='ns9') == ['ns9']


def test_a_topology_locks_every_namespace_it_names():
    got = locks(TopologyKind, name='lab', namespaces=[{'name': 'a'}],
                links=[{'name': 'v0', 'peer': {'name': 'eth0', 'netns': 'a'}}],
                routes=[{'netns': 'b', 'dst': '10.0.0.0/8', 'dev': 'eth0'}])
    assert sorted(set(got), key=str) == sorted(set(['a', None, 'b']), key=str)


def test_the_kinds_that_only_read_lock_nothing_and_iptables_keeps_its_own_lock():
    assert NetInfoKind().locks({'netns': 'ns1'}) == []
    assert ReachabilityKind().locks({'netns': 'ns1'}) == []
    assert IptablesKind().locks({'netns': 'ns1'}) == []


class RecordsIo(object):
    """An Io whose ownership records say what topology ``lab`` made."""

    def __init__(self, record):
        from ansible_collections.netvirt.linux.plugins.module_utils._host import records
        full = records._empty()
        full.update(record)
        self.records = self
        self._record = full
        self.read = []

    def read_topology(self, name):
        self.read.append(name)
        return self._record


RECORD = {'namespaces': {'made1': 11, 'made2': 12}, 'refs': [None, 'holds-link'], 'routes': [['routed', '10.0.0.0/8']],
          'pending': {'namespaces': ['half'], 'links': [['pending-link-ns', 'v9']]}}


def test_purge_and_absent_also_lock_the_namespaces_only_the_record_names():
    for given in ({'state': 'absent'}, {'purge': True, 'namespaces': [{'name': 'made1'}]}):
        kind = TopologyKind()
        io = RecordsIo(RECORD)
        got = kind.recorded_locks(kind.desired(params(TopologyKind, name='lab', **given)), io)
        assert io.read == ['lab']
        assert sorted(set(got), key=str) == sorted(['made1', 'made2', None, 'holds-link', 'half', 'pending-link-ns',
                                                    'routed'], key=str)


def test_a_build_without_purge_locks_only_what_it_names():
    kind = TopologyKind()
    io = RecordsIo(RECORD)
    assert kind.recorded_locks(kind.desired(params(TopologyKind, name='lab', namespaces=[{'name': 'a'}])), io) == []
    assert io.read == []
    assert BridgeKind().recorded_locks({'netns': 'ns1'}, io) == []
