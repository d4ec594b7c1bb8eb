# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probe outcomes -> expectations met or not, the matrix and its text table. Pure Python."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

CURRENT = '(current)'      # how the module's own namespace reads in the matrix
SYMBOLS = {'reachable': 'ok', 'unreachable': 'X', 'skipped': '-', 'no-address': '?'}
LEGEND = ("ok: reachable, X: unreachable, n/m: n of m addresses reachable, ?: no address to probe, "
          "-: skipped (check mode, missing namespace), .: not probed, !: an expectation is not met")


def met(result):
    """Whether the result meets its expectation: True, False, or None (nothing expected, or the
    probe did not run)."""
    if result.get('expect') in (None, 'any') or result.get('status') == 'skipped':
        return None
    return bool(result.get('reachable')) == (result['expect'] == 'reachable')


def _target(result):
    owners = ['the current namespace' if o == CURRENT else o for o in result.get('netns') or []]
    if not owners:
        return result['to'] or '?'
    if len(owners) > 3:
        return '%s (%d namespaces)' % (result['to'], len(owners))
    return '%s (%s)' % (result['to'], ', '.join(owners))


def describe(result):
    """'from ns1 to 10.0.0.2 (ns2) icmp' / '... tcp/80'."""
    proto = result['protocol'] if not result.get('port') else '%s/%d' % (result['protocol'], result['port'])
    if result.get('to') is None:
        target = 'namespace %s' % result['column']
    else:
        target = _target(result)
    return 'from %s to %s %s' % (result['from'], target, proto)


def unmet_text(result):
    got = 'reachable' if result.get('reachable') else 'unreachable'
    return '%s: expected %s, got %s (%s)' % (describe(result), result['expect'], got, result.get('detail'))


def evaluate(results):
    """Set ``met`` on every result; return the texts of the unmet expectations, in order."""
    unmet = []
    for result in results:
        result['met'] = met(result)
        if result['met'] is False:
            unmet.append(unmet_text(result))
    return unmet


def failure_message(unmet, total):
    expected = '%d of %d expectation%s not met' % (len(unmet), total, '' if total == 1 else 's')
    return '%s: %s' % (expected, '; '.join(unmet))


def _cell(results):
    """One cell from the results of a (row, column) pair."""
    states = [r['status'] for r in results]
    if all(s == 'skipped' for s in states):
        return 'skipped'
    if any(s == 'no-address' for s in states):
        return 'no-address'
    ran = [r for r in results if r['status'] != 'skipped']
    up = len([r for r in ran if r['reachable']])
    if up == len(ran):
        return 'reachable'
    if up == 0:
        return 'unreachable'
    return '%d/%d' % (up, len(ran))


def matrix(results, rows=None, columns=None):
    """{'rows', 'columns', 'cells', 'table', 'lines'}: rows are the sources, columns the targets (a namespace,
    or an address given as is, with ' tcp/PORT' for TCP probes), both in the order given (``rows``,
    ``columns``: the items of the matrix option), then in the order first probed, except that a
    probed target which is also a source takes the source's place (so the namespaces read the same
    way down and across, and the addresses and ports follow them).
    ``cells[row][column]`` is reachable, unreachable, 'n/m' (n of m addresses), skipped or no-address;
    a pair never probed has no cell."""
    rows, columns, groups = list(rows or []), list(columns or []), {}
    given = len(columns)
    for result in results:
        row, column = result['row'], result['column']
        if row not in rows:
            rows.append(row)
        if column not in columns:
            columns.append(column)
        groups.setdefault((row, column), []).append(result)
    probed = columns[given:]
    unprobed_rows = [r for r in rows if r in probed and r not in columns[:given]]
    columns[given:] = unprobed_rows + [c for c in probed if c not in rows]
    cells = {}
    for (row, column), group in groups.items():
        cells.setdefault(row, {})[column] = _cell(group)
    unmet = set(key for key, group in groups.items() if any(r.get('met') is False for r in group))
    text = table(rows, columns, cells, unmet)
    return {'rows': rows, 'columns': columns, 'cells': cells, 'table': text, 'lines': text.splitlines()}


def table(rows, columns, cells, unmet=()):
    """The matrix as fixed-width text, one line per source, then the legend."""
    head = ['from \\ to'] + list(columns)
    lines = [head]
    for row in rows:
        line = [row]
        for column in columns:
            value = cells.get(row, {}).get(column)
            symbol = '.' if value is None else SYMBOLS.get(value, value)
            if (row, column) in unmet:
                symbol += '!'
            line.append(symbol)
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = ['  '.join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    return '\n'.join(text + ['', LEGEND]) + '\n'


def summary(results):
    ran = [r for r in results if r['status'] not in ('skipped',)]
    up = len([r for r in ran if r['reachable']])
    out = {'probes': len(results), 'reachable': up, 'unreachable': len(ran) - up,
           'skipped': len(results) - len(ran),
           'expectations': len([r for r in results if r.get('met') is not None]),
           'unmet': len([r for r in results if r.get('met') is False])}
    out['text'] = ('%d probe%s: %d reachable, %d unreachable, %d skipped; %d of %d expectations met'
                   % (out['probes'], '' if out['probes'] == 1 else 's', up, out['unreachable'], out['skipped'],
                      out['expectations'] - out['unmet'], out['expectations']))
    return out
