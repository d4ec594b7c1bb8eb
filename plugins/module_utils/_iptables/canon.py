# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Canonical rules, as iptables itself prints them.

``-p tcp --dport 80 -j ACCEPT`` and ``-p tcp -m tcp --dport 80 -j ACCEPT`` are one rule; only
iptables knows every extension's canonical form, so it decides:

1. A candidate whose text already appears verbatim in the target table's iptables-save output is
   canonical (iptables printed exactly that text, and iptables-save output restores to itself).
   A no-change run therefore needs no more than the one iptables-save read of the target.
2. The other candidates are loaded, in one iptables-restore, into the same table and chain of a
   scratch network namespace: a new, empty one that only this run can see (unshare(2) on the
   calling thread), with the target table's user chains declared empty so jumps to them resolve.
   This is a real commit, so the kernel checks everything it checks on the target (targets,
   hooks, addresses); then iptables-save of the scratch chain gives each rule's canonical text,
   in order. The target is never touched, so check mode and errors leave nothing behind.

3. A candidate the caller marks *trusted* is taken as is: a structured rule whose every value is
   written the way iptables prints it (``rules.render``'s ``exact``), in a real run where every
   rule of ours already in the chain was found verbatim (so no rule of ours can be the same rule
   printed differently). Such a rule is checked by the kernel when it is committed (all or
   nothing), not before; this is what lets a new chain of 1000 rules cost one read and one commit.
   Check mode makes the same plan and then has the kernel check those rules with ``load`` in the
   scratch namespace, so that it fails where the commit would.

A refused rule fails naming its option (``rules[3]``) with iptables' own message.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import edits, rules
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError


# iptables' words for a jump to a chain that does not exist: nft, then legacy.
_MISSING_CHAIN = (re.compile(r"Chain '([^']+)' does not exist"), re.compile(r"Couldn't load target `([^']+)'"))


def missing_chain(err):
    """The chain iptables says a rule jumps to but does not exist (from its stderr), or None."""
    for pattern in _MISSING_CHAIN:
        found = pattern.search(err or '')
        if found and rules._CHAIN_RE.match(found.group(1)):  # pylint: disable=protected-access
            return found.group(1)
    return None


def _scratch_load(runner, family, backend, table, chain, builtin, user_chains, specs):
    lines = [':%s - [0:0]' % c for c in user_chains if c != chain]
    if not builtin:
        lines.append(':%s - [0:0]' % chain)
    first_rule_line = 2 + len(lines)
    lines.extend('-A %s %s' % (chain, s) for s in specs)
    rc, _out, err = runner.run([rules.binary(family, backend, 'restore')], edits.payload(table, lines),
                               where='scratch')
    return rc, err, first_rule_line


user_chains = rules.user_chains


def find_refused(runner, family, backend, table, chain, builtin, observed, specs):
    """(index, stderr) of the first of ``specs`` iptables refuses on its own in the scratch
    namespace, or (None, None). For a refusal at COMMIT, where iptables-legacy does not say which
    rule the kernel refused."""
    for n, spec in enumerate(specs):
        rc, err, _f = _scratch_load(runner, family, backend, table, chain, builtin, user_chains(observed), [spec])
        if rc != 0:
            return n, err
    return None, None


def load(runner, family, backend, table, chain, builtin, observed, candidates, obj, assume=None):
    """Commit ``candidates`` ([(option, spec)]) into the chain of the scratch namespace, where the
    kernel checks them as it would in the target; a refused one fails naming its option, with
    iptables' own message. The scratch namespace keeps them (canonicalise reads them back).
    ``assume`` (check mode: a list): a chain a rule jumps to that the target does not have is taken as
    made empty by an earlier task of the run (declared in the scratch namespace; its name is added to
    ``assume``), as the real run finds it when that task ran for real."""
    specs = [spec for _opt, spec in candidates]
    chains = list(user_chains(observed)) + list(assume or [])
    while True:
        rc, err, first = _scratch_load(runner, family, backend, table, chain, builtin, chains, specs)
        missing = missing_chain(err) if rc != 0 and assume is not None else None
        if not missing or missing in chains or missing == chain or len(assume) >= 64:
            break
        chains.append(missing)
        assume.append(missing)     # a refused restore changed nothing in the scratch namespace
    if rc != 0:
        line = rules.error_line(err)
        k = line - first if line is not None else -1
        if not 0 <= k < len(specs):
            # refused at COMMIT (the kernel said no, iptables-legacy does not say which rule): one by one
            k, err1 = find_refused(runner, family, backend, table, chain, builtin, observed, specs)
            err = err1 if k is not None else err
        option = candidates[k][0] if k is not None else 'rules'
        what = " '%s'" % candidates[k][1] if k is not None else 's'
        raise ValidationError("option %s of %s (%s): iptables refused the rule%s: %s"
                              % (option, obj, rules.FAMILY_NAME[family], what, rules.error_text(err)), option, obj)


def canonicalise(runner, family, backend, table, chain, builtin, observed, candidates, obj, trusted=None, assume=None):
    """``candidates``: [(option, spec)]; ``trusted``: None or a bool per candidate (see 3. above);
    ``assume``: see load. Returns the canonical specs in the same order."""
    known = set(s for _c, s in observed['rules'])
    unknown = [k for k, (_opt, spec) in enumerate(candidates) if spec not in known and not (trusted and trusted[k])]
    out = [spec for _opt, spec in candidates]
    if not unknown:
        return out
    specs = [candidates[k][1] for k in unknown]
    load(runner, family, backend, table, chain, builtin, observed, [candidates[k] for k in unknown], obj, assume)
    rc, text, err = runner.run([rules.binary(family, backend, 'save'), '-t', table], where='scratch')
    if rc != 0:
        raise ValidationError('option rules of %s (%s): reading the rules back failed: %s'
                              % (obj, rules.FAMILY_NAME[family], rules.error_text(err)), 'rules', obj)
    parsed = [s for c, s in rules.parse_save(text, table)['rules'] if c == chain]
    if len(parsed) != len(specs):
        raise ValidationError('option rules of %s (%s): iptables printed %d rules for %d given'
                              % (obj, rules.FAMILY_NAME[family], len(parsed), len(specs)), 'rules', obj)
    for k, spec in zip(unknown, parsed):
        out[k] = spec
    return out
