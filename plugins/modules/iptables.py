#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: iptables
short_description: Manage the rules of one iptables chain, in any network namespace, IPv4 and IPv6, atomically
version_added: 0.1.0
description:
  - Manages the rules of ONE chain of ONE table, as an ordered list, in the namespace given by O(netns).
  - Rules are compared the way iptables itself prints them. Each rule is first rendered as text; a text that
    already appears in C(iptables-save) of the table is taken as is, any other is loaded into the same table
    and chain of a throwaway network namespace that only this task sees, and read back with C(iptables-save).
    So C(-p tcp --dport 80 -j ACCEPT) and C(-p tcp -m tcp --dport 80 -j ACCEPT) are the same rule, and a run
    that changes nothing reads the table once per IP version.
  - A structured rule whose every value is written the way iptables prints it (port numbers, not service names;
    the protocols C(tcp), C(udp), C(udplite), C(sctp), C(icmp); the targets C(ACCEPT), C(DROP), C(RETURN), C(LOG),
    C(REJECT) with O(rules[].reject_with), C(MASQUERADE), C(REDIRECT), C(DNAT) and C(SNAT) to IPv4 addresses, or
    an existing user chain) skips that round trip in a real run on one IP version, as long as every rule of the
    task already in the chain was found as rendered. Such a rule is checked by the kernel when it is committed,
    all or nothing; check mode makes the same plan and has the kernel check those rules in the throwaway
    namespace, so it fails where the real run would. With O(ip_version=both) every new rule goes through the
    throwaway namespace before anything is written.
  - In a user-defined chain the task owns the whole chain (it is created when missing); its rules are exactly
    O(rules), in order.
  - In a built-in chain the task owns only the rules it tagged with a comment C(netvirt:OWNER) (see O(owner)),
    and keeps them as one ordered block at O(position). Other rules (Docker's, the administrator's) are never
    deleted or moved, unless O(purge=all). Rules of the task are deleted by their text, never by their number.
  - All changes of one IP version go to C(iptables-restore --noflush --wait) in one payload, which iptables
    commits all or nothing (one nf_tables transaction, or one replacement of the legacy table). With
    O(ip_version=both) both payloads are first checked with C(--test), then committed. A rule iptables refuses
    fails the task with iptables' own message, naming the rule's option, and nothing is changed.
  - Two tasks working on the same namespace at once take turns (an exclusive lock on a file under
    C(/run/netvirt) named after the namespace), for the whole read, plan and write.
  - The iptables tools run inside the namespace (the task's thread enters it with setns(2) and starts them
    from there); the task needs no pyroute2.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  table:
    description: The table.
    type: str
    choices: [filter, mangle, nat, raw, security]
    default: filter
  chain:
    description:
      - The chain. A built-in chain of O(table) (C(INPUT), C(FORWARD), C(OUTPUT), C(PREROUTING), C(POSTROUTING))
        or a user-defined chain, which is created when missing.
    type: str
    required: true
  ip_version:
    description:
      - V(ipv4) (C(iptables)), V(ipv6) (C(ip6tables)) or V(both).
      - With V(both), a rule whose addresses are of one family goes only to that family's chain.
    type: str
    choices: [ipv4, ipv6, both]
    default: ipv4
  rules:
    description:
      - The rules, in order. Each is either O(rules[].rule) (iptables-save syntax, for any extension) or
        structured fields; not both.
      - The same rule twice (as iptables reads them) is an error.
    type: list
    elements: dict
    default: []
    suboptions:
      rule:
        description:
          - The rule in iptables-save syntax without C(-A CHAIN), for example
            C(-p tcp -m multiport --dports 80,443 -m conntrack --ctstate NEW -j ACCEPT).
        type: str
      protocol:
        description: C(-p); a name (V(tcp), V(udp), V(icmp), ...) or a number; a leading C(!) negates.
        type: str
      source:
        description: C(-s); an address or network; a leading C(!) negates.
        type: str
      destination:
        description: C(-d); an address or network; a leading C(!) negates.
        type: str
      in_interface:
        description: C(-i); a trailing C(+) matches a prefix; a leading C(!) negates.
        type: str
      out_interface:
        description: C(-o); a trailing C(+) matches a prefix; a leading C(!) negates.
        type: str
      source_port:
        description: C(--sport) (a port or C(first:last)); needs O(rules[].protocol).
        type: str
      destination_port:
        description: C(--dport) (a port or C(first:last)); needs O(rules[].protocol).
        type: str
      destination_ports:
        description: C(-m multiport --dports); needs O(rules[].protocol).
        type: list
        elements: str
      ctstate:
        description: C(-m conntrack --ctstate), for example V([RELATED, ESTABLISHED]).
        type: list
        elements: str
      jump:
        description: C(-j); a target (V(ACCEPT), V(DROP), V(DNAT), V(MASQUERADE), ...) or a user chain.
        type: str
      goto:
        description: C(-g); a user chain.
        type: str
      to_destination:
        description: C(--to-destination) of V(DNAT), for example V(10.0.0.2:80).
        type: str
      to_source:
        description: C(--to-source) of V(SNAT).
        type: str
      to_ports:
        description: C(--to-ports) of V(MASQUERADE) or V(REDIRECT).
        type: str
      reject_with:
        description: C(--reject-with) of V(REJECT).
        type: str
      log_prefix:
        description: C(--log-prefix) of V(LOG).
        type: str
      comment:
        description: C(-m comment --comment); at most 255 characters.
        type: str
  policy:
    description: Policy of a built-in chain. Left as it is when not set. Not for user chains.
    type: str
    choices: [ACCEPT, DROP]
  position:
    description:
      - Built-in chains, with O(purge=owned) - where the block of this task's rules sits - before (V(top)) or after
        (V(bottom)) every other rule of the chain.
    type: str
    choices: [top, bottom]
    default: top
  owner:
    description:
      - Names this task's rules in a built-in chain; they carry the comment C(netvirt:OWNER). Two tasks managing
        one built-in chain need two owners.
      - Defaults to C(TABLE/CHAIN), for example C(filter/INPUT).
    type: str
  purge:
    description:
      - V(owned) - in a built-in chain, only rules carrying this task's comment are changed.
      - V(all) - the built-in chain is made exactly O(rules), foreign rules are deleted.
      - A user chain is always owned whole.
    type: str
    choices: [owned, all]
    default: owned
  state:
    description:
      - V(present) - the rules are there, in order.
      - V(absent) - this task's rules are removed (with O(purge=all), every rule of the built-in chain); a user
        chain is flushed and deleted, which fails naming the rule that still jumps to it, if one does.
    type: str
    choices: [present, absent]
    default: present
  backend:
    description:
      - V(nft) runs C(iptables-nft-*), V(legacy) runs C(iptables-legacy-*) (and C(ip6tables-...)).
      - V(auto) takes the one plain C(iptables) is on this host.
    type: str
    choices: [auto, nft, legacy]
    default: auto
  persist:
    description:
      - Put this task's rules back at boot, without Ansible on the host. V(true) writes the task's options (as
        given, less O(persist)) to C(/etc/netvirt/persist/iptables-NAME.json) (mode 0600) and a systemd unit
        C(netvirt-iptables-NAME.service), enabled in C(multi-user.target.wants), that runs the module's own
        code at boot (observe, plan, apply; idempotent) through C(/usr/local/lib/netvirt/netvirt-replay), as
        O(netvirt.linux.topology#module:persist) does. NAME is the namespace (C(host) for the module's own),
        table, chain, the owner when it is not the default, and a digest of the four (see RV(persist.unit)).
      - The unit is ordered after C(network-pre.target) (so after the topology units that make the namespace of
        O(netns)) and before C(network.target); nothing waits for C(network-online.target). When the namespace
        is not there, the unit fails naming O(netns) (C(journalctl -u netvirt-iptables-NAME)).
      - V(false) (and O(state=absent)) removes this task's state file, unit and link (and the replay library
        when no other owner is persisted); the rules themselves stay unless O(state=absent).
      - Needs systemd as the init system; elsewhere V(true) fails naming this option. O(netns) must be a name
        (or unset); a PID or a path does not exist after a reboot and is refused. Check mode and diff show the
        files and the link that would be written or removed.
    type: bool
    default: false
