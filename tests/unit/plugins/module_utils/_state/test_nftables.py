# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The nftables kind on a fake nft: validation, ownership, the plan and its one transaction."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._state.nftables import NftablesKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError, ValidationError
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeNftables, params, run_steps


def table(**kw):
    base = {'name': 't', 'family': 'inet',
            'sets': [{'name': 's', 'type': 'ipv4_addr', 'elements': ['10.0.0.1', '10.0.0.2']}],
            'chains': [{'name': 'input', 'hook': 'input', 'policy': 'drop', 'rules': ['iif lo accept', 'jump sub']},
                       {'name': 'sub', 'rules': ['ip saddr @s accept']}]}
    base.update(kw)
    return base


def given(*tables, **kw):
    return params(NftablesKind, tables=list(tables) or [table()], **kw)


# what nft 1.0.6 prints for table() once made
PRINTED = '''table inet t {
\tcomment "netvirt.linux"
\tset s {
\t\ttype ipv4_addr
\t\telements = { 10.0.0.1, 10.0.0.2 }
\t}

\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tiif "lo" accept
\t\tjump sub
\t}

\tchain sub {
\t\tip saddr @s accept
\t}
}
'''
FOREIGN = 'table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n'


def run(nft, tables=None, check_mode=False):
    io = FakeIo(nftables=nft)
    return run_steps(NftablesKind(), given(*(tables or [table()])), io=io, check_mode=check_mode)


@pytest.mark.parametrize('tweak, option, words', [
    (dict(chains=[{'name': 'c', 'hook': 'ingress', 'device': 'eth0'}], family='ip'), 'tables[0].chains[0].hook',
     'the ip family has no hook'),
    (dict(chains=[{'name': 'c', 'hook': 'egress'}], family='arp', sets=[]), 'tables[0].chains[0].hook', 'no hook'),
    (dict(chains=[{'name': 'c', 'rules': ['jump nowhere']}], sets=[]), 'tables[0].chains[0].rules[0]',
     'which the table does not have'),
    (dict(chains=[{'name': 'c', 'rules': ['accept; flush ruleset']}], sets=[]), 'tables[0].chains[0].rules[0]',
     'second command'),
    (dict(chains=[{'name': 'c', 'rules': ['accept\nflush ruleset']}], sets=[]), 'tables[0].chains[0].rules[0]',
     'line break'),
    (dict(chains=[{'name': 'c', 'type': 'nat', 'hook': 'input'}], family='bridge', sets=[]),
     'tables[0].chains[0].type', 'not for the bridge family'),
    (dict(chains=[{'name': 'c', 'policy': 'drop'}], sets=[]), 'tables[0].chains[0].policy', 'has no hook'),
    (dict(chains=[{'name': 'c', 'hook': 'ingress'}], family='netdev', sets=[]), 'tables[0].chains[0].device',
     'needs the device'),
    (dict(sets=[{'name': 's', 'type': 'ipv4_addr', 'elements': ['10.0.0.1, 10.0.0.2']}], chains=[]),
     'tables[0].sets[0].elements[0]', 'one element per list item'),
    (dict(sets=[{'name': 's', 'elements': []}], chains=[]), 'tables[0].sets[0].type', 'give type'),
    (dict(name='a b'), 'tables[0].name', 'not a name'),
    (dict(state='absent'), 'tables[0].state', 'removes the whole table'),
])
def test_bad_input_names_the_option_and_the_table(tweak, option, words):
    with pytest.raises(ValidationError) as err:
        NftablesKind().desired(given(table(**tweak)))
    assert err.value.option == option
    assert words in err.value.msg and 'option %s of ' % option in err.value.msg


def test_a_table_of_another_owner_is_refused_and_nothing_runs():
    nft = FakeNftables(listing=FOREIGN)
    with pytest.raises(ValidationError) as err:
        run(nft, [table(name='filter', family='ip', sets=[], chains=[])])
    assert err.value.option == 'tables[0].name' and 'another owner' in err.value.msg
    assert 'nftables table ip filter' in err.value.msg
    assert nft.loads == []


def test_create_is_one_transaction_without_the_scratch_namespace():
    nft = FakeNftables(listing=FOREIGN)
    ran = run(nft)
    assert ran.plan.changed and len(ran.plan.actions) == 1
    assert [(w, c) for w, c, _t in nft.loads] == [('target', False)]
    text = nft.loads[0][2]
    assert text.splitlines()[0] == 'add table inet t { comment "netvirt.linux"; }'
    assert 'ip filter' not in text         # the foreign table is not in the transaction
    assert nft.records['inet t']['listed']['chain input'] is None   # made, not listed yet


