# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""plan.py: Action.describe, Plan.record/diff, changed."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label


@pytest.mark.parametrize('netns, expected', [
    (None, 'the current namespace'),
    ('ns1', "namespace 'ns1'"),
    ('/run/netns/x', "namespace '/run/netns/x'"),
    ('1234', "namespace '1234'"),
])
def test_ns_label(netns, expected):
    assert ns_label(netns) == expected


@pytest.mark.parametrize('netns, text, expected', [
    (None, 'set mtu 9000 on bridge br0', 'set mtu 9000 on bridge br0'),
    ('ns1', "create veth v0 with peer eth0 in namespace 'ns2'",
     "ns1: create veth v0 with peer eth0 in namespace 'ns2'"),
    ('/run/netns/a', 'set veth v0 up', '/run/netns/a: set veth v0 up'),
    ('4321', 'set veth v0 up', '4321: set veth v0 up'),
])
def test_action_describe(netns, text, expected):
    action = Action('link_set', netns, 'veth v0', {'name': 'v0'}, text=text)
    assert action.describe() == expected


def test_action_describe_without_text_falls_back_to_op_object_params():
    assert Action('link_set', None, 'veth v0', {'up': True}).describe() == "link_set veth v0 {'up': True}"
    assert Action('link_set', 'ns1', 'veth v0', {'up': True}).describe() == "ns1: link_set veth v0 {'up': True}"


def test_action_defaults_and_as_dict_copies_params():
    action = Action('link_delete', 'ns1', 'veth v0')
    assert action.params == {}
    assert action.option is None and action.undo is None and action.text is None
    params = {'name': 'v0', 'peer': {'name': 'eth0'}}
    action = Action('link_create', 'ns1', 'veth v0', params, option='name', text='create veth v0')
    out = action.as_dict()
    assert out == {'op': 'link_create', 'netns': 'ns1', 'object': 'veth v0',
                   'params': {'name': 'v0', 'peer': {'name': 'eth0'}},
                   'description': 'ns1: create veth v0'}
    out['params']['peer']['name'] = 'changed'
    assert params['peer']['name'] == 'eth0'
    assert repr(action) == "Action('link_create', 'ns1', 'veth v0', {'name': 'v0', 'peer': {'name': 'eth0'}})"


def test_empty_plan_is_not_changed():
    plan = Plan()
    assert plan.changed is False
    assert plan.descriptions() == []
    assert plan.diff() == {'before': {}, 'after': {}}


def test_plan_add_keeps_order_and_makes_it_changed():
    plan = Plan()
    undo = Action('link_delete', None, 'veth v0', {'name': 'v0'})
    first = plan.add('link_create', None, 'veth v0', {'name': 'v0'}, option='name', undo=undo, text='create veth v0')
    plan.add('link_set', 'ns2', 'veth peer eth0', {'name': 'eth0', 'up': True}, option='peer.up',
             text='set veth peer eth0 up')
    assert plan.changed is True
    assert first.undo is undo and first.option == 'name'
    assert [a.op for a in plan.actions] == ['link_create', 'link_set']
    assert plan.descriptions() == ['create veth v0', 'ns2: set veth peer eth0 up']


def test_diff_of_one_object_has_headers():
    plan = Plan()
    plan.record('veth v0 (the current namespace)', {'state': 'absent'}, {'state': 'present', 'mtu': 1500})
    assert plan.diff() == {
        'before': {'state': 'absent'},
        'after': {'state': 'present', 'mtu': 1500},
        'before_header': 'veth v0 (the current namespace)',
        'after_header': 'veth v0 (the current namespace)',
    }


def test_record_of_the_same_key_replaces():
    plan = Plan()
    plan.record('namespace a', {'state': 'absent'}, {'state': 'present'})
    plan.record('namespace a', {'state': 'absent'}, {'state': 'absent'})
    assert plan.diff()['after'] == {'state': 'absent'}
    assert 'before_header' in plan.diff()


def test_diff_of_several_objects_is_keyed():
    plan = Plan()
    plan.record('namespace a', {'state': 'absent'}, {'state': 'present', 'loopback': 'up'})
    plan.record('namespace b', {'state': 'present', 'loopback': 'up'}, {'state': 'absent'})
    diff = plan.diff()
    assert diff == {
        'before': {'namespace a': {'state': 'absent'}, 'namespace b': {'state': 'present', 'loopback': 'up'}},
        'after': {'namespace a': {'state': 'present', 'loopback': 'up'}, 'namespace b': {'state': 'absent'}},
    }
    assert 'before_header' not in diff


def test_record_alone_does_not_make_changed():
    plan = Plan()
    plan.record('veth v0 (the current namespace)', {'state': 'absent'}, {'state': 'absent'})
    assert plan.changed is False


def test_extend_merges_actions_and_pictures():
    one, two = Plan(), Plan()
    one.add('netns_create', None, 'namespace a', {'name': 'a'})
    one.record('namespace a', {'state': 'absent'}, {'state': 'present'})
    two.add('netns_create', None, 'namespace b', {'name': 'b'})
    two.record('namespace b', {'state': 'absent'}, {'state': 'present'})
    two.result['x'] = 1
    one.extend(two)
    assert [a.params['name'] for a in one.actions] == ['a', 'b']
    assert sorted(one.before) == ['namespace a', 'namespace b']
    assert sorted(one.after) == ['namespace a', 'namespace b']
    assert one.result == {'x': 1}
