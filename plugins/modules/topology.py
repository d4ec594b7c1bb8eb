#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: topology
short_description: Build a whole topology of namespaces, bridges, veths, VXLAN and tun/tap devices, routes and sysctls in one task
version_added: 0.1.0
description:
  - One desired state for a lab of any size, applied in one task near the kernel's speed (hundreds of
    namespaces in seconds, where a loop of per-object tasks takes minutes).
  - Objects are top-level lists, each item with the options of the matching per-object module
    (M(netvirt.linux.netns), M(netvirt.linux.bridge), M(netvirt.linux.veth), M(netvirt.linux.vxlan),
    M(netvirt.linux.tuntap), M(netvirt.linux.route), M(netvirt.linux.sysctl)) and its own C(netns). Each item is validated and planned
    by that module's own code; the plans are joined and applied in dependency order (namespaces, bridges,
    veths with the peer created straight in its namespace under its final name and attached to its bridge in
    the same message, VXLAN and tun/tap devices, addresses and forwarding entries, up, routes, sysctls).
  - A bridge takes at most 1023 ports; a topology that would put more on one fails before anything is made.
    Every namespace it names is held open while it runs, so when the open-files limit cannot be raised to
    one per namespace and about 512 more, the task fails before anything is made.
  - Everything is observed once, with one netlink socket per namespace and no process forked per namespace.
  - Ownership. What this topology creates carries its O(name). Links and bridges get the interface alias
    C(netvirt-topology:NAME); namespaces it creates, and routes it adds, are listed in
    C(/run/netvirt/topology/NAME.json) (a tmpfs that goes at reboot together with the namespaces).
    O(purge) and O(state=absent) remove only such objects. Objects that already existed and are listed are
    converged but never marked, so this module never removes them.
  - O(state=absent) deletes the namespaces this topology created (their interfaces go with them), then its
    marked links and bridges elsewhere and the routes it added.
  - When a step fails, everything this run created is removed again (newest first), so a failed task leaves
    nothing half-made; a fixed re-run converges.
  - Sysctls are set, never reverted (neither by O(purge) nor by O(state=absent)).
  - Duplicates inside the task are refused before anything is changed, naming both items; that is two routes of
    one identity (family, O(routes[].dst), O(routes[].table), O(routes[].metric) and namespace; they would
    replace each other on every run), one sysctl key twice in a namespace (in either spelling), and one IP
    address given to two interfaces of a namespace.
  - A pair listed in O(links) that exists but was not made by this topology, whose other end is not the
    listed peer, is refused (see M(netvirt.linux.veth)); a pair marked as this topology's own is moved or
    renamed when the listed peer changes.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  name:
    description:
      - The topology's name, the owner mark of what it creates. 1 to 64 letters, digits, C(_), C(.) or C(-).
      - Two topologies with different names can live side by side on one host.
    type: str
    required: true
  state:
    description:
      - V(present) creates and converges the listed objects; V(absent) removes everything this topology
        created (the lists are then ignored).
      - Deleting a namespace takes the veth ends outside it whose peers were inside with it, a moment later
        (the kernel's namespace cleanup). V(absent) and O(purge) return once those are gone, so the next task
        may make the same names; after 5 seconds they return with a warning naming what is left.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - Remove objects this topology created on an earlier run that the lists no longer hold.
        Objects it did not create are never removed.
    type: bool
    default: false
  persist:
    description:
      - Make the topology come back after a reboot, without Ansible on the host. V(true) writes the desired
        state (these options, as validated, less O(persist)) to C(/etc/netvirt/persist/topology-NAME.json)
        (mode 0600, readable by root only) and a systemd unit C(netvirt-topology-NAME.service) in
        C(/etc/systemd/system), enabled in C(multi-user.target.wants), that applies it at boot with the
        module's own code (observe, plan, apply; idempotent) before C(network-pre.target). The unit runs
        C(/usr/local/lib/netvirt/netvirt-replay) with the Python that ran this module (it needs pyroute2 only);
        that folder holds a copy of the collection's module_utils the replay imports, shared by every
        persisted owner and removed with the last one.
      - The unit logs the actions it took (or the error, naming the option and the object) to the journal
        (C(journalctl -u netvirt-topology-NAME)) and fails when the state cannot be applied; it is oneshot
        with C(RemainAfterExit), so C(systemctl status) shows its last run. It has no default dependencies
        (after C(local-fs.target), C(systemd-modules-load) and C(systemd-sysctl)); nothing waits for
        C(network-online.target). Two persisted topologies are replayed independently, in no set order.
      - V(false) (and O(state=absent)) removes this topology's state file, unit and link (and the library when
        no other owner is persisted), and runs C(systemctl daemon-reload) when a unit changed.
      - Needs systemd as the init system (C(/run/systemd/system)); elsewhere V(true) fails naming this option.
        Check mode and diff show the files and the link that would be written or removed.
      - Namespaces given as PIDs or paths outside C(/var/run/netns) do not exist after a reboot; persist
        topologies whose objects live in named namespaces (or the host's own).
    type: bool
    default: false
  ipv6_quiet:
    description:
      - Turn IPv6 off (C(net.ipv6.conf.all|default.disable_ipv6=1)) in each namespace this task creates, as
        soon as it exists. Its interfaces get no IPv6 link-local address, so they send no DAD and MLD
        multicast, which a bridge floods to every port. For IPv4-only labs; it makes a large build faster.
      - Only namespaces created by this run are affected; IPv6 is not turned back on later.
    type: bool
    default: false
  src:
    description:
      - A YAML or JSON file on the controller holding topology options (any option of this module but O(src),
        for example O(namespaces), O(bridges) and O(links), as a mapping), read by the action plugin on the
        controller and shipped to the module with the task's own options; the module never reads a file.
      - Found as M(ansible.builtin.copy) finds its C(src) (a role's C(files/), the
        playbook's C(files/), then relative to the playbook), decrypted when vaulted, and not templated (Jinja2
        expressions in it are kept as text).
      - An option given both in the file and in the task (C(module_defaults) count as the task's) is refused,
        naming the option and the file; so is a missing, unreadable or invalid file, or a key that is not an
        option, before the module runs.
      - For a large lab (a generator's output saved once, a meshnet-lab graph converted), a file costs the
        controller much less than the same lists written in the task (see the benchmark in C(bench/README.md)).
    type: path
    version_added: 0.2.0
  namespaces:
    description: Named namespaces (under C(/var/run/netns)), as M(netvirt.linux.netns) makes them.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the namespace.
        type: str
        required: true
      loopback:
        description: Whether C(lo) is up in it.
        type: bool
        default: true
  bridges:
    description: Linux bridges, with the options of M(netvirt.linux.bridge).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the bridge.
        type: str
        required: true
      netns:
        description: Namespace of the bridge (a name, path or PID); defaults to O(netns).
        type: raw
      stp:
        description: Whether STP runs on the bridge.
        type: bool
      forward_delay:
        description: Forward delay in seconds (2 to 30 with STP on).
        type: float
      hello_time:
        description: Hello time in seconds (1 to 10).
        type: float
      max_age:
        description: Max age in seconds (6 to 40).
        type: float
      ageing_time:
        description: FDB ageing time in seconds.
        type: float
      mtu:
        description: MTU of the bridge.
        type: int
      mac:
        description: MAC address of the bridge.
        type: str
      addresses:
        description: Addresses of the bridge in CIDR form; others are kept.
        type: list
        elements: str
      up:
        description: Whether the bridge is up.
        type: bool
        default: true
  links:
    description:
      - veth pairs, with the options of M(netvirt.linux.veth). Each end may be in any namespace; the peer is
        created in place under its final name.
      - A bridge port is an end with C(master).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of this end.
        type: str
        required: true
      netns:
        description: Namespace of this end; defaults to O(netns).
        type: raw
      mtu:
        description: MTU of both ends.
        type: int
      mac:
        description: MAC address of this end.
        type: str
      master:
        description: A bridge in this end's namespace that this end is a port of.
        type: str
      hairpin:
        description:
          - Hairpin mode of this end as a port of its bridge (see M(netvirt.linux.veth)); needs C(master).
            Left as it is when not set.
        type: bool
        version_added: 0.2.0
      addresses:
        description: Addresses of this end in CIDR form; others are kept.
        type: list
        elements: str
      up:
        description: Whether this end is up.
        type: bool
        default: true
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
        description: The other end.
        type: dict
        required: true
        suboptions:
          name:
            description: Name of the other end.
            type: str
            required: true
          netns:
            description: Namespace of the other end; defaults to the namespace of this end.
            type: raw
          mac:
            description: MAC address of the other end.
            type: str
          master:
            description: A bridge in the other end's namespace that it is a port of.
            type: str
          hairpin:
            description: Hairpin mode of the other end as a port of its bridge; needs C(peer.master).
            type: bool
            version_added: 0.2.0
          addresses:
            description: Addresses of the other end in CIDR form; others are kept.
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
  vxlans:
    description:
      - VXLAN devices, with the options of M(netvirt.linux.vxlan) (O(vxlans[].vni) is required). The underlay
        O(vxlans[].dev) may be a veth end this task creates. A device that differs in an attribute the kernel
        cannot change in place is deleted and created again (the action says so).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the VXLAN device.
        type: str
        required: true
      netns:
        description: Namespace of the device and of its underlay; defaults to O(netns).
        type: raw
      vni:
        description: VXLAN network identifier, 1 to 16777215.
        type: int
        required: true
      remote:
        description: Unicast address of the one peer; mutually exclusive with O(vxlans[].group) and O(vxlans[].remotes).
        type: str
      remotes:
        description: Unicast peers for head-end replication (all-zero-MAC forwarding entries), exactly this list.
        type: list
        elements: str
      group:
        description: Multicast group joined on O(vxlans[].dev).
        type: str
      local:
        description: Source address of the encapsulated packets.
        type: str
      dev:
        description: Underlay interface, in the same namespace.
        type: str
      port:
        description: Destination UDP port.
        type: int
        default: 4789
      ttl:
        description: TTL of the encapsulated packets; V(0) means inherit/auto.
        type: int
      learning:
        description: Whether the device learns remote MAC addresses.
        type: bool
        default: true
      mtu:
        description: MTU of the device.
        type: int
      master:
        description: The bridge (in the same namespace) the device is a port of; V('') detaches it.
        type: str
      up:
        description: Whether the device is up.
        type: bool
        default: true
  tuntaps:
    description:
      - Persistent tun/tap devices, with the options of M(netvirt.linux.tuntap) (O(tuntaps[].mode) is required).
        A new one is made with ioctls and then marked with the topology's alias (two steps, as netlink cannot make
        the device).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the device.
        type: str
        required: true
      netns:
        description: Namespace of the device; defaults to O(netns).
        type: raw
      mode:
        description: V(tun) (layer 3) or V(tap) (layer 2).
        type: str
        required: true
        choices: [tun, tap]
      user:
        description: The user that may attach to the device, by name or number.
        type: raw
      group:
        description: The group whose members may attach to the device, by name or number.
        type: raw
      multi_queue:
        description: Whether several files (queues) can attach to the device.
        type: bool
        default: false
      packet_info:
        description: Whether every packet starts with 4 bytes of flags and protocol.
        type: bool
        default: false
      vnet_hdr:
        description: Whether packets carry a virtio-net header.
        type: bool
        default: false
      mtu:
        description: MTU of the device.
        type: int
      master:
        description: The bridge (in the same namespace) the device is a port of; V('') detaches it.
        type: str
      up:
        description: Whether the device is up.
        type: bool
        default: true
  routes:
    description: Routes, with the options of M(netvirt.linux.route).
    type: list
    elements: dict
    default: []
    suboptions:
      netns:
        description: Namespace of the route; defaults to O(netns).
        type: raw
      dst:
        description: Destination network in CIDR form, or C(default).
        type: str
        required: true
      gateway:
        description: Gateway address.
        type: str
      dev:
        description: Output interface.
        type: str
      metric:
        description: Metric (part of the route's identity).
        type: int
      table:
        description: Routing table, a number or C(main) or C(default).
        type: raw
      family:
        description: Address family, for a C(default) route without gateway.
        type: str
        choices: [ipv4, ipv6]
  sysctls:
    description: C(net.*) sysctl keys inside a namespace, as M(netvirt.linux.sysctl) sets them.
    type: list
    elements: dict
    default: []
    suboptions:
      netns:
        description: Namespace of the key; defaults to O(netns).
        type: raw
      name:
        description: The key, for example C(net.ipv4.ip_forward).
        type: str
        required: true
      value:
        description: The value.
        type: str
        required: true
notes:
  - The top-level O(netns) is the namespace of every item that names none (default, the module's own).
  - This module has an action plugin (it reads O(src) on the controller). Below C(-vvv) the result's
    C(invocation) (every option echoed back) is left out of the result, as the default callback leaves it out
    of what it prints.
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.netns
  - module: netvirt.linux.vxlan
  - module: netvirt.linux.tuntap
  - module: netvirt.linux.bridge
  - module: netvirt.linux.veth
  - module: netvirt.linux.route
  - module: netvirt.linux.sysctl
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: Docker's default network without NAT, two "containers" on br0
  netvirt.linux.topology:
    name: lab
    bridges:
      - {name: br0, stp: false, forward_delay: 0, addresses: [10.0.0.1/24]}
    namespaces: [{name: c1}, {name: c2}]
    links:
      - {name: veth1, master: br0, peer: {name: eth0, netns: c1, addresses: [10.0.0.11/24]}}
      - {name: veth2, master: br0, peer: {name: eth0, netns: c2, addresses: [10.0.0.12/24]}}
    routes:
      - {netns: c1, dst: default, gateway: 10.0.0.1}
      - {netns: c2, dst: default, gateway: 10.0.0.1}

- name: Two namespaces joined by a veth pair, one of them a router
  netvirt.linux.topology:
    name: pair
    namespaces: [{name: red}, {name: blue}]
    links:
      - name: veth0
        netns: red
        addresses: [10.1.1.1/24]
        peer: {name: veth1, netns: blue, addresses: [10.1.1.2/24]}
    sysctls:
      - {netns: red, name: net.ipv4.ip_forward, value: "1"}

- name: Two sites joined by a VXLAN overlay over a veth underlay, each with a bridge on it
  netvirt.linux.topology:
    name: overlay
    namespaces: [{name: site1}, {name: site2}]
    bridges:
      - {name: br-ov, netns: site1, addresses: [10.77.0.1/24]}
      - {name: br-ov, netns: site2, addresses: [10.77.0.2/24]}
    links:
      - {name: ul0, netns: site1, addresses: [192.0.2.11/24], peer: {name: ul0, netns: site2, addresses: [192.0.2.12/24]}}
    vxlans:
      - {name: vx77, netns: site1, vni: 77, remote: 192.0.2.12, local: 192.0.2.11, dev: ul0, master: br-ov}
      - {name: vx77, netns: site2, vni: 77, remote: 192.0.2.11, local: 192.0.2.12, dev: ul0, master: br-ov}

- name: Drop blue (created by this topology) from the lab, keep red
  netvirt.linux.topology:
    name: pair
    purge: true
    namespaces: [{name: red}]

- name: Remove everything the topology made
  netvirt.linux.topology:
    name: pair
    state: absent

# A lab kept as a file on the controller (usually under the playbook's or the role's files/; written here
# by the example itself), for example a generator's output saved once: | netvirt.linux.tree(3, 10) | to_json
- name: Write a lab's options as a YAML file beside the playbook, on the controller
  ansible.builtin.copy:
    dest: "{{ playbook_dir }}/filelab.yml"
    mode: "0644"
    content: |
      namespaces: [{name: left}, {name: right}]
      links:
        - {name: eth0, netns: left, addresses: [10.2.0.1/30], peer: {name: eth0, netns: right, addresses: [10.2.0.2/30]}}
  delegate_to: localhost

- name: Build the lab from the file (read by the action plugin, not templated)
  netvirt.linux.topology:
    name: filelab
    src: filelab.yml
'''

RETURN = r'''
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["create namespace c1", "create veth veth1 with peer eth0 in namespace 'c1', attached to bridge br0"]
counts:
  description: How many actions of each kind the plan holds.
  returned: always
  type: dict
  sample: {netns_create: 3, link_create: 4, addr_add: 4, link_set: 10}
persist:
  description: Where the persisted state lives (with O(persist=true)).
  returned: when O(persist=true) and O(state=present)
  type: dict
  contains:
    state_file:
      description: The state file.
      type: str
      sample: /etc/netvirt/persist/topology-lab.json
    unit:
      description: The systemd unit that replays it at boot.
      type: str
      sample: netvirt-topology-lab.service
    library:
      description: The folder of the replay script and the module_utils it imports.
      type: str
      sample: /usr/local/lib/netvirt
elapsed:
  description: Seconds the module spent from its start to its result (observe, plan, apply).
  returned: always
  type: float
  sample: 0.42
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.topology import TopologyKind


def main():
    run(TopologyKind())


if __name__ == '__main__':
    main()
