#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: net_info
short_description: Facts of network namespaces - links, veth peers, addresses, routes, bridges
version_added: 0.1.0
description:
  - Report the links, addresses, routes and bridges (and, on request, the bridges' forwarding databases)
    of one, several or all network namespaces. Never changes anything; runs in check mode too.
  - The other end of a veth is resolved to its name and namespace, wherever it lives (the question
    C(ethtool -S veth1 | grep peer_ifindex) answers by hand, one namespace at a time).
  - The output is deterministic (lists sorted, the same keys for every link), so two runs can be compared
    to see what a task changed.
  - A namespace that does not exist is not an error; it is reported with C(exists=false) and empty
    sections, so that a playbook can assert that a namespace is gone.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  namespaces:
    description:
      - The namespaces to report, each a name under C(/var/run/netns), an absolute path or a PID (as
        O(netns)). Each is reported in RV(namespaces) under the reference as written (a PID as a string).
      - The single item V(all) means every named namespace under C(/var/run/netns) plus the module's own
        namespace (in RV(current)). A namespace really named C(all) can be given as C(/var/run/netns/all).
      - An empty string item stands for the module's own namespace, reported in RV(current).
      - When not given, the one namespace of O(netns) is reported (in RV(namespaces) under its reference),
        or the module's own namespace (in RV(current)) when O(netns) is not set either. O(netns) is
        ignored when O(namespaces) is given.
    type: list
    elements: raw
  gather:
    description:
      - What to report of each namespace. V(addresses) adds the addresses to each link (and implies V(links)); V(fdb) adds each bridge's
        forwarding database to it (and implies V(bridges)).
      - V(fdb) is not gathered by default, since it can be long (one entry per MAC address learned on
        every port).
      - V(nftables) adds the namespace's nftables tables (one C(nft -s list ruleset) inside it; not gathered by
        default; needs nft, else a warning and C(nftables=null)).
    type: list
    elements: str
    choices: [links, addresses, routes, bridges, fdb, nftables]
    default: [links, addresses, routes, bridges]
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
attributes:
  check_mode:
    details:
      - The module only reads; it runs the same way in check mode.
  diff_mode:
    support: none
    details:
      - Nothing changes, so there is no difference to show.
seealso:
  - module: netvirt.linux.netns
  - module: netvirt.linux.veth
  - module: netvirt.linux.sysctl
'''

EXAMPLES = r'''
- name: Facts of the module's own namespace (the host's)
  netvirt.linux.net_info:
  register: host_net

