#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: reachability
short_description: Probe reachability between network namespaces of this machine (Mininet's pingall)
version_added: 0.1.0
description:
  - Send ICMP echo requests, or open a TCP connection to a port, from inside a network namespace to an
    address held by a namespace of the same machine, and check each answer against an expectation
    (V(reachable) or V(unreachable)). O(matrix) probes every ordered pair of a list of namespaces, as
    Mininet's C(pingall) does.
  - Returns every probe's result and the matrix (rows, columns, cells and a ready-made text table); the
    task fails, naming every unmet expectation, when one is not met (the results and the matrix are
    returned with the failure too).
  - The probe sockets are opened inside the source namespace (no subprocess, no C(ping) binary) and all
    probes run at the same time, so a matrix of ten namespaces takes about one O(timeout).
  - B(A lab tool, never a network scanner.) Only addresses held by a network namespace of this machine
    are probed (the named namespaces under C(/var/run/netns), the module's own namespace and the ones the
    task names), and addresses of other hosts of the play listed one by one in O(remote_hosts); any other
    address is refused before anything is sent.
  - ICMP probes use raw sockets, so the module needs root (CAP_NET_RAW) in the source namespace; ping
    sockets (C(SOCK_DGRAM)) are not used, since C(net.ipv4.ping_group_range) disables them in a new namespace.
  - Never changes anything (C(changed=false)).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  probes:
    description:
      - The probes to run, each from one namespace to one address (or to every target address of one namespace).
      - At least one of O(probes) and O(matrix) is required; both can be given (the matrix's probes come first).
    type: list
    elements: dict
    suboptions:
      from:
        description:
          - The namespace the probe is sent from; a name, an absolute path or a PID, like O(netns).
          - Defaults to O(netns) (the module's own namespace when that is not set either); an empty
            string means the module's own namespace.
        type: raw
      to:
        description:
          - An IPv4 or IPv6 address held by a namespace of this machine (C(10.0.0.2), C(fd00::2)), or a
            namespace (name, path or PID), meaning every target address of that namespace (see O(family)).
          - An address no local namespace holds (and not listed in O(remote_hosts)) is refused (in check mode it is skipped with a warning, since
            an earlier task may be about to add it). IPv6 link-local addresses are refused (they need an interface).
        type: str
        required: true
      port:
        description: The TCP port to connect to (1-65535). Implies O(probes[].protocol=tcp).
        type: int
      protocol:
        description:
          - V(icmp) sends O(count) echo requests, reachable when at least one reply comes back.
          - V(tcp) opens a connection to O(probes[].port) (and closes it at once); reachable when the
            connection is established. A refused connection (port closed) counts as unreachable.
          - Defaults to V(tcp) when O(probes[].port) is set, otherwise V(icmp).
        type: str
        choices: [icmp, tcp]
      expect:
        description: The expected outcome of this probe; defaults to O(expect).
        type: str
        choices: [reachable, unreachable, any]
  matrix:
    description:
      - Namespaces (names, paths or PIDs; an empty string for the module's own) to probe between, every ordered
        pair of different namespaces by ICMP echo, from each namespace to every target address of the other.
      - The target addresses of a namespace are those of its interfaces in the families of O(family), except
        loopback (C(127.0.0.0/8), C(::1)), link-local (C(169.254.0.0/16), C(fe80::/10)) and multicast ones, that
        is what the kernel calls scope global. A namespace with no target address makes its column V(no-address),
        which counts as unreachable.
      - At least two namespaces, each listed once.
    type: list
    elements: raw
  expect:
    description:
      - The expected outcome of the matrix's probes and of the probes without their own O(probes[].expect).
      - V(any) runs the probes and reports them without failing (to print a matrix).
    type: str
    choices: [reachable, unreachable, any]
    default: reachable
  family:
    description:
      - Which addresses of a namespace are probed when a namespace is the target (O(matrix), or a namespace
        in O(probes[].to)). V(ipv4) by default, since every IPv6 interface holds a link-local address that
        cannot be probed without naming the interface; V(both) probes IPv4 and IPv6 global addresses.
      - An address given in O(probes[].to) is probed whatever its family.
    type: str
    choices: [both, ipv4, ipv6]
    default: ipv4
  count:
    description:
      - Echo requests per ICMP probe, 1 to 10, sent 0.2 s apart (as C(ping -i 0.2)); a probe is reachable
        when at least one reply comes back. A TCP probe makes one connection attempt (the kernel repeats the SYN
        itself).
    type: int
    default: 1
  timeout:
    description:
      - Seconds to wait for an answer, 0.1 to 30 (fractions allowed). An ICMP probe waits O(timeout) after its last
        request; a TCP probe waits O(timeout) for the connection. All probes run at the same time, so the
        task takes about O(timeout) plus 0.2 s for each request after the first.
    type: float
    default: 1.0
  remote_hosts:
    description:
      - Addresses held on other hosts (of the play), which O(probes[].to) may then name, as an overlay's
        containers on other hosts are probed from this host's (the role C(netvirt.linux.overlay) verifies its
        cross-host matrix this way).
      - Each address is listed explicitly, one unicast IPv4 or IPv6 address an item; prefixes, ranges and names
        are refused, and nothing is discovered. A namespace of O(matrix) or a namespace in O(probes[].to) still
        means a namespace of this machine.
      - A probe to such an address reports C(host NAME) as its holder (C(netns) of its item of RV(results)).
    type: list
    elements: dict
    suboptions:
      name:
        description: The other host's name (reported as the holder of its addresses).
        type: str
        required: true
      addresses:
        description: Its addresses that probes may name.
        type: list
        elements: str
        required: true
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
attributes:
  check_mode:
    details:
      - The module only probes and never changes anything; in check mode it runs the same probes for real
        (C(changed=false) in both modes).
      - In check mode, a namespace or target address that does not exist yet is not an error (an earlier task of
        the same check run may be about to make it); its probes are reported as V(skipped), with a warning.
  diff_mode:
    support: none
    details:
      - Nothing changes, so there is no difference to show.
seealso:
  - module: netvirt.linux.net_info
  - module: netvirt.linux.netns
  - module: netvirt.linux.veth
  - module: netvirt.linux.bridge
'''

EXAMPLES = r'''
- name: Every pair of the three namespaces on br0 can ping each other
  netvirt.linux.reachability:
    matrix: [ns1, ns2, ns3]
  register: pingall

- name: Print the matrix, one line at a time
  ansible.builtin.debug:
    msg: "{{ pingall.matrix.lines }}"

- name: The web server answers on port 80, nothing listens on 81, the other network is isolated
  netvirt.linux.reachability:
    probes:
      - {from: client, to: 172.17.0.2, port: 80}
      - {from: client, to: 172.17.0.2, port: 81, expect: unreachable}
      - {from: client, to: other_net_ns, expect: unreachable}
    timeout: 0.5

- name: Print a matrix whatever it holds, three echo requests per probe, IPv4 and IPv6
  netvirt.linux.reachability:
    matrix: [ns1, ns2, /var/run/docker/netns/1a2b3c4d5e6f]
    expect: any
    family: both
    count: 3
  register: everything
'''

RETURN = r'''
results:
  description:
    - One item per probe, in order (the matrix's first, row by row, then O(probes)).
    - C(from) is the source namespace as given (V((current)) for the module's own); C(to) the address probed
      (null when a target namespace holds no address); C(netns) the namespaces holding it (C(host NAME) for an
      address of O(remote_hosts)); C(protocol), C(port) and C(expect) as asked.
    - C(status) is V(reply) (an echo reply came back), V(timeout), V(error) (an ICMP error came back, or sending
      failed, for example no route), V(open) (TCP connected), V(refused) (TCP reset, nothing listens there),
      V(no-address) or V(skipped) (check mode, missing namespace or address). C(reachable) is true for V(reply)
      and V(open); C(detail) says what happened in words.
    - C(sent) and C(received) count echo requests and replies (ICMP only); C(rtt_ms) is the shortest round trip
      (ICMP) or the connection time (TCP).
    - C(met) is whether the expectation is met (null for V(any) and skipped probes).
  returned: always
  type: list
  elements: dict
  sample:
    - from: ns1
      to: 10.0.0.2
      netns: [ns2]
      protocol: icmp
      port: null
      expect: reachable
      status: reply
      reachable: true
      detail: 1/1 replies, rtt 0.061 ms
      sent: 1
      received: 1
      rtt_ms: 0.061
      met: true
matrix:
  description:
    - The results as a grid. C(rows) are the source namespaces, C(columns) the targets (namespaces, or
      addresses as given in O(probes[].to); C(ADDRESS tcp/PORT) for TCP probes). C(cells[ROW][COLUMN]) is
      V(reachable), V(unreachable), V(N/M) (N of M target addresses reachable), V(no-address) or V(skipped); a pair
      never probed has no cell.
    - C(table) is the same as fixed-width text with a legend (C(ok), C(X), C(!) marks an unmet expectation);
      C(lines) is the table as a list of lines, which C(ansible.builtin.debug) prints one per line.
  returned: always
  type: dict
  sample:
    rows: [ns1, ns2, ns3]
    columns: [ns1, ns2, ns3]
    cells:
      ns1: {ns2: reachable, ns3: unreachable}
      ns2: {ns1: reachable, ns3: unreachable}
      ns3: {ns1: unreachable, ns2: unreachable}
    table: "from \\ to  ns1  ns2  ns3\nns1        .    ok   X\n..."
    lines: ["from \\ to  ns1  ns2  ns3", "ns1        .    ok   X", "..."]
summary:
  description: Counts of the probes and of the expectations, and C(text), the same in one line.
  returned: always
  type: dict
  sample:
    probes: 6
    reachable: 2
    unreachable: 4
    skipped: 0
    expectations: 6
    unmet: 0
    text: "6 probes: 2 reachable, 4 unreachable, 0 skipped; 6 of 6 expectations met"
actions:
  description:
    - Always empty - probing changes nothing. Every module of the collection returns C(actions) (and C(diff) in diff
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

from ansible_collections.netvirt.linux.plugins.module_utils._state.reachability import ReachabilityKind
from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run


def main():
    run(ReachabilityKind())


if __name__ == '__main__':
    main()
