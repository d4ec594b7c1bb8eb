# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology in one task: namespaces, bridges, veth links, routes and sysctls.

Each object is validated and planned by its own kind (NetnsKind, BridgeKind, VethKind, RouteKind,
SysctlKind); this kind observes everything once (one socket per namespace, no fork), hands each
kind the observed data in the shape it expects, joins their plans into one, and orders the actions
by dependency: removals, namespaces, bridges, veths (peer created in place, attached to its bridge
in the same message), names/mtu/mac, addresses, up, routes, sysctls.

Ownership: what this topology creates carries its name, so that ``purge`` and ``state=absent``
remove only that: links and bridges get the ifalias ``netvirt-topology:NAME``; namespaces, and the
routes the topology added, are listed in ``/run/netvirt/topology/NAME.json`` (with each
namespace's inode, so that a namespace re-created by someone else is not ours). /run is a tmpfs:
the record goes at reboot together with the namespaces. Existing objects that the topology lists
are converged but never marked, so they are never removed by it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import errno
import re
import time

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, persist
from ansible_collections.netvirt.linux.plugins.module_utils._state.bridge import BridgeKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.netns import NetnsKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.route import RouteKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.sysctl import SysctlKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.tuntap import TuntapKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import VethKind
from ansible_collections.netvirt.linux.plugins.module_utils._state.veth import observe_qdiscs as veth_observe_qdiscs
from ansible_collections.netvirt.linux.plugins.module_utils._state.vxlan import VxlanKind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label, object_key

ALIAS_PREFIX = 'netvirt-topology:'
MAX_SOCKETS = 64
# Open files a run needs besides one per namespace: MAX_SOCKETS pyroute2 sockets and as many raw
# netlink channels (fastapply), a few fds each, and the interpreter's own.
FD_RESERVE = 512
_NAME_RE = re.compile(r'^[A-Za-z0-9_.-]{1,64}$')


class Part(object):
    """One list option of a topology and the kind that validates and plans its items.

    Its items take the options of the kind's own argument spec (``Kind.options()``), less ``drop``
    (options that make no sense in a topology), with ``override`` laid over single options (for
    example peer becomes required); a dropped option gets the kind's own default. A kind added
    later appears in topology by naming it here, not by copying its options."""

    def __init__(self, option, kind, drop=(), override=None):
        self.option = option
        self.kind = kind
        self.drop = tuple(drop)
        self.override = override or {}
        self._defaults = None

    def spec(self):
        spec = self.kind.options()
        for name in self.drop:
            spec.pop(name)
        for name, changes in self.override.items():
            spec[name].update(changes)
        return spec

    def list_spec(self):
        """The list option: its items take spec(), with the kind's own checks between options
        (module_kwargs: mutually_exclusive, required_if, ...) where every option they name is kept."""
        out = {'type': 'list', 'elements': 'dict', 'default': [], 'options': self.spec()}
        kept = set(out['options'])
        for check, rules in sorted(self.kind.module_kwargs.items()):
            rules = [r for r in rules if set(_names_in(check, r)) <= kept]
            if rules:
                out[check] = rules
        return out

    def defaults(self):
        """Values of the dropped options, as the kind's own module would take them (read once: a
        topology of 1,000 items asks for them 1,000 times)."""
        if self._defaults is None:
            spec = self.kind.options()
            self._defaults = dict((name, spec[name].get('default')) for name in self.drop)
        return dict(self._defaults)

    def desired(self, item, index):
        """Run the kind's desired() on one list item; its messages name the option as the task
        spells it (links[3].peer.name)."""
        params = dict(self.defaults())
        params.update(item)
        return _named('%s[%d]' % (self.option, index), self.kind().desired, params)


PARTS = (
    Part('namespaces', NetnsKind, drop=('netns', 'state'), override={'name': {'required': True}}),
    Part('bridges', BridgeKind, drop=('state', 'vlan_filtering', 'purge_addresses', 'ports', 'purge_ports', 'fdb',
                                      'vlans', 'purge_vlans')),
    Part('links', VethKind, drop=('state', 'purge_addresses'), override={'peer': {'required': True}}),
    Part('vxlans', VxlanKind, drop=('state',), override={'vni': {'required': True}}),
    Part('tuntaps', TuntapKind, drop=('state',), override={'mode': {'required': True}}),
    Part('routes', RouteKind, drop=('state',)),
    Part('sysctls', SysctlKind, drop=('state', 'verify')),
)
PART = dict((part.option, part) for part in PARTS)
# The parts that are one device each, planned alike: list option -> the kernel's kind of link.
DEVICES = collections.OrderedDict([('vxlans', 'vxlan'), ('tuntaps', 'tun')])

# Dependency order of the joined plan (a stable sort keeps each kind's own order within a phase).
# 'pin': a bridge's own MTU, after every port is attached and has its MTU (see _pin_bridge_mtus).
PHASES = ('remove', 'netns', 'bridge', 'link', 'attrs', 'pin', 'addresses', 'up', 'routes', 'sysctls')
_PHASE_INDEX = dict((name, i) for i, name in enumerate(PHASES))


def phase(action):
    """The phase (a name of PHASES) an action of the joined plan runs in."""
    op, params = action.op, action.params
    if op in ('netns_delete', 'link_delete', 'route_del', 'handover'):
        return 'remove'
    if op == 'netns_create':
        return 'netns'
    if op == 'link_create':
        return 'bridge' if params.get('kind') == 'bridge' else 'link'
    if op in ('link_move', 'tun_create'):
        return 'link'
    if op in ('tun_set', 'port_set'):
        return 'attrs'
    if op == 'link_set':
        if 'bridge' in params:
            return 'bridge'
        if 'mtu' in params and ('%s' % action.obj).startswith('bridge '):
            return 'pin'
        if params.get('up') is True:
            return 'up'
        return 'attrs'
    if op in ('addr_add', 'addr_del', 'fdb_append', 'fdb_del'):
        return 'addresses'
    if op == 'route_add':
        return 'routes'
    return 'sysctls'


_PER_NAMESPACE = _PHASE_INDEX['addresses']


def sort_key(action, groups, order):
    """Namespaces, bridges, veths and attributes go phase by phase over everything; from the
    addresses on, the objects of one namespace (a link counts for its inside end's namespace) are
    finished in turn, in phase order inside (addresses, up, routes, sysctls), so that the
    namespace's socket is used in one stretch and may then be closed."""
    step = _PHASE_INDEX[phase(action)]
    if step < _PER_NAMESPACE:
        return (step, 0, 0)
    group = groups.get(id(action), action.netns)
    return (_PER_NAMESPACE, order.setdefault(group, len(order)), step)


def alias(name):
    return ALIAS_PREFIX + name


def _names_in(check, rule):
    """The option names a module_kwargs rule refers to: ('a', 'b') for mutually_exclusive and the
    like, ('state', 'present', ('x',)) for required_if (its second item is a value)."""
    if check == 'required_if':
        return [rule[0]] + list(rule[2])
    return list(rule)


def _named(prefix, func, *args):
    """Call func; a ValidationError names the option as the task spells it (links[3].peer.name)."""
    try:
        return func(*args)
    except ValidationError as exc:
        msg = exc.msg
        if msg.startswith('option '):
            msg = 'option %s.%s' % (prefix, msg[len('option '):])
        else:
            msg = '%s: %s' % (prefix, msg)
        raise ValidationError(msg, '%s.%s' % (prefix, exc.option) if exc.option else prefix, exc.obj)


def _route_key(route, netns):
    return [netns, route['family'], route['dst'], route['table'], route['metric']]


class TopologyKind(Kind):
    argument_spec = dict(
        name={'type': 'str', 'required': True},
        state={'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
        purge={'type': 'bool', 'default': False},
        ipv6_quiet={'type': 'bool', 'default': False},
        persist={'type': 'bool', 'default': False},
        # read on the controller by the action plugin (plugins/action/topology.py), which ships the file's
        # options in its place; the module only sees it when run without that plugin, and refuses it
        src={'type': 'path'},
        **dict((part.option, part.list_spec()) for part in PARTS)
    )

    replaying = False       # True in the boot-time replay (_runner.replay): the persistence files are left alone

    def locks(self, desired):
        """Every namespace the topology names (its own, and those its items are in)."""
        refs = [ns['name'] for ns in desired['namespaces']]
        for part in ('bridges', 'links', 'vxlans', 'tuntaps', 'routes', 'sysctls'):
            for item in desired.get(part, ()):
                refs.append(item['netns'])
                if part == 'links':
                    refs.append(item['peer']['netns'])
        return refs

    def recorded_locks(self, desired, io):
        """The namespaces its ownership record names (made by it, holding its links, its routes',
        pending): ``purge`` and ``state=absent`` remove what is there though the task may not name
        it, so another run must not be changing them meanwhile."""
        if not (desired['purge'] or desired['state'] == 'absent'):
            return []
        record = io.records.read_topology(desired['name'])
        refs = list(record['namespaces']) + list(record['refs']) + list(record['pending']['namespaces'])
        refs.extend(pair[0] for pair in record['pending']['links'])
        refs.extend(route[0] for route in record['routes'])
        return refs

    def __init__(self):
        self.started = time.time()
        self._groups = {}
        self._seen = None       # (desired, observed) of this run, for apply's ownership record
        self._doomed = []       # (ref, name) of veth ends that go with a deleted namespace (apply waits)
        self._persisted = None  # what the persistence wrote (the result's persist)

    # -- desired ----------------------------------------------------------------------------
    def desired(self, params):
        if params.get('src') is not None:
            raise ValidationError("option src of topology %s: the file %s is read on the controller by the "
                                  "netvirt.linux.topology action plugin, which this run went around (the module was "
                                  "run on its own); give the file's options to the module instead"
                                  % (params.get('name'), params['src']), 'src', 'topology %s' % params.get('name'))
        params = dict((k, v) for k, v in params.items() if k != 'src')
        name = '%s' % (params['name'],)
        if not _NAME_RE.match(name):
            raise ValidationError("option name of topology %s: 1 to 64 letters, digits, '_', '.' or '-'" % name,
                                  'name', 'topology %s' % name)
        out = {'name': name, 'state': params['state'], 'purge': params['purge'],
               'ipv6_quiet': params['ipv6_quiet']}
        # persistence: written when asked (and present), removed otherwise; the replay passes no persist
        out['persist'] = bool(params.get('persist')) and params['state'] == 'present'
        out['persist_text'] = persist.state_text('topology', name, params) if out['persist'] else None
        out.update((part.option, []) for part in PARTS)
        marker = alias(name)
        seen_ns = set()
        for i, item in enumerate(params['namespaces'] or []):
            ns = PART['namespaces'].desired(item, i)
            # what topology needs of the netns kind: created without a fork, IPv6 off if asked
            ns.update(nofork=True, ipv6_off=params['ipv6_quiet'])
            if ns['name'].startswith('/'):
                raise ValidationError("option namespaces[%d].name of namespace %s: a topology's namespaces are "
                                      "named (under /var/run/netns), not paths" % (i, ns['name']),
                                      'namespaces[%d].name' % i, 'namespace %s' % ns['name'])
            if ns['name'] in seen_ns:
                raise ValidationError("option namespaces[%d].name of namespace %s: listed twice" % (i, ns['name']),
                                      'namespaces[%d].name' % i, 'namespace %s' % ns['name'])
            seen_ns.add(ns['name'])
            out['namespaces'].append(ns)
        if params['state'] == 'absent':
            return out
        names = {}   # (netns, ifname) -> where it is listed
        default_ns = params.get('netns')

        def item_of(item):
            item = dict(item)
            if item.get('netns') is None:
                item['netns'] = default_ns
            return item

        def claim(netns, ifname, where, obj):
            key = (netns, ifname)
            if key in names:
                raise ValidationError("option %s.name of %s: %s already names an interface '%s' in %s"
                                      % (where, obj, names[key], ifname, ns_label(netns)), where + '.name', obj)
            names[key] = where

        for i, item in enumerate(params['bridges'] or []):
            where = 'bridges[%d]' % i
            bridge = PART['bridges'].desired(item_of(item), i)
            bridge['alias'] = marker    # the ownership mark a new bridge is created with
            claim(bridge['netns'], bridge['name'], where, bridge['obj'])
            out['bridges'].append(bridge)
        for i, item in enumerate(params['links'] or []):
            where = 'links[%d]' % i
            link = PART['links'].desired(item_of(item), i)
            # marked, and attached to its bridge in the creating message
            link.update(alias=marker, attach_in_create=True, ports_counted=True)
            claim(link['netns'], link['name'], where, link['obj'])
            claim(link['peer']['netns'], link['peer']['name'], where + '.peer', link['obj'])
            out['links'].append(link)
        for option in DEVICES:
            for i, item in enumerate(params[option] or []):
                device = PART[option].desired(item_of(item), i)
                device['alias'] = marker    # the ownership mark a new device is created with
                claim(device['netns'], device['name'], '%s[%d]' % (option, i), device['obj'])
                out[option].append(device)
        routes = {}     # the kernel's identity of a route -> where it is listed
        for i, item in enumerate(params['routes'] or []):
            route = PART['routes'].desired(item_of(item), i)
            key = tuple(_route_key(route['route'], route['netns']))
            if key in routes:
                first = out['routes'][routes[key]]['route']
                raise ValidationError(
                    "option routes[%d].dst of %s: routes[%d] is the same route in %s (the kernel knows a route by "
                    "family, dst, table and metric: one of them replaces the other on every run, via %s and via %s); "
                    "list it once, or give one another metric or table"
                    % (i, route['obj'], routes[key], ns_label(route['netns']), first['gateway'] or first['dev'],
                       route['route']['gateway'] or route['route']['dev']), 'routes[%d].dst' % i, route['obj'])
            routes[key] = i
            out['routes'].append(route)
        sysctls = {}    # (netns, key) -> where it is listed
        for i, item in enumerate(params['sysctls'] or []):
            sysctl = PART['sysctls'].desired(item_of(item), i)
            key = (sysctl['netns'], sysctl['name'])
            if key in sysctls:
                first = out['sysctls'][sysctls[key]]
                raise ValidationError(
                    "option sysctls[%d].name of %s: sysctls[%d] sets the same key in %s ('%s', here '%s'); list it once"
                    % (i, sysctl['obj'], sysctls[key], ns_label(sysctl['netns']), first['value'], sysctl['value']),
                    'sysctls[%d].name' % i, sysctl['obj'])
            sysctls[key] = i
            out['sysctls'].append(sysctl)
        self._check_addresses(out)
        if out['ipv6_quiet']:
            self._check_quiet(out)
        return out

    @staticmethod
    def _check_quiet(out):
        """``ipv6_quiet`` makes the topology's namespaces with IPv6 off: an IPv6 address on an
        interface in one of them is refused by the kernel (EACCES) half way through the apply, so
        it is refused here, naming the option (check mode too)."""
        quiet = set(ns['name'] for ns in out['namespaces'])
        ends = [('bridges[%d].addresses' % i, b['obj'], b['netns'], b['addresses'])
                for i, b in enumerate(out['bridges'])]
        for i, link in enumerate(out['links']):
            ends.append(('links[%d].addresses' % i, link['obj'], link['netns'], link['end']['addresses']))
            ends.append(('links[%d].peer.addresses' % i, link['obj'], link['peer']['netns'], link['peer']['addresses']))
        for option in DEVICES:
            for i, device in enumerate(out[option]):
                ends.append(('%s[%d].addresses' % (option, i), device['obj'], device['netns'], device.get('addresses')))
        for option, obj, netns, cidrs in ends:
            if netns not in quiet:
                continue
            for cidr in cidrs or ():
                if ':' in cidr:
                    raise ValidationError("option %s of %s: %s is an IPv6 address, and ipv6_quiet turns IPv6 off in "
                                          "%s (the kernel would refuse it: EACCES); drop the address or ipv6_quiet"
                                          % (option, obj, cidr, ns_label(netns)), option, obj)

    @staticmethod
    def _check_addresses(out):
        """One IP address is given to one interface of a namespace: the same address on two interfaces
        of one topology (in one namespace) is refused, naming both."""
        owner = {}
        ends = []
        for i, bridge in enumerate(out['bridges']):
            ends.append(('bridges[%d].addresses' % i, bridge['obj'], bridge['netns'], bridge['name'],
                         bridge['addresses']))
        for i, link in enumerate(out['links']):
            ends.append(('links[%d].addresses' % i, link['obj'], link['netns'], link['name'], link['end']['addresses']))
            ends.append(('links[%d].peer.addresses' % i, link['obj'], link['peer']['netns'], link['peer']['name'],
                         link['peer']['addresses']))
        for option, obj, netns, ifname, cidrs in ends:
            for cidr in cidrs or []:
                ip = cidr.split('/')[0]
                key = (netns, ip)
                if key in owner and owner[key][1] != ifname:
                    raise ValidationError("option %s of %s: %s is also given to %s (%s) in %s; an address belongs "
                                          "to one interface" % (option, obj, ip, owner[key][1], owner[key][0],
                                                                ns_label(netns)), option, obj)
                owner.setdefault(key, (option, ifname))

    # -- observe ----------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        session.cache_indexes = True
        session.max_sockets = MAX_SOCKETS
        self._check_fd_limit(desired, ctx.io.process.raise_fd_limit())
        record = ctx.io.records.read_topology(desired['name'])
        ref_of = {}     # written reference -> canonical reference

        def canonical(ref):
            if ref not in ref_of:
                ref_of[ref] = session.register(ref)
            return ref_of[ref]

        named = set(session.named())
        pending = record['pending']
        pending_ns = set(pending['namespaces'])
        half_made = set()     # pending namespaces a killed run left as an empty file
        namespaces = {}
        for i, ns in enumerate(desired['namespaces']):
            name = ns['name']
            option = 'namespaces[%d].name' % i
            try:
                exists = name in named and common.namespace_exists(session, name, option, 'namespace %s' % name)
            except NetvirtError as exc:
                if not (name in pending_ns and getattr(exc, 'half_made', False)):
                    raise
                exists = False
                half_made.add(name)
            namespaces[name] = {'exists': exists, 'half_made': name in half_made}
        owned = {}
        for name, inode in record['namespaces'].items():
            ident = session.identity(name) if name in named else None
            if ident is not None and ident[1] == inode:
                owned[name] = inode
        for name in sorted(pending_ns - set(owned)):
            # a namespace a killed run was creating: ours if it exists now, finished or removed
            # (an empty file) if it was left half made
            if name not in named:
                continue
            if session.half_made(name):
                half_made.add(name)
                continue
            ident = session.identity(name)
            if ident is not None:
                owned[name] = ident[1]
        # Namespaces the plan will touch, in order; absent needs no look inside owned namespaces.
        refs = []
        wanted_refs = [None]
        option_of = {}     # reference -> (the first option naming it, its object), for messages
        for part in ('bridges', 'links', 'vxlans', 'tuntaps', 'routes', 'sysctls'):
            for i, item in enumerate(desired[part]):
                wanted_refs.append(item['netns'])
                option_of.setdefault(item['netns'], ('%s[%d].netns' % (part, i), item['obj']))
                if part == 'links':
                    wanted_refs.append(item['peer']['netns'])
                    option_of.setdefault(item['peer']['netns'], ('links[%d].peer.netns' % i, item['obj']))
        wanted_refs.extend(ns['name'] for ns in desired['namespaces'])
        wanted_refs.extend(record['refs'])
        wanted_refs.extend(pair[0] for pair in pending['links'] if pair[0] not in half_made)
        if desired['purge'] or desired['state'] == 'absent':
            wanted_refs.extend(r[0] for r in record['routes'])
        for ref in wanted_refs:
            if ref in ref_of:
                continue
            if ref in namespaces and not namespaces[ref]['exists']:
                ref_of[ref] = ref
                continue
            if desired['state'] == 'absent' and ref in owned:
                ref_of[ref] = ref
                continue
            cref = canonical(ref)
            if cref not in refs:
                refs.append(cref)
                option_of.setdefault(cref, option_of.get(ref, ('netns', 'topology %s' % desired['name'])))
        links = {}
        for ref in refs:
            if common.namespace_exists(session, ref, *option_of.get(ref, ('netns', 'topology %s' % desired['name']))):
                links[ref] = session.links(ref, peers=False, keep_ids=True, raw=True)
                if ref is not None:
                    session.close_raw(ref)
        # links a killed run created but did not mark yet (the mark is a second message): ours
        marker = alias(desired['name'])
        adopted = []
        for ref, name in pending['links']:
            ref = ref_of.get(ref, ref)
            have = links.get(ref, {}).get(name)
            if have is not None and not have.get('alias'):
                have['alias'] = marker
                adopted.append((ref, name, have['kind']))
        for name, info in namespaces.items():
            if info['exists'] and name in links:
                lo = links[name].get('lo')
                info['loopback_up'] = bool(lo and lo['up'])
        routes = {}
        route_refs = set(ref_of.get(r['netns'], r['netns']) for r in desired['routes'])
        if desired['purge'] or desired['state'] == 'absent':
            route_refs.update(ref_of.get(r[0], r[0]) for r in record['routes'])
        for ref in route_refs:
            if ref in links:
                routes[ref] = session.routes(ref, links[ref])
        vxlan_remotes = []
        for item in desired['vxlans']:
            ref = ref_of.get(item['netns'], item['netns'])
            have = links.get(ref, {}).get(item['name'])
            vxlan_remotes.append(VxlanKind.observe_remotes(session, item, ref, have) if ref in links else None)
        sysctls = []
        # interfaces this task makes (a per-interface key of one that is not there yet is planned
        # blind; of any other interface the real run refuses it before any change, as it would fail
        # with ENOENT, and check mode warns and plans it, as the sysctl module does: an earlier task
        # of the same check run may be about to make the interface). A new namespace has lo.
        listed = set()
        for part in ('bridges', 'links', 'vxlans', 'tuntaps'):
            for item in desired[part]:
                listed.add((item['netns'], item['name']))
                if part == 'links':
                    listed.add((item['peer']['netns'], item['peer']['name']))
        for item in desired['sysctls']:
            ref = ref_of.get(item['netns'], item['netns'])
            value = None
            iface = item['interface']
            made_here = iface and (item['netns'], iface) in listed
            missing = None
            if ref in links:
                try:
                    value = ' '.join(session.read_sysctl(ref, item['path']).split())
                except (IOError, OSError) as exc:
                    if not (exc.errno == errno.ENOENT and iface and iface not in links[ref]):
                        raise NetvirtError(SysctlKind.read_error(item, ref, exc), option='name', obj=item['obj'])
                    missing = None if made_here else exc
            elif iface and not made_here and iface != 'lo':
                missing = OSError(errno.ENOENT, 'no such key')
            if missing is not None:
                if not ctx.check_mode:
                    raise NetvirtError(SysctlKind.read_error(item, ref, missing), option='name', obj=item['obj'])
                ctx.warn("%s: interface '%s' is not in %s; check mode assumes an earlier task creates it"
                         % (item['obj'], iface, ns_label(ref)))
            sysctls.append(value)
        # veth peers: the pair seen from both ends (each the other's IFLA_LINK), else the session asks
        for link in desired['links']:
            ref = ref_of.get(link['netns'], link['netns'])
            pref = ref_of.get(link['peer']['netns'], link['peer']['netns'])
            have = links.get(ref, {}).get(link['name'])
            if have is None or have['kind'] != 'veth' or 'peer' in have:
                continue
            other = links.get(pref, {}).get(link['peer']['name'])
            paired = other is not None and other['kind'] == 'veth' and other.get('link_index') == have['index']
            paired = paired and have.get('link_index') == other['index']
            if paired and (have.get('link_netnsid') is None) == (pref == ref):
                have['peer'] = {'name': other['name'], 'netns': pref, 'index': other['index']}
            else:
                have['peer'] = session.peer(ref, have, links[ref])
        # qdiscs of the link ends given an impairment (only those are read)
        qdiscs = {}
        if desired['state'] == 'present':
            for link in desired['links']:
                if link['end'].get('impairment') or link['peer'].get('impairment'):
                    ref = ref_of.get(link['netns'], link['netns'])
                    pref = ref_of.get(link['peer']['netns'], link['peer']['netns'])
                    if (ref is None or ref in links) and (pref is None or pref in links):
                        qdiscs.update(veth_observe_qdiscs(session, link, links, ref, pref))
        # owned veths whose peer sits in an owned namespace (they go with it): nsids of owned namespaces
        doomed_nsids = {}
        if desired['state'] == 'absent' or desired['purge']:
            gone = set(owned) - set(ns['name'] for ns in desired['namespaces']) \
                if desired['state'] == 'present' else set(owned)
            for ref, found in links.items():
                if any(seen.get('alias') == alias(desired['name']) and seen.get('link_netnsid') is not None
                       for seen in found.values()):
                    doomed_nsids[ref] = set(n for n in (session.nsid(ref, g) for g in gone if g != ref)
                                            if n is not None)
        others = {}     # what other topologies list, that this one would otherwise remove
        if desired['state'] == 'absent' or desired['purge']:
            for other, rec in sorted(ctx.io.records.other_topologies(desired['name']).items()):
                for name in rec['lists']['namespaces']:
                    others.setdefault(('netns', name), other)
                for ref, name in rec['lists']['links']:
                    others.setdefault(('link', ref_of.get(ref, ref), name), other)
        observed = {'record': record, 'owned': owned, 'namespaces': namespaces, 'ref_of': ref_of, 'links': links,
                    'others': others,
                    'vxlan_remotes': vxlan_remotes, 'adopted': adopted, 'half_made': sorted(half_made),
                    'routes': routes, 'sysctls': sysctls, 'doomed_nsids': doomed_nsids, 'qdiscs': qdiscs}
        if not self.replaying:
            observed['persist'] = persist.observe(ctx.io.persist, ctx.io.replay_library, 'topology', desired['name'],
                                                  desired['persist'])
        self._seen = (desired, observed)
        if not ctx.check_mode and self._stale(record, owned, pending_ns, half_made):
            # what the record names and no longer exists (a killed absent, a failed run): forgotten
            # before anything else, so that a later purge never works from it
            ctx.io.records.write_topology(desired['name'], self._pruned(record, owned, half_made))
        return observed

    @staticmethod
    def _stale(record, owned, pending_ns, half_made):
        return set(record['namespaces']) != set(owned) or bool(pending_ns - set(owned) - half_made)

    @staticmethod
    def _pruned(record, owned, half_made):
        out = dict(record, namespaces=dict(owned))
        out['pending'] = dict(record['pending'], namespaces=sorted(half_made))
        return out

    @staticmethod
    def _check_fd_limit(desired, limits):
        """Every namespace the task names is held open while it runs: fail before anything is made
        when this process may not open that many files (a limit it could not raise)."""
        soft, hard = limits
        refs = set(ns['name'] for ns in desired['namespaces'])
        for part in ('bridges', 'links', 'vxlans', 'tuntaps', 'routes', 'sysctls'):
            for item in desired.get(part, ()):
                refs.add(item['netns'])
                if part == 'links':
                    refs.add(item['peer']['netns'])
        need = 2 * len(refs) + FD_RESERVE     # each held open, and its lock (see locks)
        if soft is not None and soft < need:
            raise NetvirtError('option namespaces of topology %s: %d namespaces need about %d open files, and this '
                               'process may open %d (the hard limit %s; raise it for the user or service that runs '
                               'the module, e.g. ulimit -n or LimitNOFILE=)'
                               % (desired['name'], len(refs), need, soft, hard), 'namespaces', 'topology %s' % desired['name'])

    # -- plan -------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        joined = Plan()
        self._doomed = []
        if desired['state'] == 'absent':
            self._doomed = self._plan_removals(joined, desired, observed, keep=None)
            self._plan_persist(joined, desired, observed)
            return joined
        ref_of = observed['ref_of']
        links = observed['links']

        def ref(value):
            return ref_of.get(value, value)

        unknown = set()     # namespaces that check mode assumes an earlier task makes

        def need(value, option, obj):
            netns = ref(value)
            if netns not in links:
                common.missing(ctx, "option %s of %s: %s does not exist (list it under namespaces to create it)"
                               % (option, obj, ns_label(netns)), option, obj)
                links[netns] = {}
                unknown.add(netns)
            return netns

        ports = {}      # (namespace, bridge) -> its ports after the plan so far

        def count_ports(sub, where, obj):
            """The bridge port limit over the whole plan (the veths' own check sees one at a time). A
            detach in the same task makes no room: new veths are attached when they are created,
            before any detach runs."""
            for action in sub.actions:
                master = action.params.get('master') if action.op in ('link_create', 'link_set') else None
                if not master:
                    continue
                key = (action.netns, master)
                if key not in ports:
                    ports[key] = common.port_count(links.get(action.netns, {}), master)
                ports[key] += 1
                option = 'master' if action.op == 'link_create' else action.option or 'master'
                common.check_port_room(master, action.netns, ports[key], '%s.%s' % (where, option), obj)

        if desired['purge']:
            self._doomed = self._plan_removals(joined, desired, observed, keep=desired)
        for i, ns in enumerate(desired['namespaces']):
            name = ns['name']
            seen = observed['namespaces'][name]
            sub = _named('namespaces[%d]' % i, NetnsKind().plan, ns,
                         {'exists': seen['exists'], 'loopback_up': seen.get('loopback_up')}, ctx)
            if seen.get('half_made'):
                for action in sub.actions:
                    if action.op == 'netns_create':
                        action.params['replace_empty'] = True
                        action.text += ' (in place of the empty file a killed run left at /run/netns/%s)' % name
            if not seen['exists']:
                links.setdefault(name, {})
            self._join(joined, sub, 'namespaces[%d]' % i)
        for i, bridge in enumerate(desired['bridges']):
            netns = need(bridge['netns'], 'bridges[%d].netns' % i, bridge['obj'])
            here = links[netns]
            sub = _named('bridges[%d]' % i, BridgeKind().plan, bridge, {'netns': netns, 'links': here}, ctx)
            if bridge['name'] not in here:
                here[bridge['name']] = {'name': bridge['name'], 'kind': 'bridge', 'addresses': []}
            self._join(joined, sub, 'bridges[%d]' % i)
        for i, link in enumerate(desired['links']):
            obj = link['obj']
            netns = need(link['netns'], 'links[%d].netns' % i, obj)
            pns = need(link['peer']['netns'], 'links[%d].peer.netns' % i, obj)
            here, there = links[netns], links[pns]
            peer = dict(link['peer'], netns=pns)
            sub = _named('links[%d]' % i, VethKind().plan, dict(link, peer=peer),
                         {'netns': netns, 'peer_netns': pns, 'links': links,
                          'qdiscs': observed.get('qdiscs') or {}}, ctx)
            count_ports(sub, 'links[%d]' % i, obj)
            if link['name'] not in here:
                here[link['name']] = {'name': link['name'], 'kind': 'veth', 'addresses': []}
            if link['peer']['name'] not in there:
                there[link['peer']['name']] = {'name': link['peer']['name'], 'kind': 'veth', 'addresses': []}
            self._join(joined, sub, 'links[%d]' % i)
        for option, link_kind in DEVICES.items():
            for i, device in enumerate(desired[option]):
                where = '%s[%d]' % (option, i)
                netns = need(device['netns'], where + '.netns', device['obj'])
                here = links[netns]
                seen = {'netns': netns, 'links': here}
                if option == 'vxlans':
                    seen['remotes'] = observed['vxlan_remotes'][i]
                    if seen['remotes'] is None and device['remotes'] is not None:
                        seen['remotes'] = []    # a namespace this run creates
                sub = _named(where, PART[option].kind().plan, device, seen, ctx)
                count_ports(sub, where, device['obj'])
                if device['name'] not in here:
                    here[device['name']] = {'name': device['name'], 'kind': link_kind, 'addresses': []}
                self._join(joined, sub, where)
        for i, route in enumerate(desired['routes']):
            netns = need(route['netns'], 'routes[%d].netns' % i, route['obj'])
            seen = {'netns': netns, 'links': links.get(netns, {}), 'routes': observed['routes'].get(netns, []),
                    'check_gateway': False}     # the whole plan's gateways are checked in order below
            sub = _named('routes[%d]' % i, RouteKind().plan, route, seen, ctx)
            self._join(joined, sub, 'routes[%d]' % i)
        for i, (item, value) in enumerate(zip(desired['sysctls'], observed['sysctls'])):
            need(item['netns'], 'sysctls[%d].netns' % i, item['obj'])
            sub = _named('sysctls[%d]' % i, SysctlKind().plan, item, {'netns': ref(item['netns']), 'value': value}, ctx)
            self._join(joined, sub, 'sysctls[%d]' % i)
        deleted = set((a.netns, a.params['name']) for a in joined.actions if a.op == 'link_delete')
        for ref, name, kind in observed.get('adopted', ()):
            if (ref, name) in deleted:
                continue
            obj = '%s %s' % (kind, name)
            joined.add('link_set', ref, obj, {'name': name, 'alias': alias(desired['name'])}, option='name',
                       text='mark %s%s as topology %s\'s (a killed run created it and did not mark it)'
                       % (obj, '' if ref is None else ' in %s' % ns_label(ref), desired['name']))
        self._pin_bridge_mtus(joined, desired, links, ref)
        order = {}
        groups = self._groups
        joined.actions.sort(key=lambda action: sort_key(action, groups, order))
        self._check_gateways(joined, observed, unknown)
        self._plan_persist(joined, desired, observed)
        return joined

    @staticmethod
    def _pin_bridge_mtus(plan, desired, links, ref):
        """The kernel recomputes the MTU of a bridge whose MTU was never set by hand (setting the value
        it already has sets nothing) when a port is attached or a port's MTU changes: a bridge given
        ``mtu: 1500`` with a port at 1280 fell to 1280 and the next run changed it again. So a bridge's
        own MTU is set after its ports (phase 'pin'), and set once more, after them, when the plan
        attaches a port or changes a port's MTU and the task gives the bridge an MTU."""
        wanted = dict(((ref(b['netns']), b['name']), (i, b)) for i, b in enumerate(desired['bridges'])
                      if b.get('mtu') is not None)
        if not wanted:
            return
        master_of = {}
        for netns, here in links.items():
            for name, link in here.items():
                if link.get('master'):
                    master_of[(netns, name)] = link['master']
        touched = []
        for action in plan.actions:
            if action.op not in ('link_create', 'link_set'):
                continue
            name = action.params.get('name')
            if action.params.get('master'):
                master_of[(action.netns, name)] = action.params['master']
                key = (action.netns, action.params['master'])
            elif action.op == 'link_set' and 'mtu' in action.params:
                key = (action.netns, master_of.get((action.netns, name)))
            else:
                continue
            if key in wanted and key not in touched:
                touched.append(key)
        for key in touched:
            netns, name = key
            if any(a.op == 'link_set' and a.netns == netns and a.params.get('name') == name and 'mtu' in a.params
                   for a in plan.actions):
                continue
            i, bridge = wanted[key]
            plan.add('link_set', netns, bridge['obj'], {'name': name, 'mtu': bridge['mtu']}, option='bridges[%d].mtu' % i,
                     text='set mtu %s on %s (so that its ports do not change it)' % (bridge['mtu'], bridge['obj']))

    @staticmethod
    def _check_gateways(plan, observed, unknown):
        """Walk the ordered plan as the kernel will: each IPv4 route through a gateway must find it
        on a subnet of an address the namespace has by then (observed, or added earlier in the
        plan) or of a device route. What the real run would refuse (ENETUNREACH), check mode
        refuses too, naming the route."""
        seen = dict((ref, dict((name, {'addresses': list(link.get('addresses') or ())})
                               for name, link in found.items()))
                    for ref, found in observed['links'].items())
        routes = dict((ref, list(found)) for ref, found in observed['routes'].items())
        for action in plan.actions:
            here = seen.setdefault(action.netns, {})
            if action.op == 'addr_add':
                here.setdefault(action.params['name'], {'addresses': []})['addresses'].append(
                    action.params['address'])
            elif action.op == 'route_add':
                params = action.params
                if not params.get('gateway'):
                    routes.setdefault(action.netns, []).append(params)
                elif action.netns not in unknown and not RouteKind.on_link(params['gateway'], here,
                                                                           routes.get(action.netns, [])):
                    where = action.option.rsplit('.', 1)[0] if action.option else 'routes'
                    text = RouteKind.unreachable_text(action.obj, params['gateway'], action.netns)
                    raise ValidationError('option %s.%s' % (where, text[len('option '):]), action.option, action.obj)

    def _plan_persist(self, joined, desired, observed):
        """The persistence files last (written only after the network is built): see _state.persist.
        An observed state without 'persist' (the replay) plans none."""
        seen = observed.get('persist')
        if seen is not None:
            self._persisted = persist.plan(joined, 'topology', desired['name'], desired['persist'],
                                           desired['persist_text'], seen)

    def _join(self, joined, sub, where, group=False):
        """Add one object's plan; its actions name their option as the task spells it
        (routes[0].gateway), so that a kernel error points at the list item. ``group``: the
        namespace the object's actions are ordered with (see sort_key)."""
        for action in sub.actions:
            if group is not False:
                self._groups[id(action)] = group
            if action.option:
                action.option = '%s.%s' % (where, action.option)
        joined.extend(sub)

    @staticmethod
    def _plan_removals(plan, desired, observed, keep):
        """Remove what this topology made and ``keep`` (the desired state; None: everything) does
        not list: namespaces it created (their interfaces go with them), marked links and bridges
        elsewhere, routes it added. The routes go first: deleting a link or bridge takes the routes
        through it with it, and a later delete of such a route would fail (no such route)."""
        start = len(plan.actions)
        marker = alias(desired['name'])
        kept_ns = set(ns['name'] for ns in keep['namespaces']) if keep else set()
        ref_of = observed['ref_of']
        gone = []
        others = observed.get('others', {})
        for name in sorted(observed['owned']):
            if name in kept_ns:
                continue
            other = others.get(('netns', name))
            if other is not None:
                obj = 'namespace %s' % name
                plan.add('handover', None, obj, {'name': name, 'to': other, 'inode': observed['owned'][name]},
                         option='purge', text='hand namespace %s over to topology %s (it lists it too)' % (name, other))
                plan.record(obj, {'state': 'present', 'owner': desired['name']}, {'state': 'present', 'owner': other})
                continue
            gone.append(name)
            obj = 'namespace %s' % name
            plan.add('netns_delete', None, obj, {'name': name},
                     text='delete namespace %s (its interfaces go with it)' % name)
            plan.record(obj, {'state': 'present'}, {'state': 'absent'})
        for name in observed.get('half_made', ()):
            if name in kept_ns:
                continue
            gone.append(name)
            plan.add('netns_delete', None, 'namespace %s' % name, {'name': name},
                     text='remove the empty file a killed run left at /run/netns/%s (no namespace was made)' % name)
        kept_links = set()
        if keep:
            for bridge in keep['bridges']:
                kept_links.add((ref_of.get(bridge['netns'], bridge['netns']), bridge['name']))
            for link in keep['links']:
                kept_links.add((ref_of.get(link['netns'], link['netns']), link['name']))
                kept_links.add((ref_of.get(link['peer']['netns'], link['peer']['netns']), link['peer']['name']))
            for item in keep['vxlans'] + keep['tuntaps']:
                kept_links.add((ref_of.get(item['netns'], item['netns']), item['name']))
        doomed = observed['doomed_nsids']
        going = []      # veth ends outside the deleted namespaces that go with their peer (apply waits)
        bridges = []
        for ref, found in observed['links'].items():
            if ref in gone:
                continue
            for name in sorted(found):
                link = found[name]
                if link.get('alias') != marker or (ref, name) in kept_links:
                    continue
                obj = '%s %s' % (link['kind'], name)
                key = object_key(obj, ref)
                other = others.get(('link', ref, name))
                if other is not None:
                    plan.add('link_set', ref, obj, {'name': name, 'alias': alias(other)}, option='purge',
                             text='hand %s over to topology %s (it lists it too)' % (obj, other))
                    plan.record(key, {'state': 'present', 'owner': desired['name']}, {'state': 'present', 'owner': other})
                    continue
                if link.get('link_netnsid') is not None and link['link_netnsid'] in doomed.get(ref, ()):
                    plan.record(key, {'state': 'present'}, {'state': 'absent'})
                    going.append((ref, name))
                    continue
                action = Action('link_delete', ref, obj, {'name': name}, option='purge',
                                text='delete %s%s' % (obj, ' and its peer' if link['kind'] == 'veth' else ''))
                (bridges if link['kind'] == 'bridge' else plan.actions).append(action)
                plan.record(key, {'state': 'present'}, {'state': 'absent'})
        plan.actions.extend(bridges)
        kept_routes = set()
        if keep:
            for route in keep['routes']:
                kept_routes.add(tuple(_route_key(route['route'], ref_of.get(route['netns'], route['netns']))))
        for entry in observed['record']['routes']:
            ref = ref_of.get(entry[0], entry[0])
            if ref in gone or tuple(entry[:5]) in kept_routes:
                continue
            want = dict(zip(('family', 'dst', 'table', 'metric'), entry[1:5]))
            have = RouteKind.find(observed['routes'].get(ref, []), want)
            if have is None:
                continue
            obj = 'route %s' % have['dst']
            plan.add('route_del', ref, obj, dict(want, gateway=None, dev=None), option='purge',
                     text='delete %s' % RouteKind.describe(have))
            plan.record(object_key(obj, ref), RouteKind.picture(have, ref), {'state': 'absent'})
        removals = plan.actions[start:]
        route_dels = [a for a in removals if a.op == 'route_del']
        plan.actions[start:] = route_dels + [a for a in removals if a.op != 'route_del']
        return going

    # -- apply ------------------------------------------------------------------------------
    GONE_WAIT = 5.0     # seconds the apply waits for the kernel to remove the veth ends of deleted namespaces

    def _wait_gone(self, session, going, ctx, clock=time.monotonic, sleep=time.sleep):
        """Return once the veth ends outside the deleted namespaces whose peer was inside are gone.
        Deleting a namespace returns before the kernel's cleanup (a workqueue) unregisters its
        devices, and with them those peers: without the wait, a next task making the same name could
        meet EEXIST (seen by the random-plan test). Polls one dump per namespace holding such ends;
        after GONE_WAIT seconds it warns and returns (the kernel still removes them)."""
        left = {}
        for ref, name in going:
            left.setdefault(ref, set()).add(name)
        deadline = clock() + self.GONE_WAIT
        delay = 0.005
        while left:
            for ref in sorted(left, key=lambda r: (r is not None, r or '')):
                left[ref] &= set(session.links(ref, peers=False, raw=True))
                if not left[ref]:
                    del left[ref]
            if not left:
                return
            if clock() >= deadline:
                order = sorted(left, key=lambda r: (r is not None, r or ''))
                what = '; '.join('%s in %s' % (', '.join(sorted(left[ref])), ns_label(ref)) for ref in order)
                ctx.warn('the kernel has not yet removed %s (their peers were in the deleted namespaces) after '
                         '%.0f s; it removes them when its namespace cleanup runs' % (what, self.GONE_WAIT))
                return
            sleep(delay)
            delay = min(delay * 2, 0.1)

    def apply(self, session, plan, ctx):
        """The frequent steps as raw netlink requests, pipelined on this run's new objects
        (fastapply); the others through pyroute2. Same order, errors and undo as apply_plan.

        Kill-safety: before the first action, the record is the union of what the topology owns
        before and after the plan, with what the plan creates listed as ``pending`` (a namespace's
        inode is known only once it exists): a run killed at any point leaves every object it made
        owned (the next run adopts the pending ones that exist). After the apply, the record says
        what the topology owns now; after a failed (undone) one, the pending namespaces that still
        exist stay owned and the others are forgotten. The persistence files last (see _state.persist)."""
        desired, observed = self._seen
        records = ctx.io.records
        if any(a.op in ('netns_create', 'link_create', 'route_add', 'tun_create') for a in plan.actions):
            records.write_topology(desired['name'], self.new_record(session, desired, observed, plan, union=True))
        network = [a for a in plan.actions if a.op not in persist.OPS]
        try:
            ctx.io.fast_apply(network)
        except Exception:
            try:
                settled = self.new_record(session, desired, observed, plan, union=True, settle=True)
                records.write_topology(desired['name'], settled)
            except (IOError, OSError):
                pass    # the failure of the apply is what the task reports
            raise
        handed = {}     # other topology -> (namespaces {name: inode}, refs holding links it now owns)
        for action in plan.actions:
            if action.op == 'handover':
                handed.setdefault(action.params['to'], ({}, set()))[0][action.params['name']] = action.params['inode']
            elif action.op == 'link_set' and (action.params.get('alias') or '').startswith(ALIAS_PREFIX) \
                    and action.option == 'purge':
                handed.setdefault(action.params['alias'][len(ALIAS_PREFIX):], ({}, set()))[1].add(action.netns)
        for name, (namespaces, refs) in sorted(handed.items()):
            # the objects are the other topology's now (their namespaces' locks are held: it lists them)
            other = records.read_topology(name)
            other.setdefault('name', name)
            other['namespaces'].update(namespaces)
            other['refs'] = sorted(set(other['refs']) | refs, key=lambda r: (r is not None, r or ''))
            records.write_topology(name, other)
        records.write_topology(desired['name'], self.new_record(session, desired, observed, plan))
        self._wait_gone(session, self._doomed, ctx)
        files = [a for a in plan.actions if a.op in persist.OPS]
        if files:
            persist.apply(files, ctx.io.persist, getattr(ctx.io, 'run_command', None), ctx.warn)

    # -- result -----------------------------------------------------------------------------
    def result(self, desired, observed, plan, ctx):
        counts = {}
        for action in plan.actions:
            counts[action.op] = counts.get(action.op, 0) + 1
        out = {'elapsed': round(time.time() - self.started, 4), 'counts': counts}
        if self._persisted:
            out['persist'] = self._persisted
        return out

    @staticmethod
    def new_record(session, desired, observed, plan, union=False, settle=False):
        """The ownership record after the plan was applied (see _host.records). ``union``: the one
        written before the apply: nothing removed yet (the plan's deletions may not all happen),
        the namespaces and links the plan creates listed as pending, the routes it adds listed.
        ``settle`` (with union, after a failed apply): the pending namespaces that exist are owned
        (an undo that could not remove them), the others forgotten."""
        pending = {'namespaces': [], 'links': []}
        record = {'name': desired['name'], 'namespaces': dict(observed['owned']), 'refs': [], 'routes': [],
                  'pending': pending}
        marker = alias(desired['name'])
        for action in plan.actions:
            if action.op in ('netns_delete', 'handover') and not union:
                record['namespaces'].pop(action.params['name'], None)
            elif action.op == 'netns_create':
                name = action.params['name']
                ident = session.identity(name) if settle or not union else None
                if ident is not None:
                    record['namespaces'][name] = ident[1]
                elif union and not settle:
                    pending['namespaces'].append(name)
        adopted = set(seen[0] for seen in observed.get('adopted', ()))
        if desired['state'] == 'present' or union:
            gone = set() if union else plan_gone(plan)
            refs = set(r for r in observed['record']['refs'] if r not in gone) | (adopted - gone)
            for action in plan.actions:
                if action.op in ('link_create', 'tun_create') and action.params.get('alias') == marker:
                    refs.add(action.netns)
                    if union:
                        pending['links'].append([action.netns, action.params['name']])
            record['refs'] = sorted(refs, key=_ref_sort)
            ref_of = observed['ref_of']
            added = set()
            for action in plan.actions:
                if action.op == 'route_add':
                    added.add(tuple(_route_key(action.params, action.netns)))
            old = [r[:5] for r in observed['record']['routes']]
            for route in desired['routes'] if desired['state'] == 'present' else ():
                key = _route_key(route['route'], ref_of.get(route['netns'], route['netns']))
                if tuple(key) in added or key in old:
                    record['routes'].append(key)
            if union:
                record['routes'].extend(r for r in old if r not in record['routes'])
        record['lists'] = TopologyKind._lists(desired, observed['ref_of'])
        if settle:
            # after a failed apply: its undo removed what it made; what survived stays owned
            pending['links'] = TopologyKind._surviving(session, pending['links'])
            record['refs'] = sorted(set(observed['record']['refs']) | adopted | set(p[0] for p in pending['links']),
                                    key=_ref_sort)
            record['routes'] = [list(r) for r in observed['record']['routes']]
            record['lists'] = observed['record'].get('lists') or {'namespaces': [], 'links': []}
        pending['links'].sort(key=lambda p: (_ref_sort(p[0]), p[1]))
        return record

    @staticmethod
    def _lists(desired, ref_of):
        """What the topology lists (see _host.records): its namespaces, and each bridge, link end and
        device as [namespace, name]."""
        if desired['state'] != 'present':
            return {'namespaces': [], 'links': []}
        pairs = set()
        for item in desired['bridges'] + desired['vxlans'] + desired['tuntaps']:
            pairs.add((ref_of.get(item['netns'], item['netns']), item['name']))
        for link in desired['links']:
            pairs.add((ref_of.get(link['netns'], link['netns']), link['name']))
            pairs.add((ref_of.get(link['peer']['netns'], link['peer']['netns']), link['peer']['name']))
        return {'namespaces': sorted(ns['name'] for ns in desired['namespaces']),
                'links': [list(p) for p in sorted(pairs, key=lambda p: (p[0] is not None, p[0] or '', p[1]))]}

    @staticmethod
    def _surviving(session, pairs):
        """The [namespace, link] pairs that exist now (after a failed apply: what its undo left)."""
        found = {}
        out = []
        for ref, name in pairs:
            if ref not in found:
                try:
                    found[ref] = set(session.links(ref, peers=False)) if session.exists(ref) else set()
                except Exception:   # pylint: disable=broad-except
                    found[ref] = None   # cannot tell: keep them pending (a later run sorts them out)
            if found[ref] is None or name in found[ref]:
                out.append([ref, name])
        return out


def _ref_sort(ref):
    """Namespace references in a stable order: the module's own (None) first, then by name."""
    return (ref is not None, ref or '')


def plan_gone(plan):
    return set(a.params['name'] for a in plan.actions if a.op == 'netns_delete')
