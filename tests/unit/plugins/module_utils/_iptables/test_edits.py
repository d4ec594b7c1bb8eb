# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The chain edit planner, table-driven: the restore lines are replayed on a list, as iptables
would, and must give the wanted chain; foreign rules are never deleted in block mode."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import edits, rules


def ours(spec):
    return spec.startswith('o')


def replay(chain, lines):
    """Apply -D/-I/-A lines to a list the way iptables does."""
    out = list(chain)
    for line, _how, _spec in lines:
        words = line.split(' ', 3)
        if words[0] == '-D' and words[2].isdigit() and len(words) == 3:
            del out[int(words[2]) - 1]
        elif words[0] == '-D':
            out.remove(line.split(' ', 2)[2])   # the first match, as iptables -D does
        elif words[0] == '-I':
            out.insert(int(words[2]) - 1, words[3])
        else:
            out.append(line.split(' ', 2)[2])
    return out


CASES = [
    # (current, desired, mode, position, final, number of lines)
    ([], ['o1', 'o2'], 'whole', 'top', ['o1', 'o2'], 2),
    (['o1', 'o2'], ['o1', 'o2'], 'whole', 'top', ['o1', 'o2'], 0),
    (['o2', 'o1'], ['o1', 'o2'], 'whole', 'top', ['o1', 'o2'], 2),
    (['o1', 'x', 'o2'], ['o1', 'o2'], 'whole', 'top', ['o1', 'o2'], 1),
    (['o1', 'o3'], ['o1', 'o2', 'o3'], 'whole', 'top', ['o1', 'o2', 'o3'], 1),
    (['f1', 'f2'], ['o1', 'o2'], 'block', 'top', ['o1', 'o2', 'f1', 'f2'], 2),
    (['f1', 'f2'], ['o1', 'o2'], 'block', 'bottom', ['f1', 'f2', 'o1', 'o2'], 2),
    (['o1', 'o2', 'f1'], ['o1', 'o2'], 'block', 'top', ['o1', 'o2', 'f1'], 0),
    (['f1', 'o1', 'o2'], ['o1', 'o2'], 'block', 'bottom', ['f1', 'o1', 'o2'], 0),
    (['f1', 'o1', 'o2'], ['o1', 'o2'], 'block', 'top', ['o1', 'o2', 'f1'], 4),
    (['o2', 'o1', 'f1'], ['o1', 'o2'], 'block', 'top', ['o1', 'o2', 'f1'], 2),
    (['o1', 'f1', 'o2', 'f2'], ['o1', 'o2'], 'block', 'top', ['o1', 'o2', 'f1', 'f2'], 2),
    (['o1', 'o1', 'f1'], ['o1'], 'block', 'top', ['o1', 'f1'], 3),
    (['o1', 'o9', 'f1', 'f1'], ['o1', 'o2'], 'block', 'top', ['o1', 'o2', 'f1', 'f1'], 2),
    (['f1', 'o1', 'f2'], [], 'block', 'top', ['f1', 'f2'], 1),
    (['f1', 'o1', 'f2'], ['o1'], 'whole', 'top', ['o1'], 2),
]


@pytest.mark.parametrize('current,desired,mode,position,final,count', CASES)
def test_plan_chain(current, desired, mode, position, final, count):
    result = edits.plan_chain(current, desired, mode, ours, position)
    lines = edits.restore_lines('C', result)
    assert result['final'] == final
    assert replay(current, lines) == final
    assert len(lines) == count
    if mode == 'block':
        deleted = [spec for _line, how, spec in lines if how == 'delete']
        assert not [s for s in deleted if not ours(s)], 'a foreign rule was deleted'


def test_restore_lines_shapes():
    result = edits.plan_chain(['f1', 'o9'], ['o1'], 'block', ours, 'top')
    assert [line for line, _h, _s in edits.restore_lines('INPUT', result)] == ['-D INPUT o9', '-I INPUT 1 o1']
    result = edits.plan_chain(['x', 'y'], ['y', 'z'], 'whole')
    assert [line for line, _h, _s in edits.restore_lines('LAB', result)] == ['-D LAB 1', '-A LAB z']


def test_payload_and_chain_text():
    assert edits.payload('nat', ['-A X -j ACCEPT']) == '*nat\n-A X -j ACCEPT\nCOMMIT\n'
    assert edits.chain_text('INPUT', 'DROP', ['-j ACCEPT']) == ':INPUT DROP\n-A INPUT -j ACCEPT\n'
    assert edits.chain_text('LAB', None, [], exists=False) == ''


# -- two owners at one end of a chain: a documented order (by name), and both converge -----------
def _owned_by(owner):
    return lambda spec: rules.owner_of(spec) == owner


def _rule(owner, n):
    return '-s 10.0.%d.0/24 -m comment --comment "netvirt:%s" -j ACCEPT' % (n, owner)


def _apply(current, edits):
    chain = list(current)
    for kind, value, spec in edits['deletes']:
        if kind == 'number':
            del chain[value - 1]
        else:
            chain.remove(spec)
    for pos, spec, append in edits['inserts']:
        if append:
            chain.append(spec)
        else:
            chain.insert(pos - 1, spec)
    return chain


@pytest.mark.parametrize('position', ['top', 'bottom'])
@pytest.mark.parametrize('start', ['empty', 'a-first', 'b-first', 'foreign-between'])
def test_two_owners_at_one_end_converge_in_name_order(position, start):
    foreign = '-s 192.0.2.0/24 -j DROP'
    a, b = [_rule('a', 1), _rule('a', 2)], [_rule('b', 3)]
    chain = {'empty': [foreign], 'a-first': a + b + [foreign], 'b-first': b + a + [foreign],
             'foreign-between': b + [foreign] + a}[start]
    if position == 'bottom':
        chain = [foreign] + [s for s in chain if s != foreign]
    for _round in range(3):      # a, then b, then a again: the third must find nothing to do
        for owner, want in (('a', a), ('b', b)):
            result = edits.plan_chain(chain, want, 'block', _owned_by(owner), position,
                                      rules.ahead_of(owner, position))
            chain = _apply(chain, result)
            assert chain == result['final']
    for owner, want in (('a', a), ('b', b)):
        result = edits.plan_chain(chain, want, 'block', _owned_by(owner), position, rules.ahead_of(owner, position))
        assert result['deletes'] == [] and result['inserts'] == [], (owner, chain)
    assert chain == (a + b + [foreign] if position == 'top' else [foreign] + a + b)


def test_owner_of_reads_only_a_whole_marker():
    assert rules.owner_of(_rule('docker_bridge/x', 1)) == 'docker_bridge/x'
    assert rules.owner_of('-m comment --comment "not netvirt:a" -j ACCEPT') is None
    assert rules.owner_of('-j ACCEPT') is None
