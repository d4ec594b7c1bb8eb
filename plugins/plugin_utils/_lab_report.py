# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A self-contained HTML page about a lab: the graph (SVG from Graphviz's ``dot`` when it is installed,
else the DOT text and how to get dot), the reachability matrix coloured by result, the actions of the
last apply. No script, no stylesheet or font from elsewhere: the page opens without a network.

Runs on the controller (the filter lab_report). Pure Python apart from running ``dot`` (an argument
list, never a shell)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shutil
import subprocess

from ansible_collections.netvirt.linux.plugins.plugin_utils import _lab_graph

CURRENT = '(current)'    # how reachability names the module's own namespace
DOT_TIMEOUT = 60

STYLE = '''
body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 0.95em; margin: 0.9em 0 0.2em; }
.summary { color: #555; }
.graph svg { max-width: 100%; height: auto; }
table.matrix { border-collapse: collapse; margin: 0.5em 0; }
table.matrix th, table.matrix td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: center; }
table.matrix th { background: #f2f2f2; font-weight: normal; }
table.matrix th.row { text-align: left; }
td.reachable { background: #b7e4b0; }
td.expected-unreachable { background: #d9d9d9; }
td.unreachable { background: #f3d19c; }
td.unmet { background: #f08c8c; font-weight: bold; }
td.self, td.none { background: #fff; color: #aaa; }
.legend span { display: inline-block; padding: 0.1em 0.6em; margin-right: 0.6em; border: 1px solid #bbb; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
.notice { background: #fff4d6; border: 1px solid #e0c36c; padding: 0.6em; }
ol.actions li { font-family: monospace; }
'''

LEGEND = [('reachable', 'reachable (as expected)'), ('expected-unreachable', 'unreachable, as expected'),
          ('unmet', 'expectation not met'), ('unreachable', 'unreachable, nothing expected'),
          ('none', 'not probed')]


class LabReportError(Exception):
    pass


def esc(text):
    return (str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;'))


def render_svg(dot_text, dot_command='dot'):
    """(svg text or None, why not). ``dot_command``: a program name or path; '' or None: do not render."""
    if not dot_command:
        return None, 'rendering was switched off (dot_command is empty)'
    program = shutil.which(dot_command) if not os.path.isabs(dot_command) else dot_command
    if not program or not os.access(program, os.X_OK):
        return None, 'Graphviz is not installed on the controller (no %s on PATH)' % dot_command
    try:
        proc = subprocess.run([program, '-Tsvg'], input=dot_text.encode('utf-8'), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=DOT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, '%s failed: %s' % (program, exc)
    if proc.returncode != 0:
        why = proc.stderr.decode('utf-8', 'replace').strip()
        return None, '%s -Tsvg failed (exit %d): %s' % (program, proc.returncode, why)
    svg = proc.stdout.decode('utf-8', 'replace')
    start = svg.find('<svg')
    return (svg[start:] if start >= 0 else svg), None


# ---------------------------------------------------------------- reachability

def _as_list(value):
    """[(label or None, result)] from a result, a list of results or a dict {label: result}."""
    if value is None:
        return []
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):   # {label: result}
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, dict):
        return [(None, value)]
    if isinstance(value, (list, tuple)) and all(isinstance(v, dict) for v in value):
        return [(None, v) for v in value]
    raise LabReportError('reachability: expected a netvirt.linux.reachability result or a list of them, got %s'
                         % type(value).__name__)


def _row(value):
    return CURRENT if value in ('', None) else str(value)


def _in_cell(result, row, column):
    """Whether a probe result belongs to the matrix cell (row, column)."""
    if _row(result.get('from')) != row:
        return False
    port, to = result.get('port'), result.get('to')
    targets = [str(to)] if to is not None else []
    targets += [_row(n) for n in result.get('netns') or []]
    if port:
        return column in ['%s tcp/%s' % (t, port) for t in targets]
    return column in targets


def cell_class(value, results):
    """The colour of one cell: unmet, reachable, expected-unreachable, unreachable (no expectation), none."""
    if value is None:
        return 'none'
    if any(r.get('met') is False for r in results):
        return 'unmet'
    if value == 'reachable':
        return 'reachable'
    if value == 'unreachable' and results and all(r.get('met') is True for r in results):
        return 'expected-unreachable'
    if value in ('skipped', 'no-address'):
        return 'none'
    return 'unreachable'


SYMBOL = {'reachable': 'ok', 'unreachable': 'X', 'skipped': '-', 'no-address': '?'}