notes:
  - Atomic means one table of one IP version at a time - the kernel commits each C(iptables-restore) all or
    nothing, but IPv4 and IPv6 are two commits. With O(ip_version=both) both payloads are checked with
    C(--test) before either is committed; if the IPv6 commit still fails after the IPv4 one went in, the IPv4
    chain is put back as it was (a second commit) and the error names the family and the rule. A run killed
    between the two commits (SIGKILL, a lost connection) leaves IPv4 new and IPv6 old, each whole, never half;
    the next run converges.
  - Rules that need objects only the target namespace has (for example C(-m set --match-set) with an ipset)
    cannot be canonicalised in the throwaway namespace and fail; create such objects in a way iptables can see
    from a fresh namespace, or manage such rules with another tool.
  - With the legacy backend a table that is not loaded in the namespace is not read (reading it would create
    it); it counts as empty.
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.ATTRIBUTES
requirements:
  - The iptables tools 1.8 or newer on the managed host (Debian and Ubuntu package C(iptables)) -
    C(iptables-nft-save) and C(iptables-nft-restore) (and C(ip6tables-nft-save), C(ip6tables-nft-restore) for IPv6)
    for O(backend=nft), C(iptables-legacy-save), C(iptables-legacy-restore) (and the C(ip6tables-legacy-*) pair)
    for O(backend=legacy), and C(iptables) itself, whose alternative decides O(backend=auto).
