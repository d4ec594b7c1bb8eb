# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""net_info kind: which namespaces, what to gather, the shape of the facts, never a change."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import net_info
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._state.net_info import NetInfoKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params, run_steps


# -- options ----------------------------------------------------------------------------------
@pytest.mark.parametrize('items, netns, refs, current, every', [
    (None, None, [], True, False),
    (None, 'ns1', [('ns1', 'ns1')], False, False),
    (None, 4242, [('4242', '4242')], False, False),
    (['all'], None, [], True, True),
    (['all'], 'ns9', [], True, True),                       # netns is ignored when namespaces is given
    (['ns1', 'ns2'], 'ns9', [('ns1', 'ns1'), ('ns2', 'ns2')], False, False),
    (['ns2', 'ns1', 'ns2'], None, [('ns2', 'ns2'), ('ns1', 'ns1')], False, False),
    ([1234, '/var/run/netns/x'], None, [('1234', '1234'), ('/var/run/netns/x', '/var/run/netns/x')], False, False),
    (['ns1', ''], None, [('ns1', 'ns1')], True, False),
    ([None], None, [], True, False),
    (['/var/run/netns/all'], None, [('/var/run/netns/all', '/var/run/netns/all')], False, False),
    (['current'], None, [('current', 'current')], False, False),
])
def test_namespace_refs(items, netns, refs, current, every):
    assert net_info.namespace_refs(items, netns) == (refs, current, every)


@pytest.mark.parametrize('items, netns, pieces', [
    (['all', 'ns1'], None, ['option namespaces', "'all'", 'cannot be combined']),
    ([], None, ['option namespaces', 'empty']),
    (['a/b'], None, ['option namespaces', "'a/b'"]),
    (['ns1', 'has space'], None, ['option namespaces', "'has space'"]),
    ([0], None, ['option namespaces', 'PID 0']),
    ([True], None, ['option namespaces']),
    ([['ns1']], None, ['option namespaces']),
    (None, 'a/b', ['option netns of net_info', "'a/b'"]),
])
def test_namespace_refs_refused(items, netns, pieces):
    with pytest.raises(ValidationError) as err:
        net_info.namespace_refs(items, netns)
    for piece in pieces:
        assert piece in err.value.msg


@pytest.mark.parametrize('values, expected', [
    (None, {'links', 'addresses', 'routes', 'bridges'}),
    (['routes'], {'routes'}),
    (['addresses'], {'addresses', 'links'}),
    (['fdb'], {'fdb', 'bridges'}),
    ([], set()),
])
def test_gather_set(values, expected):
    assert net_info.gather_set(values) == expected


def test_gather_set_refused():
    with pytest.raises(ValidationError) as err:
        net_info.gather_set(['links', 'neighbours'])
    assert "option gather: 'neighbours'" in err.value.msg


def test_argument_spec_default_matches_docs():
    spec = NetInfoKind.argument_spec
    assert spec['gather']['default'] == ['links', 'addresses', 'routes', 'bridges']
    assert spec['gather']['choices'] == ['links', 'addresses', 'routes', 'bridges', 'fdb', 'nftables']
    assert spec['namespaces'] == {'type': 'list', 'elements': 'raw'}


