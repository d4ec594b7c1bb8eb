# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""reachability kind: validation, which addresses are targets, refusing non-local addresses,
expansion of the matrix, and failing with every unmet expectation (engine and session faked)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state import reachability as r
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params_for


params = params_for(r.ReachabilityKind)


def probe(**kw):
    out = {'from': None, 'to': None, 'port': None, 'protocol': None, 'expect': None}
    out.update(kw)
    return out


# -- validation -------------------------------------------------------------------------------
@pytest.mark.parametrize('kw, pieces', [
    ({'count': 0}, ['option count of reachability', 'out of range (1-10']),
    ({'count': 11}, ['option count', '11 is out of range']),
    ({'timeout': 0.01}, ['option timeout of reachability', 'out of range (0.1-30 seconds)']),
    ({'timeout': 31}, ['option timeout', '31']),
    ({'timeout': float('nan')}, ['option timeout']),
    ({'matrix': ['ns1']}, ['option matrix of reachability', 'at least two namespaces (got 1)']),
    ({'matrix': ['ns1', 'ns1']}, ['option matrix', "namespace 'ns1' is listed twice"]),
    ({'matrix': ['ns1', 'a/b']}, ['option matrix', 'a/b']),
    ({'matrix': ['ns1', ['x']]}, ['option matrix', 'not a namespace']),
    ({'probes': []}, ['option probes of reachability', 'nothing to probe']),
    ({'probes': [probe(to='10.0.0.2', protocol='tcp')]},
     ['option probes[0].port of probe from (current) to 10.0.0.2', 'needs a port']),
    ({'probes': [probe(to='10.0.0.2', port=70000)]}, ['option probes[0].port', '70000 is out of range (1-65535)']),
    ({'probes': [probe(to='10.0.0.2', port=0)]}, ['option probes[0].port', 'out of range']),
    ({'probes': [probe(to='10.0.0.2', port=80, protocol='icmp')]}, ['option probes[0].port', 'ICMP probe has no port']),
    ({'probes': [probe(**{'from': 'ns1', 'to': '10.0.0.2'}), probe(**{'from': 'ns1', 'to': 'fe80::1'})]},
     ['option probes[1].to of probe from ns1 to fe80::1', 'link-local']),
    ({'probes': [probe(to='224.0.0.1')]}, ['option probes[0].to', 'not a unicast address']),
    ({'probes': [probe(to='10.0.0.300')]}, ['option probes[0].to', "'10.0.0.300' is not a valid IP address"]),
    ({'probes': [probe(to='')]}, ['option probes[0].to', 'an address or a namespace is required']),
    ({'probes': [probe(**{'from': 'a b', 'to': '10.0.0.2'})]}, ['option probes[0].from', "'a b' is not valid"]),
    ({'probes': ['10.0.0.2']}, ['option probes[0] of reachability', 'expected a dict']),
])
def test_bad_options_name_the_option(kw, pieces):
    with pytest.raises(ValidationError) as err:
        r.ReachabilityKind().desired(params(**kw))
    for piece in pieces:
        assert piece in err.value.msg


def test_matrix_expands_to_every_ordered_pair_then_the_probes():
    d = r.ReachabilityKind().desired(params(
        matrix=['a', 'b', ''], netns='a', expect='any', count=3, timeout=0.5,
        probes=[probe(to='10.0.0.2', port=80), probe(**{'from': 'c', 'to': 'b', 'expect': 'unreachable'})]))
    pairs = [(s['from'], s['to']) for s in d['specs']]
    assert pairs == [('a', ('netns', 'b', None)), ('a', ('netns', None, None)), ('b', ('netns', 'a', None)),
                     ('b', ('netns', None, None)), (None, ('netns', 'a', None)), (None, ('netns', 'b', None)),
                     ('a', ('address', '10.0.0.2', 4)), ('c', ('netns', 'b', None))]
    assert d['order'] == ['a', 'b', '(current)']
    assert [s['expect'] for s in d['specs']] == ['any'] * 7 + ['unreachable']
    assert [s['protocol'] for s in d['specs'][-2:]] == ['tcp', 'icmp']
    assert set((s['count'], s['timeout'], s['family']) for s in d['specs']) == {(3, 0.5, 'ipv4')}


