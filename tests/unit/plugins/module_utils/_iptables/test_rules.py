# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rule rendering, owner markers and iptables-save parsing (pure)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import rules
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError

OBJ = 'iptables chain filter/INPUT'
MARK = 'netvirt:filter/INPUT'

RENDER = [
    # (fields, mark, text, families, exact)
    ({'protocol': 'tcp', 'destination_port': '80', 'jump': 'ACCEPT'}, None,
     '-p tcp -m tcp --dport 80 -j ACCEPT', set(), True),
    ({'protocol': 'tcp', 'destination_port': '80', 'jump': 'ACCEPT'}, MARK,
     '-p tcp -m comment --comment "netvirt:filter/INPUT" -m tcp --dport 80 -j ACCEPT', set(), True),
    ({'source': '10.0.0.1', 'in_interface': 'lo', 'ctstate': ['established', 'RELATED'], 'jump': 'ACCEPT'}, None,
     '-s 10.0.0.1/32 -i lo -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', {4}, True),
    ({'source': '10.0.0.0/24', 'out_interface': '!br0', 'jump': 'MASQUERADE'}, None,
     '-s 10.0.0.0/24 ! -o br0 -j MASQUERADE', {4}, True),
    ({'protocol': 'tcp', 'destination_port': '8081', 'jump': 'DNAT', 'to_destination': '10.0.0.2:80'}, None,
     '-p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.0.0.2:80', {4}, True),
    ({'destination': 'fd00::1', 'jump': 'DROP'}, None, '-d fd00::1/128 -j DROP', {6}, True),
    ({'protocol': 'tcp', 'destination_ports': ['80', '443'], 'comment': 'web "x"', 'jump': 'REJECT',
      'reject_with': 'tcp-reset'}, None,
     '-p tcp -m multiport --dports 80,443 -m comment --comment "web \\"x\\"" -j REJECT --reject-with tcp-reset', set(),
     True),
    ({'in_interface': 'br0', 'goto': 'LAB'}, None, '-i br0 -g LAB', set(), True),
    ({'protocol': 'udp', 'source_port': '1000:2000', 'jump': 'MASQUERADE', 'to_ports': '3000-3100'}, None,
     '-p udp -m udp --sport 1000:2000 -j MASQUERADE --to-ports 3000-3100', set(), True),
    # spellings iptables prints differently: not exact, iptables decides (canon)
    ({'protocol': 'tcp', 'destination_port': 'http', 'jump': 'ACCEPT'}, None,
     '-p tcp -m tcp --dport http -j ACCEPT', set(), False),
    ({'protocol': '6', 'jump': 'ACCEPT'}, None, '-p 6 -j ACCEPT', set(), False),
    ({'protocol': 'TCP', 'jump': 'ACCEPT'}, None, '-p tcp -j ACCEPT', set(), False),
    ({'protocol': 'gre', 'jump': 'ACCEPT'}, None, '-p gre -j ACCEPT', set(), False),
    ({'source': '0.0.0.0/0', 'jump': 'ACCEPT'}, None, '-s 0.0.0.0/0 -j ACCEPT', {4}, False),
    ({'source': '::ffff:192.0.2.1', 'jump': 'ACCEPT'}, None, '-s ::ffff:c000:201/128 -j ACCEPT', {6}, False),
    ({'protocol': 'tcp', 'destination_port': '0:1023', 'jump': 'ACCEPT'}, None,
     '-p tcp -m tcp --dport 0:1023 -j ACCEPT', set(), False),
    ({'protocol': 'tcp', 'destination_port': '1024:', 'jump': 'ACCEPT'}, None,
     '-p tcp -m tcp --dport 1024: -j ACCEPT', set(), False),
    ({'protocol': 'tcp', 'destination_ports': ['80'], 'jump': 'ACCEPT'}, None,
     '-p tcp -m multiport --dports 80 -j ACCEPT', set(), False),
    ({'jump': 'REJECT'}, None, '-j REJECT', set(), False),
    ({'jump': 'REJECT', 'reject_with': 'tcp-rst'}, None, '-j REJECT --reject-with tcp-rst', set(), False),
    ({'jump': 'ACCEPT', 'to_ports': '80'}, None, '-j ACCEPT --to-ports 80', set(), False),
    ({'jump': 'DNAT', 'to_destination': '[fd00::2]:80'}, None, '-j DNAT --to-destination [fd00::2]:80', {6},
     False),
    ({'jump': 'DNAT', 'to_destination': '10.0.0.2:90-80'}, None, '-j DNAT --to-destination 10.0.0.2:90-80', {4},
     False),
]


