# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: overlay_plan
short_description: One host's part of a VXLAN overlay across a fleet, as netvirt.linux.topology arguments
version_added: 0.2.0
author:
  - netvirt.linux maintainers (@netvirt)
description:
  - The plan of the role C(netvirt.linux.overlay) for one member host, from what every member says about itself
    (underlay address and MTU, host index, bridge addresses, containers) and the fleet's networks. Pure
    (no I/O), the same on every host, so that a bad input fails on every host before anything is changed.
  - Returns C(errors) (each naming the option and the host or network; empty when the input is good),
    C(topology) (the arguments of one M(netvirt.linux.topology) task for the host), C(remotes) (per network, the
    head-end replication list, the other members' underlay addresses), C(probes) and C(remote_hosts) (the
    cross-host reachability probes from the host's containers, for M(netvirt.linux.reachability)).
positional: _input, networks, host
options:
  _input:
    description:
      - The members, a list of dicts with C(host) (inventory name), C(address) (underlay address, empty when
        none), C(mtu) (underlay MTU), C(interface) (underlay interface, optional), C(index) (host index, 1 and up),
        C(bridge_addresses) (network name to address, optional) and C(containers) (list of C(name), C(network),
        C(address), optional C(interface)).
    type: list
    elements: dict
    required: true
  networks:
    description: The networks (the role's C(overlay_networks)).
    type: list
    elements: dict
    required: true
  host:
    description: The member whose plan is returned.
    type: str
    required: true
  name:
    description: The overlay's name (the topology name is C(overlay.NAME)).
    type: str
    default: overlay
'''

EXAMPLES = r'''
- name: The plan of host h1 of a two-host overlay
  ansible.builtin.debug:
    msg: "{{ members | netvirt.linux.overlay_plan(networks, 'h1') }}"
  vars:
    members:
      - {host: h1, address: 192.0.2.1, mtu: 1500, index: 1, containers: [{name: c1, network: blue, address: 10.10.0.11}]}
      - {host: h2, address: 192.0.2.2, mtu: 1500, index: 2, containers: [{name: c2, network: blue, address: 10.10.0.12}]}
    networks:
      - {name: blue, vni: 100, subnet: 10.10.0.0/24}
'''

RETURN = r'''
_value:
  description:
    - C(errors), C(topology), C(remotes), C(probes), C(remote_hosts), C(mtu) (per network).
    - C(underlay), the probes of the other members' underlay addresses from this host (C(probes), C(remote_hosts),
      as M(netvirt.linux.reachability) takes them), which the role runs before it changes anything.
  type: dict
'''

import ipaddress

from ansible.errors import AnsibleFilterError

OVERHEAD = {4: 50, 6: 70}
NAME_MAX = 15


def _net(value):
    return ipaddress.ip_network(str(value), strict=True)


def _iface(ip_text, subnet):
    ip = ipaddress.ip_address(str(ip_text).split('/', maxsplit=1)[0])
    return ip, '%s/%d' % (ip, subnet.prefixlen)


def overlay_plan(members, networks, host, name='overlay'):
    if not isinstance(members, list) or not isinstance(networks, list):
        raise AnsibleFilterError('overlay_plan: members and networks must be lists')
    errors = []
    nets = []
    vnis = {}
    for i, net in enumerate(networks):
        label = net.get('name') if isinstance(net, dict) else None
        if not label:
            errors.append('option overlay_networks[%d].name: every network needs a name' % i)
            continue
        try:
            vni = int(net.get('vni'))
            if not 1 <= vni <= 16777215:
                raise ValueError
        except (TypeError, ValueError):
            errors.append('option overlay_networks[%d].vni of network %s: %r is not a VNI (1-16777215)'
                          % (i, label, net.get('vni')))
            continue
        if vni in vnis:
            errors.append('option overlay_networks[%d].vni of network %s: VNI %d is used by network %s too'
                          % (i, label, vni, vnis[vni]))
            continue
        vnis[vni] = label
        try:
            subnet = _net(net.get('subnet'))
        except ValueError:
            errors.append('option overlay_networks[%d].subnet of network %s: %r is not a subnet (CIDR, host bits zero)'
                          % (i, label, net.get('subnet')))
            continue
        for other in nets:
            if other['subnet'].version == subnet.version and other['subnet'].overlaps(subnet):
                errors.append('option overlay_networks[%d].subnet of network %s: %s overlaps network %s (%s)'
                              % (i, label, subnet, other['name'], other['subnet']))
        bridge = net.get('bridge') or 'br%d' % vni
        if len(bridge) > NAME_MAX:
            errors.append('option overlay_networks[%d].bridge of network %s: %r is longer than %d characters'
                          % (i, label, bridge, NAME_MAX))
        nets.append({'name': label, 'vni': vni, 'subnet': subnet, 'bridge': bridge, 'mtu': net.get('mtu'),
                     'group': net.get('group') or '', 'port': int(net.get('port') or 4789),
                     'option': 'overlay_networks[%d]' % i})
    by_name = dict((n['name'], n) for n in nets)

    # members: underlay address and MTU
    families = {}
    hosts = []
    for m in members:
        h = m.get('host')
        hosts.append(h)
        address = m.get('address') or ''
        if not address:
            errors.append('option overlay_underlay_address of host %s: the host has no underlay address (set '
                          'overlay_underlay_address, or overlay_underlay_interface to an interface with an address)' % h)
            continue
        try:
            ip = ipaddress.ip_address(str(address).split('/', maxsplit=1)[0])
        except ValueError:
            errors.append('option overlay_underlay_address of host %s: %r is not an IP address' % (h, address))
            continue
        families.setdefault(ip.version, []).append(h)
        m['_ip'] = ip
    if len(families) > 1:
        errors.append('option overlay_underlay_address: the members mix IPv4 (%s) and IPv6 (%s) underlays'
                      % (', '.join(families.get(4, [])), ', '.join(families.get(6, []))))
    if len(set(hosts)) != len(hosts):
        errors.append('option overlay_group: a host is listed twice')

    # MTU per network: given, else the smallest underlay MTU less the VXLAN overhead
    mtus = {}
    for n in nets:
        fits = []
        for m in members:
            if '_ip' not in m:
                continue
            under = int(m.get('mtu') or 1500)
            fits.append((under - OVERHEAD[m['_ip'].version], under, m['host'], OVERHEAD[m['_ip'].version]))
        asked = n['mtu']
        if asked:
            for fit, under, h, over in fits:
                if int(asked) > fit:
                    errors.append('option %s.mtu of network %s: MTU %s does not fit the underlay of host %s (MTU %d '
                                  'carries at most %d: VXLAN takes %d)' % (n['option'], n['name'], asked, h, under, fit, over))
            mtus[n['name']] = int(asked)
        else:
            mtus[n['name']] = min(f[0] for f in fits) if fits else 1450
        if mtus[n['name']] < 68:
            errors.append('option %s.mtu of network %s: MTU %d is too small' % (n['option'], n['name'], mtus[n['name']]))

    # bridge and container addresses
    taken = {}
    bridge_addr = {}
    containers = {}
    for pos, m in enumerate(members):
        h = m.get('host')
        try:
            index = int(m.get('index') or pos + 1)
        except (TypeError, ValueError):
            errors.append('option overlay_host_index of host %s: %r is not a number' % (h, m.get('index')))
            continue
        given = m.get('bridge_addresses') or {}
        for n in nets:
            text = given.get(n['name'])
            if text:
                try:
                    ip, cidr = _iface(text, n['subnet'])
                except ValueError:
                    errors.append('option overlay_bridge_addresses of host %s: %r (network %s) is not an address'
                                  % (h, text, n['name']))
                    continue
            else:
                if index < 1 or index >= n['subnet'].num_addresses - 1:
                    errors.append('option overlay_host_index of host %s: index %d has no address in network %s (%s)'
                                  % (h, index, n['name'], n['subnet']))
                    continue
                ip = n['subnet'].network_address + index
                cidr = '%s/%d' % (ip, n['subnet'].prefixlen)
            if ip not in n['subnet']:
                errors.append('option overlay_bridge_addresses of host %s: %s is not in network %s (%s)'
                              % (h, ip, n['name'], n['subnet']))
                continue
            key = (n['name'], ip)
            if key in taken:
                errors.append('option overlay_bridge_addresses of host %s: %s on network %s is host %s\'s too'
                              % (h, ip, n['name'], taken[key]))
                continue
            taken[key] = h
            bridge_addr[(h, n['name'])] = cidr
        for j, c in enumerate(m.get('containers') or []):
            net = by_name.get(c.get('network'))
            if net is None:
                errors.append('option overlay_containers[%d].network of host %s: no network %r'
                              % (j, h, c.get('network')))
                continue
            try:
                ip, cidr = _iface(c.get('address'), net['subnet'])
            except ValueError:
                errors.append('option overlay_containers[%d].address of host %s: %r is not an address'
                              % (j, h, c.get('address')))
                continue
            if ip not in net['subnet']:
                errors.append('option overlay_containers[%d].address of host %s: %s is not in network %s (%s)'
                              % (j, h, ip, net['name'], net['subnet']))
                continue
            key = (net['name'], ip)
            if key in taken:
                errors.append('option overlay_containers[%d].address of host %s: %s on network %s is %s\'s too'
                              % (j, h, ip, net['name'], taken[key]))
                continue
            taken[key] = '%s/%s' % (h, c.get('name'))
            containers.setdefault(h, []).append({'name': c.get('name'), 'network': net['name'], 'ip': str(ip),
                                                 'cidr': cidr, 'interface': c.get('interface') or 'eth0'})

    me = [m for m in members if m.get('host') == host]
    result = {'errors': errors, 'mtu': mtus, 'remotes': {}, 'probes': [], 'remote_hosts': [],
              'underlay': {'probes': [], 'remote_hosts': []},
              'topology': {'name': '%s.%s' % ('overlay', name), 'namespaces': [], 'bridges': [], 'vxlans': [],
                           'links': []}}
    if errors or not me:
        return result
    me = me[0]
    topo = result['topology']
    others = [m for m in members if m.get('host') != host]
    result['underlay'] = {'probes': [{'to': str(m['_ip']), 'expect': 'any'} for m in others],
                          'remote_hosts': [{'name': m['host'], 'addresses': [str(m['_ip'])]} for m in others]}
    for n in nets:
        remotes = [str(m['_ip']) for m in members if m.get('host') != host]
        result['remotes'][n['name']] = [] if n['group'] else remotes
        topo['bridges'].append({'name': n['bridge'], 'stp': False, 'forward_delay': 0, 'mtu': mtus[n['name']],
                                'addresses': [bridge_addr[(host, n['name'])]]})
        vx = {'name': 'vx%d' % n['vni'], 'vni': n['vni'], 'local': str(me['_ip']), 'port': n['port'],
              'mtu': mtus[n['name']], 'master': n['bridge']}
        if me.get('interface'):
            vx['dev'] = me['interface']
        if n['group']:
            vx['group'] = n['group']
        else:
            vx['remotes'] = remotes
        topo['vxlans'].append(vx)
    seen_ns = set()
    for k, c in enumerate(containers.get(host, [])):
        n = by_name[c['network']]
        if c['name'] not in seen_ns:
            topo['namespaces'].append({'name': c['name']})
            seen_ns.add(c['name'])
        topo['links'].append({'name': 'ov%dc%d' % (n['vni'], k + 1), 'master': n['bridge'], 'mtu': mtus[n['name']],
                              'peer': {'name': c['interface'], 'netns': c['name'], 'addresses': [c['cidr']]}})
    # cross-host probes: from each of this host's containers to every other container
    for c in containers.get(host, []):
        for h in hosts:
            for o in containers.get(h, []):
                if h == host and o['name'] == c['name']:
                    continue
                result['probes'].append({'from': c['name'], 'to': o['ip'],
                                         'expect': 'reachable' if o['network'] == c['network'] else 'unreachable'})
    for h in hosts:
        if h != host and containers.get(h):
            result['remote_hosts'].append({'name': h, 'addresses': [o['ip'] for o in containers[h]]})
    return result


class FilterModule(object):
    def filters(self):
        return {'overlay_plan': overlay_plan}
