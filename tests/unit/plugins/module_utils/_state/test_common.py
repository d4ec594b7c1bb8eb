# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""common.py: the per-link attribute planner (table-driven), check_master, observe_links with a
fake session, and the small helpers."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._state import common
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeSession

MAC = '02:42:ac:11:00:02'
MAC2 = '02:42:ac:11:00:03'


def have(**kw):
    """An observed link as session.links() gives it."""
    link = {'name': 'v0', 'index': 5, 'kind': 'veth', 'mtu': 1500, 'mac': MAC, 'up': True,
            'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    link.update(kw)
    return link


def want(**kw):
    out = dict((k, None) for k in common.LINK_ATTRS)
    out.update(kw)
    return out


def run_attrs(want_, have_, purge=False, prefix=''):
    plan = Plan()
    after = common.plan_link_attrs(plan, 'ns1', 'v0', 'veth', want_, have_, purge, prefix)
    for action in plan.actions:
        assert action.netns == 'ns1'
        assert action.obj == 'veth v0'
        assert action.params['name'] == 'v0'
    return plan, [(a.op, dict((k, v) for k, v in a.params.items() if k != 'name')) for a in plan.actions], after


# (id, want, have, purge, expected ops (params without 'name'), expected after (subset))
CASES = [
    ('nothing-wanted', want(), have(), False, [], have()),
    ('nothing-wanted-even-with-purge', want(), have(addresses=['10.0.0.1/24']), True, [],
     {'addresses': ['10.0.0.1/24']}),
    ('idempotent', want(mtu=1500, mac=MAC, master='', up=True, addresses=[]), have(), True, [], have()),
    ('mac-compared-case-insensitively', want(mac=MAC), have(mac=MAC.upper()), False, [], {}),
    ('new-link', want(mtu=9000, up=True, addresses=['10.0.0.1/24']), None, False,
     [('link_set', {'mtu': 9000}), ('addr_add', {'address': '10.0.0.1/24'}), ('link_set', {'up': True})],
     {'mtu': 9000, 'up': True, 'addresses': ['10.0.0.1/24']}),
    ('new-link-down-makes-no-down-action', want(up=False), None, False, [], {}),
    ('mtu-only', want(mtu=9000), have(), False, [('link_set', {'mtu': 9000})], dict(have(), mtu=9000)),
    ('everything-down-first-then-mtu-mac-master-addresses',
     want(up=False, mtu=9000, mac=MAC2, master='br0', addresses=['10.0.0.1/24']), have(), False,
     [('link_set', {'up': False}), ('link_set', {'mtu': 9000}), ('link_set', {'mac': MAC2}),
      ('link_set', {'master': 'br0'}), ('addr_add', {'address': '10.0.0.1/24'})],
     {'up': False, 'mtu': 9000, 'mac': MAC2, 'master': 'br0', 'addresses': ['10.0.0.1/24']}),
    ('master-before-up', want(master='br0', up=True), have(up=False), False,
     [('link_set', {'master': 'br0'}), ('link_set', {'up': True})], {'master': 'br0', 'up': True}),
    ('addresses-before-up', want(addresses=['fd00::1/64'], up=True), have(up=False), False,
     [('addr_add', {'address': 'fd00::1/64'}), ('link_set', {'up': True})],
     {'addresses': ['fd00::1/64'], 'up': True}),
    ('up-none-leaves-it', want(up=None), have(up=True), False, [], {'up': True}),
    ('up-none-leaves-it-down', want(up=None), have(up=False), False, [], {'up': False}),
    ('down-already-down', want(up=False), have(up=False), False, [], {'up': False}),
    ('master-empty-detaches', want(master=''), have(master='br0'), False,
     [('link_set', {'master': ''})], {'master': None}),
    ('master-empty-when-detached', want(master=''), have(master=None), False, [], {'master': None}),
    ('master-none-leaves-it', want(master=None), have(master='br0'), False, [], {'master': 'br0'}),
    ('master-moves-to-another-bridge', want(master='br1'), have(master='br0'), False,
     [('link_set', {'master': 'br1'})], {'master': 'br1'}),
    ('addresses-added-without-purge', want(addresses=['10.0.0.1/24', 'fd00::1/64']),
     have(addresses=['10.0.0.9/24', 'fe80::1/64']), False,
     [('addr_add', {'address': '10.0.0.1/24'}), ('addr_add', {'address': 'fd00::1/64'})],
     {'addresses': ['10.0.0.1/24', '10.0.0.9/24', 'fd00::1/64', 'fe80::1/64']}),
    ('purge-removes-first-and-keeps-fe80', want(addresses=['10.0.0.1/24', 'fd00::1/64']),
     have(addresses=['10.0.0.1/24', '10.0.0.9/24', 'fd00::9/64', 'fe80::1/64']), True,
     [('addr_del', {'address': '10.0.0.9/24'}), ('addr_del', {'address': 'fd00::9/64'}),
      ('addr_add', {'address': 'fd00::1/64'})],
     {'addresses': ['10.0.0.1/24', 'fd00::1/64', 'fe80::1/64']}),
    ('purge-empty-list-keeps-only-link-local', want(addresses=[]),
     have(addresses=['10.0.0.9/24', 'fe80::1/64']), True,
     [('addr_del', {'address': '10.0.0.9/24'})], {'addresses': ['fe80::1/64']}),
    ('empty-list-without-purge-leaves-all', want(addresses=[]),
     have(addresses=['10.0.0.9/24', 'fe80::1/64']), False, [],
     {'addresses': ['10.0.0.9/24', 'fe80::1/64']}),
    ('same-address-other-prefix-is-another-address', want(addresses=['10.0.0.1/16']),
     have(addresses=['10.0.0.1/24']), True,
     [('addr_del', {'address': '10.0.0.1/24'}), ('addr_add', {'address': '10.0.0.1/16'})],
     {'addresses': ['10.0.0.1/16']}),
]


@pytest.mark.parametrize('want_, have_, purge, expected_ops, expected_after',
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_plan_link_attrs(want_, have_, purge, expected_ops, expected_after):
    plan, ops, after = run_attrs(want_, have_, purge)
    assert ops == expected_ops
    for key, value in expected_after.items():
        assert after.get(key) == value, key
    assert plan.changed is bool(expected_ops)


def test_plan_link_attrs_does_not_touch_the_observed_link():
    observed = have(addresses=['10.0.0.9/24'])
    run_attrs(want(mtu=9000, addresses=['10.0.0.1/24'], up=False), observed, True)
    assert observed == have(addresses=['10.0.0.9/24'])


def test_plan_link_attrs_options_and_texts():
    plan, _ops, _after = run_attrs(
        want(up=False, mtu=9000, mac=MAC2, master='br0', addresses=['10.0.0.1/24']),
        have(addresses=['10.0.0.9/24']), True, prefix='peer.')
    assert [a.option for a in plan.actions] == [
        'peer.up', 'peer.mtu', 'peer.mac', 'peer.master', 'peer.addresses', 'peer.addresses']
    assert plan.descriptions() == [
        'ns1: set veth v0 down',
        'ns1: set mtu 9000 on veth v0',
        'ns1: set mac %s on veth v0' % MAC2,
        'ns1: attach veth v0 to bridge br0',
        'ns1: remove address 10.0.0.9/24 from veth v0',
        'ns1: add address 10.0.0.1/24 to veth v0',
    ]
    plan, _ops, _after = run_attrs(want(master='', up=True), have(master='br0', up=False))
    assert plan.descriptions() == ['ns1: detach veth v0 from br0', 'ns1: set veth v0 up']
    assert [a.option for a in plan.actions] == ['master', 'up']


# -- check_master ---------------------------------------------------------------------------
LINKS = {'br0': have(name='br0', kind='bridge'), 'v1': have(name='v1')}


@pytest.mark.parametrize('master', [None, '', 'br0'])
def test_check_master_good(master):
    assert common.check_master(LINKS, master, 'ns1', 'master', 'veth v0') is None


@pytest.mark.parametrize('master, netns, option, message', [
    ('br9', 'ns1', 'master', "option master of veth v0: bridge 'br9' does not exist in namespace 'ns1'"),
    ('br9', None, 'peer.master', "option peer.master of veth v0: bridge 'br9' does not exist in the current "
                                 "namespace"),
    ('v1', 'ns1', 'master', "option master of veth v0: 'v1' in namespace 'ns1' is a veth, not a bridge"),
])
def test_check_master_bad(master, netns, option, message):
    with pytest.raises(ValidationError) as info:
        common.check_master(LINKS, master, netns, option, 'veth v0')
    assert info.value.msg == message
    assert info.value.option == option and info.value.obj == 'veth v0'


def test_check_master_missing_is_a_warning_only_in_check_mode():
    ctx = Context(check_mode=True, diff=False)
    assert common.check_master(LINKS, 'br9', 'ns1', 'master', 'veth v0', ctx) is None
    assert ctx.warnings == ["option master of veth v0: bridge 'br9' does not exist in namespace 'ns1'; "
                            "check mode assumes an earlier task creates it"]
    with pytest.raises(ValidationError) as info:
        common.check_master(LINKS, 'br9', 'ns1', 'master', 'veth v0', Context(check_mode=False, diff=False))
    assert info.value.msg == "option master of veth v0: bridge 'br9' does not exist in namespace 'ns1'"


def test_check_master_not_a_bridge_fails_even_in_check_mode():
    with pytest.raises(ValidationError):
        common.check_master(LINKS, 'v1', 'ns1', 'master', 'veth v0', Context(check_mode=True, diff=False))


def test_missing():
    ctx = Context(check_mode=True, diff=False)
    common.missing(ctx, 'option dev of route x: no eth9', 'dev', 'route x')
    assert ctx.warnings == ['option dev of route x: no eth9; check mode assumes an earlier task creates it']
    with pytest.raises(ValidationError) as info:
        common.missing(Context(check_mode=False, diff=False), 'option dev of route x: no eth9', 'dev', 'route x')
    assert (info.value.option, info.value.obj) == ('dev', 'route x')


# -- observe_links --------------------------------------------------------------------------
def test_observe_links_reads_each_namespace_once():
    session = FakeSession(links={None: {'v0': have()}, 'ns2': {'eth0': have(name='eth0')}})
    ctx = Context(False, False)
    out = common.observe_links(session, [(None, 'netns'), ('ns2', 'peer.netns'), ('ns2', 'netns')], ctx,
                               obj='veth v0')
    assert out == {None: {'v0': have()}, 'ns2': {'eth0': have(name='eth0')}}
    assert session.reads('links') == [None, 'ns2']
    assert ctx.warnings == []


@pytest.mark.parametrize('refs, option', [
    ([('nowhere', 'netns')], 'netns'),
    ([(None, 'netns'), ('nowhere', 'peer.netns')], 'peer.netns'),
    ([('nowhere', None)], 'netns'),            # falls back to the default option
])
def test_observe_links_missing_namespace_fails_naming_option_and_object(refs, option):
    session = FakeSession()
    with pytest.raises(NetvirtError) as info:
        common.observe_links(session, refs, Context(False, False), obj='veth v0')
    assert info.value.msg.startswith('option %s of veth v0: ' % option)
    assert "'nowhere'" in info.value.msg
    assert info.value.option == option and info.value.obj == 'veth v0'


def test_observe_links_missing_namespace_in_check_mode_is_empty_with_a_warning():
    session = FakeSession(links={None: {'v0': have()}})
    ctx = Context(True, False)
    out = common.observe_links(session, [(None, 'netns'), ('nowhere', 'peer.netns')], ctx, obj='veth v0')
    assert out == {None: {'v0': have()}, 'nowhere': {}}
    assert 'nowhere' not in session.reads('links')
    assert len(ctx.warnings) == 1
    assert "namespace 'nowhere' does not exist" in ctx.warnings[0]
    assert 'check mode' in ctx.warnings[0]


def test_observe_links_with_the_real_session_fd_message(tmp_path):
    """The error text of a missing namespace comes from Session.fd: check it names option and object.
    Only os.open of a path that does not exist: nothing is created."""
    session = Session.__new__(Session)       # no socket, no namespace entered
    session._home = None
    session._fds = {}
    missing = str(tmp_path / 'no-such-netns')
    with pytest.raises(NetvirtError) as info:
        common.observe_links(session, [(missing, 'peer.netns')], Context(False, False), obj='veth v0')
    assert info.value.msg == ("option peer.netns of veth v0: namespace '%s' does not exist (no %s)"
                              % (missing, missing))
    ctx = Context(True, False)
    assert common.observe_links(session, [(missing, 'peer.netns')], ctx, obj='veth v0') == {missing: {}}
    assert len(ctx.warnings) == 1


# -- helpers --------------------------------------------------------------------------------
def test_addresses_canonicalises_and_refuses_duplicates():
    assert common.addresses(None, 'addresses', 'veth v0') is None
    canonical = common.addresses(['fd00:0::1/64', '10.0.0.1/24'], 'addresses', 'veth v0')
    assert canonical == ['fd00::1/64', '10.0.0.1/24']
    with pytest.raises(ValidationError) as info:
        common.addresses(['fd00::1/64', 'fd00:0::1/64'], 'peer.addresses', 'veth v0')
    assert info.value.msg.startswith('option peer.addresses of veth v0: ')
    assert 'listed twice' in info.value.msg


@pytest.mark.parametrize('cidr, expected', [
    ('fe80::1/64', True), ('fe80::abcd:1/10', True), ('fd00::1/64', False), ('10.0.0.1/24', False),
    ('169.254.1.1/16', False),   # only IPv6 link-local addresses are kept on purge
])
def test_is_link_local(cidr, expected):
    assert common.is_link_local(cidr) is expected


def test_link_picture():
    assert common.link_picture(None, 'ns1') == {'state': 'absent'}
    pic = common.link_picture(have(addresses=['10.0.0.1/24']), 'ns1', extra={'peer': {'name': 'eth0'}})
    assert pic == {'state': 'present', 'netns': 'ns1', 'kind': 'veth', 'mtu': 1500, 'mac': MAC,
                   'master': None, 'up': True, 'addresses': ['10.0.0.1/24'], 'peer': {'name': 'eth0'}}


def test_require_namespace():
    assert common.require_namespace({'ns1': {'a': 1}}, 'ns1', 'netns') == {'a': 1}
    with pytest.raises(NetvirtError) as info:
        common.require_namespace({}, 'ns1', 'peer.netns')
    assert info.value.msg.startswith("option peer.netns: namespace 'ns1'")


@pytest.mark.parametrize('link,state,piece', [
    ({'kind': 'veth'}, 'present', 'refusing to take it over'),
    ({'kind': 'bridge'}, 'absent', 'refusing to remove it'),
])
def test_refuse_other_kind_names_option_and_object(link, state, piece):
    with pytest.raises(ValidationError) as err:
        common.refuse_other_kind(link, 'tun', 'tun/tap', 'tun/tap t0', 't0', 'ns1', state)
    assert err.value.option == 'name'
    assert err.value.msg.startswith("option name of tun/tap t0: an interface named 't0' already exists in "
                                    "namespace 'ns1' and it is a %s, not a tun/tap; " % link['kind'])
    assert piece in err.value.msg


def test_refuse_other_kind_lets_the_same_kind_and_nothing_pass():
    common.refuse_other_kind({'kind': 'tun'}, 'tun', 'tun/tap', 'tun/tap t0', 't0', 'ns1', 'present')
    common.refuse_other_kind(None, 'tun', 'tun/tap', 'tun/tap t0', 't0', 'ns1', 'absent')
