# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts of network namespaces: links (with veth peers resolved to name + namespace), addresses,
routes, bridges and their forwarding databases. Never changes anything; the output is
deterministic (sorted lists) so that it can be compared before/after."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.netvirt.linux.plugins.module_utils._nftables import model as nftables_model
from ansible_collections.netvirt.linux.plugins.module_utils._state import validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

GATHER = ['links', 'addresses', 'routes', 'bridges', 'fdb', 'nftables']
DEFAULT_GATHER = ['links', 'addresses', 'routes', 'bridges']
LINK_FIELDS = ('kind', 'index', 'mtu', 'mac', 'up', 'operstate', 'master', 'alias')
BRIDGE_FIELDS = ('stp', 'forward_delay', 'hello_time', 'max_age', 'ageing_time', 'vlan_filtering', 'priority')
BOND_FIELDS = ('mode', 'miimon', 'arp_interval', 'arp_ip_target', 'xmit_hash_policy', 'lacp_rate', 'primary')
ROUTE_FIELDS = ('family', 'dst', 'gateway', 'dev', 'metric', 'table', 'proto', 'scope', 'type', 'prefsrc')
ALL = 'all'
DETAIL_KINDS = ('vlan', 'macvlan', 'ipvlan')


def namespace_refs(items, netns, option='namespaces'):
    """What to gather: (refs, include_current, all). ``refs``: [(key as given, canonical ref)].

    ``items`` None: the one namespace of ``netns`` (None: the module's own). ``['all']``: every
    named namespace plus the module's own (refs are filled in by observe). An empty or null item
    stands for the module's own namespace."""
    if items is None:
        ref = validate.netns_ref(netns, 'netns', 'net_info')
        if ref is None:
            return [], True, False
        return [(ref, ref)], False, False
    if not items:
        raise ValidationError('option %s: the list is empty; name namespaces, or write [all]' % option, option)
    if ALL in [i for i in items if isinstance(i, str)]:
        if len(items) != 1:
            raise ValidationError("option %s: '%s' stands for every namespace and cannot be combined with other "
                                  "items (a namespace really named 'all' can be given as /var/run/netns/all)"
                                  % (option, ALL), option)
        return [], True, True
    refs, current, seen = [], False, set()
    for item in items:
        if isinstance(item, (list, dict)):
            raise ValidationError('option %s: %r is not a namespace name, path or PID' % (option, item), option)
        ref = validate.netns_ref(item, option, None)
        if ref is None:
            current = True
            continue
        if ref not in seen:
            seen.add(ref)
            refs.append((ref, ref))
    return refs, current, False


def gather_set(values, option='gather'):
    """The sections to report. addresses imply links, fdb implies bridges."""
    values = list(DEFAULT_GATHER if values is None else values)
    for value in values:
        if value not in GATHER:
            raise ValidationError("option %s: '%s' is not one of %s" % (option, value, ', '.join(GATHER)), option)
    out = set(values)
    if 'addresses' in out:
        out.add('links')
    if 'fdb' in out:
        out.add('bridges')
    return out


def _sort_value(value):
    """A sort key that orders None first, numbers by value, then text; never compares across types."""
    if value is None:
        return (0, 0, '')
    if isinstance(value, bool):
        return (1, int(value), '')
    if isinstance(value, int):
        return (1, value, '')
    return (2, 0, str(value))


def _dst_key(dst):
    """Destinations by family, address and prefix length ('default' first); unparsable ones as text."""
    if dst in (None, 'default'):
        return (0, 0, 0, '')
    try:
        net = ipaddress.ip_network(dst, strict=False)
    except ValueError:
        return (1, 0, 0, str(dst))
    return (0, int(net.network_address), net.prefixlen, '')


def link_facts(link, gather, links=None):
    out = dict((k, link.get(k)) for k in LINK_FIELDS)
    if link.get('kind') == 'bond':
        options = link.get('bond') or {}
        out['bond'] = dict((k, options.get(k)) for k in BOND_FIELDS)
        out['bond']['ports'] = sorted(n for n, l in (links or {}).items() if l.get('master') == link.get('name'))
    if 'addresses' in gather:
        out['addresses'] = sorted(link.get('addresses') or [])
    peer = link.get('peer')
    if link.get('kind') == 'veth' and peer is not None:
        out['peer'] = {'name': peer.get('name'), 'netns': peer.get('netns')}
        if peer.get('nsid') is not None and peer.get('name') is None:
            out['peer']['nsid'] = peer['nsid']
    else:
        out['peer'] = None
    # The device a vlan/macvlan/ipvlan was made on, and the options of those kinds (issue 18).
    parent = link.get('parent')
    out['parent'] = None if parent is None else dict((k, parent.get(k)) for k in parent if k in ('name', 'netns', 'nsid'))
    out['details'] = dict(link[link['kind']]) if link.get('kind') in DETAIL_KINDS and link.get(link['kind']) else None
    return out


def route_key(route):
    head = (_sort_value(route.get('family')), _sort_value(route.get('table')), _dst_key(route.get('dst')))
    return head + tuple(_sort_value(route.get(k)) for k in ('metric', 'dev', 'gateway', 'type', 'prefsrc'))


