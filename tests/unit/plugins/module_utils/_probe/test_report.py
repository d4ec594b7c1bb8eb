# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Expectations, failure texts, the matrix and its table."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._probe import report


def res(row, column, reachable, expect='reachable', status=None, to='10.0.0.9', netns=None, protocol='icmp',
        port=None, detail='d'):
    if status is None:
        status = 'reply' if reachable else 'timeout'
    return {'from': row, 'row': row, 'column': column, 'to': to, 'netns': [column] if netns is None else netns,
            'protocol': protocol, 'port': port, 'expect': expect, 'reachable': reachable, 'status': status,
            'detail': detail}


@pytest.mark.parametrize('reachable, expect, status, met', [
    (True, 'reachable', 'reply', True),
    (False, 'reachable', 'timeout', False),
    (False, 'unreachable', 'refused', True),
    (True, 'unreachable', 'open', False),
    (True, 'any', 'reply', None),
    (False, 'any', 'timeout', None),
    (None, 'reachable', 'skipped', None),           # check mode, namespace not there yet
    (False, 'reachable', 'no-address', False),      # a target namespace without an address
])
def test_met(reachable, expect, status, met):
    assert report.met(res('a', 'b', reachable, expect, status)) is met


def test_evaluate_names_every_unmet_expectation_in_order():
    results = [
        res('ns1', 'ns2', False, to='10.0.0.2', detail='no reply to 1 echo request, timeout 1s'),
        res('ns1', 'ns3', True),
        res('ns1', '10.0.0.2 tcp/80', False, to='10.0.0.2', netns=['ns2'], protocol='tcp', port=80,
            status='refused', detail='connection refused (port 80 closed)'),
        res('ns2', 'ns3', True, expect='unreachable', to='10.0.0.3', detail='1/1 replies, rtt 0.1 ms'),
    ]
    unmet = report.evaluate(results)
    assert [r['met'] for r in results] == [False, True, False, False]
    assert unmet == [
        'from ns1 to 10.0.0.2 (ns2) icmp: expected reachable, got unreachable (no reply to 1 echo request, timeout 1s)',
        'from ns1 to 10.0.0.2 (ns2) tcp/80: expected reachable, got unreachable (connection refused (port 80 closed))',
        'from ns2 to 10.0.0.3 (ns3) icmp: expected unreachable, got reachable (1/1 replies, rtt 0.1 ms)',
    ]
    msg = report.failure_message(unmet, 4)
    assert msg.startswith('3 of 4 expectations not met: from ns1 to 10.0.0.2 (ns2) icmp')
    assert msg.count('; ') == 2


def test_describe_a_target_namespace_without_address_and_many_or_current_holders():
    no_addr = res('a', 'd', False, status='no-address', to=None)
    assert report.describe(no_addr) == 'from a to namespace d icmp'
    many = res('a', '127.0.0.1', True, netns=['a', 'b', 'c', 'd'], to='127.0.0.1')
    assert report.describe(many) == 'from a to 127.0.0.1 (4 namespaces) icmp'
    host = res('a', '10.0.0.254', True, netns=[report.CURRENT], to='10.0.0.254')
    assert report.describe(host) == 'from a to 10.0.0.254 (the current namespace) icmp'


def test_matrix_cells_rows_columns_and_order():
    results = [
        res('ns1', 'ns2', True), res('ns1', 'ns3', False),
        res('ns2', 'ns1', True), res('ns2', 'ns3', True, to='10.0.0.3'), res('ns2', 'ns3', False, to='fd00::3'),
        res('ns3', 'ns1', None, status='skipped'), res('ns3', 'ns2', False, status='no-address', to=None),
    ]
    report.evaluate(results)
    m = report.matrix(results, ['ns1', 'ns2', 'ns3'], ['ns1', 'ns2', 'ns3'])
    assert m['rows'] == ['ns1', 'ns2', 'ns3']
    assert m['columns'] == ['ns1', 'ns2', 'ns3']
    assert m['cells'] == {
        'ns1': {'ns2': 'reachable', 'ns3': 'unreachable'},
        'ns2': {'ns1': 'reachable', 'ns3': '1/2'},
        'ns3': {'ns1': 'skipped', 'ns2': 'no-address'},
    }
    lines = m['table'].splitlines()
    assert lines[0].split() == ['from', '\\', 'to', 'ns1', 'ns2', 'ns3']
    assert lines[1].split() == ['ns1', '.', 'ok', 'X!']
    assert lines[2].split() == ['ns2', 'ok', '.', '1/2!']
    assert lines[3].split() == ['ns3', '-', '?!', '.']
    assert lines[5].startswith('ok: reachable')
    assert m['lines'] == lines


def test_matrix_without_order_follows_the_probes_and_aligns_columns():
    results = [res('a', '10.0.0.2 tcp/80', True, protocol='tcp', port=80), res('long-name', 'b', False, expect='any')]
    report.evaluate(results)
    m = report.matrix(results)
    assert m['rows'] == ['a', 'long-name']
    assert m['columns'] == ['10.0.0.2 tcp/80', 'b']
    lines = m['table'].splitlines()
    assert lines[1].index('ok') == lines[0].index('10.0.0.2')
    assert lines[2].index('X') == lines[0].index('b', len('from \\ to'))
    assert '!' not in lines[2]


def test_matrix_without_order_puts_targets_that_are_sources_in_the_rows_order():
    # probes listed source by source: web's targets (app, db, outside) are seen before web itself
    results = [res('web', 'app', True), res('web', 'db', True), res('web', 'outside', True),
               res('app', 'web', True), res('app', '127.0.0.1 tcp/80', True, protocol='tcp', port=80),
               res('outside', 'web', False, expect='unreachable'), res('db', 'web', True)]
    report.evaluate(results)
    m = report.matrix(results)
    assert m['rows'] == ['web', 'app', 'outside', 'db']
    assert m['columns'] == ['web', 'app', 'outside', 'db', '127.0.0.1 tcp/80']
    lines = m['table'].splitlines()
    assert lines[0].split()[3:] == ['web', 'app', 'outside', 'db', '127.0.0.1', 'tcp/80']
    assert lines[1].split() == ['web', '.', 'ok', 'ok', 'ok', '.']


def test_summary():
    results = [res('a', 'b', True), res('a', 'c', False, expect='unreachable'), res('b', 'a', False),
               res('b', 'c', None, status='skipped'), res('c', 'a', True, expect='any')]
    report.evaluate(results)
    s = report.summary(results)
    assert (s['probes'], s['reachable'], s['unreachable'], s['skipped'], s['expectations'], s['unmet']) == (5, 2, 2, 1, 3, 1)
    assert s['text'] == '5 probes: 2 reachable, 2 unreachable, 1 skipped; 2 of 3 expectations met'