def test_to_accepts_ipv6_and_pid_and_path():
    d = r.ReachabilityKind().desired(params(probes=[probe(to='FD00::0002'), probe(to='4242'), probe(to='/run/x')]))
    assert [s['to'] for s in d['specs']] == [('address', 'fd00::2', 6), ('netns', '4242', None),
                                             ('netns', '/run/x', None)]


@pytest.mark.parametrize('address, target', [
    ('10.0.0.1', True), ('198.51.100.7', True), ('127.0.0.1', False), ('169.254.1.1', False),
    ('fd00::1', True), ('2001:db8::1', True), ('::1', False), ('fe80::1', False), ('ff02::1', False),
])
def test_target_addresses_are_scope_global(address, target):
    assert r.is_target(ipaddress.ip_address(address)) is target


# -- observe, with a fake session and engine ------------------------------------------------
def FakeLab(namespaces, named=None):       # noqa: N802 - reads as the session it makes
    """namespaces: ref -> [cidr] of its eth0 (and lo with the loopback addresses)."""
    return FakeSession(links=dict((ref, {'eth0': {'addresses': list(cidrs)},
                                         'lo': {'addresses': ['127.0.0.1/8', '::1/128']}})
                                  for ref, cidrs in namespaces.items()), named=named)


LAB = {None: ['192.168.1.5/24'], 'a': ['10.0.0.1/24', 'fd00::1/64', 'fe80::1/64'], 'b': ['10.0.0.2/24'],
       'c': ['10.0.0.3/24'], 'empty': [], 'far': ['10.9.0.9/24']}


@pytest.fixture
def fake_engine():
    """The io whose probes the tests look at: ``probes`` those run, ``reachable`` the addresses that answer."""
    return FakeIo()


def observe(session, check_mode=False, io=None, **kw):
    kind = r.ReachabilityKind()
    d = kind.desired(params(**kw))
    io = io if io is not None else FakeIo()
    io.session = session
    ctx = Context(check_mode, False, io)
    observed = kind.observe(session, d, ctx)
    return kind, d, observed, ctx


def test_matrix_probes_each_global_ipv4_address_and_reports_a_namespace_without_one(fake_engine):
    session = FakeLab(LAB)
    fake_engine.reachable = {'10.0.0.1', '10.0.0.2'}
    kind, d, observed, ctx = observe(session, io=fake_engine, matrix=['a', 'b', 'empty'], expect='any')
    rows = [(x['from'], x['to'], x['status']) for x in observed['results']]
    assert rows == [('a', '10.0.0.2', 'reply'), ('a', None, 'no-address'), ('b', '10.0.0.1', 'reply'),
                    ('b', None, 'no-address'), ('empty', '10.0.0.1', 'reply'), ('empty', '10.0.0.2', 'reply')]
    assert [(p.ref, p.address, p.family) for p in fake_engine.probes][:2] == [('a', '10.0.0.2', 4), ('b', '10.0.0.1', 4)]
    assert 'far' not in session.reads('links')      # named namespaces are read only to find an address given as is
    out = kind.result(d, observed, kind.plan(d, observed, ctx), ctx)
    assert out['matrix']['cells']['a'] == {'b': 'reachable', 'empty': 'no-address'}
    assert out['matrix']['columns'] == ['a', 'b', 'empty']


def test_family_both_adds_global_ipv6_but_never_link_local(fake_engine):
    kind, d, observed, ctx = observe(FakeLab(LAB), io=fake_engine, matrix=['b', 'a'], family='both', expect='any')
    assert [x['to'] for x in observed['results'] if x['from'] == 'b'] == ['10.0.0.1', 'fd00::1']


def test_an_address_held_by_a_named_namespace_is_probed_with_its_holder(fake_engine):
    session = FakeLab(LAB)
    kind, d, observed, ctx = observe(session, io=fake_engine, probes=[probe(**{'from': 'a', 'to': '10.9.0.9'}),
                                                                      probe(**{'from': 'a', 'to': '192.168.1.5'})])
    assert [(x['to'], x['netns']) for x in observed['results']] == [('10.9.0.9', ['far']),
                                                                    ('192.168.1.5', ['(current)'])]
    assert 'far' in session.reads('links')


