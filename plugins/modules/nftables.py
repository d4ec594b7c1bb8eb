#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: nftables
short_description: Manage whole nftables tables (chains, rules, sets, maps) in any network namespace, atomically
version_added: 0.2.0
description:
  - Manages the nftables tables listed in O(tables), in the namespace given by O(netns). Each table is made
    exactly as given - its chains (base chains with type, hook, priority and policy; regular chains), their
    rules in order, its named sets and maps (verdict maps too) with their elements. Chains, sets and maps of
    the table that the task does not list are removed.
  - Ownership is structural - a table this module makes carries the comment C(netvirt.linux). A table under a
    name the task gives that does not carry it (Docker's, firewalld's, an administrator's, iptables-nft's
    C(ip filter)) is another owner's - the task fails naming it and never touches it. Tables the task does not
    name are never read beyond the listing, nor changed.
  - Everything the task changes goes to C(nft -f -) as ONE transaction, which the kernel commits all or nothing.
    Check mode makes the same plan and runs C(nft --check) on the same transaction in the namespace. A command
    nft refuses fails the task with nft's own message, naming the option it comes from (the rule, element, chain
    or set, for example O(tables[0].chains[1].rules[3])) and the table; nothing is changed.
  - Rules and elements are compared the way nft prints them (C(priority 0) is C(priority filter), C(iif lo) is
    C(iif "lo"), C(tcp dport {ssh, 80}) is C(tcp dport { 22, 80 })), so a second run changes nothing. The parts
    nft has not printed yet are loaded into a new, empty network namespace that only the task sees and listed
    back there (one load and one listing for the whole task); an element already listed verbatim in the table
    is taken as it is. What nft printed for the task's text is remembered in a record under
    C(/run/netvirt/nftables), so a run with nothing to change reads the ruleset once and runs nothing else.
    A new table is created from the task's text directly (nft checks it at the commit).
  - The elements of a set or map are compared as a set. A change of some elements is a transaction of
    C(add element)/C(delete element) commands, not a reload; rules that differ in a chain are replaced by
    flushing that chain and adding its rules in the same transaction; a new policy is set in place. A chain
    whose type, hook or priority changes, or a set whose declaration changes, replaces the table (delete and
    make, in the same transaction).
  - nft runs inside the namespace (the task's thread enters it with setns(2) and starts nft from there, as an
    argument list). The task needs no pyroute2 and no Python binding of libnftables.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  tables:
    description: The tables.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The table's name.
        type: str
        required: true
      family:
        description: The table's family.
        type: str
        choices: [ip, ip6, inet, bridge, netdev, arp]
        default: inet
      state:
        description:
          - V(present) - the table is there, exactly as given.
          - V(absent) - the table is deleted (with everything in it), if it is there and this collection's.
        type: str
        choices: [present, absent]
        default: present
      chains:
        description: The table's chains, in order.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: The chain's name.
            type: str
            required: true
          type:
            description:
              - The type of a base chain (default V(filter)); V(nat) and V(route) only in the ip, ip6 and inet
                families.
            type: str
            choices: [filter, nat, route]
          hook:
            description:
              - The hook of a base chain; without it the chain is a regular chain (reached by C(jump)/C(goto)).
              - The family must have it - ip, ip6, bridge - V(prerouting), V(input), V(forward), V(output),
                V(postrouting); inet - those and V(ingress); netdev - V(ingress), V(egress); arp - V(input),
                V(output).
            type: str
          priority:
            description: The base chain's priority - a number, or a name nft knows (V(filter), V(dstnat), V(srcnat),
              V(raw), V(mangle), V(security)), optionally with an offset (V(filter + 10)). Default 0.
            type: raw
          policy:
            description: The base chain's policy (nft's default is V(accept)).
            type: str
            choices: [accept, drop]
          device:
            description: The device a netdev (or inet ingress) base chain hooks to.
            type: str
          rules:
            description:
              - The chain's rules, in order. Each is a string in nft's syntax (as after C(nft add rule FAMILY
                TABLE CHAIN)), one statement - a newline, or a C(;) or C(#) outside quotes, is refused (it would
                add a second command) - or a dict with the keys C(iifname), C(oifname), C(protocol), C(saddr),
                C(daddr), C(sport), C(dport) (a value or a list), C(ct_state) (a list), C(counter) (bool),
                C(log_prefix), C(verdict) (C(accept), C(drop), C(reject), C(return), C(continue), C(queue)),
                C(jump), C(goto), C(comment), rendered in that order.
              - A C(jump)/C(goto) must name a chain of the same table.
              - C(iif)/C(oif) (by interface index) need the interface when nft reads the rule; the scratch
                namespace where nft prints rules has none - match by name with C(iifname)/C(oifname).
            type: list
            elements: raw
            default: []
      sets:
        description: The table's named sets.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: The set's name.
            type: str
            required: true
          type:
            description: The element type, for example V(ipv4_addr), V(inet_service), V(ipv4_addr . inet_service).
              Give O(tables[].sets[].type) or O(tables[].sets[].typeof).
            type: str
          typeof:
            description: The element type given by an expression, for example V(ip saddr . tcp dport).
            type: str
          flags:
            description: Flags, of V(constant), V(interval), V(timeout), V(dynamic).
            type: list
            elements: str
            default: []
          timeout:
            description: The default timeout of an element (nft's form, V(1h), V(30m), V(1d2h)).
            type: str
          size:
            description: The maximum number of elements.
            type: int
          auto_merge:
            description: Merge adjacent and overlapping intervals (with the V(interval) flag).
            type: bool
            default: false
          comment:
            description: A comment on the set.
            type: str
          elements:
            description:
              - >-
                The elements, compared as a set, each in nft's syntax - V(10.0.0.1), V(10.0.0.0/24), V(80),
                V(10.0.0.1 . 443), V(10.0.0.1 timeout 1h); of a map V(KEY : VALUE) (V(80 : 10.0.0.2 . 8080),
                V(10.0.0.1 : drop), V(22 : jump ssh_in)). One element an item.
            type: list
            elements: raw
            default: []
      maps:
        description: The table's named maps and verdict maps (C(map) is the value type, V(verdict) for a verdict
          map). The same options as O(tables[].sets) and O(tables[].maps[].map).
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: The set's name.
            type: str
            required: true
          type:
            description: The element type, for example V(ipv4_addr), V(inet_service), V(ipv4_addr . inet_service).
              Give O(tables[].maps[].type) or O(tables[].maps[].typeof).
            type: str
          typeof:
            description: The element type given by an expression, for example V(ip saddr . tcp dport).
            type: str
          flags:
            description: Flags, of V(constant), V(interval), V(timeout), V(dynamic).
            type: list
            elements: str
            default: []
          timeout:
            description: The default timeout of an element (nft's form, V(1h), V(30m), V(1d2h)).
            type: str
          size:
            description: The maximum number of elements.
            type: int
          auto_merge:
            description: Merge adjacent and overlapping intervals (with the V(interval) flag).
            type: bool
            default: false
          comment:
            description: A comment on the set.
            type: str
          elements:
            description:
              - >-
                The elements, compared as a set, each in nft's syntax - V(10.0.0.1), V(10.0.0.0/24), V(80),
                V(10.0.0.1 . 443), V(10.0.0.1 timeout 1h); of a map V(KEY : VALUE) (V(80 : 10.0.0.2 . 8080),
                V(10.0.0.1 : drop), V(22 : jump ssh_in)). One element an item.
            type: list
            elements: raw
            default: []
          map:
            description: The type of the values, for example V(verdict), V(ipv4_addr . inet_service).
            type: str
            required: true
notes:
  - The ownership record under C(/run/netvirt/nftables) only saves work; a table is compared with what nft
    lists every run. After the module made a table, the next run takes nft's listing of it as the print of the
    task's text when the number of rules and elements agree (the record then keeps nft's print).
  - Set elements with a timeout are listed with C(nft -s) (no C(expires)), so a running timer is no change.
  - Rules that refer to objects this module does not manage (named counters, quotas, flowtables) cannot be
    printed in the scratch namespace.
  - nft 1.0 takes no quoted names, so a table, chain, set or map named like a word of nft's language (C(set),
    C(map), C(fwd), ...) is refused by nft; the task fails naming the option and saying so.
  - Two tasks on the same namespace at once are not serialised; each commit is atomic, and the ownership record
    is written whole (a temporary file renamed).
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.ATTRIBUTES
requirements:
  - nft (the nftables package) 1.0 or newer on the managed host, and a kernel that keeps table comments (5.10+).
