#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: bridge
short_description: Manage Linux bridges (virtual switches), their STP timers and their ports
version_added: 0.1.0
description:
  - Create, converge or delete a Linux bridge in any network namespace, as C(ip link add NAME type bridge)
    and C(brctl) do, and attach interfaces of the same namespace to it as ports.
  - Options that are not set are left as they are (a new bridge gets the kernel's defaults, that is STP off,
    forward delay 15 s, hello time 2 s, max age 20 s, ageing time 300 s); O(up) is the exception and
    defaults to V(true).
  - The kernel keeps the timers in jiffies and rounds them; a timer that differs from the wanted value by
    at most 0.01 s counts as equal.
  - Timer limits are checked before the kernel sees anything, against the values the bridge will have
    (the ones set by the task, else the ones it already has). Hello time must be 1 to 10 s and max age
    6 to 40 s; while STP is on, forward delay must be 2 to 30 s.
  - An existing interface named O(name) that is not a bridge makes the task fail; it is never taken over
    nor deleted.
  - An interface that cannot be a port is refused before the kernel sees it, naming it; that is another bridge (the
    kernel would answer C(ELOOP)), the bridge itself, the loopback and a layer-3 tun device (use a tap).
  - When a step after the creation fails, the new bridge is removed again, so a failed task leaves
    nothing half-made.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description: Name of the bridge in O(netns). At most 15 characters, no C(/), C(:) or white space.
    type: str
    required: true
  state:
    description:
      - V(present) creates or converges the bridge.
      - V(absent) deletes it; the kernel releases its ports, which stay in the namespace.
    type: str
    choices: [present, absent]
    default: present
  stp:
    description:
      - Whether the kernel's spanning tree protocol runs on the bridge (C(ip link set NAME type bridge stp_state 1)).
      - Turning STP on needs O(forward_delay) within 2 to 30 s (the bridge's current value counts when the option
        is not set).
      - Left as it is when not set.
    type: bool
  forward_delay:
    description:
      - Time in seconds a port spends in the listening and learning states; decimals allowed.
      - With STP off, C(0) makes ports forward at once. With STP on (O(stp), or already on), 2 to 30 s.
      - Left as it is when not set.
    type: float
  hello_time:
    description: Interval of STP hello packets, in seconds, 1 to 10. Left as it is when not set.
    type: float
  max_age:
    description: How long STP keeps a hello before discarding it, in seconds, 6 to 40. Left as it is when not set.
    type: float
  ageing_time:
    description:
      - How long a learned MAC address stays in the forwarding database, in seconds. C(0) keeps no learned entry.
      - Left as it is when not set.
    type: float
  vlan_filtering:
    description:
      - Whether the bridge filters frames by VLAN.
      - Sent to the kernel only when it differs from what the bridge has. Kernels built without
        C(CONFIG_BRIDGE_VLAN_FILTERING) refuse it; the task then fails saying so.
      - Left as it is when not set.
    type: bool
  mtu:
    description: MTU of the bridge. Left as it is when not set (the kernel follows the smallest MTU of the ports).
    type: int
  mac:
    description: MAC address of the bridge (unicast). Left as the kernel chose when not set.
    type: str
  addresses:
    description:
      - Addresses of the bridge in CIDR form (C(10.0.1.254/24)), for example the gateway of the namespaces
        attached to it.
      - Added when missing; others are kept unless O(purge_addresses=true).
    type: list
    elements: str
  purge_addresses:
    description: Remove addresses that O(addresses) does not list (only when O(addresses) is given). IPv6
      link-local addresses (C(fe80::/10)) are kept.
    type: bool
    default: false
  up:
    description: Whether the bridge is up.
    type: bool
    default: true
  ports:
    description:
      - Names of interfaces in O(netns) that must be ports of this bridge (for example the host ends of veth
        pairs). An interface that is a port of another bridge is moved to this one.
      - Each must exist (the task fails naming it; in check mode a warning says an earlier task is assumed to
        create it). Bridges and the loopback cannot be ports.
      - Ports not listed are kept unless O(purge_ports=true). Left as they are when not set.
    type: list
    elements: str
  purge_ports:
    description:
      - Detach the ports of the bridge that O(ports) does not list (only when O(ports) is given; an empty
        O(ports) list detaches all).
    type: bool
    default: false
  vlans:
    description:
      - The VLANs of ports of the bridge, as C(bridge vlan add dev PORT vid N [pvid] [untagged]) sets them (an
        access port is one VLAN as pvid and untagged; a trunk carries several tagged). An entry whose O(vlans[].port)
        is the bridge's own name sets the bridge's own VLANs (C(self)), those its own addresses are in.
      - Needs O(vlan_filtering=true) (set by this task or already on); without it the task fails, since the kernel
        keeps port VLANs silently but does not use them. Each port must be a port of the bridge (after O(ports)).
      - A port joining the bridge (and a new bridge itself) starts with VLAN 1 as pvid untagged, the bridge's
        default; with O(purge_vlans) it is removed unless listed.
      - Ports not listed are left as they are. RV(bridge.vlans) shows the listed ones.
    type: list
    elements: dict
    suboptions:
      port:
        description: The port, or the bridge's own name for the bridge itself.
        type: str
        required: true
      vids:
        description: The VLAN ids (1 to 4094) the port carries.
        type: list
        elements: int
        required: true
      pvid:
        description: The VLAN untagged frames received on the port belong to; one of O(vlans[].vids).
        type: int
      untagged:
        description: The VLANs (of O(vlans[].vids)) the port sends untagged; the others are sent tagged.
        type: list
        elements: int
        default: []
  purge_vlans:
    description:
      - With O(vlans), each listed port carries exactly its O(vlans[].vids) (its other VLANs are removed).
        Otherwise they are added to the VLANs it has (the flags of a listed VLAN are set as given; the pvid moves).
    type: bool
    default: false
  fdb:
    description:
      - Return the bridge's forwarding database (its MAC table, as C(bridge fdb show br NAME) or
        C(brctl showmacs NAME)) as RV(fdb).
    type: bool
    default: false
