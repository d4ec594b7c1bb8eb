# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure nftables model: guards, structured rules, nft's listing parsed, commands, errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._nftables import model

# nft 1.0.6's `nft -s list ruleset` of a table (elements wrapped the way nft wraps them)
LISTING = '''table ip filter {
\tchain INPUT {
\t\ttype filter hook input priority filter; policy accept;
\t}
}
table inet t {
\tcomment "netvirt.linux"
\tset s {
\t\ttype ipv4_addr
\t\tflags interval,timeout
\t\ttimeout 2h
\t\telements = { 10.0.0.0/24 timeout 1h, 10.1.0.0/16,
\t\t\t     10.2.0.1 }
\t}

\tmap m {
\t\ttype inet_service : verdict
\t\telements = { 22 : jump sub, 80 : accept }
\t}

\tchain c {
\t\ttype filter hook input priority filter; policy accept;
\t\tiif "lo" tcp dport { 22, 80 } counter accept comment "a, b; {c}"
\t\ttcp dport vmap @m
\t}

\tchain sub {
\t\tct state established,related accept
\t}
}
'''


@pytest.mark.parametrize('text', [
    'accept; add table ip evil', 'accept\nflush ruleset', 'accept # x', 'tcp dport { 22 accept',
    'accept } chain evil { accept', 'comment "open', '',
])
def test_statement_guard_refuses_a_second_command(text):
    with pytest.raises(model.ModelError):
        model.check_statement(text, 'the rule')


@pytest.mark.parametrize('text', ['tcp dport { 22, 80 } accept', 'accept comment "a; b # {"', 'ip saddr @s drop'])
def test_statement_guard_takes_one_statement(text):
    assert model.check_statement(text, 'the rule') == text


def test_jumps_found_outside_quotes_only():
    assert model.jumps('tcp dport 22 jump ssh comment "goto nowhere"') == ['ssh']
    assert model.jumps('22 : goto "x.y"') == ['x.y']


def test_structured_rule_in_nft_order():
    rule = {'iifname': 'eth0', 'protocol': 'tcp', 'dport': [80, 443], 'saddr': '2001:db8::/64', 'ct_state': ['new'],
            'counter': True, 'verdict': 'accept', 'comment': 'web'}
    assert model.render_rule(rule, 'inet') == ('iifname "eth0" ip6 saddr 2001:db8::/64 tcp dport { 80, 443 } '
                                               'ct state new counter accept comment "web"')
    assert model.render_rule({'protocol': 'udp', 'jump': 'x'}, 'ip') == 'meta l4proto udp jump x'
    for bad in ({'dport': 22}, {'verdict': 'allow'}, {'verdict': 'accept', 'jump': 'x'}, {'port': 1}, {}):
        with pytest.raises(model.ModelError):
            model.render_rule(bad, 'inet')


def test_listing_parsed_with_rules_and_elements_as_nft_prints_them():
    tables = model.parse_listing(LISTING)
    assert sorted(tables) == [('inet', 't'), ('ip', 'filter')]
    assert not model.owned(tables[('ip', 'filter')])
    t = tables[('inet', 't')]
    assert model.owned(t)
    assert t['chain_order'] == ['c', 'sub'] and t['set_order'] == ['s', 'm']
    assert t['chains']['c']['header'] == ['type filter hook input priority filter; policy accept;']
    assert t['chains']['c']['rules'] == ['iif "lo" tcp dport { 22, 80 } counter accept comment "a, b; {c}"',
                                         'tcp dport vmap @m']
    assert t['chains']['sub'] == {'header': [], 'rules': ['ct state established,related accept']}
    assert t['sets']['s']['elements'] == ['10.0.0.0/24 timeout 1h', '10.1.0.0/16', '10.2.0.1']
    assert t['sets']['s']['header'] == ['type ipv4_addr', 'flags interval,timeout', 'timeout 2h']
    assert t['sets']['m'] == {'kind': 'map', 'header': ['type inet_service : verdict'],
                              'elements': ['22 : jump sub', '80 : accept']}


def test_split_elements_keeps_concatenations_and_quotes():
    assert model.split_elements('10.0.0.1 . 80 : accept, "a,b" , 3') == ['10.0.0.1 . 80 : accept', '"a,b"', '3']


