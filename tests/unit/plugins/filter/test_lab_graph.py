# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab picture filters (lab_dot, lab_mermaid, lab_text) on net_info results recorded from real labs
(fixtures/*.json, made by tools/record_lab_fixtures): a veth pair, a bridge with ports and a tap, the demo,
a routed lab, and a two-"host" vxlan overlay. The demo's three pictures are kept in golden/ (the same lab
gives the same text); NETVIRT_UPDATE_GOLDEN=1 writes them again."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import os
import random

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.netvirt.linux.plugins.filter.lab_dot import FilterModule as DotFilters
from ansible_collections.netvirt.linux.plugins.filter.lab_mermaid import FilterModule as MermaidFilters
from ansible_collections.netvirt.linux.plugins.filter.lab_text import FilterModule as TextFilters
from ansible_collections.netvirt.linux.plugins.plugin_utils import _lab_graph as lg

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'fixtures')
GOLDEN = os.path.join(HERE, 'golden')

lab_dot = DotFilters().filters()['lab_dot']
lab_mermaid = MermaidFilters().filters()['lab_mermaid']
lab_text = TextFilters().filters()['lab_text']


def fixture(name):
    with open(os.path.join(FIXTURES, name + '.json')) as f:
        return json.load(f)


def nodes(model):
    return dict((n['id'], n) for g in model['hosts'] for n in g['nodes'])


def edges(model, kind=None):
    return sorted((e['a'], e['b'], e['label']) for e in model['edges'] if kind in (None, e['kind']))


def shuffled(value, rng):
    """The same data with every dict's keys in another order (what a different Python or JSON gives)."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return dict((k, shuffled(value[k], rng)) for k in keys)
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def test_veth_pair():
    model = lg.graph(fixture('veth_pair')['info'])
    assert sorted(nodes(model)) == ['ns_ns1', 'ns_ns2']
    assert nodes(model)['ns_ns1']['lines'] == ['ns1', 'veth0 10.1.1.1/24']
    assert edges(model) == [('ns_ns1', 'ns_ns2', 'veth0 - veth1')]
    dot = lab_dot(fixture('veth_pair')['info'])
    assert '"ns_ns1" -- "ns_ns2" [class="edge-veth", label="veth0 - veth1"];' in dot


def test_bridge_with_ports_and_a_tap():
    model = lg.graph(fixture('bridge')['info'])
    found = nodes(model)
    assert sorted(found) == ['bridge_host_br0', 'host', 'ns_c1', 'ns_c2', 'ns_c3', 'tun_host_tap0']
    assert found['bridge_host_br0']['lines'] == ['br0 (bridge)', '10.0.0.1/24', 'up, stp off, 4 ports']
    assert found['ns_c2']['lines'] == ['c2', 'eth0 10.0.0.12/24', 'default via 10.0.0.1']
    assert edges(model, 'port') == [('bridge_host_br0', 'ns_c%d' % i, 'br0-%d - eth0' % i) for i in (1, 2, 3)]
    assert edges(model, 'in') == [('bridge_host_br0', 'host', ''), ('bridge_host_br0', 'tun_host_tap0', '')]
    assert found['tun_host_tap0']['kind'] == 'tun'


def test_routed_lab_router_on_two_bridges():
    model = lg.graph(fixture('routed')['info'])
    assert ('bridge_host_br_lan1', 'ns_r1', 'br-lan1-rt - lan1') in edges(model, 'port')
    assert ('bridge_host_br_lan2', 'ns_r1', 'br-lan2-rt - lan2') in edges(model, 'port')
    assert nodes(model)['ns_r1']['lines'] == ['r1', 'lan1 10.61.1.1/24', 'lan2 10.61.2.1/24']
    text = lab_text(fixture('routed')['info'])
    assert '<=br-lan2-rt - lan2=> br-lan2 (bridge) (above)' in text


def test_demo_pictures_match_golden():
    info = fixture('demo')['info']
    pictures = {'demo.dot': lab_dot(info, title='demo'), 'demo.mmd': lab_mermaid(info), 'demo.txt': lab_text(info)}
    for name, got in sorted(pictures.items()):
        path = os.path.join(GOLDEN, name)
        if os.environ.get('NETVIRT_UPDATE_GOLDEN'):
            with open(path, 'w') as f:
                f.write(got)
        with open(path) as f:
            assert got == f.read(), '%s differs from %s (NETVIRT_UPDATE_GOLDEN=1 writes it again)' % (name, path)


def test_demo_nodes():
    model = lg.graph(fixture('demo')['info'])
    kinds = sorted((n['kind'], n['name']) for n in nodes(model).values())
    assert kinds == [('bridge', 'docker0'), ('host', ''), ('netns', 'app'), ('netns', 'db'), ('netns', 'outside'),
                     ('netns', 'web')]
    assert ('host', 'ns_outside', 'uplink - eth0') in edges(model, 'veth')


@pytest.mark.parametrize('name', ['veth_pair', 'bridge', 'demo', 'routed', 'overlay'])
def test_deterministic_whatever_the_key_order(name):
    data = fixture(name)
    rng = random.Random(7)
    want = (lab_dot(data['info'], vxlan=data.get('vxlan')), lab_mermaid(data['info'], vxlan=data.get('vxlan')),
            lab_text(data['info'], vxlan=data.get('vxlan')))
    for _i in range(3):
        other = shuffled(copy.deepcopy(data), rng)
        assert (lab_dot(other['info'], vxlan=other.get('vxlan')), lab_mermaid(other['info'], vxlan=other.get('vxlan')),
                lab_text(other['info'], vxlan=other.get('vxlan'))) == want


def test_overlay_two_hosts_as_clusters_joined_by_vxlan():
    data = fixture('overlay')
    model = lg.graph(data['info'], vxlan=data['vxlan'])
    assert [g['name'] for g in model['hosts'] if g['nodes']] == ['hosta', 'hostb']
    assert edges(model, 'vxlan') == [('hosta_vxlan_hosta_vx42', 'hostb_vxlan_hostb_vx42', 'vni 42')]
    dot = lab_dot(data['info'], vxlan=data['vxlan'])
    assert 'subgraph "cluster_hosta" {' in dot and 'subgraph "cluster_hostb" {' in dot
    mermaid = lab_mermaid(data['info'], vxlan=data['vxlan'])
    assert 'subgraph cluster_hosta["hosta"]' in mermaid
    assert 'hosta_vxlan_hosta_vx42 -.-|"vni 42"| hostb_vxlan_hostb_vx42' in mermaid
    text = lab_text(data['info'], vxlan=data['vxlan'])
    assert text.startswith('== hosta ==\na1  eth0 10.42.0.11/24\n') and '\n\n== hostb ==\nb1  eth0 10.42.0.12/24\n' in text
    assert '        `-- ~~vni 42~~> vx42 (vxlan vni 42) (on hostb)\n' in text


def test_overlay_as_a_list_and_without_vxlan_settings():
    data = fixture('overlay')
    listed = [dict(data['info']['hosta'], host='hosta'), dict(data['info']['hostb'], host='hostb')]
    assert lab_dot(listed, vxlan=data['vxlan']) == lab_dot(data['info'], vxlan=data['vxlan'])
    model = lg.graph(data['info'])
    assert edges(model, 'vxlan') == []
    assert nodes(model)['hosta_vxlan_hosta_vx42']['lines'][-1] == '(remote not known: pass vxlan=)'


def test_vxlan_remote_outside_the_lab_and_a_loop_result():
    data = fixture('overlay')
    loop = {'results': [{'item': {'name': 'vx42', 'netns': 'hosta', 'vni': 42, 'remote': '192.0.2.9'},
                         'vxlan': {'vni': 42, 'remote': '192.0.2.9', 'netns': 'hosta'}}]}
    model = lg.graph(data['info']['hosta'], vxlan=loop['results'])
    assert edges(model, 'vxlan') == [('vxlan_hosta_vx42', 'remote_192_0_2_9', 'vni 42')]
    assert nodes(model)['remote_192_0_2_9']['lines'] == ['192.0.2.9', '(not in the lab)']


def many_on_a_bridge(count):
    """The bridge lab with c1 copied to c1..cN (addresses 10.0.0.11/16 on), as a large lab reads back."""
    info = fixture('bridge')['info']
    template = info['namespaces']['c1']
    host = info['current']
    port = host['links']['br0-1']
    for i in range(1, count + 1):
        ns = copy.deepcopy(template)
        ns['links']['eth0']['addresses'] = ['10.0.%d.%d/16' % divmod(10 + i, 256)]
        ns['links']['eth0']['peer'] = {'name': 'br0-%d' % i, 'netns': None}
        info['namespaces']['c%d' % i] = ns
        link = copy.deepcopy(port)
        link['peer'] = {'name': 'eth0', 'netns': 'c%d' % i}
        host['links']['br0-%d' % i] = link
    host['bridges']['br0']['ports'] = sorted(['br0-%d' % i for i in range(1, count + 1)] + ['tap0'])
    return info


def test_collapse_beyond_the_threshold():
    model = lg.graph(many_on_a_bridge(20))
    groups = [n for n in nodes(model).values() if n['kind'] == 'group']
    assert len(groups) == 1
    assert groups[0]['lines'] == ['20 namespaces', 'c1 ... c20', 'eth0 10.0.0.11/16 ... 10.0.0.30/16', 'default via 10.0.0.1']
    assert not [n for n in nodes(model).values() if n['kind'] == 'netns']
    assert edges(model, 'port') == [('bridge_host_br0', groups[0]['id'], '20 veths (eth0)')]
    assert 'tun_host_tap0' in nodes(model)


def test_collapse_threshold_and_off():
    assert not [n for n in nodes(lg.graph(many_on_a_bridge(8))).values() if n['kind'] == 'group']
    assert [n['count'] for n in nodes(lg.graph(many_on_a_bridge(9))).values() if n['kind'] == 'group'] == [9]
    model = lg.graph(many_on_a_bridge(20), collapse=0)
    assert len([n for n in nodes(model).values() if n['kind'] == 'netns']) == 20
    assert len([n for n in nodes(lg.graph(many_on_a_bridge(20), collapse=30)).values() if n['kind'] == 'netns']) == 20


def test_a_namespace_with_more_than_one_link_is_never_collapsed():
    info = many_on_a_bridge(12)
    info['namespaces']['c5']['links']['eth1'] = dict(info['namespaces']['c5']['links']['eth0'], peer=None, kind='device')
    model = lg.graph(info)
    assert [n['count'] for n in nodes(model).values() if n['kind'] == 'group'] == [11]
    assert 'ns_c5' in nodes(model)


def test_peer_in_a_namespace_not_read():
    info = fixture('veth_pair')['info']
    del info['namespaces']['ns2']
    model = lg.graph(info)
    assert nodes(model)['ns_ns2']['lines'] == ['ns2', '(not read)']
    assert edges(model) == [('ns_ns1', 'ns_ns2', 'veth0 - veth1')]


def test_mermaid_escapes_quotes_and_brackets():
    info = fixture('veth_pair')['info']
    info['namespaces']['ns1']['links']['veth0']['addresses'].append('10.1.1.9/24')
    info['namespaces']['a"b<c>'] = {'exists': True, 'links': {}, 'routes': []}
    text = lab_mermaid(info)
    assert 'ns_a_b_c_["a#quot;b&lt;c&gt;"]' in text
    assert '"a\\"b<c>"' in lab_dot(info)


def test_a_missing_namespace_is_left_out():
    info = fixture('veth_pair')['info']
    info['namespaces']['gone'] = {'exists': False, 'links': {}, 'routes': [], 'bridges': {}}
    assert 'gone' not in lab_dot(info)


@pytest.mark.parametrize('bad,message', [
    ('text', 'expected a netvirt.linux.net_info result'),
    ({'h1': {'x': 1}}, 'the item h1 is not a netvirt.linux.net_info result'),
    ([{'namespaces': {}}, 3], 'item 1 is not a netvirt.linux.net_info result'),
    ({}, 'no net_info result given'),
])
def test_bad_input_names_the_problem(bad, message):
    with pytest.raises(AnsibleFilterError, match='netvirt.linux.lab_dot: ' + message):
        lab_dot(bad)


def test_bad_collapse():
    with pytest.raises(AnsibleFilterError, match='collapse must be a number'):
        lab_mermaid(fixture('veth_pair')['info'], collapse='many')


def test_five_hundred_namespaces_are_one_group_node():
    info = many_on_a_bridge(500)
    model = lg.graph(info)
    assert sorted(n['kind'] for n in nodes(model).values()) == ['bridge', 'group', 'host', 'tun']
    group = [n for n in nodes(model).values() if n['kind'] == 'group'][0]
    assert group['lines'][:3] == ['500 namespaces', 'c1 ... c500', 'eth0 10.0.0.11/16 ... 10.0.1.254/16']
    assert len(lab_dot(info).splitlines()) < 20


def test_the_filters_import_nothing_of_the_managed_side():
    """Filters run on the controller: no pyroute2, nothing of module_utils (whose layout may change)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
    files = [os.path.join(root, 'plugins', 'filter', n) for n in os.listdir(os.path.join(root, 'plugins', 'filter'))]
    files += [os.path.join(root, 'plugins', 'plugin_utils', n) for n in ('_lab_graph.py', '_lab_report.py')]
    for path in files:
        if not path.endswith('.py'):
            continue
        with open(path) as f:
            imports = [line for line in f if line.startswith(('import ', 'from '))]
        assert not [line for line in imports if 'pyroute2' in line or 'module_utils' in line], path
