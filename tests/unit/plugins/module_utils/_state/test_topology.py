# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology kind: desired() from AnsibleModule-shaped params, plan() from plain observed dicts in
the shape TopologyKind.observe returns (no kernel): desired + observed -> ordered actions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import os

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._host import records

from ansible_collections.netvirt.linux.plugins.module_utils._state import netns, topology
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params as fake_params, params_for, run_steps

MARK = 'netvirt-topology:lab'


params = params_for(TopologyKind)


def link(name, index, kind='veth', **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:%02x' % index,
           'up': True, 'operstate': 'up', 'master': None, 'alias': None, 'addresses': [],
           'link_index': None, 'link_netnsid': None}
    out.update(kw)
    return out


def lab_with(**kw):
    out = copy.deepcopy(LAB)
    out.update(kw)
    return out


def observed(links=None, namespaces=None, owned=None, record=None, routes=None, sysctls=None, doomed=None):
    return {'record': record or {'namespaces': {}, 'refs': [], 'routes': []}, 'owned': owned or {},
            'namespaces': namespaces or {}, 'ref_of': {}, 'links': links if links is not None else {None: {}},
            'routes': routes or {}, 'sysctls': sysctls or [], 'doomed_nsids': doomed or {}}


def plan_of(p, obs, check_mode=False):
    kind = TopologyKind()
    return kind.plan(kind.desired(p), obs, Context(check_mode, False))


def steps(plan):
    return [(a.op, a.netns, a.params.get('name'), a.option) for a in plan.actions]


LAB = dict(
    name='lab',
    namespaces=[{'name': 'ns1'}],
    bridges=[{'name': 'br0', 'stp': False, 'forward_delay': 0, 'addresses': ['10.0.0.1/24']}],
    links=[{'name': 'v1', 'master': 'br0', 'peer': {'name': 'eth0', 'netns': 'ns1', 'addresses': ['10.0.0.2/24']}}],
    routes=[{'netns': 'ns1', 'dst': 'default', 'gateway': '10.0.0.1'}],
    sysctls=[{'netns': 'ns1', 'name': 'net.ipv4.ip_forward', 'value': '1'}],
)


def test_new_topology_in_dependency_order():
    plan = plan_of(params(**LAB), observed(namespaces={'ns1': {'exists': False}}, sysctls=[None]))
    assert steps(plan) == [
        ('netns_create', None, 'ns1', None),
        ('link_create', None, 'br0', 'bridges[0].name'),
        ('link_create', None, 'v1', 'links[0].name'),
        # then each namespace in turn (its socket used in one stretch): addresses, up, routes, sysctls;
        # each end of a link with the namespace it is in
        ('addr_add', 'ns1', 'eth0', 'links[0].peer.addresses'),
        ('link_set', 'ns1', 'lo', 'namespaces[0].loopback'),
        ('link_set', 'ns1', 'eth0', 'links[0].peer.up'),
        ('route_add', 'ns1', None, 'routes[0].gateway'),
        ('sysctl_set', 'ns1', None, 'sysctls[0].value'),
        ('addr_add', None, 'br0', 'bridges[0].addresses'),
        ('link_set', None, 'br0', 'bridges[0].up'),
        ('link_set', None, 'v1', 'links[0].up'),
    ]
    create_ns = plan.actions[0]
    assert create_ns.params['nofork'] is True and 'sysctls' not in create_ns.params
    create_veth = plan.actions[2]
    # marked, attached in the creating message, peer created in place
    assert create_veth.params == {'name': 'v1', 'kind': 'veth', 'peer': {'name': 'eth0', 'netns': 'ns1'},
                                  'alias': MARK, 'master': 'br0'}
    assert create_veth.text == "create veth v1 with peer eth0 in namespace 'ns1', attached to bridge br0"
    assert plan.actions[1].params['alias'] == MARK
    assert plan.after['namespace ns1'] == {'state': 'present', 'loopback': 'up'}
    assert plan.after['veth v1 (the current namespace)']['peer']['addresses'] == ['10.0.0.2/24']


def test_ipv6_quiet_writes_the_sysctls_at_creation():
    plan = plan_of(params(ipv6_quiet=True, namespaces=[{'name': 'ns1'}]), observed(namespaces={'ns1': {'exists': False}}))
    assert plan.actions[0].params['sysctls'] == [list(p) for p in netns.IPV6_OFF]
    assert plan.actions[0].text == 'create namespace ns1 with IPv6 off'


