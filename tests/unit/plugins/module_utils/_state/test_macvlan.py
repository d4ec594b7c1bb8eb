# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The macvlan kind (sublink.LinkKind): validation, the refusals made before the kernel, and the plan
from observed dicts in the shape LinkKind.observe returns: {'netns', 'target', 'links': {ref: {name:
link}}}; a macvlan link has 'macvlan': {mode, macs} and 'parent': {name, netns} as Session.links gives."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._state.macvlan import MacvlanKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params_for, run_steps

params = params_for(MacvlanKind, name='mv0', netns='host', link='eth0')


def link(name, kind='veth', index=2, **kw):
    out = {'name': name, 'index': index, 'kind': kind, 'mtu': 1500, 'mac': '02:00:00:00:00:0a', 'up': True,
           'operstate': 'up', 'master': None, 'alias': None, 'addresses': []}
    out.update(kw)
    return out


def mv(name='mv0', mode='bridge', parent='eth0', parent_ns='host', macs=(), index=20, **kw):
    return link(name, 'macvlan', index, macvlan={'mode': mode, 'macs': list(macs)},
                parent={'name': parent, 'netns': parent_ns}, **kw)


def host(*extra):
    out = {'lo': link('lo', 'loopback', 1), 'eth0': link('eth0'), 'eth1': link('eth1', index=3)}
    for item in extra:
        out[item['name']] = item
    return out


def plan_for(host_links, target_links=None, target='host', check_mode=False, **kw):
    kind = MacvlanKind()
    ctx = Context(check_mode=check_mode, diff=True)
    if target != 'host':
        kw.setdefault('target_netns', target)
    links = {'host': host_links}
    if target != 'host':
        links[target] = target_links or {}
    plan = kind.plan(kind.desired(params(**kw)), {'netns': 'host', 'target': target, 'links': links}, ctx)
    return plan, ctx


def texts(plan):
    return [a.describe() for a in plan.actions]


def test_create_straight_in_another_namespace():
    plan, _ctx = plan_for(host(), {}, target='c1', addresses=['192.0.2.10/24'])
    create = plan.actions[0]
    assert (create.op, create.netns, create.option) == ('link_create', 'host', 'link')
    assert create.params == {'name': 'mv0', 'kind': 'macvlan', 'macvlan': {'mode': 'bridge', 'macs': None},
                             'link': 'eth0', 'target_netns': 'c1'}
    assert create.undo.op == 'link_delete' and create.undo.netns == 'c1'
    assert texts(plan) == ["host: create macvlan mv0 on eth0 (mode bridge) straight in namespace 'c1'",
                           "c1: add address 192.0.2.10/24 to macvlan mv0", "c1: set macvlan mv0 up"]
    after = plan.after["macvlan mv0 (namespace 'c1')"]
    assert after['link'] == 'eth0' and after['link_netns'] == 'host' and after['netns'] == 'c1'
    assert 'mac' not in after and 'mtu' not in after     # the kernel chooses them


def test_converged_is_no_change():
    plan, _ctx = plan_for(host(mv()))
    assert plan.actions == [] and not plan.changed


def test_mode_in_place_but_passthru_recreates():
    plan, _ctx = plan_for(host(mv()), mode='private')
    assert [(a.op, a.params) for a in plan.actions] == [('link_set', {'name': 'mv0', 'macvlan': {'mode': 'private'}})]
    plan, _ctx = plan_for(host(mv(mode='private')), mode='passthru')
    assert [a.op for a in plan.actions] == ['link_delete', 'link_create', 'link_set']
    assert plan.actions[0].describe() == ('host: delete macvlan mv0 to create it again (mode private -> passthru: '
                                          'the kernel cannot change mode in place)')
    restore = plan.actions[0].undo
    assert restore.op == 'link_create' and restore.params['macvlan']['mode'] == 'private'
    assert restore.params['link'] == 'eth0'
    plan, _ctx = plan_for(host(mv(mode='passthru')), mode='bridge')
    assert [a.op for a in plan.actions] == ['link_delete', 'link_create', 'link_set']   # a new device starts down


def test_new_parent_recreates_and_names_the_old_namespace():
    plan, _ctx = plan_for(host(), {'mv0': mv(parent='eth9', parent_ns='other')}, target='c1', link='eth1')
    assert plan.actions[0].option == 'link'
    assert "link eth9 (in namespace 'other') -> eth1" in plan.actions[0].describe()
    assert plan.actions[0].undo.netns == 'other' and plan.actions[0].undo.params['target_netns'] == 'c1'


def test_source_macs_exact():
    plan, _ctx = plan_for(host(mv(mode='source', macs=['02:00:00:00:00:01', '02:00:00:00:00:02'])),
                          mode='source', macs=['02:00:00:00:00:03', '02-00-00-00-00-02'])
    assert [(a.params['macvlan_mac'], a.option) for a in plan.actions] == [
        ({'op': 'del', 'mac': '02:00:00:00:00:01'}, 'macs'), ({'op': 'add', 'mac': '02:00:00:00:00:03'}, 'macs')]
    after = plan.after["macvlan mv0 (namespace 'host')"]
    assert after['macs'] == ['02:00:00:00:00:02', '02:00:00:00:00:03']
    plan, _ctx = plan_for(host(mv(mode='source', macs=['02:00:00:00:00:01'])), mode='vepa')
    assert plan.after["macvlan mv0 (namespace 'host')"]['macs'] == []


