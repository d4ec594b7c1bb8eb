# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab_report filter on recorded net_info and reachability results (fixtures/*.json): the page is
self-contained, the SVG comes from dot (when installed) with one node per namespace and bridge, the matrix
cells are coloured by result, the actions are listed; without dot the page says how to get it and shows
the DOT text. (The page in a real browser: tests/integration/test_lab_report_browser.py.)"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import shutil

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.filter.lab_report import FilterModule
from ansible_collections.netvirt.linux.plugins.plugin_utils import _lab_report

HERE = os.path.dirname(os.path.abspath(__file__))
lab_report = FilterModule().filters()['lab_report']
needs_dot = pytest.mark.skipif(shutil.which('dot') is None, reason='Graphviz dot is not installed (tools/bootstrap installs it)')


def fixture(name):
    with open(os.path.join(HERE, 'fixtures', name + '.json')) as f:
        return json.load(f)


def cells(page):
    """{(row, column): (class, text)} of every matrix cell."""
    found = re.findall(r'<td class="([^"]+)" data-row="([^"]*)" data-col="([^"]*)" title="[^"]*">([^<]*)</td>', page)
    return dict(((row, col), (css, text)) for css, row, col, text in found)


def test_self_contained():
    data = fixture('demo')
    page = lab_report(data['info'], reachability=data['reach'], actions=data['actions'], title='demo')
    assert page.startswith('<!DOCTYPE html>')
    assert '<script' not in page and '<link' not in page and '@import' not in page
    assert not re.search(r'''(src|href)\s*=\s*["']?(https?:)?//''', page)


@needs_dot
def test_svg_has_one_node_per_namespace_and_bridge():
    data = fixture('demo')
    page = lab_report(data['info'], reachability=data['reach'], title='demo')
    nodes = re.findall(r'<g id="([^"]+)" class="node ([a-z]+)"', page)
    assert sorted(nodes) == [('bridge_host_docker0', 'bridge'), ('host', 'host'), ('ns_app', 'netns'), ('ns_db', 'netns'),
                             ('ns_outside', 'netns'), ('ns_web', 'netns')]
    assert 'id="no-dot"' not in page
    assert '<p class="summary" id="counts">1 host, 4 namespaces, 1 bridge; 5 links drawn</p>' in page


def test_without_dot_the_page_says_how_to_get_it():
    data = fixture('demo')
    page = lab_report(data['info'], reachability=data['reach'], dot_command='')
    assert '<svg' not in page
    assert 'id="no-dot"' in page and 'apt-get install graphviz' in page
    assert '<details open><summary>DOT text</summary><pre id="dot">graph &quot;netvirt.linux lab&quot; {' in page
    page = lab_report(data['info'], dot_command='/nonexistent/dot')
    assert 'Graphviz is not installed on the controller (no /nonexistent/dot on PATH)' in page


def test_matrix_cells_coloured_by_result():
    data = fixture('demo')
    found = cells(lab_report(data['info'], reachability=data['reach'], dot_command=''))
    assert found[('web', 'app')] == ('reachable', 'ok')
    assert found[('outside', 'web')] == ('expected-unreachable', 'X')
    assert found[('outside', '198.51.100.1 tcp/8080')] == ('reachable', 'ok')
    assert found[('outside', '198.51.100.1 tcp/8081')] == ('expected-unreachable', 'X')
    assert found[('(current)', '127.0.0.1 tcp/8080')] == ('reachable', 'ok')
    assert found[('web', 'web')] == ('self', '.')
    assert found[('web', '127.0.0.1 tcp/8080')] == ('none', '.')
    rows, columns = data['reach']['matrix']['rows'], data['reach']['matrix']['columns']
    assert len(found) == len(rows) * len(columns)


def test_an_unmet_expectation_is_red_and_listed():
    data = fixture('bridge')
    page = lab_report(data['info'], reachability=data['reach'], dot_command='')
    found = cells(page)
    assert found[('c3', '10.0.0.11 tcp/80')] == ('unmet', 'X!')
    assert found[('c3', 'c1')] == ('reachable', 'ok')
    assert '<li>from c3 to 10.0.0.11 tcp/80: expected reachable, got unreachable (connection refused (port 80 closed))</li>' in page


def test_several_matrices_and_no_matrix():
    data = fixture('veth_pair')
    page = lab_report(data['info'], reachability=[data['reach'], fixture('routed')['reach']], dot_command='')
    assert 'id="matrix-1"' in page and 'id="matrix-2"' in page
    assert 'No reachability result was given.' in lab_report(data['info'], dot_command='')
    page = lab_report(data['info'], reachability={'the pair': data['reach'], 'skipped': {'skipped': True}}, dot_command='')
    assert '<h3>the pair</h3>' in page and 'id="matrix-1"' in page and 'id="matrix-2"' not in page


def test_actions_in_the_order_given():
    data = fixture('demo')
    given = {'docker_bridge topology': data['actions']['docker_bridge topology'],
             'docker_bridge chains': data['actions']['docker_bridge chains']}
    page = lab_report(data['info'], actions=given, dot_command='')
    assert '<p class="summary">40 actions</p>' in page
    assert page.index('<h3>docker_bridge topology</h3>') < page.index('<h3>docker_bridge chains</h3>')
    assert '<li>create namespace web</li>' in page
    loop = {'results': [{'actions': ['a', 'b']}, {'skipped': True}, {'actions': []}]}
    page = lab_report(data['info'], actions={'loop': loop, 'again': {'changed': False, 'actions': []}}, dot_command='')
    assert '<ol class="actions"><li>a</li><li>b</li></ol>' in page and 'nothing changed' in page


def test_html_is_escaped():
    data = fixture('veth_pair')
    page = lab_report(data['info'], actions=['<b>x</b>'], title='<lab>', dot_command='')
    assert '<title>&lt;lab&gt;</title>' in page and '<li>&lt;b&gt;x&lt;/b&gt;</li>' in page


def test_a_failing_dot_is_reported(tmp_path):
    fake = tmp_path / 'dot'
    fake.write_text('#!/bin/sh\necho broken >&2\nexit 3\n')
    fake.chmod(0o755)
    svg, why = _lab_report.render_svg('graph {}', str(fake))
    assert svg is None and why == '%s -Tsvg failed (exit 3): broken' % fake


def test_bad_reachability():
    with pytest.raises(AnsibleFilterError, match='netvirt.linux.lab_report: reachability: expected'):
        lab_report(fixture('veth_pair')['info'], reachability='ok', dot_command='')