def built():
    """What the kernel holds after LAB was applied."""
    root = {'br0': link('br0', 2, 'bridge', alias=MARK, addresses=['10.0.0.1/24'],
                        bridge={'stp': False, 'forward_delay': 0.0, 'hello_time': 2.0, 'max_age': 20.0,
                                'ageing_time': 300.0, 'vlan_filtering': False}),
            'v1': link('v1', 3, master='br0', alias=MARK, link_index=2, link_netnsid=0,
                       peer={'name': 'eth0', 'netns': 'ns1', 'index': 2})}
    eth0 = link('eth0', 2, addresses=['10.0.0.2/24'], link_index=3, link_netnsid=0)
    ns1 = {'lo': link('lo', 1, 'loopback'), 'eth0': eth0}
    routes = {'ns1': [{'family': 'ipv4', 'dst': 'default', 'gateway': '10.0.0.1', 'dev': 'eth0', 'metric': 0,
                       'table': 254}]}
    return observed(links={None: root, 'ns1': ns1}, namespaces={'ns1': {'exists': True, 'loopback_up': True}},
                    owned={'ns1': 77}, routes=routes, sysctls=['1'],
                    record={'namespaces': {'ns1': 77}, 'refs': [None], 'routes': [['ns1', 'ipv4', 'default', 254, 0]]})


def test_nothing_to_change():
    plan = plan_of(params(**LAB), built())
    assert plan.actions == []
    assert not plan.changed


def test_attribute_change_is_one_action():
    lab = copy.deepcopy(LAB)
    lab['links'][0]['peer']['addresses'].append('10.0.0.3/24')
    lab['sysctls'][0]['value'] = '0'
    assert steps(plan_of(params(**lab), built())) == [
        ('addr_add', 'ns1', 'eth0', 'links[0].peer.addresses'),
        ('sysctl_set', 'ns1', None, 'sysctls[0].value'),
    ]


def test_purge_removes_only_dropped_objects_of_this_topology():
    obs = built()
    # a foreign veth and a veth of another topology in the same namespace: never touched
    obs['links'][None]['fv0'] = link('fv0', 9, link_index=2, link_netnsid=1)
    obs['links'][None]['w1'] = link('w1', 10, alias='netvirt-topology:other', link_index=2, link_netnsid=2)
    obs['links'][None]['v9'] = link('v9', 11, alias=MARK, link_index=12)
    lab = lab_with(purge=True, namespaces=[], links=[], routes=[], sysctls=[])
    # ns1 goes, v1 with it (its peer is inside ns1: doomed via nsid 0), v9 deleted; br0 is kept
    obs['doomed_nsids'] = {None: set([0])}
    plan = plan_of(params(**lab), obs)
    assert steps(plan) == [('netns_delete', None, 'ns1', None), ('link_delete', None, 'v9', 'purge')]
    assert plan.after['veth v1 (the current namespace)'] == {'state': 'absent'}
    assert 'veth fv0 (the current namespace)' not in plan.after


def test_purge_deletes_a_recorded_route_no_longer_listed():
    obs = built()
    obs['record']['routes'].append(['ns1', 'ipv4', '10.9.0.0/16', 254, 0])
    obs['routes']['ns1'].append({'family': 'ipv4', 'dst': '10.9.0.0/16', 'gateway': '10.0.0.1', 'dev': 'eth0',
                                 'metric': 0, 'table': 254})
    obs['routes']['ns1'].append({'family': 'ipv4', 'dst': '10.8.0.0/16', 'gateway': '10.0.0.1', 'dev': 'eth0',
                                 'metric': 0, 'table': 254})   # not ours: kept
    plan = plan_of(params(purge=True, **LAB), obs)
    assert steps(plan) == [('route_del', 'ns1', None, 'purge')]
    assert plan.actions[0].params['dst'] == '10.9.0.0/16'


def test_without_purge_nothing_is_removed():
    lab = lab_with(namespaces=[], links=[], routes=[], sysctls=[])
    assert plan_of(params(**lab), built()).actions == []


def test_absent_deletes_namespaces_then_marked_links_then_bridges():
    obs = built()
    obs['doomed_nsids'] = {None: set([0])}
    obs['links'][None]['v9'] = link('v9', 11, alias=MARK, link_index=12)
    obs['links'][None]['fv0'] = link('fv0', 9)
    plan = plan_of(params(name='lab', state='absent'), obs)
    assert steps(plan) == [('netns_delete', None, 'ns1', None), ('link_delete', None, 'v9', 'purge'),
                           ('link_delete', None, 'br0', 'purge')]
    assert plan.actions[0].text == 'delete namespace ns1 (its interfaces go with it)'


def test_absent_deletes_routes_before_the_bridge_they_go_through():
    # a route of this topology through its bridge br0 in the current namespace: deleting br0 first
    # would take the route with it and the route's delete would fail (ESRCH)
    obs = built()
    obs['doomed_nsids'] = {None: set([0])}
    obs['record']['routes'].append([None, 'ipv4', '10.64.0.0/16', 254, 0])
    obs['routes'][None] = [{'family': 'ipv4', 'dst': '10.64.0.0/16', 'gateway': '10.0.0.50', 'dev': 'br0',
                            'metric': 0, 'table': 254}]
    plan = plan_of(params(name='lab', state='absent'), obs)
    assert steps(plan) == [('route_del', None, None, 'purge'), ('netns_delete', None, 'ns1', None),
                           ('link_delete', None, 'br0', 'purge')]
    assert plan.actions[0].params['dst'] == '10.64.0.0/16'


