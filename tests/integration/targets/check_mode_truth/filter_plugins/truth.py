# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the check_mode_truth target: compare what a module says (diff) with what
netvirt.linux.net_info reads from the kernel.

truth_snapshot(net_info_result)   net_info's answer without the volatile parts (operstate,
                                  IPv6 link-local addresses and routes, which the kernel adds
                                  on its own, a moment after a link comes up);
truth_volatile(diff)              a diff without IPv6 link-local addresses (same reason);
truth_mismatches(result, module, args, snapshot, sysctl_value)
                                  a list of sentences, one per field of result.diff.after that
                                  the kernel does not show (empty: the diff told the truth);
truth_after_seen(after, seen)     the keys of a predicted ``after`` that a later observation
                                  (the ``before`` of the same call run again) does not show;
truth_delta(a, b)                 where two data differ, as a list of paths (for messages).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import ipaddress

LINK_FIELDS = ('mtu', 'mac', 'up', 'master', 'addresses')
BRIDGE_FIELDS = ('stp', 'forward_delay', 'hello_time', 'max_age', 'ageing_time', 'vlan_filtering')


def _link_local(cidr):
    try:
        iface = ipaddress.ip_interface(u'%s' % cidr)
    except ValueError:
        return False
    return iface.version == 6 and (iface.ip.is_link_local or iface.ip.is_multicast)


def _addresses(values):
    return sorted(c for c in (values or []) if not _link_local(c))


