#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: veth
short_description: Manage veth pairs whose ends live in any network namespace
version_added: 0.1.0
description:
  - Create, converge or delete a veth pair. One end is O(name) in O(netns); the other is O(peer.name)
    in O(peer.netns).
  - The peer is created straight inside its namespace under its final name (for example C(eth0) inside a
    container's namespace, as Docker does), so there is never a moment where it sits in the wrong place
    under a temporary name.
  - An existing pair is known by both its ends. When O(name) exists but its other end is not O(peer.name)
    in O(peer.netns), the pair is not the one the task describes (it may be someone else's, for example
    the host end of a container's C(eth0)), and the task fails naming where the other end is; it never
    renames nor moves that end. A re-run of the task that made the pair always finds the peer in place.
    To move or rename an end on purpose use M(netvirt.linux.interface) (a moved end arrives down and
    without addresses; the next veth task converges it), or delete the pair and let the task make it
    again. Inside M(netvirt.linux.topology), a pair the topology made (marked as its own) is moved or
    renamed when the topology's task changes.
  - An existing interface named O(name) that is not a veth makes the task fail; it is never taken over.
  - When a step after the creation fails (an address, a master), the new pair is removed again, so a
    failed task leaves nothing half-made.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description:
      - Name of this end of the pair, in O(netns). At most 15 bytes, no C(/), C(:), white space, control
        characters or C(%) (the kernel takes C(v%d) for a template and would name it C(v0)), not C(.), C(..),
        C(all) or C(default). Every interface name of the collection follows these rules.
    type: str
    required: true
  state:
    description:
      - V(present) creates or converges the pair; V(absent) deletes it (deleting one end deletes both).
    type: str
    choices: [present, absent]
    default: present
  mtu:
    description: MTU of both ends. Left as it is when not set (new pairs get the kernel's 1500).
    type: int
  mac:
    description: MAC address of this end (unicast). Left as the kernel chose when not set.
    type: str
  master:
    description:
      - Name of a bridge in O(netns) that this end is a port of. An empty string detaches it.
      - Left as it is when not set.
    type: str
  hairpin:
    description:
      - Hairpin mode of this end as a port of its bridge (C(ip link set DEV type bridge_slave hairpin on)) - the
        bridge may send a frame back out of the port it came in on, which a container needs to reach its own
        published port through the host or the gateway. Docker turns it on for its container ports when it runs
        without its userland proxy.
      - This end must be a port of a bridge after the task (O(master), or the bridge it is a port of);
        otherwise the task fails naming the option. A port attached anew starts with hairpin off.
      - Left as it is when not set.
    type: bool
    version_added: 0.2.0
  addresses:
    description:
      - Addresses of this end in CIDR form (C(10.0.0.1/24), C(fd00::1/64)).
      - Added when missing; others are kept unless O(purge_addresses=true).
      - Refused before the kernel, as it would not keep them as given, are an unspecified address
        (C(0.0.0.0/24), C(::/64)), a multicast address, C(255.255.255.255), C(::1), the broadcast address of
        its own IPv4 subnet (C(10.0.0.255/24)) and one IPv6 address listed with two prefix lengths. A
        network address (C(10.0.0.0/24)) is kept by the kernel and usable, so it is accepted.
    type: list
    elements: str
  up:
    description: Whether this end is up.
    type: bool
    default: true
  purge_addresses:
    description:
      - Remove addresses of either end that its O(addresses) (or O(peer.addresses)) does not list.
        IPv6 link-local addresses (C(fe80::/10)) are kept. Only ends whose address list is given are purged.
    type: bool
    default: false
  impairment:
    description:
      - The egress impairment of this end, with the options of M(netvirt.linux.netem) (same units, same
        rules, compared in the kernel's units), applied after the pair exists. An empty dict gives it the
        kernel's default qdisc back; left as it is when not set. Set both ends to impair both directions.
    type: dict
    suboptions:
      delay:
        description: "Delay added to every packet (V(15ms), V(500us))."
        type: str
      jitter:
        description: "Random variation of the delay; needs C(delay)."
        type: str
      delay_correlation:
        description: "Correlation of the jitter, in percent."
        type: float
      distribution:
        description: "Distribution of the jitter (only netem's own)."
        type: str
        choices: [uniform]
      loss:
        description: "Random loss, in percent."
        type: float
      loss_correlation:
        description: "Correlation of the loss, in percent."
        type: float
      duplicate:
        description: "Packets sent twice, in percent."
        type: float
      duplicate_correlation:
        description: "Correlation of the duplication, in percent."
        type: float
      corrupt:
        description: "Packets with a bit flipped, in percent."
        type: float
      corrupt_correlation:
        description: "Correlation of the corruption, in percent."
        type: float
      reorder:
        description: "Packets sent at once past the delayed ones, in percent; needs C(delay)."
        type: float
      reorder_correlation:
        description: "Correlation of the reordering, in percent."
        type: float
      limit:
        description: "The netem queue, in packets."
        type: int
      rate:
        description: "Rate limit (tbf shaper), tc units (V(10mbit), V(625000bps))."
        type: str
      burst:
        description: "The shaper's bucket (bytes, V(32kb))."
        type: str
      queue:
        description: "Bytes the shaper may hold waiting."
        type: str
      force:
        description: "Replace a qdisc the collection did not set instead of failing."
        type: bool
        default: false
  peer:
    description: The other end. Required when O(state=present).
    type: dict
    suboptions:
      name:
        description: Name of the other end, inside O(peer.netns).
        type: str
        required: true
      netns:
        description:
          - The namespace of the other end; a name, an absolute path or a PID, like O(netns).
          - Defaults to O(netns), that is both ends in one namespace.
        type: raw
      mac:
        description: MAC address of the other end.
        type: str
      master:
        description: A bridge in O(peer.netns) that the other end is a port of; empty string for none.
        type: str
      hairpin:
        description: Hairpin mode of the other end as a port of its bridge (see O(hairpin)); left as it is when not set.
        type: bool
        version_added: 0.2.0
      addresses:
        description: Addresses of the other end, in CIDR form.
        type: list
        elements: str
      up:
        description: Whether the other end is up.
        type: bool
        default: true
      impairment:
        description:
          - The egress impairment of the other end, with the options of M(netvirt.linux.netem) (same units, same
            rules, compared in the kernel's units), applied after the pair exists. An empty dict gives it the
            kernel's default qdisc back; left as it is when not set. Set both ends to impair both directions.
        type: dict
        suboptions:
          delay:
            description: "Delay added to every packet (V(15ms), V(500us))."
            type: str
          jitter:
            description: "Random variation of the delay; needs C(delay)."
            type: str
          delay_correlation:
            description: "Correlation of the jitter, in percent."
            type: float
          distribution:
            description: "Distribution of the jitter (only netem's own)."
            type: str
            choices: [uniform]
          loss:
            description: "Random loss, in percent."
            type: float
          loss_correlation:
            description: "Correlation of the loss, in percent."
            type: float
          duplicate:
            description: "Packets sent twice, in percent."
            type: float
          duplicate_correlation:
            description: "Correlation of the duplication, in percent."
            type: float
          corrupt:
            description: "Packets with a bit flipped, in percent."
            type: float
          corrupt_correlation:
            description: "Correlation of the corruption, in percent."
            type: float
          reorder:
            description: "Packets sent at once past the delayed ones, in percent; needs C(delay)."
            type: float
          reorder_correlation:
            description: "Correlation of the reordering, in percent."
            type: float
          limit:
            description: "The netem queue, in packets."
            type: int
          rate:
            description: "Rate limit (tbf shaper), tc units (V(10mbit), V(625000bps))."
            type: str
          burst:
            description: "The shaper's bucket (bytes, V(32kb))."
            type: str
          queue:
            description: "Bytes the shaper may hold waiting."
            type: str
          force:
            description: "Replace a qdisc the collection did not set instead of failing."
            type: bool
            default: false
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.netns
  - module: netvirt.linux.bridge
  - module: netvirt.linux.interface
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Join namespaces ns1 and ns2 with a veth pair
  netvirt.linux.veth:
    name: veth0
    netns: ns1
    addresses: [10.1.1.1/24]
    peer:
      name: veth1
      netns: ns2
      addresses: [10.1.1.2/24]

- name: Docker-style container link, host end on docker0 in hairpin mode, eth0 inside the container's namespace
  netvirt.linux.veth:
    name: veth1a2b3c
    master: docker0
    hairpin: true
    peer:
      name: eth0
      netns: /var/run/docker/netns/1a2b3c4d5e6f
      addresses: [172.17.0.2/16]
      mac: "02:42:ac:11:00:02"

- name: Peer inside the namespace of a running process (a container's PID)
  netvirt.linux.veth:
    name: vh-web
    peer:
      name: eth1
      netns: 4242

- name: Remove the pair (both ends)
  netvirt.linux.veth:
    name: veth0
    netns: ns1
    state: absent
'''

RETURN = r'''
veth:
  description:
    - The pair after the task. In check mode, as it would be; otherwise read back from the kernel.
    - C(hairpin) of an end (its hairpin mode as a bridge port) is only returned when the task gives it.
  returned: always
  type: dict
  sample:
    state: present
    netns: ns1
    kind: veth
    mtu: 1500
    mac: "6a:1f:4e:0b:93:10"
    up: true
    master: null
    addresses: [10.1.1.1/24]
    peer:
      name: veth1
      netns: ns2
      mtu: 1500
      mac: "b2:0c:7d:55:12:aa"
      up: true
      master: null
      addresses: [10.1.1.2/24]
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample:
    - "ns1: create veth veth0 with peer veth1 in namespace 'ns2'"
    - "ns1: add address 10.1.1.1/24 to veth veth0"
    - "ns1: set veth veth0 up"
    - "ns2: add address 10.1.1.2/24 to veth peer veth1"
    - "ns2: set veth peer veth1 up"
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind


def main():
    run(VethKind())


if __name__ == '__main__':
    main()