def fdb_key(entry):
    return tuple(_sort_value(entry.get(k)) for k in ('port', 'mac', 'vlan', 'self', 'permanent'))


def facts(raw, gather):
    """Shape one namespace's observation into the returned facts. ``raw``: {'exists', 'links',
    'routes', 'fdb': {bridge: entries}} as the session gives them; None parts for a missing one."""
    out = {'exists': bool(raw.get('exists')), 'inode': raw.get('inode')}
    links = raw.get('links') or {}
    if 'links' in gather:
        out['links'] = dict((name, link_facts(link, gather, links)) for name, link in links.items())
    if 'routes' in gather:
        routes = [dict((k, r.get(k)) for k in ROUTE_FIELDS) for r in raw.get('routes') or []]
        out['routes'] = sorted(routes, key=route_key)
    if 'bridges' in gather:
        bridges = {}
        for name, link in links.items():
            if link.get('kind') != 'bridge':
                continue
            options = link.get('bridge') or {}
            bridge = dict((k, options.get(k)) for k in BRIDGE_FIELDS)
            bridge['ports'] = sorted(n for n, l in links.items() if l.get('master') == name)
            if options.get('vlan_filtering'):
                # Per port (and the bridge itself, under its own name): {vids, pvid, untagged}.
                seen = raw.get('vlans') or {}
                bridge['vlans'] = dict((n, seen[n]) for n in [name] + bridge['ports'] if n in seen)
            if 'fdb' in gather:
                bridge['fdb'] = sorted((dict(e) for e in (raw.get('fdb') or {}).get(name) or []), key=fdb_key)
            bridges[name] = bridge
        out['bridges'] = bridges
    if 'nftables' in gather:
        listing = raw.get('nftables')
        out['nftables'] = None if listing is None else nftables_model.summary(nftables_model.parse_listing(listing))
    return out


class NetInfoKind(Kind):
    argument_spec = {
        'namespaces': {'type': 'list', 'elements': 'raw'},
        'gather': {'type': 'list', 'elements': 'str', 'choices': GATHER, 'default': list(DEFAULT_GATHER)},
    }

    def locks(self, desired):
        return []       # reads only

    def desired(self, params):
        refs, current, every = namespace_refs(params.get('namespaces'), params.get('netns'))
        return {'refs': refs, 'current': current, 'all': every, 'gather': gather_set(params.get('gather'))}

    def observe(self, session, desired, ctx):
        named = session.named()
        refs = list(desired['refs'])
        if desired['all']:
            refs = [(name, name) for name in named]
        for key, ref in refs:
            session.register(ref)
        out = {'named': named, 'namespaces': {}, 'current': None}
        for key, ref in refs:
            out['namespaces'][key] = self.observe_one(session, ref, desired['gather'], ctx)
        if desired['current']:
            out['current'] = self.observe_one(session, None, desired['gather'], ctx)
        return out

    @staticmethod
    def observe_one(session, ref, gather, ctx):
        if not session.exists(ref):
            return {'exists': False}
        try:
            links = session.links(ref, peers='links' in gather)
        except (IOError, OSError) as exc:
            # e.g. a stale file under /var/run/netns that is no namespace mount any more
            ctx.warn('%s cannot be entered (%s); reported as not existing' % (ns_label(ref), exc.strerror or exc))
            return {'exists': False}
        raw = {'exists': True, 'links': links, 'inode': session.identity(ref)[1]}
        if 'routes' in gather:
            raw['routes'] = session.routes(ref, links)
        if 'bridges' in gather and any(l.get('kind') == 'bridge' and (l.get('bridge') or {}).get('vlan_filtering')
                                       for l in links.values()):
            raw['vlans'] = session.vlans(ref, links)
        if 'fdb' in gather:
            raw['fdb'] = dict((name, session.fdb(ref, name, links))
                              for name, link in sorted(links.items()) if link.get('kind') == 'bridge')
        if 'nftables' in gather:
            raw['nftables'] = NetInfoKind.nft_listing(ref, ctx)
        return raw

    @staticmethod
    def nft_listing(ref, ctx):
        """`nft -s list ruleset` inside the namespace (one read), or None with a warning."""
        nft = ctx.io.nftables.Nft(ref)
        if not nft.available():
            ctx.warn('nft is not installed: the nftables tables of %s are not reported' % ns_label(ref))
            return None
        try:
            rc, out, err = nft.list_ruleset()
        finally:
            nft.close()
        if rc != 0:
            ctx.warn('nft list ruleset failed in %s: %s' % (ns_label(ref), nftables_model.error_text(err)))
            return None
        return out

    def plan(self, desired, observed, ctx):
        return Plan()  # gathering facts never changes anything

    def result(self, desired, observed, plan, ctx):
        gather = desired['gather']
        out = {
            'named': observed['named'],
            'namespaces': dict((key, facts(raw, gather)) for key, raw in observed['namespaces'].items()),
        }
        if observed['current'] is not None:
            out['current'] = facts(observed['current'], gather)
        return out