seealso:
  - module: netvirt.linux.iptables
  - module: netvirt.linux.net_info
'''

EXAMPLES = r'''
- name: A firewall of its own in a namespace - a base chain, a set of admin addresses, a verdict map of ports
  netvirt.linux.nftables:
    netns: web
    tables:
      - name: web_filter
        family: inet
        sets:
          - name: admins
            type: ipv4_addr
            flags: [interval]
            elements: [192.0.2.0/28, 198.51.100.7]
        maps:
          - name: ports
            type: inet_service
            map: verdict
            elements: ["22 : jump ssh_in", "80 : accept", "443 : accept"]
        chains:
          - name: input
            type: filter
            hook: input
            priority: 0
            policy: drop
            rules:
              - ct state established,related accept
              - iif lo accept
              - tcp dport vmap @ports
          - name: ssh_in
            rules:
              - ip saddr @admins accept
              - {protocol: tcp, dport: 22, counter: true, verdict: drop, comment: not an admin}

- name: Remove the table again
  netvirt.linux.nftables:
    netns: web
    tables:
      - name: web_filter
        state: absent
'''

RETURN = r'''
tables:
  description: The tables of the task, with the number of rules per chain and of elements per set or map.
  returned: always
  type: list
  elements: dict
  sample:
    - family: inet
      name: web_filter
      state: present
      chains: {input: 3, ssh_in: 2}
      sets: {admins: 2, ports: 3}
actions:
  description: What the task did, or would do in check mode, in order (all of it one nft transaction).
  returned: always
  type: list
  elements: str
  sample: ["web: add 1 element(s) to set admins: 198.51.100.8"]
commands:
  description:
    - The nft commands the task ran, in order, each prefixed with where it ran (C(target) - the namespace of
      O(netns); C(scratch) - the throwaway namespace where nft prints the task's rules).
  returned: always
  type: list
  elements: str
  sample: ["target: nft -s list ruleset", "target: nft -f -"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.nftables import NftablesKind


def main():
    run(NftablesKind())


if __name__ == '__main__':
    main()
