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