def test_absent_with_nothing_of_ours():
    obs = observed(links={None: {'fv0': link('fv0', 9)}})
    assert plan_of(params(name='lab', state='absent'), obs).actions == []


def test_existing_unmarked_objects_are_converged_not_marked():
    obs = observed(links={None: {'v1': link('v1', 3, link_index=4, peer={'name': 'p1', 'netns': None, 'index': 4}),
                                 'p1': link('p1', 4, link_index=3)}})
    plan = plan_of(params(name='lab', links=[{'name': 'v1', 'addresses': ['10.5.0.1/24'], 'peer': {'name': 'p1'}}]),
                   obs)
    assert steps(plan) == [('addr_add', None, 'v1', 'links[0].addresses')]


def test_missing_namespace_fails_naming_the_item_and_warns_in_check_mode():
    p = params(name='lab', links=[{'name': 'v0', 'peer': {'name': 'eth0', 'netns': 'nowhere'}}])
    with pytest.raises(ValidationError) as err:
        plan_of(p, observed())
    assert err.value.msg.startswith("option links[0].peer.netns of veth v0: namespace 'nowhere' does not exist")
    kind = TopologyKind()
    ctx = Context(True, False)
    plan = kind.plan(kind.desired(p), observed(), ctx)
    assert [a.op for a in plan.actions] == ['link_create', 'link_set', 'link_set']
    assert 'check mode assumes' in ctx.warnings[0]


@pytest.mark.parametrize('kw, option, text', [
    ({'name': 'a/b'}, 'name', 'option name of topology a/b'),
    ({'name': 'lab', 'namespaces': [{'name': 'x'}, {'name': 'x'}]}, 'namespaces[1].name', 'listed twice'),
    ({'name': 'lab', 'namespaces': [{'name': '/run/x'}]}, 'namespaces[0].name', 'not paths'),
    ({'name': 'lab', 'links': [{'name': 'v0', 'peer': {'name': 'v0'}}]}, 'links[0].peer.name', "'v0' in the current"),
    ({'name': 'lab', 'links': [{'name': 'v0', 'mtu': 10, 'peer': {'name': 'p0'}}]}, 'links[0].mtu', 'MTU 10'),
    ({'name': 'lab', 'bridges': [{'name': 'br0', 'stp': True, 'forward_delay': 0}], 'links': []},
     'bridges[0].forward_delay', 'below 2 s'),
    ({'name': 'lab', 'routes': [{'dst': '10.0.0.1/24', 'dev': 'x'}]}, 'routes[0].dst', 'host bits'),
    ({'name': 'lab', 'sysctls': [{'name': 'kernel.pid_max', 'value': '1'}]}, 'sysctls[0].name', 'not a net.* key'),
])
def test_bad_inputs_name_the_list_item(kw, option, text):
    kind = TopologyKind()
    with pytest.raises(ValidationError) as err:
        kind.plan(kind.desired(params(**kw)), observed(), Context(False, False))
    assert err.value.option == option
    assert text in err.value.msg
    assert err.value.msg.startswith('option %s' % option)


def test_top_level_netns_is_the_default_of_items():
    kind = TopologyKind()
    desired = kind.desired(params(name='lab', netns='red', bridges=[{'name': 'br0'}],
                                  links=[{'name': 'v0', 'peer': {'name': 'p0', 'netns': 'blue'}}]))
    assert desired['bridges'][0]['netns'] == 'red'
    assert desired['links'][0]['netns'] == 'red'
    assert desired['links'][0]['peer']['netns'] == 'blue'


@pytest.mark.parametrize('op, params_, expected, obj', [(case + ('x',))[:4] for case in [
    ('netns_delete', {}, 0), ('link_delete', {}, 0), ('netns_create', {}, 1),
    ('link_create', {'kind': 'bridge'}, 2), ('link_set', {'bridge': {'stp': False}}, 2),
    ('link_create', {'kind': 'veth'}, 3), ('link_set', {'mtu': 1400}, 4), ('link_set', {'up': False}, 4),
    ('addr_add', {}, 6), ('addr_del', {}, 6), ('link_set', {'up': True}, 7), ('route_add', {}, 8),
    ('sysctl_set', {}, 9), ('link_set', {'mtu': 1500}, 5, 'bridge br0'),
]])
def test_phases(op, params_, expected, obj):
    from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
    name = topology.phase(Action(op, None, obj, params_))
    assert name in topology.PHASES and topology.PHASES.index(name) == expected


