# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""From the rules of a chain as they are to the rules as they should be: the fewest deletions and
insertions, as iptables-restore lines. Pure Python.

Two ways of owning a chain:

``whole``  (a user chain, or ``purge: all``) the chain must be exactly the desired list. Rules are
           deleted by number (highest first), then inserted at their final positions (lowest first).
``block``  (a built-in chain) only rules carrying the owner marker are ours. They must form one
           block, in order, at the top or the bottom; foreign rules are never deleted or moved.
           Our rules are deleted by their text (``-D CHAIN spec``), never by number, so a rule
           another program inserted meanwhile can never be hit; a duplicated rule of ours is
           deleted in every copy and put back once.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib


def _matches(have, want):
    """Pairs (i, j): have[i] == want[j], in increasing order of both (a common subsequence)."""
    pairs = []
    matcher = difflib.SequenceMatcher(None, have, want, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs.append((block.a + k, block.b + k))
    return pairs


def plan_chain(current, desired, mode, mark_owned=None, position='top', ahead=None):
    """Edits that turn ``current`` (list of specs) into the wanted chain.

    ``desired``: the specs we want (ours), in order. ``mark_owned(spec)``: whether a current spec
    is ours (block mode). ``ahead(spec)``: whether a foreign spec belongs to another owner whose
    block goes between ours and that end of the chain (top: an owner that sorts before ours;
    bottom: one that sorts after): the blocks of several owners at one end are kept in that order
    instead of each run moving its own block past the other's. Returns a dict:
      deletes  [(kind, value, spec)] kind 'number' (1-based, already ordered highest first) or 'spec'
      inserts  [(position, spec, append)] 1-based, lowest first; append=True means ``-A``
      final    the chain after the edits (list of specs)
    """
    if mode == 'whole':
        pairs = _matches(current, desired)
        kept_have = set(i for i, _j in pairs)
        kept_want = set(j for _i, j in pairs)
        deletes = [('number', i + 1, current[i]) for i in reversed(range(len(current))) if i not in kept_have]
        final = list(desired)
        count = len(kept_have)
    else:
        foreign = [s for s in current if not mark_owned(s)]
        ours = [(i, s) for i, s in enumerate(current) if mark_owned(s)]
        counts = {}
        for _i, spec in ours:
            counts[spec] = counts.get(spec, 0) + 1
        foreign_at = [i for i, s in enumerate(current) if not mark_owned(s)]
        ahead = ahead or (lambda spec: False)
        if position == 'top':
            split = 0       # our block goes after foreign[:split]: the other owners' blocks ahead of it
            while split < len(foreign) and ahead(foreign[split]):
                split += 1
        else:
            split = len(foreign)
            while split > 0 and ahead(foreign[split - 1]):
                split -= 1
        low = foreign_at[split - 1] if split > 0 else -1
        high = foreign_at[split] if split < len(foreign) else len(current)
        in_place = [(i, s) for i, s in ours if low < i < high]
        # a rule of ours found twice can't be deleted by its text without ambiguity: all copies go
        candidates = [(i, s) for i, s in in_place if counts[s] == 1]
        pairs = _matches([s for _i, s in candidates], desired)
        kept_idx = set(candidates[a][0] for a, _b in pairs)
        kept_want = set(b for _a, b in pairs)
        deletes = [('spec', s, s) for i, s in ours if i not in kept_idx]
        final = foreign[:split] + list(desired) + foreign[split:]
        kept_want = set(j + split for j in kept_want)
        kept_want.update(range(split))
        kept_want.update(range(split + len(desired), len(final)))
        count = len(foreign) + len(kept_idx)
    inserts = []
    for j, spec in enumerate(final):
        if j in kept_want:
            continue
        append = j == count
        inserts.append((j + 1, spec, append))
        count += 1
    return {'deletes': deletes, 'inserts': inserts, 'final': final}


def restore_lines(chain, edits):
    """The iptables-restore lines of the edits, each with the spec it is about."""
    out = []
    for kind, value, spec in edits['deletes']:
        if kind == 'number':
            out.append(('-D %s %d' % (chain, value), 'delete', spec))
        else:
            out.append(('-D %s %s' % (chain, value), 'delete', spec))
    for pos, spec, append in edits['inserts']:
        if append:
            out.append(('-A %s %s' % (chain, spec), 'append', spec))
        else:
            out.append(('-I %s %d %s' % (chain, pos, spec), 'insert', spec))
    return out


def undo_lines(chain, before, after, made=False, policy=None):
    """The restore lines that put ``chain`` back from ``after`` (its specs once a commit went in;
    None: the commit deleted it) to ``before`` (its specs as observed): used when the other IP
    version's commit fails after this one's. ``made``: the commit created the chain (the undo
    deletes it); ``policy``: the policy before, when the commit changed it. Rules are put back by
    number (the chain is exactly ``after`` while the task holds the lock; only a program that
    takes no lock could have changed it in the milliseconds between)."""
    if made:
        return ['-F %s' % chain, '-X %s' % chain]
    if after is None:
        return [':%s - [0:0]' % chain] + ['-A %s %s' % (chain, s) for s in before]
    lines = [line for line, _how, _spec in restore_lines(chain, plan_chain(list(after), list(before), 'whole'))]
    if policy:
        lines.append('-P %s %s' % (chain, policy))
    return lines


def payload(table, lines):
    """A restore payload for one table (used with --noflush: only what the lines say changes)."""
    return '*%s\n%s\nCOMMIT\n' % (table, '\n'.join(lines))


def chain_text(chain, policy, specs, exists=True):
    """The chain as iptables-save lines, for diff mode."""
    if not exists:
        return ''
    lines = [':%s %s' % (chain, policy or '-')]
    lines.extend('-A %s %s' % (chain, s) for s in specs)
    return '\n'.join(lines) + '\n'
