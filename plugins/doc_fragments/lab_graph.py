# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The input and options every lab picture filter shares (lab_dot, lab_mermaid, lab_text, lab_report).
    DOCUMENTATION = r'''
options:
  _input:
    description:
      - What M(netvirt.linux.net_info) returned (the registered result), for one host.
      - Or several hosts' results gathered into one, as a dict of host names to results (the examples
        of P(netvirt.linux.lab_dot#filter) gather one from C(hostvars)), or a list of results. Each host is
        drawn as a cluster of its own; vxlan links join them.
      - The namespace the module ran in (RV(netvirt.linux.net_info#module:current)) is the host node; gather it
        with an empty string item in O(netvirt.linux.net_info#module:namespaces) (or V(all)).
      - Nodes are the namespaces (with their addresses, except link-local and loopback ones, and their
        default routes), the bridges (addresses, state, number of ports), tun/tap and vxlan devices;
        edges are veth pairs (both end names; a veth whose end is a bridge port is drawn from the bridge),
        devices in their namespace (dotted), and vxlan links to their remote peers (dashed).
      - Needs the sections V(links) and V(addresses) of net_info (its default C(gather) has them); routes
        add the default routes, V(bridges) the bridges' state.
    type: raw
    required: true
  host:
    description:
      - The name of the host node when O(_input) is one result (several results are named by their keys).
    type: str
    default: host
  collapse:
    description:
      - Namespaces that are plain leaves of one bridge (only C(lo) and one veth, whose other end is a port of
        that bridge) and share the inside interface name are drawn as one node with their count, their first
        and last names and addresses, when there are more than O(collapse) of them on that bridge.
      - The default 8 keeps a picture readable on a screen; V(0) never collapses.
    type: int
    default: 8
  vxlan:
    description:
      - The vxlan devices' settings, which M(netvirt.linux.net_info) does not report. A list of dicts with
        C(name), C(netns) (omitted or empty for the module's own namespace), C(vni), C(remote), C(remotes),
        C(group), and C(host) when several hosts are drawn; the options given to M(netvirt.linux.vxlan) fit as
        they are, and so does the registered result of a loop over it.
      - A remote held by an address of a namespace in the picture (on any host) is drawn as an edge to that
        namespace's vxlan device of the same VNI (or to the namespace); any other remote as a node of its own.
      - Without it, a vxlan device is drawn without its remote. When a link of net_info's result carries a
        C(vxlan) dict itself, that is used.
    type: list
    elements: dict
'''