def test_record_roundtrip(tmp_path):
    folder = str(tmp_path / 'topology')
    empty = {'namespaces': {}, 'refs': [], 'routes': [], 'pending': {'namespaces': [], 'links': []},
             'lists': {'namespaces': [], 'links': []}}
    assert records.read_topology('lab', folder) == empty
    records.write_topology('lab', {'name': 'lab', 'namespaces': {'ns1': 5}, 'refs': [None], 'routes': []}, folder)
    assert records.read_topology('lab', folder)['namespaces'] == {'ns1': 5}
    assert records.read_topology('lab', folder)['pending'] == empty['pending']    # an older record reads alike
    assert records.topology_path('lab', folder) == str(tmp_path / 'topology' / 'lab.json')
    # a record with only pending entries is kept: it is what a killed run leaves
    records.write_topology('lab', dict(empty, pending={'namespaces': ['ns2'], 'links': []}), folder)
    assert records.read_topology('lab', folder)['pending']['namespaces'] == ['ns2']
    records.write_topology('lab', {'name': 'lab', 'namespaces': {}, 'refs': [], 'routes': []}, folder)
    assert not (tmp_path / 'topology' / 'lab.json').exists()
    assert os.listdir(folder) == []     # no temporary file left beside it


@pytest.mark.parametrize('text', ['', '{"namespaces": ', '[1, 2]', 'null'])
def test_a_record_cut_short_or_not_an_object_reads_as_empty(tmp_path, text):
    folder = tmp_path / 'topology'
    folder.mkdir()
    (folder / 'lab.json').write_text(text)
    assert records.read_topology('lab', str(folder))['namespaces'] == {}


# -- sub-options from the kinds' own specs (Part) ------------------------------------------------
@pytest.mark.parametrize('part', topology.PARTS, ids=[p.option for p in topology.PARTS])
def test_sub_options_are_the_kinds_own_less_the_dropped(part):
    own = part.kind.options()
    sub = TopologyKind.options()[part.option]
    assert (sub['type'], sub['elements'], sub['default']) == ('list', 'dict', [])
    spec = sub['options']
    assert spec == part.spec()
    assert set(spec) == set(own) - set(part.drop)
    assert set(part.drop) <= set(own)            # only options the kind has are dropped
    for name, opt in spec.items():
        assert opt == dict(own[name], **part.override.get(name, {})), name


def test_the_overrides_make_the_item_names_and_the_peer_required():
    spec = TopologyKind.options()
    assert spec['namespaces']['options']['name']['required'] is True
    assert spec['links']['options']['peer']['required'] is True
    assert 'required' not in topology.NetnsKind.options()['name']   # the kind's own spec is untouched
    assert not topology.VethKind.options()['peer'].get('required')


@pytest.mark.parametrize('part', [p for p in topology.PARTS if p.drop], ids=[p.option for p in topology.PARTS if p.drop])
def test_a_dropped_option_is_refused_in_an_item(part):
    with pytest.raises(TypeError) as err:
        params(name='lab', **{part.option: [{part.drop[-1]: None}]})
    assert 'unsupported parameters %s' % part.drop[-1] in str(err.value)


@pytest.mark.parametrize('option, item, key, kind_option', [
    ('sysctls', {'name': 'net.ipv4.ip_forward', 'value': '1'}, 'verify', 'verify'),
    ('links', {'name': 'v0', 'peer': {'name': 'p0'}}, 'purge_addresses', 'purge_addresses'),
    ('bridges', {'name': 'br0'}, 'purge_addresses', 'purge_addresses'),
    ('bridges', {'name': 'br0'}, 'purge_ports', 'purge_ports'),
    ('bridges', {'name': 'br0'}, 'fdb', 'fdb'),
    ('bridges', {'name': 'br0'}, 'state', 'state'),
    ('routes', {'dst': 'default', 'dev': 'eth0'}, 'state', 'state'),
])
def test_a_dropped_option_reaches_the_kind_with_its_own_default(option, item, key, kind_option):
    part = topology.PART[option]
    default = part.kind.options()[kind_option].get('default')
    desired = TopologyKind().desired(params(name='lab', **{option: [item]}))
    assert desired[option][0][key] == default
    # and it is what the kind's own module would have made of the same item
    own = part.kind().desired(fake_params(part.kind, **item))
    assert own[key] == desired[option][0][key]


# -- observe and apply through ctx.io: the ownership record -------------------------------------
def run_lab(check_mode=False, record=None):
    session = FakeSession(links={None: {}}, named=[])

    def kernel(actions):    # the apply made ns1
        session.namespaces.add('ns1')
    io = FakeIo(session, records={'lab': record} if record else None, on_apply=kernel)
    given = params(name='lab', namespaces=[{'name': 'ns1'}],
                   links=[{'name': 'v1', 'peer': {'name': 'eth0', 'netns': 'ns1'}}])
    return run_steps(TopologyKind(), given, io, check_mode=check_mode), io