def table(**kw):
    base = {'family': 'inet', 'name': 't', 'option': 'tables[0]',
            'chains': [{'name': 'c', 'option': 'tables[0].chains[0]', 'hook': 'input', 'type': 'filter',
                        'priority': '0', 'policy': 'drop', 'rules': [('jump later', 'tables[0].chains[0].rules[0]')]},
                       {'name': 'later', 'option': 'tables[0].chains[1]', 'rules': [('accept', 'r1')]}],
            'sets': [{'name': 's', 'option': 'tables[0].sets[0]', 'type': 'ipv4_addr', 'flags': ['interval'],
                      'elements': [('10.0.0.1', 'e0'), ('10.0.0.2', 'e1')]}]}
    base.update(kw)
    return base


def test_create_declares_every_chain_before_sets_elements_and_rules():
    lines = model.commands_create(table())
    assert [l for l, _o in lines] == [
        'add table inet t { comment "netvirt.linux"; }',
        'add chain inet t c { type filter hook input priority 0; policy drop; }',
        'add chain inet t later',
        'add set inet t s { type ipv4_addr; flags interval; }',
        'add element inet t s { 10.0.0.1,',
        ' 10.0.0.2 }',
        'add rule inet t c jump later',
        'add rule inet t later accept',
    ]
    assert [o for _l, o in lines][4:6] == ['e0', 'e1']     # an error line names the element
    skeleton = model.commands_create(table(), skeleton=True, known={'s': {'10.0.0.1'}})
    assert skeleton[0][0] == 'add table inet t'
    assert ('add element inet t s { 10.0.0.2 }', 'e1') in skeleton


def test_error_lines_from_nft_stderr():
    err = ('/dev/stdin:7:24-28: Error: No such file or directory; did you mean chain \u2018sub\u2019?\n'
           'add rule inet t c jump later\n                       ^^^^^\n')
    assert model.error_lines(err) == [(7, 'No such file or directory; did you mean chain \u2018sub\u2019?')]
    assert '^' not in model.error_text(err)


def test_render_sorts_elements_so_a_set_compares_as_a_set():
    t = table()
    one = {'chains': {}, 'sets': {'s': {'kind': 'set', 'header': ['type ipv4_addr'], 'elements': ['b', 'a']}}}
    two = {'chains': {}, 'sets': {'s': {'kind': 'set', 'header': ['type ipv4_addr'], 'elements': ['a', 'b']}}}
    assert model.render(t, one) == model.render(t, two)
    assert model.render(t, None) == ''
    assert model.listed_parts(one) == model.listed_parts(two)


def test_given_parts_change_with_the_text():
    a = model.given_parts(table())
    b = model.given_parts(table(chains=[dict(table()['chains'][0], policy='accept'), table()['chains'][1]]))
    assert a['chain c'] != b['chain c'] and a['chain later'] == b['chain later'] and a['set s'] == b['set s']


@pytest.mark.parametrize('texts, plain', [
    (['10.0.0.1', '10.0.0.2 timeout 1h', '22 : jump x'], True), ([], True),
    (['a', 'b,c'], False), (['a', ' b'], False), (['a ', 'b'], False), (['a', ''], False), (['a\nb'], False),
    (['a', 'b"'], False), (['a;'], False), (['{a}'], False), ([1, 'a'], False),
])
def test_plain_elements_in_bulk_agrees_with_the_one_by_one_check(texts, plain):
    assert model.plain_elements(texts) is plain
    assert plain == all(isinstance(t, str) and bool(model.PLAIN_ELEMENT_RE.match(t)) for t in texts)


def test_only_the_wanted_tables_are_parsed_in_full():
    tables = model.parse_listing(LISTING, wanted={('ip', 'filter')})
    assert tables[('inet', 't')]['chains'] == {} and model.owned(tables[('inet', 't')])
    assert tables[('ip', 'filter')]['chain_order'] == ['INPUT']


def test_element_lines():
    t = {'family': 'ip', 'name': 'n'}
    assert model.element_lines('add', t, 's', [('a', 'o0')]) == [('add element ip n s { a }', 'o0')]
    assert model.element_lines('delete', t, 's', [('a', 'o0'), ('b', 'o1'), ('c', 'o2')]) == [
        ('delete element ip n s { a,', 'o0'), (' b,', 'o1'), (' c }', 'o2')]
    assert model.element_lines('add', t, 's', []) == []