- name: Where is the other end of eth0 in ns1? (a veth's peer, its name and namespace)
  netvirt.linux.net_info:
    netns: ns1
    gather: [links]
  register: ns1_info

- name: Show it
  ansible.builtin.debug:
    msg: >-
      eth0 in ns1 is connected to {{ ns1_info.namespaces.ns1.links.eth0.peer.name }}
      in {{ ns1_info.namespaces.ns1.links.eth0.peer.netns | default('the current namespace', true) }}

- name: Every named namespace and the host's, with the bridges' forwarding databases
  netvirt.linux.net_info:
    namespaces: [all]
    gather: [links, addresses, routes, bridges, fdb]
  register: everything

- name: Assert that namespace old is gone and that a container (PID 4242) has a default route
  netvirt.linux.net_info:
    namespaces: [old, 4242]
    gather: [routes]
  register: info
  failed_when: >-
    info.namespaces.old.exists or
    info.namespaces['4242'].routes | selectattr('dst', 'eq', 'default') | list | length == 0
'''

RETURN = r'''
named:
  description: The named namespaces under C(/var/run/netns), sorted (what C(ip netns list) shows).
  returned: always
  type: list
  elements: str
  sample: [ns1, ns2]
namespaces:
  description:
    - The requested namespaces, keyed by the reference as given (name, path, or PID as a string).
    - Each has the keys C(exists) and the gathered sections; a namespace that does not exist has
      C(exists=false) and empty sections.
    - A link of kind C(bond) also has C(bond) with its C(mode), C(miimon), C(arp_interval), C(arp_ip_target),
      C(xmit_hash_policy), C(lacp_rate), C(primary) and C(ports) (sorted), as the C(netvirt.linux.bond) module
      returns them.
    - A bridge with C(vlan_filtering) also has C(vlans), the VLANs of each of its ports and of the bridge itself
      (under its own name) as C(bridge vlan show) lists them, each C({vids, pvid, untagged}).
  returned: always
  type: dict
  sample:
    ns1:
      exists: true
      links:
        lo:
          kind: loopback
          index: 1
          mtu: 65536
          mac: "00:00:00:00:00:00"
          up: true
          operstate: unknown
          master: null
          alias: null
          addresses: [127.0.0.1/8, "::1/128"]
          peer: null
        eth0:
          kind: veth
          index: 2
          mtu: 1500
          mac: "6a:1f:4e:0b:93:10"
          up: true
          operstate: up
          master: null
          alias: null
          addresses: [10.1.1.2/24, "fe80::681f:4eff:fe0b:9310/64"]
          peer:
            name: veth1
            netns: null
      routes:
        - family: ipv4
          dst: 10.1.1.0/24
          gateway: null
          dev: eth0
          metric: 0
          table: 254
          proto: kernel
          scope: link
          type: unicast
          prefsrc: 10.1.1.2
      bridges: {}
  contains:
    exists:
      description: Whether the namespace exists.
      type: bool
    inode:
      description:
        - The namespace's inode number (C(readlink /proc/PID/ns/net) shows C(net:[INODE]) for its processes);
          two references name the same namespace when their inodes are equal. Null when it does not exist.
      type: int
    links:
      description:
        - The links by name, with C(kind) (C(veth), C(bridge), C(loopback), C(device), ...), C(index), C(mtu),
          C(mac), C(up) (administratively), C(operstate), C(master) (the bridge it is a port of, or null), C(alias),
          C(addresses) (sorted CIDR strings, when V(addresses) is gathered) and C(peer).
        - C(peer) is null except for veths, where it holds the other end's C(name) and C(netns) (the reference of
          its namespace; null for the module's own namespace). When the other end's namespace has no name or path
          known on the host, C(name) and C(netns) are null and C(nsid) holds the id the kernel gives it.
        - C(parent) is null except for vlan, macvlan and ipvlan devices, where it holds the C(name) and C(netns) of
          the device they were made on (the same rules as C(peer)).
        - C(details) is null except for vlan (C(id), C(protocol)), macvlan (C(mode), C(macs), the source MAC
          addresses of mode source) and ipvlan (C(mode) V(l2)/V(l3)/V(l3s), C(flags) V(bridge)/V(private)/V(vepa);
          both are the parent's, shared by every ipvlan of it) devices.
      type: dict
      returned: when V(links) or V(addresses) is gathered
    routes:
      description:
        - Routes of every table but C(local), sorted by family, table, destination, metric, device and gateway.
          Each has C(family), C(dst) (CIDR or C(default)), C(gateway), C(dev), C(metric), C(table) (number; 254 is
          C(main)), C(proto), C(scope), C(type), C(prefsrc).
      type: list
      elements: dict
      returned: when V(routes) is gathered
    bridges:
      description:
        - The bridges by name, with C(stp), C(forward_delay), C(hello_time), C(max_age), C(ageing_time) (seconds),
          C(vlan_filtering), C(priority), C(ports) (sorted names), and C(fdb) when V(fdb) is gathered (entries
          with C(mac), C(port), C(vlan), C(permanent), C(self), sorted by port and MAC).
      type: dict
      returned: when V(bridges) or V(fdb) is gathered
    nftables:
      description:
        - The namespace's nftables tables (every owner's), sorted by family and name, each with C(family), C(name),
          C(comment) (C(netvirt.linux) on a table made by M(netvirt.linux.nftables)), C(chains) (name - number of
          rules), C(rules) (in all), C(sets) (sets and maps, name - number of elements) and C(elements) (in all).
      type: list
      elements: dict
      returned: when V(nftables) is gathered
      sample:
        - {family: inet, name: web, comment: netvirt.linux, chains: {input: 3}, rules: 3, sets: {admins: 2},
           elements: 2}
current:
  description:
    - The module's own namespace, with the same keys as each item of RV(namespaces). Separate from
      RV(namespaces) so that a namespace named C(current) cannot collide with it.
  returned: >-
    when the module's own namespace is included (neither O(namespaces) nor O(netns) given,
    O(namespaces=[all]), or an empty item in O(namespaces))
  type: dict
  sample:
    exists: true
    links: {}
    routes: []
    bridges: {}
actions:
  description:
    - Always empty - the module only reads. Every module of the collection returns C(actions) (and C(diff) in diff
      mode) from the same runner, so registered results of all of them have the same shape.
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: Empty C(before) and C(after) - nothing is changed.
  returned: in diff mode
  type: dict
  sample: {before: {}, after: {}}
'''

from ansible_collections.netvirt.linux.plugins.module_utils._state.net_info import NetInfoKind
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run


def main():
    run(NetInfoKind())


if __name__ == '__main__':
    main()