def test_apply_is_fast_apply_then_the_ownership_record():
    ran, io = run_lab()
    assert [how for how, _actions in io.applied] == ['fast_apply']
    assert io.process.raised == 1
    no_pending = {'namespaces': [], 'links': []}
    lists = {'namespaces': ['ns1'], 'links': [[None, 'v1'], ['ns1', 'eth0']]}
    assert io.records.written == [
        # before the first action: what the plan creates is pending (a kill leaves it owned)
        ('lab', {'name': 'lab', 'namespaces': {}, 'refs': [None], 'routes': [],
                 'pending': {'namespaces': ['ns1'], 'links': [[None, 'v1']]}, 'lists': lists}),
        # after the apply: what the topology owns, and what it lists
        ('lab', {'name': 'lab', 'namespaces': {'ns1': io.session.identity('ns1')[1]},
                 'refs': [None], 'routes': [], 'pending': no_pending, 'lists': lists})]
    assert ran.result['counts'] == {'netns_create': 1, 'link_create': 1, 'link_set': 3}


def test_check_mode_writes_no_record_and_applies_nothing():
    ran, io = run_lab(check_mode=True)
    assert ran.plan.changed and io.applied == [] and io.records.written == []


def test_a_failed_apply_leaves_a_record_of_what_may_exist_only():
    session = FakeSession(links={None: {}}, named=[])
    io = FakeIo(session, fail_apply=ValidationError('option links[0].name of veth v1: refused', 'links[0].name'))
    with pytest.raises(ValidationError):
        run_steps(TopologyKind(), params(name='lab', namespaces=[{'name': 'ns1'}],
                                         links=[{'name': 'v1', 'peer': {'name': 'eth0'}}]), io)
    assert [w[1]['pending'] for w in io.records.written] == [
        {'namespaces': ['ns1'], 'links': [[None, 'v1']]},
        # the undo removed ns1 and v1: neither owned nor pending (the file goes: nothing is named)
        {'namespaces': [], 'links': []}]
    assert io.records.written[-1][1]['namespaces'] == {}


def test_a_failed_apply_whose_undo_left_a_link_keeps_it_pending():
    session = FakeSession(links={None: {}}, named=[])
    io = FakeIo(session, fail_apply=ValidationError('option links[0].name of veth v1: refused', 'links[0].name'))
    io.fail_apply = None

    def kernel(actions):    # the link was made, then a later step failed and the undo could not delete it
        session.links_of[None]['v1'] = {'name': 'v1', 'kind': 'veth'}
        raise ValidationError('option links[0].up of veth v1: refused', 'links[0].up')
    io.on_apply = kernel
    with pytest.raises(ValidationError):
        run_steps(TopologyKind(), params(name='lab', links=[{'name': 'v1', 'peer': {'name': 'eth0'}}]), io)
    assert io.records.written[-1][1]['pending'] == {'namespaces': [], 'links': [[None, 'v1']]}


# -- kill-safety: what a killed run left ----------------------------------------------------------
def _killed_lab(pending, links=None, named=None, half_made=(), record=None):
    links = links if links is not None else {None: {}}
    session = FakeSession(links=links, named=named)
    session.half_made_files = set(half_made)
    rec = {'namespaces': {}, 'refs': [], 'routes': [], 'pending': pending}
    rec.update(record or {})
    return session, FakeIo(session, records={'lab': rec})


def test_a_pending_namespace_that_exists_is_owned_and_a_pending_link_left_unmarked_is_marked():
    veth = {'name': 'v1', 'kind': 'veth', 'index': 5, 'addresses': [], 'up': False, 'alias': None,
            'link_index': 2, 'link_netnsid': 0}
    session, io = _killed_lab({'namespaces': ['ns1'], 'links': [[None, 'v1']]},
                              links={None: {'v1': veth}, 'ns1': {'lo': {'name': 'lo', 'up': True}}}, named=['ns1'])
    session.peers = {(None, 'v1'): {'name': 'eth0', 'netns': 'ns1', 'index': 2}}
    given = params(name='lab', links=[{'name': 'v1', 'peer': {'name': 'eth0', 'netns': 'ns1'}}])
    ran = run_steps(TopologyKind(), given, io, check_mode=True)
    marks = [a for a in ran.plan.actions if a.params.get('alias') == 'netvirt-topology:lab']
    assert [(a.op, a.netns, a.params['name']) for a in marks] == [('link_set', None, 'v1')]
    assert 'a killed run created it and did not mark it' in marks[0].text
    assert ran.observed['owned'] == {'ns1': session.identity('ns1')[1]}
    assert io.records.written == []         # check mode writes nothing, not even the pruning


