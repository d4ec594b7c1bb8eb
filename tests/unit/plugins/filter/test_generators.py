# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The graph generator filters (single, linear, tree, torus, grid, meshnet_graph): Mininet's and
meshnet-lab's shapes, counts, names, port numbers and addresses; deterministic output; every result
accepted by netvirt.linux.topology's own argument spec and desired(); errors that name the option;
each filter's documentation agrees with its signature."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import importlib
import inspect
import ipaddress
import json

import pytest
import yaml

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.netvirt.linux.plugins.doc_fragments.generators import ModuleDocFragment
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import argument_spec
from ansible_collections.netvirt.linux.plugins.module_utils._state import common
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind
from ansible_collections.netvirt.linux.plugins.plugin_utils import _generators as gen

FILTERS = ('single', 'linear', 'tree', 'torus', 'grid', 'meshnet_graph')


def filter_function(name):
    module = importlib.import_module('ansible_collections.netvirt.linux.plugins.filter.%s' % name)
    return module.FilterModule().filters()[name]


def ifnames(result):
    """Every interface name of a result, with the namespace it lives in (None: the play's)."""
    out = [(None, bridge['name']) for bridge in result['bridges']]
    for link in result['links']:
        out.append((link.get('netns'), link['name']))
        out.append((link['peer'].get('netns', link.get('netns')), link['peer']['name']))
    return out


def ports(result):
    """{bridge: [its ports]} in link order."""
    out = collections.OrderedDict((bridge['name'], []) for bridge in result['bridges'])
    for link in result['links']:
        for end in (link, link['peer']):
            if end.get('master'):
                out[end['master']].append(end['name'])
    return out


def host_address(result, namespace):
    for link in result['links']:
        for end in (link, link['peer']):
            if end.get('netns') == namespace and end.get('addresses'):
                return end['addresses'][0]
    return None


def check_valid(result):
    """What the topology module would say of these arguments: AnsibleModule's check of the argument spec,
    then the kind's desired() (names, namespaces, addresses, masters)."""
    kind = TopologyKind()
    validated = ArgumentSpecValidator(argument_spec(kind)).validate(dict(result))
    assert not validated.error_messages, validated.error_messages
    kind.desired(validated.validated_parameters)
    names = ifnames(result)
    assert all(len(name) <= 15 for _ns, name in names), [name for _ns, name in names if len(name) > 15]
    assert len(set(names)) == len(names), 'an interface name twice in one namespace'
    assert all(len(p) <= 1023 for p in ports(result).values())


# -- Mininet ------------------------------------------------------------------------------------------------
def test_the_port_limit_is_the_bridge_kinds():
    assert gen.BRIDGE_PORTS_MAX == common.BRIDGE_MAX_PORTS
    assert len(gen.single(1023)['links']) == 1023
    assert len(ports(gen.linear(3, 1021))['s2']) == 1023


def test_single_is_mininets_single_switch_topo():
    lab = gen.single(3)
    assert lab == {
        'name': 'single', 'ipv6_quiet': True,
        'namespaces': [{'name': 'h1'}, {'name': 'h2'}, {'name': 'h3'}],
        'bridges': [{'name': 's1', 'stp': False}],
        'links': [
            {'name': 's1-eth1', 'master': 's1', 'peer': {'name': 'h1-eth0', 'netns': 'h1', 'addresses': ['10.0.0.1/8']}},
            {'name': 's1-eth2', 'master': 's1', 'peer': {'name': 'h2-eth0', 'netns': 'h2', 'addresses': ['10.0.0.2/8']}},
            {'name': 's1-eth3', 'master': 's1', 'peer': {'name': 'h3-eth0', 'netns': 'h3', 'addresses': ['10.0.0.3/8']}},
        ]}
    check_valid(lab)


