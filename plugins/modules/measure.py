#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: measure
short_description: Measure throughput, RTT and loss between network namespaces of this machine
version_added: 0.2.0
description:
  - For each pair, from a namespace to an address that a namespace of this machine holds, sends
    O(pings) ICMP echo requests O(interval) seconds apart (RTT min/avg/max and loss), then runs a TCP
    bulk transfer for O(duration) seconds and reports what arrived in Mbit/s.
  - Everything runs inside the module's own process, with sockets opened inside the namespaces (the
    listener in the namespace holding the address, on a port the kernel chooses); no iperf or ping is
    needed on the managed host. Pairs are measured one after the other.
  - Expectations (O(pairs[].rate_min), O(pairs[].rtt_max), O(pairs[].loss_max)) fail the task naming every
    unmet one with its pair; the results are returned either way. Nothing is changed (never C(changed)).
  - The transfer is one TCP connection; its rate is the bytes read after the first one over the time
    from the first byte to the last read. On a link faster than this process can copy (a plain veth,
    several Gbit/s) it measures the CPU rather than the link.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  pairs:
    description: What to measure.
    type: list
    elements: dict
    required: true
    suboptions:
      from:
        description: The namespace the traffic starts in (a name, a path or a PID; C(null) for the module's own).
        type: raw
        required: true
      to:
        description: An IPv4 or IPv6 address held by a network namespace of this machine.
        type: str
        required: true
      rate_min:
        description: Fail unless the transfer reaches this rate (tc units, V(8mbit)).
        type: str
      rtt_max:
        description: Fail when the average RTT is above this (V(30ms)), or when no echo is answered.
        type: str
      loss_max:
        description: Fail when more than this percentage of the echo requests got no answer.
        type: float
  duration:
    description: Seconds of TCP transfer per pair (0 for none), at most 60.
    type: float
    default: 2.0
  pings:
    description: ICMP echo requests per pair (0 for none), at most 10000.
    type: int
    default: 20
  interval:
    description: Seconds between two echo requests of a pair.
    type: float
    default: 0.05
  timeout:
    description: Seconds an echo reply, or the transfer's first byte, is waited for.
    type: float
    default: 2.0
extends_documentation_fragment:
  - netvirt.linux.netns.PYROUTE2
  - netvirt.linux.netns.ATTRIBUTES
seealso:
  - module: netvirt.linux.netem
  - module: netvirt.linux.reachability
'''

EXAMPLES = r'''
- name: Measure from namespace a to b's address, and fail below 8 Mbit/s or above 30 ms
  netvirt.linux.measure:
    pairs:
      - from: a
        to: 10.0.0.2
        rate_min: 8mbit
        rtt_max: 30ms
        loss_max: 5
    duration: 1
    pings: 20
  register: link
'''

RETURN = r'''
results:
  description:
    - One per pair, in order. C(mbit_per_s), C(bytes) and C(seconds) of the transfer (C(transfer_error)
      when it failed); C(sent), C(received), C(loss_percent), C(rtt_min_ms), C(rtt_avg_ms), C(rtt_max_ms) of
      the pings; C(held_by), the namespace holding the address; C(met) and, when false, C(unmet).
  returned: always
  type: list
  elements: dict
  sample: [{from: a, to: 10.0.0.2, held_by: b, mbit_per_s: 9.61, sent: 20, received: 20, loss_percent: 0.0,
            rtt_min_ms: 0.04, rtt_avg_ms: 0.06, rtt_max_ms: 0.12, met: true}]
'''

from ansible_collections.netvirt.linux.plugins.module_utils._runner.runner import run
from ansible_collections.netvirt.linux.plugins.module_utils._state.measure import MeasureKind


def main():
    run(MeasureKind())


if __name__ == '__main__':
    main()