def test_check_mode_runs_nft_check_on_the_same_transaction():
    real, check = FakeNftables(), FakeNftables()
    run(real)
    ran = run(check, check_mode=True)
    assert [(w, c) for w, c, _t in check.loads] == [('target', True)]
    assert check.loads[0][2] == real.loads[0][2]
    assert ran.plan.diff()['after'].startswith('table inet t {')
    assert check.saved == 0


def test_second_run_after_create_is_one_read_and_no_change():
    nft = FakeNftables()
    run(nft)
    nft.listing, nft.log[:], nft.loads[:] = PRINTED, [], []
    ran = run(nft)
    assert not ran.plan.changed and nft.log == ['target: nft -s list ruleset'] and nft.loads == []
    # and the record now holds nft's print: a third run is one read too
    assert nft.records['inet t']['listed']['chain input'] is not None
    nft.log[:] = []
    assert not run(nft).plan.changed and nft.log == ['target: nft -s list ruleset']


def test_one_changed_element_is_a_small_transaction_not_a_reload():
    nft = FakeNftables()
    run(nft)
    nft.listing = PRINTED
    run(nft)
    nft.loads[:] = []
    nft.scratch = 'table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 10.0.0.3 }\n\t}\n}\n'
    changed = table(sets=[{'name': 's', 'type': 'ipv4_addr', 'elements': ['10.0.0.1', '10.0.0.3']}])
    ran = run(nft, [changed])
    assert [a.describe() for a in ran.plan.actions] == [
        'delete 1 element(s) from set s: 10.0.0.2', 'add 1 element(s) to set s: 10.0.0.3']
    scratch_text = nft.loads[0][2]
    assert nft.loads[0][0] == 'scratch' and '10.0.0.1' not in scratch_text and 'add rule' not in scratch_text
    assert nft.loads[1][2] == ('delete element inet t s { 10.0.0.2 }\nadd element inet t s { 10.0.0.3 }\n')


def test_changed_rules_flush_and_refill_that_chain_only():
    nft = FakeNftables()
    run(nft)
    nft.listing = PRINTED
    run(nft)
    nft.loads[:] = []
    nft.scratch = PRINTED.replace('\t\tiif "lo" accept\n', '\t\tiif "lo" accept\n\t\tct state established accept\n')
    changed = table(chains=[{'name': 'input', 'hook': 'input', 'policy': 'drop',
                             'rules': ['iif lo accept', 'ct state established accept', 'jump sub']},
                            {'name': 'sub', 'rules': ['ip saddr @s accept']}])
    ran = run(nft, [changed])
    assert [a.describe() for a in ran.plan.actions] == ['set the rules of chain input in table inet t (2 -> 3)']
    assert nft.loads[-1][2].splitlines() == [
        'flush chain inet t input', 'add rule inet t input iif lo accept',
        'add rule inet t input ct state established accept', 'add rule inet t input jump sub']


def test_a_refused_rule_is_named_by_its_option_and_the_table():
    err = ('/dev/stdin:6:1-3: Error: syntax error, unexpected string\nadd rule inet t input ip dadr 1.2.3.4\n')
    nft = FakeNftables(refuse={'target': err})
    with pytest.raises(ApplyError) as exc:
        run(nft, [table(chains=[{'name': 'input', 'hook': 'input', 'rules': ['ip dadr 1.2.3.4 accept']}])])
    # line 6: table, chain, set, its 2 element lines, the rule
    lines = nft.loads[0][2].splitlines()
    assert lines[5].startswith('add rule inet t input')
    assert exc.value.option == 'tables[0].chains[0].rules[0]'
    assert 'nftables table inet t' in exc.value.msg and 'syntax error' in exc.value.msg
    assert 'nothing was changed' in exc.value.msg


def test_absent_deletes_only_an_owned_table():
    nft = FakeNftables(listing=PRINTED)
    ran = run(nft, [{'name': 't', 'state': 'absent'}])
    assert [a.describe() for a in ran.plan.actions] == ['delete table inet t']
    assert nft.loads[-1][2] == 'delete table inet t\n'
    nft2 = FakeNftables(listing='')
    assert not run(nft2, [{'name': 't', 'state': 'absent'}]).plan.changed