def test_absent_after_a_killed_build_removes_what_the_kill_left_unowned():
    veth = {'name': 'v1', 'kind': 'veth', 'index': 5, 'addresses': [], 'up': False, 'alias': None}
    session, io = _killed_lab({'namespaces': ['ns1', 'ns2'], 'links': [[None, 'v1']]},
                              links={None: {'v1': veth}, 'ns1': {}}, named=['ns1'])
    ran = run_steps(TopologyKind(), params(name='lab', state='absent'), io, check_mode=True)
    assert sorted((a.op, a.params['name']) for a in ran.plan.actions) == [('link_delete', 'v1'),
                                                                          ('netns_delete', 'ns1')]


def test_a_half_made_pending_namespace_is_made_again_in_place_of_its_empty_file():
    session, io = _killed_lab({'namespaces': ['ns1'], 'links': []}, named=['ns1'], half_made=['ns1'])

    def fd(ref, option='netns', obj=None):
        err = NetvirtError('option %s of %s: /run/netns/ns1 is not a network namespace' % (option, obj), option, obj)
        err.not_a_netns = err.half_made = True
        raise err
    session.fd = fd
    ran = run_steps(TopologyKind(), params(name='lab', namespaces=[{'name': 'ns1'}]), io, check_mode=True)
    create = [a for a in ran.plan.actions if a.op == 'netns_create']
    assert create[0].params['replace_empty'] is True and 'empty file a killed run left' in create[0].text


def test_a_half_made_namespace_that_is_not_pending_still_fails_naming_it():
    session, io = _killed_lab({'namespaces': [], 'links': []}, named=['ns1'], half_made=['ns1'])

    def fd(ref, option='netns', obj=None):
        err = NetvirtError('option %s of %s: /run/netns/ns1 is an empty file' % (option, obj), option, obj)
        err.not_a_netns = err.half_made = True
        raise err
    session.fd = fd
    with pytest.raises(NetvirtError) as err:
        run_steps(TopologyKind(), params(name='lab', namespaces=[{'name': 'ns1'}]), io, check_mode=True)
    assert 'namespaces[0].name of namespace ns1' in err.value.msg


def test_a_record_naming_what_is_gone_is_pruned_by_a_real_run_only():
    rec = {'namespaces': {'gone': 7}}
    session, io = _killed_lab({'namespaces': ['never'], 'links': []}, record=rec)
    run_steps(TopologyKind(), params(name='lab', state='absent'), io, check_mode=True)
    assert io.records.written == []
    run_steps(TopologyKind(), params(name='lab', state='absent'), io)
    assert io.records.written[0][1]['namespaces'] == {}
    assert io.records.written[0][1]['pending']['namespaces'] == []


# -- check mode refuses what the kernel would: a gateway not on a subnet by then -------------------
def test_a_route_through_a_link_made_in_the_same_task_comes_after_that_end_s_address():
    """The case random plans found: the route's namespace holds the link's own end (the peer is in
    another namespace): the end's address must be added before the route (else ENETUNREACH)."""
    lab = dict(name='lab', namespaces=[{'name': 'a'}, {'name': 'b'}],
               links=[{'name': 'ab', 'netns': 'a', 'addresses': ['10.5.0.1/30'],
                       'peer': {'name': 'ba', 'netns': 'b', 'addresses': ['10.5.0.2/30']}}],
               routes=[{'netns': 'a', 'dst': '10.6.0.0/24', 'gateway': '10.5.0.2'},
                       {'netns': 'b', 'dst': '10.7.0.0/24', 'gateway': '10.5.0.1'}])
    plan = plan_of(params(**lab), observed(namespaces={'a': {'exists': False}, 'b': {'exists': False}}))
    order = steps(plan)
    for netns, end in (('a', 'ab'), ('b', 'ba')):
        address = order.index(('addr_add', netns, end, 'links[0].%saddresses' % ('peer.' if netns == 'b' else '')))
        route = [i for i, s in enumerate(order) if s[0] == 'route_add' and s[1] == netns][0]
        assert address < route, order


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_route_whose_gateway_no_address_of_the_plan_reaches_is_refused(check_mode):
    lab = dict(name='lab', namespaces=[{'name': 'a'}],
               links=[{'name': 'v0', 'peer': {'name': 'eth0', 'netns': 'a', 'addresses': ['10.5.0.2/30']}}],
               routes=[{'netns': 'a', 'dst': 'default', 'gateway': '10.9.0.1'}])
    with pytest.raises(ValidationError) as err:
        plan_of(params(**lab), observed(namespaces={'a': {'exists': False}}), check_mode=check_mode)
    assert err.value.option == 'routes[0].gateway'
    assert err.value.msg.startswith('option routes[0].gateway of route default (ipv4): 10.9.0.1 is not on a subnet')


