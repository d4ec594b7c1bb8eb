# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""net_info's nftables section: every owner's tables, with chains, rule and element counts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state.net_info import NetInfoKind
from ansible_collections.netvirt.linux.tests.unit.fakes import FakeIo, FakeNftables, FakeSession, params, run_steps

LISTING = '''table ip filter {
\tchain INPUT {
\t\ttype filter hook input priority filter; policy accept;
\t\ttcp dport 22 accept
\t}
}
table inet web {
\tcomment "netvirt.linux"
\tset admins {
\t\ttype ipv4_addr
\t\telements = { 192.0.2.1, 192.0.2.2,
\t\t\t     192.0.2.3 }
\t}

\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tiif "lo" accept
\t\tip saddr @admins accept
\t}

\tchain sub {
\t}
}
'''


def gather(nft, **kw):
    io = FakeIo(session=FakeSession(links={None: {}}), nftables=nft)
    return run_steps(NetInfoKind(), params(NetInfoKind, **kw), io=io)


def test_nftables_tables_counted():
    ran = gather(FakeNftables(listing=LISTING), gather=['nftables'])
    assert ran.result['current']['nftables'] == [
        {'family': 'inet', 'name': 'web', 'comment': 'netvirt.linux', 'chains': {'input': 2, 'sub': 0}, 'rules': 2,
         'sets': {'admins': 3}, 'elements': 3},
        {'family': 'ip', 'name': 'filter', 'comment': None, 'chains': {'INPUT': 1}, 'rules': 1, 'sets': {},
         'elements': 0},
    ]


def test_nftables_not_gathered_by_default_and_nft_missing_is_a_warning():
    nft = FakeNftables(listing=LISTING)
    ran = gather(nft)
    assert 'nftables' not in ran.result['current'] and nft.log == []
    ran = gather(FakeNftables(available=False), gather=['nftables'])
    assert ran.result['current']['nftables'] is None
    assert any('nft is not installed' in w for w in ran.ctx.warnings)