seealso:
  - module: netvirt.linux.bridge
  - module: netvirt.linux.sysctl
  - module: ansible.builtin.iptables
'''

EXAMPLES = r'''
- name: Let namespaces on br0 talk to each other when FORWARD drops (br_netfilter loaded)
  netvirt.linux.iptables:
    chain: FORWARD
    rules:
      - {in_interface: br0, jump: ACCEPT}
      - {out_interface: br0, jump: ACCEPT}

- name: Docker's NAT for a bridge subnet, and a published port (-p 8081:80)
  netvirt.linux.iptables:
    table: nat
    chain: POSTROUTING
    owner: lab-nat
    rules:
      - {source: 10.0.0.0/24, out_interface: "!br0", jump: MASQUERADE}

- name: The published port, in a user chain the task owns whole
  netvirt.linux.iptables:
    table: nat
    chain: LAB-DNAT
    rules:
      - {protocol: tcp, destination_port: "8081", jump: DNAT, to_destination: "10.0.0.2:80"}

- name: A small firewall inside namespace ns1, IPv4 and IPv6, policy DROP
  netvirt.linux.iptables:
    netns: ns1
    chain: INPUT
    ip_version: both
    policy: DROP
    rules:
      - {in_interface: lo, jump: ACCEPT}
      - {ctstate: [RELATED, ESTABLISHED], jump: ACCEPT}
      - rule: -p tcp -m multiport --dports 22,80,443 -j ACCEPT

- name: Remove this task's rules again (foreign rules stay)
  netvirt.linux.iptables:
    netns: ns1
    chain: INPUT
    ip_version: both
    state: absent
'''

RETURN = r'''
rules:
  description:
    - The rules this task owns, per IP version, as iptables prints them (after C(-A CHAIN)); the whole chain
      for a user chain or O(purge=all). As the plan computed them from iptables' own texts, so a real run and
      check mode return the same (the integration test compares them with C(iptables-save)).
  returned: always
  type: dict
  sample:
    ipv4:
      - -i br0 -m comment --comment "netvirt:filter/FORWARD" -j ACCEPT
actions:
  description: What the task did, or would do in check mode, in order; one per iptables-restore line.
  returned: always
  type: list
  elements: str
  sample: ["insert into filter/FORWARD (ipv4) at 1: -i br0 -m comment --comment \"netvirt:filter/FORWARD\" -j ACCEPT"]
table:
  description: The table.
  returned: always
  type: str
  sample: filter
chain:
  description: The chain.
  returned: always
  type: str
  sample: FORWARD
owner:
  description: The owner whose comment marks this task's rules in a built-in chain.
  returned: always
  type: str
  sample: filter/FORWARD
backend:
  description: The backend used, V(nft) or V(legacy).
  returned: always
  type: str
  sample: nft
persist:
  description: Where the persisted state lives (with O(persist=true)).
  returned: when O(persist=true) and O(state=present)
  type: dict
  contains:
    state_file:
      description: The state file.
      type: str
      sample: /etc/netvirt/persist/iptables-web.filter.INPUT.3f1c2a9b.json
    unit:
      description: The systemd unit that replays it at boot.
      type: str
      sample: netvirt-iptables-web.filter.INPUT.3f1c2a9b.service
    library:
      description: The folder of the replay script and the module_utils it imports.
      type: str
      sample: /usr/local/lib/netvirt
commands:
  description:
    - The iptables commands the task ran, in order, each prefixed with where it ran (C(target) - the namespace of
      O(netns); C(scratch) - the throwaway namespace used to canonicalise rules).
  returned: always
  type: list
  elements: str
  sample: ["target: iptables-nft-save -t filter"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.iptables import IptablesKind


def main():
    run(IptablesKind())


if __name__ == '__main__':
    main()