@pytest.mark.parametrize('fields,mark,text,families,exact', RENDER)
def test_render(fields, mark, text, families, exact):
    assert rules.render(fields, mark, 'rules[0]', OBJ) == (text, families, exact)


@pytest.mark.parametrize('fields,ref', [
    ({'jump': 'ACCEPT'}, None),
    ({'jump': 'DNAT', 'to_destination': '10.0.0.2'}, None),
    ({'jump': 'LAB'}, 'LAB'),
    ({'jump': 'CT'}, 'CT'),
    ({'goto': 'LAB'}, 'LAB'),
    ({'protocol': 'tcp'}, None),
])
def test_chain_ref(fields, ref):
    assert rules.chain_ref(fields) == ref


BAD_RENDER = [
    ({'source': '300.1.1.1', 'jump': 'ACCEPT'}, 'rules[0].source'),
    ({'destination_port': '80', 'jump': 'ACCEPT'}, 'rules[0].destination_port'),
    ({'protocol': 'icmp', 'source_port': '80', 'jump': 'ACCEPT'}, 'rules[0].source_port'),
    ({'protocol': 'tcp', 'destination_port': '70000', 'jump': 'ACCEPT'}, 'rules[0].destination_port'),
    ({'protocol': 'tcp', 'destination_port': '80', 'destination_ports': ['81'], 'jump': 'ACCEPT'},
     'rules[0].destination_ports'),
    ({'jump': 'ACCEPT', 'goto': 'X'}, 'rules[0].goto'),
    ({'to_destination': '10.0.0.2', 'protocol': 'tcp'}, 'rules[0].jump'),
    ({'ctstate': ['BOGUS'], 'jump': 'ACCEPT'}, 'rules[0].ctstate'),
    ({'source': '10.0.0.1', 'destination': 'fd00::1', 'jump': 'ACCEPT'}, 'rules[0]'),
    ({'in_interface': 'a-very-long-interface-name', 'jump': 'ACCEPT'}, 'rules[0].in_interface'),
    ({'comment': 'two\nlines', 'jump': 'ACCEPT'}, 'rules[0].comment'),
]


@pytest.mark.parametrize('fields,option', BAD_RENDER)
def test_render_refuses(fields, option):
    with pytest.raises(ValidationError) as err:
        rules.render(fields, None, 'rules[0]', OBJ)
    assert err.value.option == option
    assert ('option %s of %s' % (option, OBJ)) in err.value.msg


@pytest.mark.parametrize('text,mark,spec,families', [
    ('-p tcp --dport 80 -j ACCEPT', None, '-p tcp --dport 80 -j ACCEPT', set()),
    ('-p tcp --dport 80 -j ACCEPT', MARK, '-m comment --comment "netvirt:filter/INPUT" -p tcp --dport 80 -j ACCEPT',
     set()),
    ('-s fd00::/64 -j DROP', None, '-s fd00::/64 -j DROP', {6}),
    ('-j DNAT --to-destination 10.0.0.2:80', None, '-j DNAT --to-destination 10.0.0.2:80', {4}),
])
def test_from_string(text, mark, spec, families):
    assert rules.from_string(text, mark, 'rules[1]', OBJ) == (spec, families)


@pytest.mark.parametrize('text,piece', [
    ('-A INPUT -j ACCEPT', 'without the command'),
    ('-m comment --comment "open', 'cannot read'),
    ('', 'empty'),
    ('-s 10.0.0.1 -d fd00::1 -j ACCEPT', 'mixes'),
])
def test_from_string_refuses(text, piece):
    with pytest.raises(ValidationError) as err:
        rules.from_string(text, None, 'rules[1]', OBJ)
    assert 'option rules[1].rule of %s' % OBJ in err.value.msg
    assert piece in err.value.msg


