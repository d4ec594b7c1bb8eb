# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netns kind: desired() validation and plan() from plain observed dicts
(the shape NetnsKind.observe returns: {'exists': bool, 'loopback_up': None|bool})."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._state.netns import NetnsKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeSession, params_for, run_steps


params = params_for(NetnsKind)


@pytest.mark.parametrize('given, expected', [
    (params(name='ns1'), {'name': 'ns1', 'state': 'present', 'loopback': True}),
    (params(name='ns1', state='absent', loopback=False), {'name': 'ns1', 'state': 'absent', 'loopback': False}),
    (params(netns='red'), {'name': 'red', 'state': 'present', 'loopback': True}),   # module_defaults: netns
    (params(name='blue', netns='red'), {'name': 'blue', 'state': 'present', 'loopback': True}),
    (params(name='/run/docker/netns/1a2b'), {'name': '/run/docker/netns/1a2b', 'state': 'present',
                                             'loopback': True}),
    (params(netns='/run/netns/red'), {'name': '/run/netns/red', 'state': 'present', 'loopback': True}),
])
def test_desired_good(given, expected):
    assert NetnsKind().desired(given) == expected


@pytest.mark.parametrize('given, fragments', [
    (params(), ['option name', 'the name of the namespace is required']),
    (params(name='/run/netns/../x'), ['option name', "'/run/netns/../x'"]),
    (params(name='/run/docker/netns/'), ['option name', 'not valid']),
    (params(netns=1234), ['option name', 'is required']),
    (params(name='a/b'), ['option name of namespace', "'a/b'", 'not valid']),
    (params(name='a b'), ['option name of namespace', "'a b'"]),
    (params(name='..'), ['option name of namespace', "'..'"]),
    (params(name=''), ['option name of namespace']),
    (params(netns='a b'), ['option netns', "'a b'"]),
])
def test_desired_bad(given, fragments):
    with pytest.raises(ValidationError) as info:
        NetnsKind().desired(given)
    for fragment in fragments:
        assert fragment in info.value.msg, (fragment, info.value.msg)


def observed(exists, loopback_up=None):
    return {'exists': exists, 'loopback_up': loopback_up if exists else None}


def ops(plan):
    return [(a.op, a.netns, a.params) for a in plan.actions]


# (id, state, loopback, observed, expected ops, expected before, expected after)
CASES = [
    ('create', 'present', True, observed(False),
     [('netns_create', None, {'name': 'ns1'}), ('link_set', 'ns1', {'name': 'lo', 'up': True})],
     {'state': 'absent'}, {'state': 'present', 'loopback': 'up'}),
    ('create-with-loopback-down', 'present', False, observed(False),
     [('netns_create', None, {'name': 'ns1'})],
     {'state': 'absent'}, {'state': 'present', 'loopback': 'down'}),
    ('idempotent', 'present', True, observed(True, True), [],
     {'state': 'present', 'loopback': 'up'}, {'state': 'present', 'loopback': 'up'}),
    ('idempotent-down', 'present', False, observed(True, False), [],
     {'state': 'present', 'loopback': 'down'}, {'state': 'present', 'loopback': 'down'}),
    ('loopback-up', 'present', True, observed(True, False),
     [('link_set', 'ns1', {'name': 'lo', 'up': True})],
     {'state': 'present', 'loopback': 'down'}, {'state': 'present', 'loopback': 'up'}),
    ('loopback-down', 'present', False, observed(True, True),
     [('link_set', 'ns1', {'name': 'lo', 'up': False})],
     {'state': 'present', 'loopback': 'up'}, {'state': 'present', 'loopback': 'down'}),
    ('delete', 'absent', True, observed(True, True),
     [('netns_delete', None, {'name': 'ns1'})],
     {'state': 'present', 'loopback': 'up'}, {'state': 'absent'}),
    ('absent-already', 'absent', True, observed(False), [], {'state': 'absent'}, {'state': 'absent'}),
]


@pytest.mark.parametrize('state, loopback, obs, expected_ops, before, after',
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize('check_mode', [False, True])
def test_plan(state, loopback, obs, expected_ops, before, after, check_mode):
    kind = NetnsKind()
    desired = kind.desired(params(name='ns1', state=state, loopback=loopback))
    plan = kind.plan(desired, obs, Context(check_mode, True))
    assert ops(plan) == expected_ops
    assert plan.changed is bool(expected_ops)
    assert plan.diff() == {'before': before, 'after': after,
                           'before_header': 'namespace ns1', 'after_header': 'namespace ns1'}


def test_create_has_an_undo_and_texts():
    kind = NetnsKind()
    plan = kind.plan(kind.desired(params(name='ns1')), observed(False), Context(False, False))
    create, lo_up = plan.actions
    assert create.undo is not None
    assert (create.undo.op, create.undo.netns, create.undo.params) == ('netns_delete', None, {'name': 'ns1'})
    assert lo_up.option == 'loopback'
    assert lo_up.undo is None
    assert plan.descriptions() == ['create namespace ns1', 'ns1: set lo up']


def test_delete_texts():
    kind = NetnsKind()
    plan = kind.plan(kind.desired(params(name='ns1', state='absent')), observed(True, True), Context(False, False))
    assert plan.descriptions() == ['delete namespace ns1']


# -- result (pure: the ids observe read) and read_back (after a real run that changed) -------------
LO_UP = {'lo': {'name': 'lo', 'up': True}}
LO_DOWN = {'lo': {'name': 'lo', 'up': False}}


def run_ns(links, check_mode=False, **kw):
    """ns1 as ``links`` says (None: missing); once applied it exists with nsid 7, inode 99."""
    session = FakeSession(links={'ns1': links} if links is not None else {}, named=['ns1'] if links else [],
                          nsids={(None, 'ns1'): 5}, identities={'ns1': (4, 55)})

    def kernel(actions):
        session.namespaces.add('ns1')
        session.nsids[(None, 'ns1')] = 7
        session.identities['ns1'] = (4, 99)
    ran = run_steps(NetnsKind(), params(name='ns1', **kw), FakeIo(session, on_apply=kernel), check_mode=check_mode)
    return ran.result['namespace']


@pytest.mark.parametrize('links, check_mode, kw, ids', [
    (LO_UP, False, {}, (5, 55)),                      # unchanged: what observe read
    (LO_DOWN, False, {}, (7, 99)),                    # changed (lo up): read back
    (None, False, {}, (7, 99)),                       # created: read back
    (None, True, {}, (None, None)),                   # check mode: the plan does not know them
    (LO_DOWN, True, {}, (None, None)),
    (LO_UP, False, {'state': 'absent'}, (None, None)),
], ids=['unchanged', 'changed', 'created', 'check-mode-new', 'check-mode-existing', 'deleted'])
def test_result_ids(links, check_mode, kw, ids):
    ns = run_ns(links, check_mode, **kw)
    assert (ns['nsid'], ns['inode']) == ids
    assert ns['exists'] is (kw.get('state', 'present') == 'present')
