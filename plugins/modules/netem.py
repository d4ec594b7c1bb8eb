#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: netem
short_description: Impair the egress of one interface (delay, jitter, loss, duplicate, corrupt, reorder, rate)
version_added: 0.2.0
description:
  - Sets the egress queueing discipline (qdisc) of one interface, in any network namespace, to emulate a
    link that is slower, later or less reliable than a veth is. Delay, jitter, loss, duplication,
    corruption and reordering are the kernel's C(netem) qdisc; a rate limit is a C(tbf) token bucket
    shaper (rate, burst, queue). With both, the shaper is the root (handle C(4e56:)) and netem sits in
    its class (handle C(4e57:)), as Mininet's TCLink does; with one of them it is the root (C(4e56:)).
  - The rate is a tbf shaper rather than netem's own C(rate) so that it also works on a kernel built
    without netem, keeps a real burst and queue in bytes, and shapes GSO packets by their wire size.
  - Only egress is shaped. To impair both directions of a veth, set both ends (the M(netvirt.linux.veth)
    options C(impairment) and C(peer.impairment) do that in one task).
  - Values are compared in the units the kernel keeps, read back from it after every change, so
    C(5mbit), C(625kbps) and C(625000bps) are the same rate (625000 bytes/s) and a second run changes
    nothing. Delays are kept in the kernel's ticks of 64 ns (whole microseconds are given), percentages
    as the kernel's 32-bit fraction.
  - Parameters of the same layout are changed in place (C(tc qdisc change)); when the layout changes (a
    shaper added to netem, netem removed from a shaper) or a netem attribute goes back to 0 (the kernel
    keeps an attribute it is not sent), the qdisc is removed and added again, which drops what it had queued.
  - A root qdisc the collection did not set (another handle, someone's C(tc) tree, an C(htb) root) is never
    replaced silently; the task fails naming it unless O(force=true).
  - O(state=absent) removes the collection's qdisc; the kernel then attaches its default again
    (C(noqueue) on a veth, C(pfifo_fast) or C(fq_codel) on other devices).
author:
  - netvirt.linux maintainers (@netvirt)
options:
  interface:
    description: The interface whose egress is impaired, in O(netns).
    type: str
    required: true
  state:
    description:
      - V(present) sets the impairment the options describe (at least one of them); options left out are
        not impaired (a delay of 0, no loss, no rate limit).
      - V(absent) removes it and gives the interface back the kernel's default qdisc.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Replace a root qdisc the collection did not set (or one under its shaper) instead of failing.
    type: bool
    default: false
  delay:
    description:
      - Delay added to every packet, a number and a unit (V(us), V(ms), V(s)), in whole microseconds
        (V(15ms), V(500us)). Needs netem in the kernel (C(CONFIG_NET_SCH_NETEM)).
    type: str
  jitter:
    description:
      - Random variation of the delay (uniform, plus or minus this much), same units as O(delay); needs O(delay).
    type: str
  delay_correlation:
    description: How much each packet's jitter depends on the previous one's, in percent (0-100); needs O(jitter).
    type: float
  distribution:
    description:
      - The distribution of the jitter. Only V(uniform), netem's own, is offered; neither pyroute2 0.7 nor
        0.9 can send a distribution table, and the kernel does not report one, so it could not be
        compared either.
    type: str
    choices: [uniform]
  loss:
    description: Random loss, in percent of the packets (0-100, decimals allowed).
    type: float
  loss_correlation:
    description: How much a packet's loss depends on the previous one's, in percent; needs O(loss).
    type: float
  duplicate:
    description: Packets sent twice, in percent.
    type: float
  duplicate_correlation:
    description: Correlation of the duplication, in percent; needs O(duplicate).
    type: float
  corrupt:
    description: Packets with one random bit flipped, in percent.
    type: float
  corrupt_correlation:
    description: Correlation of the corruption, in percent; needs O(corrupt).
    type: float
  reorder:
    description:
      - Packets sent at once (the rest get the delay), in percent, so they overtake the delayed ones;
        needs O(delay).
    type: float
  reorder_correlation:
    description: Correlation of the reordering, in percent; needs O(reorder).
    type: float
  limit:
    description: The netem queue, in packets (default 1000, as tc's).
    type: int
  rate:
    description:
      - Rate limit (tbf shaper), a number and one of tc's units, in bits (V(bit), V(kbit), V(mbit), V(gbit),
        V(kibit), V(mibit), V(gibit)) or bytes (V(bps), V(kbps), V(mbps), V(gbps), V(kibps), V(mibps),
        V(gibps)) per second; V(5mbit) is 625000 bytes/s. Above 0 and at most 2**32-1 bytes/s.
    type: str
  burst:
    description:
      - The shaper's bucket, in bytes or with a size unit (V(b), V(kb)/V(k), V(mb)/V(m), V(gb)/V(g), binary as
        in tc; V(kbit), V(mbit)). Default 10 ms at the rate, at least 3028 bytes (two full frames).
      - The kernel keeps it as the time to send it at the rate (ticks); that is what is compared.
    type: str
  queue:
    description:
      - Bytes the shaper may hold waiting (tbf's C(limit)), same units as O(burst); at least the burst.
        Default the burst plus 100 ms at the rate.
    type: str
extends_documentation_fragment:
  - netvirt.linux.netns
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
notes:
  - Impairments of delay, loss, duplication, corruption and reordering need the kernel's netem qdisc. A
    kernel built without it (some minimal VM kernels) refuses to add one; the task then fails naming
    C(CONFIG_NET_SCH_NETEM), and nothing is left half-made. The rate limit needs only tbf.
  - "A delay of 20 ms with 2 ms jitter and 1% loss on eth0 of namespace a reads
    C(netvirt.linux.netem: {netns: a, interface: eth0, delay: 20ms, jitter: 2ms, loss: 1})."
  - M(netvirt.linux.measure) measures what a link then does (throughput, RTT, loss).
seealso:
  - module: netvirt.linux.measure
  - module: netvirt.linux.veth
  - name: tc-netem(8)
    description: The kernel's network emulator.
    link: https://man7.org/linux/man-pages/man8/tc-netem.8.html
'''

EXAMPLES = r'''
- name: Limit the egress of veth v0 in namespace a to 10 Mbit/s
  netvirt.linux.netem:
    netns: a
    interface: v0
    rate: 10mbit

- name: The same rate given in bytes/s, with a larger bucket and queue (changes burst and queue in place)
  netvirt.linux.netem:
    netns: a
    interface: v0
    rate: 1250000bps
    burst: 32kb
    queue: 256kb

- name: Give v0 the kernel's default qdisc back
  netvirt.linux.netem:
    netns: a
    interface: v0
    state: absent
'''

RETURN = r'''
netem:
  description:
    - The impairment of the interface as the kernel holds it (read back after a change; in check mode,
      what it would be). C(state) is V(present) (the collection's qdisc), V(absent) (the kernel's default,
      named in C(qdisc)) or V(foreign) (someone else's, named in C(qdisc)).
    - C(shaper) in the kernel's units, C(rate) bytes/s, C(buffer) ticks of 64 ns, C(limit) bytes; C(netem)
      C(delay)/C(jitter) in ticks, percentages as 32-bit fractions, C(limit) in packets; with texts.
  returned: always
  type: dict
  sample: {state: present, handle: "4e56:", shaper: {rate: 1250000, buffer: 156250, limit: 137500, rate_text: 10mbit}}
actions:
  description: What the task did, or would do in check mode, in order.
  returned: always
  type: list
  elements: str
  sample: ["a: add tbf 4e56: to v0: rate 10mbit burst 12500 queue 137500"]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.netem import NetemKind


def main():
    run(NetemKind())


if __name__ == '__main__':
    main()