def test_linear_k5_is_a_line_of_switches():
    lab = gen.linear(5)
    assert [ns['name'] for ns in lab['namespaces']] == ['h1', 'h2', 'h3', 'h4', 'h5']
    assert [b['name'] for b in lab['bridges']] == ['s1', 's2', 's3', 's4', 's5']
    # Mininet's order: s1's host, then for each next switch its host and the link back to the one before
    pairs = [(link['name'], link['peer']['name']) for link in lab['links']]
    assert pairs == [('s1-eth1', 'h1-eth0'), ('s2-eth1', 'h2-eth0'), ('s2-eth2', 's1-eth2'), ('s3-eth1', 'h3-eth0'),
                     ('s3-eth2', 's2-eth3'), ('s4-eth1', 'h4-eth0'), ('s4-eth2', 's3-eth3'), ('s5-eth1', 'h5-eth0'),
                     ('s5-eth2', 's4-eth3')]
    switch_link = lab['links'][2]
    assert switch_link == {'name': 's2-eth2', 'master': 's2', 'peer': {'name': 's1-eth2', 'master': 's1'}}
    assert host_address(lab, 'h5') == '10.0.0.5/8'
    check_valid(lab)


def test_linear_with_several_hosts_per_switch_uses_mininets_names_and_natural_order():
    lab = gen.linear(2, 2)
    # hJsI: host J of switch I; Mininet numbers addresses in the natural order of the names
    assert [ns['name'] for ns in lab['namespaces']] == ['h1s1', 'h1s2', 'h2s1', 'h2s2']
    assert [host_address(lab, h) for h in ('h1s1', 'h1s2', 'h2s1', 'h2s2')] == \
        ['10.0.0.1/8', '10.0.0.2/8', '10.0.0.3/8', '10.0.0.4/8']
    assert ports(lab) == {'s1': ['s1-eth1', 's1-eth2', 's1-eth3'], 's2': ['s2-eth1', 's2-eth2', 's2-eth3']}
    check_valid(lab)


def test_tree_depth2_fanout2_is_mininets_tree_topo():
    lab = gen.tree(2, 2)
    assert [ns['name'] for ns in lab['namespaces']] == ['h1', 'h2', 'h3', 'h4']
    assert [b['name'] for b in lab['bridges']] == ['s1', 's2', 's3']
    assert lab['links'] == [
        {'name': 's2-eth1', 'master': 's2', 'peer': {'name': 'h1-eth0', 'netns': 'h1', 'addresses': ['10.0.0.1/8']}},
        {'name': 's2-eth2', 'master': 's2', 'peer': {'name': 'h2-eth0', 'netns': 'h2', 'addresses': ['10.0.0.2/8']}},
        {'name': 's1-eth1', 'master': 's1', 'peer': {'name': 's2-eth3', 'master': 's2'}},
        {'name': 's3-eth1', 'master': 's3', 'peer': {'name': 'h3-eth0', 'netns': 'h3', 'addresses': ['10.0.0.3/8']}},
        {'name': 's3-eth2', 'master': 's3', 'peer': {'name': 'h4-eth0', 'netns': 'h4', 'addresses': ['10.0.0.4/8']}},
        {'name': 's1-eth2', 'master': 's1', 'peer': {'name': 's3-eth3', 'master': 's3'}},
    ]
    # switch-to-switch links: both ends in the play's namespace, each a port of one bridge
    for link in lab['links']:
        if 'master' in link['peer']:
            assert 'netns' not in link and 'netns' not in link['peer']
    check_valid(lab)


def test_tree1024_counts_names_and_addresses():
    lab = gen.tree(2, 32)
    assert len(lab['namespaces']) == 1024
    assert len(lab['bridges']) == 33
    assert len(lab['links']) == 1024 + 32
    assert lab['namespaces'][0] == {'name': 'h1'} and lab['namespaces'][-1] == {'name': 'h1024'}
    # Mininet's ipAdd: host 256 is 10.0.1.0/8 and host 1024 10.0.4.0/8 (valid host addresses in a /8)
    assert host_address(lab, 'h256') == '10.0.1.0/8'
    assert host_address(lab, 'h1024') == '10.0.4.0/8'
    counts = {bridge: len(p) for bridge, p in ports(lab).items()}
    assert counts['s1'] == 32 and all(counts['s%d' % i] == 33 for i in range(2, 34))
    assert max(len(name) for _ns, name in ifnames(lab)) == len('h1024-eth0')
    check_valid(lab)