def test_an_ipv6_address_in_a_namespace_ipv6_quiet_makes_is_refused_before_the_kernel():
    lab = dict(name='lab', ipv6_quiet=True, namespaces=[{'name': 'a'}],
               links=[{'name': 'v0', 'addresses': ['fd00:9::1/64'],
                       'peer': {'name': 'eth0', 'netns': 'a', 'addresses': ['10.5.0.2/30', 'fd00:9::2/64']}}])
    with pytest.raises(ValidationError) as err:
        TopologyKind().desired(params(**lab))
    # the end outside the quiet namespaces keeps its IPv6 address; the one inside is refused
    assert err.value.option == 'links[0].peer.addresses'
    assert 'fd00:9::2/64 is an IPv6 address, and ipv6_quiet turns IPv6 off' in err.value.msg
    lab['links'][0]['peer']['addresses'] = ['10.5.0.2/30']
    TopologyKind().desired(params(**lab))


# -- an object two topologies list is shared: absent of the one that made it hands it over ----------
def test_absent_hands_over_what_another_topology_lists_and_removes_the_rest():
    bridge = {'name': 'br0', 'kind': 'bridge', 'index': 4, 'addresses': [], 'up': True,
              'alias': 'netvirt-topology:a'}
    mine = {'name': 'v9', 'kind': 'veth', 'index': 5, 'addresses': [], 'up': True, 'alias': 'netvirt-topology:a'}
    session = FakeSession(links={None: {'br0': bridge, 'v9': mine}, 'shared': {}, 'only_a': {}},
                          named=['shared', 'only_a'])
    inode = session.identity('shared')[1]
    records = {'a': {'namespaces': {'shared': inode, 'only_a': session.identity('only_a')[1]}, 'refs': [None]},
               'b': {'namespaces': {}, 'refs': [], 'lists': {'namespaces': ['shared'], 'links': [[None, 'br0']]}}}
    io = FakeIo(session, records=records)
    ran = run_steps(TopologyKind(), params(name='a', state='absent'), io)
    texts = sorted(a.text for a in ran.plan.actions)
    assert texts == ['delete namespace only_a (its interfaces go with it)', 'delete veth v9 and its peer',
                     'hand bridge br0 over to topology b (it lists it too)',
                     'hand namespace shared over to topology b (it lists it too)']
    handover = [a for a in ran.plan.actions if a.op == 'link_set'][0]
    assert handover.params == {'name': 'br0', 'alias': 'netvirt-topology:b'}
    b = io.records.topologies['b']
    assert b['namespaces'] == {'shared': inode} and b['refs'] == [None]
    assert 'a' not in io.records.topologies or io.records.topologies['a']['namespaces'] == {}


def test_what_no_other_topology_lists_is_removed_as_before():
    bridge = {'name': 'br0', 'kind': 'bridge', 'index': 4, 'addresses': [], 'up': True,
              'alias': 'netvirt-topology:a'}
    session = FakeSession(links={None: {'br0': bridge}})
    io = FakeIo(session, records={'a': {'namespaces': {}, 'refs': [None]},
                                  'b': {'namespaces': {}, 'refs': [], 'lists': {'namespaces': [], 'links': [[None, 'br1']]}}})
    ran = run_steps(TopologyKind(), params(name='a', state='absent'), io, check_mode=True)
    assert [a.op for a in ran.plan.actions] == ['link_delete']


# -- issue 13: a per-interface sysctl key of an interface the task does not make -------------------
CONF = '/proc/sys/net/ipv4/conf/%s/forwarding'


def _sysctl_session(netns_exists):
    return FakeSession(links={None: {}, 'ns1': {'lo': {'name': 'lo', 'up': True}}} if netns_exists
                       else {None: {}}, named=['ns1'] if netns_exists else [])


@pytest.mark.parametrize('netns_exists', [True, False])
def test_a_per_interface_key_of_an_interface_nobody_makes_is_refused_before_any_change(netns_exists):
    # found by tests/integration/test_random_plans.py: the real run failed with ENOENT at the apply
    given = params(name='lab', namespaces=[{'name': 'ns1'}],
                   sysctls=[{'netns': 'ns1', 'name': 'net.ipv4.conf.nosuch0.forwarding', 'value': '1'}])
    session = _sysctl_session(netns_exists)
    with pytest.raises(NetvirtError) as err:
        run_steps(TopologyKind(), given, FakeIo(session))
    assert 'option name of sysctl net.ipv4.conf.nosuch0.forwarding: no such key' in str(err.value)
    assert "is interface 'nosuch0' in namespace 'ns1'?" in str(err.value)
    assert ('ns1' in session.namespaces) == netns_exists    # refused before the namespace was made