notes:
  - On hosts where C(br_netfilter) is loaded and C(net.bridge.bridge-nf-call-iptables) is 1, frames crossing
    a bridge also go through the iptables C(FORWARD) chain of the bridge's namespace; a C(DROP) policy there
    (Docker sets one in the host's namespace) stops traffic between ports. This module does not change it.
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.veth
  - module: netvirt.linux.netns
  - module: netvirt.linux.interface
  - module: netvirt.linux.net_info
  - name: ip-link(8), bridge section
    description: The kernel's bridge options as iproute2 sets them.
    link: https://man7.org/linux/man-pages/man8/ip-link.8.html
'''

EXAMPLES = r'''
- name: A bridge as the switch of three namespaces, gateway address on it
  netvirt.linux.bridge:
    name: br0
    addresses: [10.0.0.254/24]
    ports: [veth0, veth2, veth4]

- name: Docker-like bridge, no STP, ports forward at once
  netvirt.linux.bridge:
    name: docker0
    stp: false
    forward_delay: 0
    addresses: [172.17.0.1/16]

- name: STP on, with quicker timers
  netvirt.linux.bridge:
    name: br1
    netns: lab
    stp: true
    forward_delay: 4
    hello_time: 1
    max_age: 10

- name: Exactly these ports; detach any other
  netvirt.linux.bridge:
    name: br0
    ports: [veth0, veth2]
    purge_ports: true

- name: Read the MAC table (brctl showmacs br0)
  netvirt.linux.bridge:
    name: br0
    fdb: true
  register: br0

- name: Show the MACs learned on veth0
  ansible.builtin.debug:
    msg: "{{ br0.fdb | selectattr('port', 'equalto', 'veth0') | rejectattr('permanent') | map(attribute='mac') }}"

- name: A VLAN-filtering switch, veth1 an access port of VLAN 10, veth3 a trunk of 10 and 20
  netvirt.linux.bridge:
    name: sw0
    vlan_filtering: true
    ports: [veth1, veth3]
    vlans:
      - {port: veth1, vids: [10], pvid: 10, untagged: [10]}
      - {port: veth3, vids: [10, 20]}
    purge_vlans: true

- name: The switch's own VLANs (the bridge itself), exactly 10
  netvirt.linux.bridge:
    name: sw0
    vlans:
      - {port: sw0, vids: [10], pvid: 10, untagged: [10]}
    purge_vlans: true

- name: Remove the bridge (its ports stay, detached)
  netvirt.linux.bridge:
    name: br1
    netns: lab
    state: absent
'''

RETURN = r'''
bridge:
  description:
    - The bridge after the task. In check mode, as it would be; otherwise read back from the kernel.
    - In check mode, values the kernel chooses are left out. When ports are attached or detached, C(mtu) and
      C(mac) unless the task sets them (a bridge takes the smallest MTU and lowest MAC of its ports), and with
      STP on C(ageing_time) (during a topology change the kernel reports twice the forward delay).
    - Timers are in seconds. Only C(state=absent) when there is no bridge.
  returned: always
  type: dict
  sample:
    state: present
    netns: null
    kind: bridge
    stp: false
    forward_delay: 0.0
    hello_time: 2.0
    max_age: 20.0
    ageing_time: 300.0
    vlan_filtering: false
    mtu: 1500
    mac: "6e:8f:59:6a:55:8b"
    up: true
    addresses: [10.0.0.254/24]
    ports: [veth0, veth2, veth4]
  contains:
    vlans:
      description:
        - The VLANs of each port that O(vlans) lists (and of the bridge itself, under its own name), sorted; a
          port's VLAN 1 is the bridge's default. Only when O(vlans) is set.
      returned: when O(vlans) is set
      type: dict
      sample: {veth0: {vids: [10], pvid: 10, untagged: [10]}, veth2: {vids: [10, 20], pvid: null, untagged: []}}
fdb:
  description:
    - The forwarding database of the bridge, sorted by port and MAC. C(permanent) entries are the ports' own
      addresses; the others were learned from traffic and age out after O(ageing_time).
      Empty when the bridge does not exist (yet).
  returned: when O(fdb=true)
  type: list
  elements: dict
  contains:
    mac:
      description: The MAC address.
      type: str
    port:
      description: The port it was seen on (or that owns it).
      type: str
    vlan:
      description: The VLAN of the entry, or null.
      type: int
    permanent:
      description: Whether the entry is static (a port's own address) rather than learned.
      type: bool
    self:
      description: Whether the entry belongs to the port device itself rather than to the bridge.
      type: bool
  sample:
    - {mac: "be:00:51:b6:92:6d", port: veth0, vlan: null, permanent: false, self: false}
    - {mac: "f2:19:40:fe:48:67", port: veth0, vlan: null, permanent: true, self: false}
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["create bridge br0 with stp off, forward_delay 0 s", "attach veth0 to bridge br0", "set bridge br0 up"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind


def main():
    run(BridgeKind())


if __name__ == '__main__':
    main()
