# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""net_info decodes bonds: options and ports."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import net_info


def test_bond_facts_have_options_and_sorted_ports():
    links = {
        'bond0': {'name': 'bond0', 'kind': 'bond', 'index': 5, 'master': None,
                  'bond': {'mode': '802.3ad', 'miimon': 100, 'arp_interval': 0, 'arp_ip_target': [],
                           'xmit_hash_policy': 'layer3+4', 'lacp_rate': 'fast', 'primary': None}},
        'eth2': {'name': 'eth2', 'kind': 'veth', 'index': 3, 'master': 'bond0'},
        'eth1': {'name': 'eth1', 'kind': 'veth', 'index': 2, 'master': 'bond0'},
        'eth3': {'name': 'eth3', 'kind': 'veth', 'index': 4, 'master': None},
    }
    got = net_info.facts({'exists': True, 'links': links}, ['links'])['links']
    assert got['bond0']['bond'] == {'mode': '802.3ad', 'miimon': 100, 'arp_interval': 0, 'arp_ip_target': [],
                                    'xmit_hash_policy': 'layer3+4', 'lacp_rate': 'fast', 'primary': None,
                                    'ports': ['eth1', 'eth2']}
    assert 'bond' not in got['eth1']


def test_a_vlan_filtering_bridge_shows_each_ports_vlans():
    links = {
        'br0': {'name': 'br0', 'kind': 'bridge', 'index': 5, 'master': None, 'bridge': {'vlan_filtering': True}},
        'br1': {'name': 'br1', 'kind': 'bridge', 'index': 6, 'master': None, 'bridge': {'vlan_filtering': False}},
        'p1': {'name': 'p1', 'kind': 'veth', 'index': 2, 'master': 'br0'},
    }
    seen = {'br0': {'vids': [1], 'pvid': 1, 'untagged': [1]}, 'p1': {'vids': [10], 'pvid': 10, 'untagged': [10]}}
    got = net_info.facts({'exists': True, 'links': links, 'vlans': seen}, ['links', 'bridges'])['bridges']
    assert got['br0']['vlans'] == seen
    assert 'vlans' not in got['br1']