@pytest.mark.parametrize('netns_exists', [True, False])
def test_check_mode_warns_of_a_per_interface_key_of_an_interface_nobody_makes(netns_exists):
    # as the sysctl module: an earlier task of the same check run may be about to make the interface
    given = params(name='lab', namespaces=[{'name': 'ns1'}],
                   sysctls=[{'netns': 'ns1', 'name': 'net.ipv4.conf.nosuch0.forwarding', 'value': '1'}])
    ran = run_steps(TopologyKind(), given, FakeIo(_sysctl_session(netns_exists)), check_mode=True)
    assert [a.op for a in ran.plan.actions if a.op == 'sysctl_set'] == ['sysctl_set']
    assert [w for w in ran.ctx.warnings if "interface 'nosuch0' is not in namespace 'ns1'; check mode assumes" in w]


@pytest.mark.parametrize('check_mode', [True, False])
def test_a_per_interface_key_of_lo_in_a_namespace_the_task_makes_is_planned(check_mode):
    given = params(name='lab', namespaces=[{'name': 'ns1'}],
                   sysctls=[{'netns': 'ns1', 'name': 'net.ipv4.conf.lo.forwarding', 'value': '1'}])
    kind = TopologyKind()
    ctx = Context(check_mode, False)
    desired = kind.desired(given)
    plan = kind.plan(desired, kind.observe(_sysctl_session(False), desired, Context(check_mode, False, FakeIo())),
                     ctx)
    assert [a.op for a in plan.actions if a.op == 'sysctl_set'] == ['sysctl_set']


@pytest.mark.parametrize('netns_exists', [True, False])
def test_a_per_interface_key_of_an_interface_the_task_makes_is_planned(netns_exists):
    session = FakeSession(links={None: {}, 'ns1': {'lo': {'name': 'lo', 'up': True}}} if netns_exists
                          else {None: {}}, named=['ns1'] if netns_exists else [])
    given = params(name='lab', namespaces=[{'name': 'ns1'}],
                   links=[{'name': 'v1', 'peer': {'name': 'eth0', 'netns': 'ns1'}}],
                   sysctls=[{'netns': 'ns1', 'name': 'net.ipv4.conf.eth0.forwarding', 'value': '1'}])
    ran = run_steps(TopologyKind(), given, FakeIo(session), check_mode=True)
    assert [a.op for a in ran.plan.actions if a.op == 'sysctl_set'] == ['sysctl_set']


# -- issue 13: absent returns once the kernel removed the veth ends that go with a namespace --------
def test_absent_and_purge_remember_the_veth_ends_that_go_with_their_namespace():
    for given in (params(name='lab', state='absent'),
                  params(**lab_with(purge=True, namespaces=[], links=[], routes=[], sysctls=[]))):
        obs = built()
        obs['doomed_nsids'] = {None: set([0])}
        kind = TopologyKind()
        kind.plan(kind.desired(given), obs, Context(False, False))
        assert kind._doomed == [(None, 'v1')]
    kind = TopologyKind()
    kind.plan(kind.desired(params(**LAB)), built(), Context(False, False))
    assert kind._doomed == []


class Polls(object):
    """A session whose host namespace lists ``seen[i]`` at the i-th dump, and a clock that moves
    only when slept."""

    def __init__(self, seen):
        self.seen = list(seen)
        self.dumps = 0
        self.now = 100.0
        self.slept = []

    def links(self, ref, peers=True, keep_ids=False, raw=False):
        assert ref is None and raw and not peers
        names = self.seen[min(self.dumps, len(self.seen) - 1)]
        self.dumps += 1
        return dict((n, {}) for n in names)

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_the_apply_waits_until_the_kernel_removed_them():
    polls = Polls([['v1', 'br0', 'lo'], ['v1', 'lo'], ['lo']])
    ctx = Context(False, False)
    TopologyKind()._wait_gone(polls, [(None, 'v1')], ctx, clock=polls.clock, sleep=polls.sleep)
    assert polls.dumps == 3 and len(polls.slept) == 2
    assert ctx.warnings == []


def test_nothing_to_wait_for_reads_nothing():
    polls = Polls([['v1']])
    TopologyKind()._wait_gone(polls, [], Context(False, False), clock=polls.clock, sleep=polls.sleep)
    assert polls.dumps == 0


def test_the_wait_warns_naming_what_is_left_after_its_limit():
    polls = Polls([['v1', 'v2', 'lo']])
    ctx = Context(False, False)
    TopologyKind()._wait_gone(polls, [(None, 'v1'), (None, 'v2')], ctx, clock=polls.clock, sleep=polls.sleep)
    assert sum(polls.slept) >= TopologyKind.GONE_WAIT
    assert max(polls.slept) <= 0.1
    assert len(ctx.warnings) == 1
    assert 'the kernel has not yet removed v1, v2 in the current namespace' in ctx.warnings[0]