def _strip(value):
    """Recursively: drop 'operstate' and link-local entries of 'addresses' lists."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == 'operstate':
                continue
            if key == 'addresses' and isinstance(item, list):
                out[key] = _addresses(item)
            else:
                out[key] = _strip(item)
        return out
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _volatile_route(route):
    dst = route.get('dst')
    if route.get('family') != 'ipv6' or dst in (None, 'default'):
        return False
    try:
        net = ipaddress.ip_network(u'%s' % dst, strict=False)
    except ValueError:
        return False
    return net.network_address.is_link_local or net.network_address.is_multicast


def _strip_namespace(facts):
    facts = _strip(copy.deepcopy(facts or {}))
    if 'routes' in facts:
        facts['routes'] = [r for r in facts['routes'] if not _volatile_route(r)]
    return facts


def truth_snapshot(result):
    return {
        'named': list(result.get('named') or []),
        'namespaces': dict((k, _strip_namespace(v)) for k, v in (result.get('namespaces') or {}).items()),
        'current': _strip_namespace(result.get('current')),
    }


def truth_volatile(diff):
    return _strip(copy.deepcopy(diff))


def _facts(snapshot, netns):
    if netns in (None, ''):
        return snapshot.get('current') or {}
    return snapshot['namespaces'].get(netns) or {'exists': False}


def _where(netns):
    return 'the current namespace' if netns in (None, '') else "namespace '%s'" % netns


def _same(key, want, have):
    if key == 'addresses':
        return _addresses(want) == _addresses(have)
    if key == 'mac':
        return (want or '').lower() == (have or '').lower()
    if key in BRIDGE_FIELDS and key not in ('stp', 'vlan_filtering'):
        if want is None or have is None:
            return want is have
        return abs(float(want) - float(have)) <= 0.011
    return want == have


def _compare(out, label, pic, have, fields):
    for key in fields:
        if key in pic and not _same(key, pic[key], have.get(key)):
            out.append('%s: diff.after.%s is %r but the kernel shows %r' % (label, key, pic[key], have.get(key)))


def _link(out, label, snapshot, netns, name, kind):
    links = _facts(snapshot, netns).get('links') or {}
    link = links.get(name)
    if link is None:
        out.append("%s: diff.after says present, but there is no '%s' in %s" % (label, name, _where(netns)))
    elif kind and link.get('kind') != kind:
        out.append("%s: '%s' in %s is a %s, not a %s" % (label, name, _where(netns), link.get('kind'), kind))
    return link


def _absent_link(out, label, snapshot, netns, name):
    links = _facts(snapshot, netns).get('links') or {}
    if name in links:
        out.append("%s: diff.after says absent, but '%s' is still in %s" % (label, name, _where(netns)))


def _peer(out, label, pic, link, snapshot):
    want = pic.get('peer')
    if not want:
        return
    have = link.get('peer') or {}
    for key in ('name', 'netns'):
        if key in want and want[key] != have.get(key):
            out.append('%s: diff.after.peer.%s is %r but the kernel shows %r' % (label, key, want[key], have.get(key)))
    if set(want) - set(['name', 'netns']) and want.get('name'):
        plink = _link(out, label + ' peer', snapshot, want.get('netns'), want['name'], 'veth')
        if plink is not None:
            _compare(out, label + ' peer', want, plink, LINK_FIELDS)


def _check_netns(out, after, args, snapshot):
    name = args.get('name') or args.get('netns')
    if after.get('state') == 'absent':
        if name in snapshot['named']:
            out.append("namespace %s: diff.after says absent, but it is still there" % name)
        return
    if name not in snapshot['named']:
        out.append("namespace %s: diff.after says present, but it is not there" % name)
        return
    lo = (_facts(snapshot, name).get('links') or {}).get('lo') or {}
    if 'loopback' in after and (after['loopback'] == 'up') != bool(lo.get('up')):
        out.append('namespace %s: diff.after.loopback is %r but lo is %s' % (name, after['loopback'],
                                                                             'up' if lo.get('up') else 'down'))


def _check_veth(out, after, args, snapshot):
    name = args['name']
    label = 'veth %s' % name
    if after.get('state') == 'absent':
        _absent_link(out, label, snapshot, args.get('netns'), name)
        return
    link = _link(out, label, snapshot, after.get('netns'), name, 'veth')
    if link is not None:
        _compare(out, label, after, link, LINK_FIELDS)
        _peer(out, label, after, link, snapshot)


def _check_bridge(out, after, args, snapshot):
    name = args['name']
    label = 'bridge %s' % name
    if after.get('state') == 'absent':
        _absent_link(out, label, snapshot, args.get('netns'), name)
        return
    link = _link(out, label, snapshot, after.get('netns'), name, 'bridge')
    if link is None:
        return
    _compare(out, label, after, link, ('mtu', 'mac', 'up', 'addresses'))
    bridge = (_facts(snapshot, after.get('netns')).get('bridges') or {}).get(name) or {}
    _compare(out, label, after, bridge, BRIDGE_FIELDS + ('ports',))


def _check_interface(out, after, args, snapshot):
    name = after.get('name') or args.get('rename_to') or args['name']
    label = 'interface %s' % name
    if after.get('state') == 'absent':
        return
    link = _link(out, label, snapshot, after.get('netns'), name, None)
    if link is not None:
        _compare(out, label, after, link, LINK_FIELDS)
        _peer(out, label, after, link, snapshot)


def _route_id(route):
    return (route.get('family'), route.get('dst'), route.get('table'), route.get('metric'))


def _check_route(out, before, after, snapshot):
    pic = after if after.get('state') == 'present' else before
    if pic.get('state') != 'present':
        return
    netns = pic.get('netns')
    label = 'route %s table %s metric %s' % (pic.get('dst'), pic.get('table'), pic.get('metric'))
    found = [r for r in _facts(snapshot, netns).get('routes') or [] if _route_id(r) == _route_id(pic)]
    if after.get('state') == 'absent':
        if found:
            out.append('%s: diff.after says absent, but the kernel still has it in %s' % (label, _where(netns)))
        return
    if not found:
        out.append('%s: diff.after says present, but the kernel has no such route in %s' % (label, _where(netns)))
        return
    _compare(out, label, after, found[0], ('gateway', 'dev'))


def truth_mismatches(result, module, args, snapshot, sysctl_value=None):
    """What of result.diff.after the kernel (snapshot = truth_snapshot(net_info)) does not show."""
    out = []
    diff = result.get('diff') or {}
    if 'before_header' not in diff:
        return ['%s: expected a diff of one object, got %r' % (module, diff)]
    before, after = diff.get('before') or {}, diff.get('after') or {}
    args = args or {}
    if module == 'netns':
        _check_netns(out, after, args, snapshot)
    elif module == 'veth':
        _check_veth(out, after, args, snapshot)
    elif module == 'bridge':
        _check_bridge(out, after, args, snapshot)
    elif module == 'interface':
        _check_interface(out, after, args, snapshot)
    elif module == 'route':
        _check_route(out, before, after, snapshot)
    elif module == 'sysctl':
        if sysctl_value is None or after.get('value') != sysctl_value.strip():
            out.append('sysctl %s: diff.after.value is %r but the kernel shows %r'
                       % (args.get('name'), after.get('value'), sysctl_value))
    else:
        out.append('no truth check for module %s' % module)
    return out


def truth_after_seen(after, seen, path='after'):
    out = []
    if isinstance(after, dict) and isinstance(seen, dict):
        for key in sorted(after):
            if key not in seen:
                out.append('%s.%s is predicted as %r but not seen' % (path, key, after[key]))
            else:
                out.extend(truth_after_seen(after[key], seen[key], '%s.%s' % (path, key)))
    elif after != seen:
        out.append('%s is predicted as %r but seen as %r' % (path, after, seen))
    return out


def truth_delta(a, b, path=''):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            sub = '%s.%s' % (path, key) if path else str(key)
            if key not in a or key not in b:
                out.append('%s: %r / %r' % (sub, a.get(key, '<missing>'), b.get(key, '<missing>')))
            else:
                out.extend(truth_delta(a[key], b[key], sub))
        return out
    if a != b:
        return ['%s: %r / %r' % (path or '.', a, b)]
    return []


class FilterModule(object):
    def filters(self):
        return {
            'truth_snapshot': truth_snapshot,
            'truth_volatile': truth_volatile,
            'truth_mismatches': truth_mismatches,
            'truth_after_seen': truth_after_seen,
            'truth_delta': truth_delta,
        }