# -- shaping ----------------------------------------------------------------------------------
def link(name, index, kind, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:%02x' % index,
           'up': True, 'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


RAW = {
    'exists': True,
    'links': {
        'lo': link('lo', 1, 'loopback', mtu=65536, addresses=['::1/128', '127.0.0.1/8']),
        'eth0': link('eth0', 2, 'veth', addresses=['fe80::1/64', '10.0.0.2/24'],
                     peer={'name': 'vethX', 'netns': None, 'index': 7}),
        'v1': link('v1', 3, 'veth', master='br0', peer={'name': 'v2', 'netns': 'ns2', 'index': 3}),
        'orphan': link('orphan', 4, 'veth', peer={'name': None, 'netns': None, 'nsid': 5, 'index': 9,
                                                  'unresolved': 'no name'}),
        'br0': link('br0', 5, 'bridge', bridge={'stp': False, 'forward_delay': 0.0, 'hello_time': 2.0,
                                                'max_age': 20.0, 'ageing_time': 300.0, 'vlan_filtering': False,
                                                'priority': 32768}),
        'a1': link('a1', 6, 'veth', master='br0', peer=None),
        'mv0': link('mv0', 7, 'macvlan', parent={'name': 'eth0', 'netns': 'ns2'},
                    macvlan={'mode': 'bridge', 'macs': []}),
        'ipv0': link('ipv0', 8, 'ipvlan', parent={'name': 'eth0', 'netns': None},
                     ipvlan={'mode': 'l3s', 'flags': 'private'}),
    },
    'routes': [
        {'family': 'ipv6', 'dst': 'fe80::/64', 'gateway': None, 'dev': 'eth0', 'metric': 256, 'table': 254,
         'proto': 'kernel', 'scope': 'universe', 'type': 'unicast', 'prefsrc': None},
        {'family': 'ipv4', 'dst': 'default', 'gateway': '10.0.0.1', 'dev': 'eth0', 'metric': 0, 'table': 254,
         'proto': 'static', 'scope': 'universe', 'type': 'unicast', 'prefsrc': None},
        {'family': 'ipv4', 'dst': '10.0.0.0/24', 'gateway': None, 'dev': 'eth0', 'metric': 0, 'table': 254,
         'proto': 'kernel', 'scope': 'link', 'type': 'unicast', 'prefsrc': '10.0.0.2'},
    ],
    'fdb': {'br0': [
        {'mac': '02:00:00:00:00:06', 'port': 'v1', 'vlan': None, 'permanent': True, 'self': False},
        {'mac': '02:00:00:00:00:03', 'port': 'a1', 'vlan': None, 'permanent': True, 'self': False},
    ]},
}


def test_facts_links_and_peers():
    out = net_info.facts(RAW, net_info.gather_set(None))
    assert sorted(out) == ['bridges', 'exists', 'inode', 'links', 'routes']
    assert out['exists'] is True
    assert out['links']['eth0'] == {'kind': 'veth', 'index': 2, 'mtu': 1500, 'mac': '02:00:00:00:00:02', 'up': True,
                                    'operstate': 'up', 'master': None, 'alias': None,
                                    'addresses': ['10.0.0.2/24', 'fe80::1/64'],
                                    'peer': {'name': 'vethX', 'netns': None}, 'parent': None, 'details': None}
    assert out['links']['v1']['peer'] == {'name': 'v2', 'netns': 'ns2'}
    assert out['links']['orphan']['peer'] == {'name': None, 'netns': None, 'nsid': 5}
    assert out['links']['lo']['peer'] is None
    assert out['links']['lo']['addresses'] == ['127.0.0.1/8', '::1/128']
    assert out['links']['br0']['peer'] is None and 'bridge' not in out['links']['br0']
    assert out['links']['mv0']['parent'] == {'name': 'eth0', 'netns': 'ns2'}
    assert out['links']['mv0']['details'] == {'mode': 'bridge', 'macs': []}
    assert out['links']['ipv0']['parent'] == {'name': 'eth0', 'netns': None}
    assert out['links']['ipv0']['details'] == {'mode': 'l3s', 'flags': 'private'}
    # every link has the same keys
    assert len(set(tuple(sorted(l)) for l in out['links'].values())) == 1


def test_facts_routes_sorted():
    out = net_info.facts(RAW, {'routes'})
    assert [r['dst'] for r in out['routes']] == ['default', '10.0.0.0/24', 'fe80::/64']
    assert sorted(out) == ['exists', 'inode', 'routes']


def test_facts_bridges_without_and_with_fdb():
    out = net_info.facts(RAW, {'bridges'})
    assert out['bridges'] == {'br0': {'stp': False, 'forward_delay': 0.0, 'hello_time': 2.0, 'max_age': 20.0,
                                      'ageing_time': 300.0, 'vlan_filtering': False, 'priority': 32768,
                                      'ports': ['a1', 'v1']}}
    assert 'links' not in out
    out = net_info.facts(RAW, net_info.gather_set(['fdb']))
    assert [e['port'] for e in out['bridges']['br0']['fdb']] == ['a1', 'v1']


def test_facts_links_without_addresses():
    out = net_info.facts(RAW, {'links'})
    assert 'addresses' not in out['links']['eth0']


def test_facts_missing_namespace_has_the_same_sections_empty():
    out = net_info.facts({'exists': False}, net_info.gather_set(['links', 'routes', 'fdb']))
    assert out == {'exists': False, 'inode': None, 'links': {}, 'routes': [], 'bridges': {}}


def test_facts_is_deterministic_whatever_the_input_order():
    shuffled = dict(RAW, routes=list(reversed(RAW['routes'])),
                    fdb={'br0': list(reversed(RAW['fdb']['br0']))},
                    links=dict((k, dict(v, addresses=list(reversed(v['addresses']))))
                               for k, v in reversed(list(RAW['links'].items()))))
    gather = net_info.gather_set(['links', 'addresses', 'routes', 'fdb'])
    assert net_info.facts(shuffled, gather) == net_info.facts(RAW, gather)


# -- observe / plan / result with a fake session -------------------------------------------------
def FakeLab(named, existing, broken=()):     # noqa: N802 - reads as the session it makes
    """Every existing namespace (and the current one) holds lo and a bridge br0."""
    held = {'lo': link('lo', 1, 'loopback'), 'br0': link('br0', 2, 'bridge', bridge={})}
    return FakeSession(links=dict((ref, held) for ref in list(existing) + [None]), named=named, broken=broken)


def run(given, session):
    ran = run_steps(NetInfoKind(), params(NetInfoKind, **given), FakeIo(session), check_mode=True)
    return ran.plan, ran.result, ran.ctx


def test_all_reports_every_named_namespace_and_the_current_one():
    session = FakeLab(['a', 'b'], ['a', 'b'])
    plan, out, _ctx = run({'namespaces': ['all']}, session)
    assert plan.changed is False and plan.actions == []
    assert out['named'] == ['a', 'b']
    assert sorted(out['namespaces']) == ['a', 'b']
    assert out['current']['exists'] is True
    assert session.registered == ['a', 'b']


def test_listed_missing_namespace_is_exists_false_not_a_failure():
    session = FakeLab(['a'], ['a'])
    plan, out, _ctx = run({'namespaces': ['a', 'gone'], 'gather': ['links']}, session)
    assert out['namespaces']['gone'] == {'exists': False, 'inode': None, 'links': {}}
    assert out['namespaces']['a']['exists'] is True
    assert 'current' not in out
    assert not plan.changed


def test_default_is_the_current_namespace_only_and_netns_names_one():
    _plan, out, _ctx = run({}, FakeLab([], []))
    assert out['namespaces'] == {} and out['current']['exists'] is True
    _plan, out, _ctx = run({'netns': 'a'}, FakeLab(['a'], ['a']))
    assert sorted(out['namespaces']) == ['a'] and 'current' not in out


def test_only_what_is_gathered_is_read():
    session = FakeLab(['a'], ['a'])
    run({'namespaces': ['a'], 'gather': ['links']}, session)
    assert session.calls == [('links', 'a', True)]
    session = FakeLab(['a'], ['a'])
    run({'namespaces': ['a'], 'gather': ['routes', 'fdb']}, session)
    assert session.calls == [('links', 'a', False), ('routes', 'a'), ('fdb', 'a', 'br0')]


def test_a_namespace_that_cannot_be_entered_is_reported_missing_with_a_warning():
    session = FakeLab(['stale'], ['stale'], broken=['stale'])
    _plan, out, ctx = run({'namespaces': ['stale'], 'gather': ['links']}, session)
    assert out['namespaces']['stale'] == {'exists': False, 'inode': None, 'links': {}}
    assert "namespace 'stale' cannot be entered" in ctx.warnings[0]


def test_routes_sort_by_address_and_table_number_not_text():
    def route(dst, table=254, family='ipv4', metric=0):
        return {'family': family, 'dst': dst, 'table': table, 'metric': metric, 'dev': 'eth0'}
    raw = {'exists': True, 'links': {}, 'routes': [
        route('10.10.0.0/16'), route('10.9.0.0/24'), route('default', table=1000), route('10.9.0.0/16'),
        route('default'), route('fd00::/64', family='ipv6'), route('10.9.0.0/24', metric=100)]}
    out = net_info.facts(raw, {'routes'})
    assert [(r['table'], r['dst'], r['metric']) for r in out['routes']] == [
        (254, 'default', 0), (254, '10.9.0.0/16', 0), (254, '10.9.0.0/24', 0), (254, '10.9.0.0/24', 100),
        (254, '10.10.0.0/16', 0), (1000, 'default', 0), (254, 'fd00::/64', 0)]