@pytest.mark.parametrize('kw,words', [
    (dict(macs=['02:00:00:00:00:01']), 'option macs of macvlan mv0'),
    (dict(mode='source', macs=['01:00:5e:00:00:01']), 'multicast'),
    (dict(mode='source', macs=['02:00:00:00:00:01', '02:00:00:00:00:01']), 'option macs'),
    (dict(link=None), 'option link of macvlan mv0'),
    (dict(link='mv0'), 'the parent cannot be the device itself'),
    (dict(link='bad name'), 'option link'),
])
def test_refused_in_desired(kw, words):
    with pytest.raises(ValidationError) as err:
        MacvlanKind().desired(params(**kw))
    assert words in err.value.msg


@pytest.mark.parametrize('extra,kw,words', [
    ([], dict(link='lo'), "'lo' is the loopback device"),
    ([link('br0', 'bridge', 5), link('eth2', index=6, master='br0')], dict(link='eth2'),
     "'eth2' is a port of bridge br0 in namespace 'host'; the kernel refuses a macvlan on a port (EBUSY"),
    ([mv('mv5', index=7)], dict(link='mv5'), "'mv5' is itself a macvlan (on eth0)"),
    ([mv('mv5', mode='passthru')], dict(), 'eth0 already carries macvlan mv5 (mode passthru)'),
    ([mv('mv5')], dict(mode='passthru'), 'a passthru macvlan takes its parent alone'),
    ([], dict(mtu=9000), 'option mtu of macvlan mv0 in namespace \'host\': 9000 is above the MTU of its parent eth0'),
])
def test_refused_before_the_kernel(extra, kw, words):
    with pytest.raises(ValidationError) as err:
        plan_for(host(*extra), **kw)
    assert words in err.value.msg


def test_missing_parent_fails_or_warns_in_check_mode():
    with pytest.raises(ValidationError) as err:
        plan_for(host(), link='eth7')
    assert "option link of macvlan mv0 in namespace 'host': interface 'eth7' does not exist" in err.value.msg
    plan, ctx = plan_for(host(), link='eth7', check_mode=True)
    assert plan.actions[0].op == 'link_create' and ctx.warnings


def test_other_kind_never_taken_over_or_removed():
    with pytest.raises(ValidationError) as err:
        plan_for(host(link('mv0', 'veth', 9)))
    assert 'is a veth, not a macvlan; refusing to take it over' in err.value.msg
    with pytest.raises(ValidationError) as err:
        plan_for(host(link('mv0', 'veth', 9)), state='absent')
    assert 'refusing to remove it' in err.value.msg


def test_absent():
    plan, _ctx = plan_for(host(mv()), state='absent')
    assert [(a.op, a.params) for a in plan.actions] == [('link_delete', {'name': 'mv0'})]
    plan, _ctx = plan_for(host(), state='absent')
    assert plan.actions == []


def test_run_observes_the_parent_namespace_and_reads_back():
    session = FakeSession(links={'host': host(), 'c1': {}})
    io = FakeIo(session=session)
    ran = run_steps(MacvlanKind(), params(target_netns='c1'), io=io)
    assert ('links', 'c1', True) in session.calls and ('links', 'host', False) in session.calls
    assert [a.op for a in io.applied[0][1]] == ['link_create', 'link_set']
    assert ran.result['macvlan'] == {'state': 'absent'}      # the fake kernel made nothing


def test_apply_kwargs():
    assert apply.kind_kwargs({'macvlan': {'mode': 'source'}}) == {'kind': 'macvlan', 'macvlan_mode': 16}
    want = {'kind': 'vlan', 'vlan_id': 7, 'vlan_protocol': 0x88a8}
    assert apply.kind_kwargs({'vlan': {'id': 7, 'protocol': '802.1ad'}}) == want


def test_apply_create_in_another_namespace_and_source_mac():
    from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action
    session = FakeSession(ifaces={'host': {'eth0': 2}, 'c1': {'mv0': 20}}, fds={'c1': 7})
    apply.apply_one(session, Action('link_create', 'host', 'macvlan mv0',
                                    {'name': 'mv0', 'kind': 'macvlan', 'macvlan': {'mode': 'bridge'}, 'link': 'eth0',
                                     'target_netns': 'c1'}))
    apply.apply_one(session, Action('link_set', 'c1', 'macvlan mv0',
                                    {'name': 'mv0', 'macvlan_mac': {'op': 'del', 'mac': '02:00:00:00:00:01'}}))
    (what1, ref1, cmd1, kw1), (what2, ref2, cmd2, kw2) = session.log[-2:]
    assert (ref1, cmd1) == ('host', 'add')
    assert kw1 == {'ifname': 'mv0', 'kind': 'macvlan', 'macvlan_mode': 4, 'link': 2, 'net_ns_fd': 7}
    assert (ref2, cmd2) == ('c1', 'set')
    assert kw2 == {'index': 20, 'kind': 'macvlan', 'macvlan_macaddr_mode': 1, 'macvlan_macaddr': '02:00:00:00:00:01'}
