# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The veth kind: desired() validation and plan() from plain observed dicts, in the shape
VethKind.observe returns: {'netns': ref, 'peer_netns': ref, 'links': {ref: {name: link}}} where a
link is what Session.links gives (a veth has 'peer': {'name', 'netns', 'index'})."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params_for, run_steps

MAC_A = '02:00:00:00:00:0a'
MAC_B = '02:00:00:00:00:0b'


# -- input as AnsibleModule gives it ---------------------------------------------------------
def peer(**kw):
    """The peer sub-option as a task gives it (params() fills the rest as AnsibleModule does)."""
    out = {'name': 'eth0'}
    out.update(kw)
    return out


params = params_for(VethKind, name='v0')


# -- observed data as Session.links gives it ------------------------------------------------
def link(name, kind='veth', index=2, peer_to=None, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': MAC_A, 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    if kind == 'veth':
        out['peer'] = None
        if peer_to is not None:
            out['peer'] = {'name': peer_to[1], 'netns': peer_to[0], 'index': 99}
    out.update(kw)
    return out


def lo():
    return link('lo', kind='loopback', index=1, mac='00:00:00:00:00:00', mtu=65536, operstate='unknown')


def pair_links(ns, name, pns, pname, main=None, other=None):
    """links of a namespace or two holding one pair (+ lo); main/other: extra attributes of each end."""
    links = {ns: {'lo': lo()}}
    links.setdefault(pns, {'lo': lo()})
    links[ns][name] = link(name, index=5, peer_to=(pns, pname), **(main or {}))
    links[pns][pname] = link(pname, index=6, peer_to=(ns, name), mac=MAC_B, **(other or {}))
    return links


def observed(links, netns, peer_netns):
    return {'netns': netns, 'peer_netns': peer_netns, 'links': links}


def plan_of(given, obs, check_mode=False, alias=None):
    """``alias``: the ownership mark a composite (topology) hands the kind through desired."""
    kind = VethKind()
    ctx = Context(check_mode, True)
    desired = kind.desired(given)
    if alias:
        desired['alias'] = alias
    plan = kind.plan(desired, copy.deepcopy(obs), ctx)
    return plan, ctx


OWN = 'netvirt-topology:lab'    # a pair marked as the caller's own: its other end may be moved or renamed


def ops(plan):
    return [(a.op, a.netns, a.params) for a in plan.actions]


# -- desired ------------------------------------------------------------------------------------
def test_desired_normalises():
    out = VethKind().desired(params(
        netns='ns1', mtu='9000', mac='02-00-00-00-00-0A', addresses=['fd00:0::1/64'], master='',
        peer=peer(name='eth0', netns='  ns2 ', master='br0', addresses=['10.0.0.2/24'])))
    assert out == {
        'name': 'v0', 'obj': 'veth v0', 'netns': 'ns1', 'state': 'present', 'mtu': 9000, 'purge_addresses': False,
        'end': {'mac': MAC_A, 'master': '', 'addresses': ['fd00::1/64'], 'up': True},
        'peer': {'name': 'eth0', 'netns': 'ns2', 'mac': None, 'master': 'br0', 'addresses': ['10.0.0.2/24'],
                 'up': True},
    }


@pytest.mark.parametrize('peer_netns, expected', [
    (None, 'ns1'),     # not given: the same namespace as the veth
    ('', None),        # given empty: the module's own namespace
    ('ns2', 'ns2'),
    (4242, '4242'),
])
def test_desired_peer_namespace(peer_netns, expected):
    out = VethKind().desired(params(netns='ns1', peer=peer(netns=peer_netns)))
    assert out['peer']['netns'] == expected


def test_desired_absent_without_peer():
    out = VethKind().desired(params(state='absent'))
    assert out['peer'] is None and out['state'] == 'absent'


@pytest.mark.parametrize('given, option, fragment', [
    (params(name='a-name-longer-than-15'), 'name', 'at most 15'),
    (params(name='v/0'), 'name', "'v/0'"),
    (params(netns='a b', peer=peer()), 'netns', "'a b'"),
    (params(netns=True, peer=peer()), 'netns', 'expected a namespace name'),
    (params(mtu=40, peer=peer()), 'mtu', 'MTU 40 is out of range'),
    (params(mac='01:00:5e:00:00:01', peer=peer()), 'mac', 'multicast'),
    (params(master='b r', peer=peer()), 'master', "'b r'"),
    (params(addresses=['10.0.0.300/24'], peer=peer()), 'addresses', '10.0.0.300/24'),
    (params(addresses=['10.0.0.1/24', '10.0.0.1/24'], peer=peer()), 'addresses', 'listed twice'),
    (params(peer=peer(name='x' * 16)), 'peer.name', 'at most 15'),
    (params(peer=peer(name='')), 'peer.name', 'is required'),
    (params(peer=peer(netns='a/b')), 'peer.netns', "'a/b'"),
    (params(peer=peer(netns=0)), 'peer.netns', 'PID 0'),
    (params(peer=peer(mac='zz')), 'peer.mac', "'zz'"),
    (params(peer=peer(master='x' * 16)), 'peer.master', 'at most 15'),
    (params(peer=peer(addresses=['10.0.0.2'])), 'peer.addresses', 'prefix length'),
])
def test_desired_bad(given, option, fragment):
    with pytest.raises(ValidationError) as info:
        VethKind().desired(given)
    # a bad name leaves the object as 'veth'; otherwise it is 'veth v0'
    assert info.value.msg.startswith('option %s of veth%s: ' % (option, '' if option == 'name' else ' v0')), \
        info.value.msg
    assert fragment in info.value.msg
    assert info.value.option == option


# -- plan: creating -------------------------------------------------------------------------
def test_new_pair_across_namespaces():
    obs = observed({'ns1': {'lo': lo()}, 'ns2': {'lo': lo()}}, 'ns1', 'ns2')
    plan, ctx = plan_of(params(netns='ns1', mtu=9000, addresses=['10.0.0.1/24'],
                               peer=peer(name='eth0', netns='ns2', addresses=['10.0.0.2/24'])), obs)
    assert ops(plan) == [
        ('link_create', 'ns1', {'name': 'v0', 'kind': 'veth', 'peer': {'name': 'eth0', 'netns': 'ns2'}}),
        ('link_set', 'ns1', {'name': 'v0', 'mtu': 9000}),
        ('addr_add', 'ns1', {'name': 'v0', 'address': '10.0.0.1/24'}),
        ('link_set', 'ns1', {'name': 'v0', 'up': True}),
        ('link_set', 'ns2', {'name': 'eth0', 'mtu': 9000}),
        ('addr_add', 'ns2', {'name': 'eth0', 'address': '10.0.0.2/24'}),
        ('link_set', 'ns2', {'name': 'eth0', 'up': True}),
    ]
    create = plan.actions[0]
    assert create.option == 'name'
    assert (create.undo.op, create.undo.netns, create.undo.params) == ('link_delete', 'ns1', {'name': 'v0'})
    assert [a.undo for a in plan.actions[1:]] == [None] * 6
    assert [a.option for a in plan.actions[1:]] == ['mtu', 'addresses', 'up', 'peer.mtu', 'peer.addresses',
                                                    'peer.up']
    assert plan.descriptions()[0] == "ns1: create veth v0 with peer eth0 in namespace 'ns2'"
    assert plan.diff() == {
        'before_header': "veth v0 (namespace 'ns1')", 'after_header': "veth v0 (namespace 'ns1')",
        'before': {'state': 'absent'},
        'after': {'state': 'present', 'netns': 'ns1', 'kind': 'veth', 'mtu': 9000, 'up': True,
                  'addresses': ['10.0.0.1/24'],
                  'peer': {'name': 'eth0', 'netns': 'ns2', 'mtu': 9000, 'up': True,
                           'addresses': ['10.0.0.2/24']}},
    }
    assert ctx.warnings == []


def test_new_pair_in_the_current_namespace_with_master():
    links = {None: {'lo': lo(), 'br0': link('br0', kind='bridge', index=3)}}
    plan, _ctx = plan_of(params(master='br0', peer=peer(name='v1', up=False)), observed(links, None, None))
    assert ops(plan) == [
        ('link_create', None, {'name': 'v0', 'kind': 'veth', 'peer': {'name': 'v1', 'netns': None}}),
        ('link_set', None, {'name': 'v0', 'master': 'br0'}),
        ('link_set', None, {'name': 'v0', 'up': True}),
    ]
    assert plan.descriptions()[0] == 'create veth v0 with peer v1 in the current namespace'


def test_same_namespace_pair_with_equal_names_is_refused():
    with pytest.raises(ValidationError) as info:
        plan_of(params(netns='ns1', peer=peer(name='v0')), observed({'ns1': {}}, 'ns1', 'ns1'))
    assert info.value.msg.startswith("option peer.name of veth v0: both ends are in namespace 'ns1'")
    assert info.value.option == 'peer.name'


def test_equal_names_in_two_namespaces_are_fine():
    plan, _ctx = plan_of(params(netns='ns1', peer=peer(name='v0', netns='ns2')),
                         observed({'ns1': {}, 'ns2': {}}, 'ns1', 'ns2'))
    assert plan.actions[0].params['peer'] == {'name': 'v0', 'netns': 'ns2'}


@pytest.mark.parametrize('kind', ['veth', 'bridge', 'loopback'])
def test_new_pair_peer_name_taken(kind):
    links = {'ns1': {}, 'ns2': {'eth0': link('eth0', kind=kind)}}
    with pytest.raises(ValidationError) as info:
        plan_of(params(netns='ns1', peer=peer(netns='ns2')), observed(links, 'ns1', 'ns2'))
    assert info.value.msg == ("option peer.name of veth v0: 'eth0' is already taken in namespace 'ns2' (by a %s)"
                              % kind)


@pytest.mark.parametrize('state, verb', [('present', 'take it over'), ('absent', 'remove it')])
def test_name_taken_by_a_bridge(state, verb):
    links = {'ns1': {'v0': link('v0', kind='bridge')}}
    with pytest.raises(ValidationError) as info:
        plan_of(params(netns='ns1', state=state, peer=peer()), observed(links, 'ns1', 'ns1'))
    msg = info.value.msg
    assert msg.startswith('option name of veth v0: '), msg
    assert "'v0' already exists in namespace 'ns1' and it is a bridge, not a veth" in msg
    assert msg.endswith('refusing to %s' % verb)
    assert info.value.option == 'name' and info.value.obj == 'veth v0'


# -- plan: an existing pair -----------------------------------------------------------------
def test_idempotent_pair():
    links = pair_links('ns1', 'v0', 'ns2', 'eth0', main={'addresses': ['10.0.0.1/24']},
                       other={'addresses': ['10.0.0.2/24', 'fe80::1/64'], 'master': 'br1'})
    links['ns2']['br1'] = link('br1', kind='bridge', index=3)
    given = params(netns='ns1', mtu=1500, mac=MAC_A, addresses=['10.0.0.1/24'], purge_addresses=True,
                   peer=peer(netns='ns2', mac=MAC_B, master='br1', addresses=['10.0.0.2/24']))
    plan, ctx = plan_of(given, observed(links, 'ns1', 'ns2'))
    assert ops(plan) == []
    assert plan.changed is False
    diff = plan.diff()
    assert diff['before'] == diff['after']
    assert diff['after'] == {
        'state': 'present', 'netns': 'ns1', 'kind': 'veth', 'mtu': 1500, 'mac': MAC_A, 'master': None,
        'up': True, 'addresses': ['10.0.0.1/24'],
        'peer': {'name': 'eth0', 'netns': 'ns2', 'mtu': 1500, 'mac': MAC_B, 'master': 'br1', 'up': True,
                 'addresses': ['10.0.0.2/24', 'fe80::1/64']},
    }
    assert ctx.warnings == []


def test_idempotent_pair_in_one_namespace():
    links = pair_links(None, 'v0', None, 'v1')
    plan, _ctx = plan_of(params(peer=peer(name='v1')), observed(links, None, None))
    assert ops(plan) == []
    assert plan.diff()['before_header'] == 'veth v0 (the current namespace)'


def test_mtu_change_sets_both_ends():
    links = pair_links('ns1', 'v0', 'ns2', 'eth0')
    plan, _ctx = plan_of(params(netns='ns1', mtu=9000, peer=peer(netns='ns2')), observed(links, 'ns1', 'ns2'))
    assert ops(plan) == [
        ('link_set', 'ns1', {'name': 'v0', 'mtu': 9000}),
        ('link_set', 'ns2', {'name': 'eth0', 'mtu': 9000}),
    ]
    assert [a.option for a in plan.actions] == ['mtu', 'peer.mtu']
    diff = plan.diff()
    assert (diff['before']['mtu'], diff['before']['peer']['mtu']) == (1500, 1500)
    assert (diff['after']['mtu'], diff['after']['peer']['mtu']) == (9000, 9000)


def test_peer_in_the_wrong_namespace_is_moved_and_renamed():
    links = pair_links('ns1', 'v0', 'ns2', 'eth0', main={'alias': OWN}, other={'addresses': ['10.0.0.2/24'], 'up': True})
    links['ns3'] = {'lo': lo(), 'br3': link('br3', kind='bridge', index=3)}
    given = params(netns='ns1', peer=peer(name='eth1', netns='ns3', master='br3', addresses=['10.0.0.2/24']))
    plan, _ctx = plan_of(given, observed(links, 'ns1', 'ns3'), alias=OWN)
    # A moved interface arrives down, without addresses and master: all of it is set again there.
    assert ops(plan) == [
        ('link_move', 'ns2', {'name': 'eth0', 'to': 'ns3', 'new_name': 'eth1'}),
        ('link_set', 'ns3', {'name': 'eth1', 'master': 'br3'}),
        ('addr_add', 'ns3', {'name': 'eth1', 'address': '10.0.0.2/24'}),
        ('link_set', 'ns3', {'name': 'eth1', 'up': True}),
    ]
    move = plan.actions[0]
    assert move.option == 'peer.netns' and move.obj == 'veth peer eth0'
    assert move.describe() == "ns2: move peer eth0 of veth v0 to namespace 'ns3' as eth1"
    diff = plan.diff()
    assert diff['before']['peer'] == {'name': 'eth0', 'netns': 'ns2', 'mtu': 1500, 'mac': MAC_B, 'master': None,
                                      'up': True, 'addresses': ['10.0.0.2/24']}
    assert diff['after']['peer'] == {'name': 'eth1', 'netns': 'ns3', 'mtu': 1500, 'mac': MAC_B, 'master': 'br3',
                                     'up': True, 'addresses': ['10.0.0.2/24']}


def test_peer_moved_under_the_same_name():
    links = pair_links('ns1', 'v0', 'ns2', 'eth0', main={'alias': OWN})
    links['ns3'] = {'lo': lo()}
    plan, _ctx = plan_of(params(netns='ns1', peer=peer(netns='ns3')), observed(links, 'ns1', 'ns3'), alias=OWN)
    assert ops(plan) == [
        ('link_move', 'ns2', {'name': 'eth0', 'to': 'ns3'}),
        ('link_set', 'ns3', {'name': 'eth0', 'up': True}),
    ]
    assert plan.descriptions()[0] == "ns2: move peer eth0 of veth v0 to namespace 'ns3'"
    assert plan.diff()['after']['peer']['addresses'] == []


def test_peer_renamed_in_place():
    links = pair_links('ns1', 'v0', 'ns2', 'eth0', main={'alias': OWN})
    plan, _ctx = plan_of(params(netns='ns1', mtu=9000, peer=peer(name='eth1', netns='ns2')),
                         observed(links, 'ns1', 'ns2'), alias=OWN)
    assert ops(plan) == [
        ('link_set', 'ns2', {'name': 'eth0', 'new_name': 'eth1'}),
        ('link_set', 'ns1', {'name': 'v0', 'mtu': 9000}),
        ('link_set', 'ns2', {'name': 'eth1', 'mtu': 9000}),     # after the rename: the new name
    ]
    assert plan.actions[0].option == 'peer.name'
    assert plan.descriptions()[0] == 'ns2: rename peer eth0 of veth v0 to eth1'
    diff = plan.diff()
    assert diff['before']['peer']['name'] == 'eth0'
    assert diff['after']['peer']['name'] == 'eth1'
    assert diff['after']['peer']['netns'] == 'ns2'


@pytest.mark.parametrize('peer_name, peer_netns, verb, alias', [
    ('eth1', 'ns2', 'rename', None), ('eth0', 'ns3', 'move', None),
    ('eth1', 'ns2', 'rename', 'netvirt-topology:other'),     # marked, but by another owner
])
def test_the_other_end_of_a_pair_not_marked_as_ours_is_never_moved_or_renamed(peer_name, peer_netns, verb, alias):
    links = pair_links('ns1', 'v0', 'ns2', 'eth0', main={'alias': alias} if alias else None)
    links['ns3'] = {'lo': lo()}
    with pytest.raises(ValidationError) as info:
        plan_of(params(netns='ns1', peer=peer(name=peer_name, netns=peer_netns)), observed(links, 'ns1', peer_netns),
                alias=OWN)
    assert info.value.option in ('peer.name', 'peer.netns')
    assert "paired with 'eth0' in namespace 'ns2'" in info.value.msg
    assert 'refusing to %s the other end of an existing pair' % verb in info.value.msg


@pytest.mark.parametrize('peer_netns, verb', [('ns2', 'renamed'), ('ns3', 'moved')])
def test_existing_pair_peer_name_taken(peer_netns, verb):
    links = pair_links('ns1', 'v0', 'ns2', 'eth0')
    links['ns2']['eth1'] = link('eth1', kind='bridge', index=8)
    links['ns3'] = {'eth1': link('eth1', kind='bridge', index=8)}
    with pytest.raises(ValidationError) as info:
        plan_of(params(netns='ns1', peer=peer(name='eth1', netns=peer_netns)), observed(links, 'ns1', peer_netns))
    assert info.value.msg == ("option peer.name of veth v0: 'eth1' is already taken in namespace '%s' (by a bridge), "
                              "so the peer cannot be %s there" % (peer_netns, verb))


def test_peer_in_an_unknown_namespace_is_refused():
    links = {'ns1': {'v0': link('v0', index=5)}}
    links['ns1']['v0']['peer'] = {'name': None, 'netns': None, 'nsid': 3, 'index': 9,
                                  'unresolved': 'the peer is in a namespace with no name or path known here'}
    with pytest.raises(ValidationError) as info:
        plan_of(params(netns='ns1', peer=peer()), observed(links, 'ns1', 'ns1'))
    assert info.value.msg.startswith('option peer.netns of veth v0: ')
    assert 'nsid 3' in info.value.msg


def test_attribute_changes_on_both_ends_in_order():
    links = pair_links(None, 'v0', 'ns2', 'eth0', main={'addresses': ['10.0.0.9/24', 'fe80::1/64']},
                       other={'up': False})
    links[None]['br0'] = link('br0', kind='bridge', index=3)
    given = params(mac=MAC_B, master='br0', up=False, addresses=['10.0.0.1/24'], purge_addresses=True,
                   peer=peer(netns='ns2', mac=MAC_A))
    plan, _ctx = plan_of(given, observed(links, None, 'ns2'))
    assert ops(plan) == [
        ('link_set', None, {'name': 'v0', 'up': False}),
        ('link_set', None, {'name': 'v0', 'mac': MAC_B}),
        ('link_set', None, {'name': 'v0', 'master': 'br0'}),
        ('addr_del', None, {'name': 'v0', 'address': '10.0.0.9/24'}),
        ('addr_add', None, {'name': 'v0', 'address': '10.0.0.1/24'}),
        ('link_set', 'ns2', {'name': 'eth0', 'mac': MAC_A}),
        ('link_set', 'ns2', {'name': 'eth0', 'up': True}),
    ]
    after = plan.diff()['after']
    assert after['addresses'] == ['10.0.0.1/24', 'fe80::1/64']
    assert (after['up'], after['master'], after['mac']) == (False, 'br0', MAC_B)
    assert (after['peer']['up'], after['peer']['mac']) == (True, MAC_A)


def test_master_emptied_detaches():
    links = pair_links(None, 'v0', 'ns2', 'eth0', main={'master': 'br0'})
    links[None]['br0'] = link('br0', kind='bridge', index=3)
    plan, _ctx = plan_of(params(master='', peer=peer(netns='ns2')), observed(links, None, 'ns2'))
    assert ops(plan) == [('link_set', None, {'name': 'v0', 'master': ''})]
    assert plan.diff()['after']['master'] is None


# -- masters --------------------------------------------------------------------------------
@pytest.mark.parametrize('given, option, ref', [
    (params(master='br0', peer=peer(netns='ns2')), 'master', None),
    (params(peer=peer(netns='ns2', master='br0')), 'peer.master', 'ns2'),
])
def test_missing_master(given, option, ref):
    obs = observed({None: {'lo': lo()}, 'ns2': {'lo': lo()}}, None, 'ns2')
    with pytest.raises(ValidationError) as info:
        plan_of(given, obs)
    assert info.value.msg.startswith("option %s of veth v0: bridge 'br0' does not exist in " % option)
    # check mode: planned, with a warning naming option and object
    plan, ctx = plan_of(given, obs, check_mode=True)
    assert ('link_set', ref, {'name': 'v0' if ref is None else 'eth0', 'master': 'br0'}) in ops(plan)
    assert len(ctx.warnings) == 1
    assert ctx.warnings[0].startswith("option %s of veth v0: bridge 'br0' does not exist in " % option)
    assert 'check mode' in ctx.warnings[0]


def test_master_that_is_not_a_bridge_fails_even_in_check_mode():
    links = {None: {'lo': lo(), 'v9': link('v9')}}
    for check_mode in (False, True):
        with pytest.raises(ValidationError) as info:
            plan_of(params(master='v9', peer=peer(name='v1')), observed(links, None, None), check_mode)
        assert info.value.msg == "option master of veth v0: 'v9' in the current namespace is a veth, not a bridge"


def test_check_mode_in_a_namespace_not_yet_made():
    """observe_links gives {} for a namespace missing in check mode: the pair is planned as new."""
    plan, ctx = plan_of(params(netns='ns1', master='br0', peer=peer(netns='ns2')),
                        observed({'ns1': {}, 'ns2': {}}, 'ns1', 'ns2'), check_mode=True)
    assert [a.op for a in plan.actions] == ['link_create', 'link_set', 'link_set', 'link_set']
    assert len(ctx.warnings) == 1 and 'option master of veth v0' in ctx.warnings[0]


# -- absent ---------------------------------------------------------------------------------
def test_absent_deletes_the_pair():
    links = pair_links('ns1', 'v0', 'ns2', 'eth0')
    plan, _ctx = plan_of(params(netns='ns1', state='absent'), observed(links, 'ns1', None))
    assert ops(plan) == [('link_delete', 'ns1', {'name': 'v0'})]
    assert plan.descriptions() == ['ns1: delete veth v0 and its peer']
    diff = plan.diff()
    assert diff['before']['state'] == 'present'
    assert diff['before']['peer']['name'] == 'eth0'
    assert diff['after'] == {'state': 'absent'}


def test_absent_already():
    plan, _ctx = plan_of(params(netns='ns1', state='absent'), observed({'ns1': {'lo': lo()}}, 'ns1', None))
    assert ops(plan) == []
    assert plan.diff()['before'] == plan.diff()['after'] == {'state': 'absent'}


# -- result (the plan's after) and read_back (the kernel's, after a real run that changed) -------
def run_pair(check_mode=False):
    """A new pair v0 / eth0 in ns2; once applied the kernel holds both ends with MACs it chose."""
    session = FakeSession(links={None: {'lo': lo()}, 'ns2': {'lo': lo()}})

    def kernel(actions):
        made = pair_links(None, 'v0', 'ns2', 'eth0')
        session.links_of[None].update(made[None])
        session.links_of['ns2'].update(made['ns2'])
    ran = run_steps(VethKind(), params(peer=peer(netns='ns2')), FakeIo(session, on_apply=kernel),
                    check_mode=check_mode)
    return ran, session


def test_read_back_after_a_real_run_reports_both_ends_as_the_kernel_has_them():
    ran, session = run_pair()
    veth = ran.result['veth']
    assert (veth['mac'], veth['peer']['mac']) == (MAC_A, MAC_B)      # chosen by the kernel
    assert veth['peer']['name'] == 'eth0' and veth['peer']['netns'] == 'ns2'
    assert session.reads('links') == [None, 'ns2', None, 'ns2']     # observe, then read_back


def test_check_mode_returns_the_plans_after_and_reads_nothing_back():
    ran, session = run_pair(check_mode=True)
    assert ran.result == {'veth': ran.plan.after["veth v0 (the current namespace)"]}
    assert 'mac' not in ran.result['veth']
    assert session.reads('links') == [None, 'ns2']


# -- impairments of the ends (issue 19) --------------------------------------------------------
class _QdiscSession(FakeSession):
    def __init__(self, qdiscs, **kw):
        super(_QdiscSession, self).__init__(**kw)
        self.qdisc_of = qdiscs

    def qdiscs(self, ref, index):
        return self.qdisc_of.get((ref, index), [])

    def qdisc_supported(self, kind):
        return True


def test_a_new_pair_gets_both_impairments_after_it_is_up():
    from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, run_steps
    session = _QdiscSession({}, links={None: {'lo': lo()}, 'ns2': {'lo': lo()}})
    ran = run_steps(VethKind(), params(impairment={'rate': '5mbit'},
                                       peer=peer(netns='ns2', impairment={'rate': '10mbit'})),
                    io=FakeIo(session=session), check_mode=True)
    ops = [(a.op, a.netns) for a in ran.plan.actions]
    assert ops[-2:] == [('qdisc_add', None), ('qdisc_add', 'ns2')]
    assert ran.plan.actions[-1].option == 'peer.impairment.rate'
    after = ran.plan.diff()['after']
    assert after['impairment']['shaper']['rate'] == 625000
    assert after['peer']['impairment']['shaper']['rate'] == 1250000


def test_an_existing_pair_with_its_impairments_changes_nothing_and_empty_removes():
    from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, run_steps
    links = pair_links(None, 'v0', 'ns2', 'eth0')
    tbf = {'kind': 'tbf', 'handle': 0x4e560000, 'parent': 0xffffffff,
           'options': {'rate': 625000, 'buffer': 156250, 'limit': 68750}}
    session = _QdiscSession({(None, 5): [tbf], ('ns2', 6): [tbf]}, links=links)
    given = params(impairment={'rate': '5mbit'}, peer=peer(netns='ns2', impairment={'rate': '625kbps'}))
    ran = run_steps(VethKind(), given, io=FakeIo(session=session), check_mode=True)
    assert [a for a in ran.plan.actions if a.op.startswith('qdisc')] == []
    given = params(impairment={}, peer=peer(netns='ns2'))
    ran = run_steps(VethKind(), given, io=FakeIo(session=session), check_mode=True)
    assert [(a.op, a.netns) for a in ran.plan.actions if a.op.startswith('qdisc')] == [('qdisc_delete', None)]