def test_tree_of_a_thousand_hosts_and_a_longest_prefix():
    lab = gen.tree(3, 10, prefix='lab1-')
    assert len(lab['namespaces']) == 1000 and len(lab['bridges']) == 111
    names = [name for _ns, name in ifnames(lab)]
    assert 'lab1-s111-eth11' in names and max(len(n) for n in names) == 15
    assert lab['namespaces'][999] == {'name': 'lab1-h1000'}
    with pytest.raises(gen.GeneratorError, match=r"^option prefix: 'lab12-' makes bridge port names up to 16 characters "
                                                 r"long \('lab12-s100-eth11'\); Linux allows 15, so a prefix of at most 5 "
                                                 r"characters here$"):
        gen.tree(3, 10, prefix='lab12-')
    check_valid(lab)


def test_torus_3x3_has_stp_and_wraps_round():
    lab = gen.torus(3, 3)
    assert [ns['name'] for ns in lab['namespaces']] == ['h%dx%d' % (i, j) for i in (1, 2, 3) for j in (1, 2, 3)]
    assert all(b == {'name': b['name'], 'stp': True, 'forward_delay': 4.0, 'hello_time': 1.0, 'max_age': 6.0}
               for b in lab['bridges'])
    assert len(lab['links']) == 9 + 18
    # every switch: its host and four neighbours
    assert all(len(p) == 5 for p in ports(lab).values())
    switch_links = {(link['master'], link['peer']['master']) for link in lab['links'] if 'master' in link['peer']}
    assert ('s1x3', 's1x1') in switch_links and ('s3x1', 's1x1') in switch_links
    assert host_address(lab, 'h3x3') == '10.0.0.9/8'
    check_valid(lab)


def test_torus_with_several_hosts_and_stp_timers():
    lab = gen.torus(3, 4, 2, forward_delay=2, hello_time=1, max_age=6)
    assert len(lab['namespaces']) == 24 and lab['namespaces'][1] == {'name': 'h1x1x2'}
    assert lab['bridges'][0]['forward_delay'] == 2.0
    check_valid(lab)


def test_stp_and_timers_on_a_tree():
    assert gen.tree(1, 2)['bridges'] == [{'name': 's1', 'stp': False}]
    stp = {'name': 's1', 'stp': True, 'forward_delay': 4.0, 'hello_time': 1.0, 'max_age': 6.0}
    assert gen.tree(1, 2, stp=True)['bridges'] == [stp]
    assert gen.tree(1, 2, forward_delay=0)['bridges'] == [{'name': 's1', 'stp': False, 'forward_delay': 0.0}]


def test_prefix_name_ip_base_and_ipv6_quiet():
    lab = gen.single(2, name='lab1', prefix='lab1-', ip_base='192.168.5.0/24', ipv6_quiet=False)
    assert lab['name'] == 'lab1' and lab['ipv6_quiet'] is False
    assert lab['namespaces'] == [{'name': 'lab1-h1'}, {'name': 'lab1-h2'}]
    assert lab['bridges'][0]['name'] == 'lab1-s1'
    assert lab['links'][0] == {'name': 'lab1-s1-eth1', 'master': 'lab1-s1',
                               'peer': {'name': 'h1-eth0', 'netns': 'lab1-h1', 'addresses': ['192.168.5.1/24']}}
    # host bits in ip_base give the first address, as Mininet's ipBase does
    assert host_address(gen.single(2, ip_base='10.0.0.100/8'), 'h2') == '10.0.0.101/8'
    # a /30 holds two hosts
    assert host_address(gen.single(2, ip_base='10.9.9.0/30'), 'h2') == '10.9.9.2/30'