def test_an_address_no_namespace_holds_is_refused_before_anything_is_sent(fake_engine):
    with pytest.raises(ValidationError) as err:
        observe(FakeLab(LAB), io=fake_engine, probes=[probe(**{'from': 'a', 'to': '10.0.0.2'}),
                                                      probe(**{'from': 'a', 'to': '8.8.8.8'})])
    assert 'option probes[1].to of probe from a to 8.8.8.8' in err.value.msg
    assert 'not an address of any network namespace on this machine' in err.value.msg
    assert 'lab tool' in err.value.msg
    assert fake_engine.probes == []


def test_in_check_mode_an_unknown_address_and_a_missing_namespace_are_skipped_with_warnings(fake_engine):
    kind, d, observed, ctx = observe(FakeLab(LAB), io=fake_engine, check_mode=True,
                                     probes=[probe(**{'from': 'a', 'to': '8.8.8.8'}),
                                             probe(**{'from': 'nope', 'to': '10.0.0.2'}),
                                             probe(**{'from': 'a', 'to': 'nope2'}),
                                             probe(**{'from': 'a', 'to': '10.0.0.2'})])
    assert [x['status'] for x in observed['results']] == ['skipped', 'skipped', 'skipped', 'timeout']
    assert [(p.ref, p.address) for p in fake_engine.probes] == [('a', '10.0.0.2')]
    assert len(ctx.warnings) == 3
    assert "option probes[1].from of probe from nope to 10.0.0.2: namespace 'nope' does not exist" in ctx.warnings[0]
    assert 'probes[2].to' in ctx.warnings[1]
    assert '8.8.8.8' in ctx.warnings[2]


def test_a_missing_namespace_fails_outside_check_mode(fake_engine):
    with pytest.raises(ValidationError) as err:
        observe(FakeLab(LAB), io=fake_engine, matrix=['a', 'ghost'])
    assert "option matrix of reachability: namespace 'ghost' does not exist" in err.value.msg


def test_unmet_expectations_fail_naming_each_with_the_results(fake_engine):
    fake_engine.reachable = {'10.0.0.2', '10.0.0.3'}
    kind, d, observed, ctx = observe(FakeLab(LAB), io=fake_engine, probes=[
        probe(**{'from': 'a', 'to': '10.0.0.2'}),
        probe(**{'from': 'a', 'to': 'c', 'expect': 'unreachable'}),
        probe(**{'from': 'b', 'to': '10.0.0.1'}),
    ])
    with pytest.raises(r.ExpectationsNotMet) as err:
        kind.result(d, observed, kind.plan(d, observed, ctx), ctx)
    msg = err.value.msg
    assert msg.startswith('2 of 3 expectations not met: ')
    assert 'from a to 10.0.0.3 (c) icmp: expected unreachable, got reachable (fake)' in msg
    assert 'from b to 10.0.0.1 (a) icmp: expected reachable, got unreachable (fake)' in msg
    assert isinstance(err.value, NetvirtError)
    assert [x['met'] for x in err.value.result['results']] == [True, False, False]
    assert err.value.result['summary']['unmet'] == 2
    assert 'row' not in err.value.result['results'][0]


def test_the_plan_is_always_empty(fake_engine):
    fake_engine.reachable = {'10.0.0.2'}
    kind, d, observed, ctx = observe(FakeLab(LAB), io=fake_engine, probes=[probe(**{'from': 'a', 'to': '10.0.0.2'})])
    plan = kind.plan(d, observed, ctx)
    assert plan.actions == [] and not plan.changed
    out = kind.result(d, observed, plan, ctx)
    assert out['summary']['text'] == '1 probe: 1 reachable, 0 unreachable, 0 skipped; 1 of 1 expectations met'


def test_too_many_probes_are_refused(fake_engine, monkeypatch):
    monkeypatch.setattr(r, 'MAX_PROBES', 3)
    with pytest.raises(ValidationError) as err:
        observe(FakeLab(LAB), io=fake_engine, matrix=['a', 'b', 'c'])
    assert '6 probes is more than 3' in err.value.msg