def matrix_html(result, index):
    matrix = result.get('matrix') or {}
    rows, columns, cells = matrix.get('rows') or [], matrix.get('columns') or [], matrix.get('cells') or {}
    results = result.get('results') or []
    out = ['<table class="matrix" id="matrix-%d">' % index,
           '<tr><th>from \\ to</th>%s</tr>' % ''.join('<th class="col">%s</th>' % esc(c) for c in columns)]
    for row in rows:
        tds = []
        for column in columns:
            value = (cells.get(row) or {}).get(column)
            mine = [r for r in results if _in_cell(r, row, column)]
            css = 'self' if (row == column and value is None) else cell_class(value, mine)
            symbol = '.' if value is None else SYMBOL.get(value, value)
            if css == 'unmet':
                symbol += '!'
            title = '; '.join('%s %s%s: %s, expected %s' % (
                r.get('protocol'), r.get('to'), '/%s' % r['port'] if r.get('port') else '', r.get('detail'), r.get('expect'))
                for r in mine)
            tds.append('<td class="%s" data-row="%s" data-col="%s" title="%s">%s</td>'
                       % (css, esc(row), esc(column), esc(title), esc(symbol)))
        out.append('<tr><th class="row">%s</th>%s</tr>' % (esc(row), ''.join(tds)))
    out.append('</table>')
    summary = (result.get('summary') or {}).get('text')
    if summary:
        out.append('<p class="summary">%s</p>' % esc(summary))
    unmet = [r for r in results if r.get('met') is False]
    if unmet:
        out.append('<ul class="unmet">%s</ul>' % ''.join(
            '<li>from %s to %s%s: expected %s, got %s (%s)</li>' % (
                esc(_row(r.get('from'))), esc(r.get('to')), esc(' tcp/%s' % r['port'] if r.get('port') else ''),
                esc(r.get('expect')), 'reachable' if r.get('reachable') else 'unreachable', esc(r.get('detail')))
            for r in unmet))
    return '\n'.join(out)


# ---------------------------------------------------------------- actions

def _actions_of(value):
    """A list of action texts from a registered result, a list of results or texts."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if 'results' in value and isinstance(value['results'], list):      # a loop
            return [a for item in value['results'] for a in _actions_of(item)]
        return [str(a) for a in value.get('actions') or []]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _actions_of(item)]
    return [str(value)]


def actions_html(actions):
    if not actions:
        return '<p>No actions were given.</p>'
    groups = list(actions.items()) if isinstance(actions, dict) else [("", actions)]
    out = []
    total = 0
    for label, value in groups:
        texts = _actions_of(value)
        total += len(texts)
        if label:
            out.append('<h3>%s</h3>' % esc(label))
        if texts:
            out.append('<ol class="actions">%s</ol>' % ''.join('<li>%s</li>' % esc(t) for t in texts))
        else:
            out.append('<p class="nothing">nothing changed</p>')
    return '<p class="summary">%d action%s</p>\n%s' % (total, '' if total == 1 else 's', '\n'.join(out))


# ---------------------------------------------------------------- the page

def report(data, reachability=None, actions=None, title='netvirt.linux lab', host='host',
           collapse=_lab_graph.COLLAPSE, vxlan=None, dot_command='dot'):
    model = _lab_graph.graph(data, host, collapse, vxlan)
    dot_text = _lab_graph.dot(model, title=title)
    svg, why = render_svg(dot_text, dot_command)
    nodes = [n for g in model['hosts'] for n in g['nodes']]
    counts = {}
    for node in nodes:
        counts[node['kind']] = counts.get(node['kind'], 0) + 1
    names = {'host': 'host', 'netns': 'namespace', 'group': 'group of namespaces', 'bridge': 'bridge',
             'tun': 'tun/tap', 'vxlan': 'vxlan', 'remote': 'remote peer'}
    summary = ', '.join('%d %s%s' % (counts[k], names[k], '' if counts[k] == 1 else 's')
                        for k in ('host', 'netns', 'group', 'bridge', 'tun', 'vxlan', 'remote') if k in counts)
    parts = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
             '<title>%s</title>' % esc(title), '<style>%s</style>' % STYLE, '</head><body>',
             '<h1>%s</h1>' % esc(title), '<p class="summary" id="counts">%s; %d links drawn</p>' % (esc(summary), len(model['edges'])),
             '<h2>Topology</h2>']
    if svg:
        parts.append('<div class="graph" id="graph">%s</div>' % svg)
    else:
        parts.append('<div class="notice" id="no-dot">The picture needs Graphviz on the controller: %s. Install it '
                     '(Debian/Ubuntu: <code>apt-get install graphviz</code>, Fedora: <code>dnf install graphviz</code>, '
                     'macOS: <code>brew install graphviz</code>) and write the report again, or paste the DOT text '
                     'below into any Graphviz viewer (<code>dot -Tsvg lab.dot &gt; lab.svg</code>).</div>' % esc(why))
    parts.append('<details%s><summary>DOT text</summary><pre id="dot">%s</pre></details>'
                 % ('' if svg else ' open', esc(dot_text)))
    parts.append('<details><summary>Mermaid text</summary><pre id="mermaid">%s</pre></details>'
                 % esc(_lab_graph.mermaid(model)))
    parts.append('<h2>Reachability</h2>')
    results = [(label, r) for label, r in _as_list(reachability) if r.get('matrix')]     # a skipped probe task has none
    if results:
        parts.append('<p class="legend">%s</p>' % ''.join(
            '<span class="%s" style="background: %s">%s</span>' % (css, _legend_colour(css), esc(text)) for css, text in LEGEND))
        for i, (label, result) in enumerate(results):
            if label:
                parts.append('<h3>%s</h3>' % esc(label))
            parts.append(matrix_html(result, i + 1))
    else:
        parts.append('<p>No reachability result was given.</p>')
    parts.append('<h2>Actions of the last apply</h2>')
    parts.append(actions_html(actions))
    parts.append('<p class="summary">Drawn by netvirt.linux.lab_report from netvirt.linux.net_info results.</p>')
    parts.append('</body></html>')
    return '\n'.join(parts) + '\n'


def _legend_colour(css):
    found = re.search(r'td\.%s \{ background: (#[0-9a-f]+)' % re.escape(css), STYLE)
    return found.group(1) if found else '#fff'