@pytest.mark.parametrize('table,chain,builtin', [
    ('filter', 'INPUT', True), ('nat', 'POSTROUTING', True), ('raw', 'PREROUTING', True),
    ('filter', 'DOCKER-USER', False), ('nat', 'LAB-DNAT', False),
])
def test_check_chain(table, chain, builtin):
    assert rules.check_chain(table, chain) is builtin


@pytest.mark.parametrize('table,chain,piece', [
    ('filter', 'PREROUTING', 'no built-in chain PREROUTING'),
    ('filter', 'has space', 'not a valid chain name'),
    ('filter', 'X' * 29, 'not a valid chain name'),
    ('filter', 'ACCEPT', 'is a target'),
    ('filter', '-X', 'not a valid chain name'),
])
def test_check_chain_refuses(table, chain, piece):
    with pytest.raises(ValidationError) as err:
        rules.check_chain(table, chain)
    assert 'option chain of iptables chain %s/%s' % (table, chain) in err.value.msg
    assert piece in err.value.msg


SAVE = '''# Generated by iptables-nft-save v1.8.9 (nf_tables) on Mon Nov 23 14:57:24 2026
# Warning: iptables-legacy tables present, use iptables-legacy-save to see them
*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -j DNAT --to-destination 1.2.3.4
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:MYC - [0:0]
-A INPUT -p tcp -m comment --comment "netvirt:filter/INPUT" -m tcp --dport 80 -j ACCEPT
-A INPUT -m comment --comment "x -m comment --comment \\"netvirt:filter/INPUT\\"" -j DROP
-A INPUT -j MYC
-A MYC -j ACCEPT
-A FORWARD -g MYC
COMMIT
'''


def test_parse_save():
    parsed = rules.parse_save(SAVE, 'filter')
    assert parsed['found'] is True
    assert parsed['chains'] == {'INPUT': 'DROP', 'FORWARD': 'ACCEPT', 'OUTPUT': 'ACCEPT', 'MYC': None}
    assert parsed['order'] == ['INPUT', 'FORWARD', 'OUTPUT', 'MYC']
    assert parsed['rules'][0] == ('INPUT', '-p tcp -m comment --comment "netvirt:filter/INPUT" -m tcp --dport 80 -j ACCEPT')
    assert [c for c, _s in parsed['rules']] == ['INPUT', 'INPUT', 'INPUT', 'MYC', 'FORWARD']
    assert rules.parse_save(SAVE, 'raw')['found'] is False


def test_owned_is_not_fooled_by_a_comment_holding_the_marker():
    specs = [s for _c, s in rules.parse_save(SAVE, 'filter')['rules']]
    assert [rules.owned(s, MARK) for s in specs] == [True, False, False, False, False]
    assert rules.owned(specs[0], 'netvirt:filter/INPUT2') is False


def test_references():
    parsed = rules.parse_save(SAVE, 'filter')
    assert rules.references(parsed['rules'], 'MYC') == [('INPUT', '-j MYC'), ('FORWARD', '-g MYC')]
    assert rules.references(parsed['rules'], 'MY') == []


@pytest.mark.parametrize('stderr,line', [
    ("iptables-nft-restore v1.8.9 (nf_tables): host/network `300.1.1.1' not found\nError occurred at line: 2\n", 2),
    ('iptables-nft-restore v1.8.9 (nf_tables): \nline 3: CHAIN_DEL failed (Device or resource busy): chain MYC\n', 3),
    ('iptables-restore: line 4 failed\n', 4),
    ('something else', None),
])
def test_error_line(stderr, line):
    assert rules.error_line(stderr) == line


def test_error_text_drops_the_usage_hint():
    text = rules.error_text("iptables-restore v1.8.9 (legacy): Couldn't load target `NOPE'\n\nError occurred at line: 2\n"
                            "Try `iptables-restore -h' or 'iptables-restore --help' for more information.\n")
    assert text == "iptables-restore v1.8.9 (legacy): Couldn't load target `NOPE'"


def test_error_text_explains_legacy_commit_refusals():
    assert 'the kernel refused it' in rules.error_text('iptables-restore: line 3 failed\n')