# -- meshnet-lab --------------------------------------------------------------------------------------------
def test_grid_2x2():
    lab = gen.grid(2, 2)
    assert lab == {
        'name': 'grid', 'ipv6_quiet': True, 'bridges': [],
        'namespaces': [{'name': 'ns-0000'}, {'name': 'ns-0001'}, {'name': 'ns-0002'}, {'name': 'ns-0003'}],
        'links': [
            {'name': 've-0001', 'netns': 'ns-0000', 'addresses': ['10.0.0.1/30'],
             'peer': {'name': 've-0000', 'netns': 'ns-0001', 'addresses': ['10.0.0.2/30']}},
            {'name': 've-0002', 'netns': 'ns-0000', 'addresses': ['10.0.0.5/30'],
             'peer': {'name': 've-0000', 'netns': 'ns-0002', 'addresses': ['10.0.0.6/30']}},
            {'name': 've-0003', 'netns': 'ns-0001', 'addresses': ['10.0.0.9/30'],
             'peer': {'name': 've-0001', 'netns': 'ns-0003', 'addresses': ['10.0.0.10/30']}},
            {'name': 've-0003', 'netns': 'ns-0002', 'addresses': ['10.0.0.13/30'],
             'peer': {'name': 've-0002', 'netns': 'ns-0003', 'addresses': ['10.0.0.14/30']}},
        ]}
    check_valid(lab)


@pytest.mark.parametrize('x, y, links', [(33, 33, 2112), (66, 66, 8580), (5, 3, 22), (1, 4, 3)])
def test_grid_counts(x, y, links):
    lab = gen.grid(x, y)
    assert len(lab['namespaces']) == x * y and len(lab['links']) == links
    addresses = [a for link in lab['links'] for a in link['addresses'] + link['peer']['addresses']]
    assert len(set(addresses)) == len(addresses)
    networks = {ipaddress.ip_interface(a).network for a in addresses}
    assert len(networks) == links
    degree = collections.Counter(ns for link in lab['links'] for ns in (link['netns'], link['peer']['netns']))
    assert max(degree.values()) <= 4
    if x == 33:
        check_valid(lab)


def test_grid_link_prefix_31_and_node_ids_in_rows():
    lab = gen.grid(3, 2, link_prefix=31, prefix='m')
    assert [ns['name'] for ns in lab['namespaces']] == ['m0000', 'm0001', 'm0002', 'm0003', 'm0004', 'm0005']
    first = lab['links'][0]
    assert (first['addresses'], first['peer']['addresses']) == (['10.0.0.0/31'], ['10.0.0.1/31'])
    # node 0001 (second of row 0) links to 0002 (right) and 0004 (below)
    assert [(link['netns'], link['peer']['netns']) for link in lab['links'] if link['netns'] == 'm0001'] == \
        [('m0001', 'm0002'), ('m0001', 'm0004')]


def test_meshnet_graph_from_json_text_and_dict():
    text = json.dumps({'nodes': [{'id': '0000', 'name': 'A'}, {'id': '0001'}, {'id': '0002'}],
                       'links': [{'source': '0000', 'target': '0001', 'bandwidth_mbit': 100},
                                 {'source': '0001', 'target': '0002'}]})
    lab = gen.meshnet_graph(text)
    assert lab == gen.meshnet_graph(json.loads(text))
    assert lab['name'] == 'meshnet'
    assert lab['namespaces'] == [{'name': 'ns-0000'}, {'name': 'ns-0001'}, {'name': 'ns-0002'}]
    assert lab['links'][1] == {'name': 've-0002', 'netns': 'ns-0001', 'addresses': ['10.0.0.5/30'],
                               'peer': {'name': 've-0001', 'netns': 'ns-0002', 'addresses': ['10.0.0.6/30']}}
    check_valid(lab)


def test_meshnet_graph_nodes_from_links_numbers_duplicates_and_lonely_nodes():
    lab = gen.meshnet_graph({'nodes': [{'id': 'z'}], 'links': [
        {'source': 2, 'target': 6}, {'source': 6, 'target': 2}, {'source': 2, 'target': 6},
        {'source': 1, 'target': 'abc_-9'}]})
    assert [ns['name'] for ns in lab['namespaces']] == ['ns-z', 'ns-2', 'ns-6', 'ns-1', 'ns-abc_-9']
    assert [(link['netns'], link['peer']['name']) for link in lab['links']] == [('ns-2', 've-2'), ('ns-1', 've-1')]
    check_valid(lab)


def test_meshnet_graph_without_nodes_or_links():
    assert gen.meshnet_graph({})['namespaces'] == []
    assert gen.meshnet_graph({'nodes': [{'id': 'a'}]})['links'] == []


# -- determinism ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('call', [
    lambda: gen.single(7), lambda: gen.linear(4, 3), lambda: gen.tree(3, 3), lambda: gen.torus(4, 3, 2),
    lambda: gen.grid(7, 5), lambda: gen.meshnet_graph('{"links": [{"source": "b", "target": "a"}]}'),
])
def test_the_same_arguments_give_the_same_text(call):
    assert json.dumps(call()) == json.dumps(call())


# -- errors ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('call, message', [
    (lambda: gen.single(0), 'option k: 0 is out of range (at least 1)'),
    (lambda: gen.single(True), 'option k: expected an integer, got True'),
    (lambda: gen.single('five'), "option k: expected an integer, got 'five'"),
    (lambda: gen.single(1024), 'option k: switch s1 would have 1024 ports; a Linux bridge takes at most 1023'),
    (lambda: gen.linear(3, 1022), 'option n: switch s2 would have 1024 ports'),
    (lambda: gen.linear(2, 0), 'option n: 0 is out of range'),
    (lambda: gen.tree(0, 2), 'option depth: 0 is out of range (1 to 64)'),
    (lambda: gen.tree(2, 0), 'option fanout: 0 is out of range'),
    (lambda: gen.tree(10, 10), 'options depth and fanout (10 ** 10 hosts): 10000000000 namespaces; a generator makes at most 65536'),
    (lambda: gen.tree(1, 1024), 'option fanout: switch s1 would have 1024 ports'),
    (lambda: gen.tree(2, 1023), 'options depth and fanout (1023 ** 2 hosts)'),
    (lambda: gen.tree(2, 2, prefix='labxyz12-'), "option prefix: 'labxyz12-' makes bridge port names up to 16 characters"),
    (lambda: gen.tree(2, 2, prefix='a b'), "option prefix: 'a b' is not valid"),
    (lambda: gen.tree(2, 2, name='my lab'), "option name: 'my lab' is not a topology name"),
    (lambda: gen.tree(2, 2, stp='maybe'), "option stp: expected a boolean, got 'maybe'"),
    (lambda: gen.tree(2, 2, forward_delay='soon'), "option forward_delay: expected a number of seconds, got 'soon'"),
    (lambda: gen.tree(2, 32, ip_base='10.0.0.0/24'),
     'option ip_base: 10.0.0.0/24 holds 254 host addresses from 10.0.0.1; this topology has 1024 hosts'),
    (lambda: gen.tree(2, 2, ip_base='fd00::/64'), "option ip_base: 'fd00::/64' is not an IPv4 network"),
    (lambda: gen.tree(2, 2, ip_base='10.0.0.0'), "option ip_base: '10.0.0.0' is not an IPv4 network"),
    (lambda: gen.single(2, ip_base='10.0.0.0/31'), 'option ip_base: 10.0.0.0/31 is too small for hosts'),
    (lambda: gen.torus(2, 3), 'option x: 2 is out of range (at least 3)'),
    (lambda: gen.torus(3), 'option y is required'),
    (lambda: gen.torus(3, 3, stp=False), 'option stp: a torus has loops; its bridges need STP'),
    (lambda: gen.torus(100, 100, prefix='tt-'), "option prefix: 'tt-' makes bridge port names up to 16 characters long "
                                                "('tt-s100x100-eth5'); Linux allows 15, so a prefix of at most 2 characters here"),
    (lambda: gen.grid(0, 3), 'option x: 0 is out of range'),
    (lambda: gen.grid(3), 'option y is required'),
    (lambda: gen.grid(300, 300), 'options x and y: 90000 namespaces; a generator makes at most 65536'),
    (lambda: gen.grid(3, 3, link_prefix=29), 'option link_prefix: 29 is out of range (30 to 31)'),
    (lambda: gen.grid(3, 3, ip_base='10.0.0.0/28'), 'option ip_base: 10.0.0.0/28 holds 4 /30 networks; this topology has 12 links'),
    (lambda: gen.meshnet_graph('{"links": ['), 'input: not a JSON graph'),
    (lambda: gen.meshnet_graph([1, 2]), 'input: expected a meshnet-lab graph (a dict with links and nodes), got list'),
    (lambda: gen.meshnet_graph({'links': [{'source': 'a'}]}), 'input links[0]: expected a dict with source and target'),
    (lambda: gen.meshnet_graph({'links': [{'source': 'a', 'target': 'a'}]}), 'input links[0]: links node a to itself'),
    (lambda: gen.meshnet_graph({'links': [{'source': 'a', 'target': 'toolong7'}]}),
     "input links[0].target: node id 'toolong7' is not valid (1 to 6 letters"),
    (lambda: gen.meshnet_graph({'nodes': [{'id': 'a/b'}]}), "input nodes[0].id: node id 'a/b' is not valid"),
    (lambda: gen.meshnet_graph({'links': [{'source': 1.5, 'target': 2}]}),
     'input links[0].source: a node id is a string or an integer, got 1.5'),
    (lambda: gen.meshnet_graph({'nodes': [{'name': 'a'}]}), 'input nodes[0]: expected a dict with an id'),
    (lambda: gen.meshnet_graph({'nodes': 'a'}), 'input: nodes and links must be lists'),
])
def test_errors_name_the_option(call, message):
    with pytest.raises(gen.GeneratorError) as caught:
        call()
    assert message in str(caught.value)


def test_a_filter_error_names_the_filter():
    with pytest.raises(AnsibleFilterError) as caught:
        filter_function('tree')(2, 0)
    assert str(caught.value).startswith('netvirt.linux.tree: option fanout: 0 is out of range')
    with pytest.raises(AnsibleFilterError, match='^netvirt.linux.meshnet_graph: input: not a JSON graph'):
        filter_function('meshnet_graph')('nope')


@pytest.mark.parametrize('name, value, args', [
    ('single', 3, ()), ('linear', 3, (2,)), ('tree', 2, (3,)), ('torus', 3, (3,)), ('grid', 3, (2,)),
    ('meshnet_graph', {'links': [{'source': 1, 'target': 2}]}, ()),
])
def test_each_filter_returns_its_generators_result(name, value, args):
    assert filter_function(name)(value, *args) == getattr(gen, name)(value, *args)


# -- documentation ---------------------------------------------------------------------------------------------
def documented_options(name):
    module = importlib.import_module('ansible_collections.netvirt.linux.plugins.filter.%s' % name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in doc.get('extends_documentation_fragment', []):
        part = fragment.split('.')[2:]
        text = getattr(ModuleDocFragment, part[1] if len(part) > 1 else 'DOCUMENTATION')
        options.update(yaml.safe_load(text)['options'])
    options.update(doc['options'])    # the filter's own win, as in ansible-doc
    return doc, options


@pytest.mark.parametrize('name', FILTERS)
def test_documentation_matches_the_signature(name):
    doc, options = documented_options(name)
    assert doc['name'] == name
    signature = inspect.signature(filter_function(name))
    params = list(signature.parameters.values())
    positional = [p.strip() for p in doc['positional'].split(',')]
    assert positional[0] == '_input'
    assert [p.name for p in params[1:len(positional)]] == positional[1:]
    documented = {('_input' if i == 0 else p.name): p for i, p in enumerate(params)}
    assert sorted(documented) == sorted(options)
    for key, param in documented.items():
        if param.default is inspect.Parameter.empty:
            assert options[key].get('required') is True, key
        elif param.default is None and key == 'y':
            assert options[key].get('required') is True, key   # None only to name it in the error
        else:
            assert options[key].get('default') == param.default, key
