# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""net_info results -> a graph of the lab, and that graph as Graphviz DOT, Mermaid and text.

Runs on the controller (the filters lab_dot, lab_mermaid, lab_text and lab_report): pure Python, no
pyroute2, nothing of module_utils. Deterministic: every list is sorted, node ids come from names.

The model: ``{'hosts': [{'name', 'nodes': [node...]}], 'edges': [edge...]}``.
  node: ``{'id', 'kind', 'host', 'name', 'lines': [label lines], 'count'}``; kind is ``host`` (the
        namespace the module ran in), ``netns``, ``bridge``, ``tun`` (a tun/tap device), ``vxlan``,
        ``remote`` (an address outside the lab) or ``group`` (collapsed namespaces).
  edge: ``{'a', 'b', 'kind', 'label'}``; kind is ``veth`` (both end names), ``port`` (a veth whose end
        is a bridge port: port name and the other end's name), ``in`` (a bridge, tun/tap or vxlan device
        in its namespace), ``vxlan`` (to a remote peer).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

COLLAPSE = 8      # more than this many identical namespaces on one bridge are drawn as one node
CURRENT = ''      # the key of the module's own namespace


class LabGraphError(Exception):
    pass


# ---------------------------------------------------------------- input

def _is_result(value):
    return isinstance(value, dict) and ('namespaces' in value or 'current' in value)


def hosts_of(data, host='host'):
    """[(host name, net_info result)]: one result (named ``host``), a dict {host: result} or a list of
    results (named host1, host2, ... unless an item has ``host``/``inventory_hostname``)."""
    if _is_result(data):
        return [(host, data)]
    if isinstance(data, dict):
        out = []
        for name in sorted(data):
            if not _is_result(data[name]):
                raise LabGraphError('the item %s is not a netvirt.linux.net_info result (no namespaces or current)' % name)
            out.append((str(name), data[name]))
        if not out:
            raise LabGraphError('no net_info result given')
        return out
    if isinstance(data, (list, tuple)):
        out = []
        for i, item in enumerate(data):
            if not _is_result(item):
                raise LabGraphError('item %d is not a netvirt.linux.net_info result (no namespaces or current)' % i)
            out.append((str(item.get('host') or item.get('inventory_hostname') or 'host%d' % (i + 1)), item))
        return out
    raise LabGraphError('expected a netvirt.linux.net_info result, a dict of them by host, or a list of them; got %s'
                        % type(data).__name__)


def _spaces(result):
    """{namespace key: facts}: the module's own namespace under '' (CURRENT)."""
    out = {}
    if isinstance(result.get('current'), dict):
        out[CURRENT] = result['current']
    for key, facts in (result.get('namespaces') or {}).items():
        if key in ('', None):
            key = CURRENT
        if isinstance(facts, dict) and facts.get('exists', True):
            out[str(key)] = facts
    return out


def natural(text):
    """Sort key: c2 before c10."""
    return [(0, int(part), '') if part.isdigit() else (1, 0, part) for part in re.split(r'(\d+)', str(text))]


def shown_addresses(link):
    """Addresses worth drawing: no link-local IPv6, no loopback."""
    out = []
    for cidr in link.get('addresses') or []:
        try:
            iface = ipaddress.ip_interface(cidr)
        except ValueError:
            continue
        if iface.ip.is_link_local or iface.ip.is_loopback:
            continue
        out.append(cidr)
    return out


def _owner_of(spaces_by_host):
    """{address: (host, namespace key, link name)} over every gathered namespace."""
    owners = {}
    for host in sorted(spaces_by_host):
        for key in sorted(spaces_by_host[host], key=natural):
            for name, link in sorted((spaces_by_host[host][key].get('links') or {}).items()):
                for cidr in link.get('addresses') or []:
                    try:
                        ip = str(ipaddress.ip_interface(cidr).ip)
                    except ValueError:
                        continue
                    owners.setdefault(ip, (host, key, name))
    return owners


def _vxlan_options(vxlan):
    """{(host or None, netns key, name): options} from the vxlan= argument: dicts with name, netns, vni,
    remote, remotes, group (the options of netvirt.linux.vxlan as written) and host, or the results of a
    loop over netvirt.linux.vxlan (``item`` gives the options, ``vxlan`` what the module read back)."""
    out = {}
    for item in vxlan or []:
        if not isinstance(item, dict):
            raise LabGraphError('vxlan: every item must be a dict (a registered netvirt.linux.vxlan result or its vxlan)')
        if isinstance(item.get('vxlan'), dict):      # a registered result: its options, then what it read back
            options = dict(item.get('item') if isinstance(item.get('item'), dict) else
                           (item.get('invocation') or {}).get('module_args') or {})
            options.update((k, v) for k, v in item['vxlan'].items() if v is not None or k not in options)
        else:
            options = item
        if not options.get('name') or options.get('state', 'present') == 'absent':
            continue
        netns = options.get('netns')
        out[(item.get('host') or options.get('host'), CURRENT if netns in (None, '') else str(netns), options['name'])] = options
    return out


# ---------------------------------------------------------------- the graph

def _slug(text):
    return re.sub(r'[^A-Za-z0-9_]', '_', text) or '_'


class _Builder(object):
    def __init__(self, hosts, collapse, vxlan, multi):
        self.hosts = hosts
        self.multi = multi
        self.collapse = collapse
        self.vxlan = _vxlan_options(vxlan)
        self.nodes = {}          # id -> node
        self.order = []
        self.edges = []
        self.seen_edges = set()
        self.ids = {}            # (host, kind, ns, name) -> id
        self.used_ids = set()
        self.spaces = dict((h, _spaces(r)) for h, r in hosts)
        self.owners = _owner_of(self.spaces)

    # ids are made from names, so the same lab gives the same text
    def node_id(self, host, kind, ns, name=''):
        key = (host, kind, ns, name)
        if key not in self.ids:
            parts = [host] if self.multi and host is not None else []
            if kind == 'host':
                parts.append('host')
            elif kind in ('netns', 'group', 'remote'):
                parts += [{'netns': 'ns'}.get(kind, kind), ns]
            else:
                parts += [kind, ns or 'host', name]
            base = _slug('_'.join(parts))
            ident, n = base, 1
            while ident in self.used_ids:
                n += 1
                ident = '%s_%d' % (base, n)
            self.used_ids.add(ident)
            self.ids[key] = ident
        return self.ids[key]

    def add_node(self, host, kind, ns, name, lines, **extra):
        ident = self.node_id(host, kind, ns, name)
        if ident not in self.nodes:
            node = {'id': ident, 'kind': kind, 'host': host, 'name': name or ns, 'netns': ns, 'lines': lines}
            node.update(extra)
            self.nodes[ident] = node
            self.order.append(ident)
        return ident

    def add_edge(self, a, b, kind, label, key=None):
        key = key or (kind, tuple(sorted((a, b))), label)
        if key in self.seen_edges:
            return
        self.seen_edges.add(key)
        self.edges.append({'a': a, 'b': b, 'kind': kind, 'label': label})

    # namespaces
    def ns_lines(self, host, key, facts):
        title = '%s (the namespace running the play)' % host if key == CURRENT else key
        lines = [title]
        for name, link in sorted((facts.get('links') or {}).items(), key=lambda kv: natural(kv[0])):
            if link.get('kind') in ('loopback', 'bridge', 'tun', 'vxlan') or name == 'lo' or link.get('master'):
                continue
            addrs = shown_addresses(link)
            lines.append(' '.join([name] + addrs) + ('' if link.get('up', True) else ' (down)'))
        for route in facts.get('routes') or []:
            if route.get('dst') == 'default' and route.get('table') in (None, 254) and route.get('gateway'):
                lines.append('default via %s' % route['gateway'])
        return lines

    def ns_node(self, host, key):
        facts = self.spaces[host].get(key)
        kind = 'host' if key == CURRENT else 'netns'
        known = self.node_id(host, kind, key, '')
        if known in self.nodes:
            return known
        if facts is None:
            lines = [('host' if key == CURRENT else key), '(not read)']
        else:
            lines = self.ns_lines(host, key, facts)
        return self.add_node(host, kind, key, '', lines)

    def end_node(self, host, key, name):
        """The node a link's end is drawn on: its bridge when it is a port, else its namespace."""
        facts = self.spaces[host].get(key) or {}
        link = (facts.get('links') or {}).get(name) or {}
        master = link.get('master')
        if master and master in (facts.get('bridges') or {}) or (master and (facts.get('links') or {}).get(master, {}).get('kind') == 'bridge'):
            return self.bridge_node(host, key, master)
        return self.ns_node(host, key)

    def bridge_node(self, host, key, name):
        known = self.node_id(host, 'bridge', key, name)
        if known in self.nodes:
            return known
        facts = self.spaces[host].get(key) or {}
        link = (facts.get('links') or {}).get(name) or {}
        bridge = (facts.get('bridges') or {}).get(name) or {}
        ports = bridge.get('ports')
        if ports is None:
            ports = sorted(n for n, l in (facts.get('links') or {}).items() if l.get('master') == name)
        lines = ['%s (bridge)' % name] + shown_addresses(link)
        state = ['up' if link.get('up', True) else 'DOWN']
        if 'stp' in bridge:
            state.append('stp %s' % ('on' if bridge['stp'] else 'off'))
        state.append('%d port%s' % (len(ports), '' if len(ports) == 1 else 's'))
        lines.append(', '.join(state))
        ident = self.add_node(host, 'bridge', key, name, lines)
        self.add_edge(ident, self.ns_node(host, key), 'in', '')
        return ident

    def peer_key(self, host, peer):
        netns = peer.get('netns')
        if netns in (None, ''):
            return CURRENT
        return str(netns)

    def leaf(self, host, key):
        """(bridge ref, inner link name) when namespace ``key`` is a plain leaf of a bridge: lo and one veth,
        whose peer is a bridge port in another namespace; else None."""
        if key == CURRENT:
            return None
        links = dict((n, l) for n, l in (self.spaces[host][key].get('links') or {}).items()
                     if l.get('kind') != 'loopback' and n != 'lo')
        if len(links) != 1:
            return None
        name, link = list(links.items())[0]
        peer = link.get('peer') or {}
        if link.get('kind') != 'veth' or link.get('master') or not peer.get('name'):
            return None
        pkey = self.peer_key(host, peer)
        pfacts = self.spaces[host].get(pkey)
        if pfacts is None or pkey == key:
            return None
        plink = (pfacts.get('links') or {}).get(peer['name']) or {}
        if not plink.get('master'):
            return None
        return (pkey, plink['master'], name)

    def groups(self, host):
        """{namespace key: group node id} for the namespaces collapsed on this host."""
        if not self.collapse or self.collapse < 1:
            return {}
        by = {}
        for key in self.spaces[host]:
            sig = self.leaf(host, key)
            if sig:
                by.setdefault(sig, []).append(key)
        out = {}
        for (bkey, bridge, inner), members in sorted(by.items(), key=lambda kv: [natural(x) for x in kv[0]]):
            if len(members) <= self.collapse:
                continue
            members = sorted(members, key=natural)
            addrs = [shown_addresses(self.spaces[host][m]['links'][inner]) for m in members]
            lines = ['%d namespaces' % len(members), '%s ... %s' % (members[0], members[-1])]
            firsts = [a[0] for a in addrs if a]
            if firsts:
                lines.append('%s %s ... %s' % (inner, firsts[0], firsts[-1]) if len(firsts) > 1 else '%s %s' % (inner, firsts[0]))
            gw = [r.get('gateway') for r in self.spaces[host][members[0]].get('routes') or []
                  if r.get('dst') == 'default' and r.get('gateway')]
            if gw:
                lines.append('default via %s' % gw[0])
            ident = self.add_node(host, 'group', '%s/%s' % (bkey or 'host', bridge), '', lines, count=len(members),
                                  members=members)
            bnode = self.bridge_node(host, bkey, bridge)
            self.add_edge(bnode, ident, 'port', '%d veths (%s)' % (len(members), inner))
            for m in members:
                out[m] = ident
        return out

    def build(self):
        for host, _result in self.hosts:
            spaces = self.spaces[host]
            grouped = self.groups(host)
            for key in sorted(spaces, key=natural):
                if key in grouped:
                    continue
                self.ns_node(host, key)
                facts = spaces[key]
                for name, link in sorted((facts.get('links') or {}).items(), key=lambda kv: natural(kv[0])):
                    kind = link.get('kind')
                    if kind == 'bridge':
                        self.bridge_node(host, key, name)
                    elif kind == 'veth':
                        self.veth(host, key, name, link, grouped)
                    elif kind == 'tun':
                        self.device(host, key, name, link, 'tun', '%s (tun/tap)' % name)
                    elif kind == 'vxlan':
                        self.vxlan_link(host, key, name, link)
        return {'hosts': [{'name': h, 'nodes': [self.nodes[i] for i in self.order if self.nodes[i]['host'] == h]}
                          for h, _r in self.hosts]
                + [{'name': None, 'nodes': [self.nodes[i] for i in self.order if self.nodes[i]['host'] is None]}],
                'edges': self.edges}

    def veth(self, host, key, name, link, grouped):
        peer = link.get('peer') or {}
        a = self.end_node(host, key, name)
        if not peer.get('name'):
            label = '%s - (peer in a namespace without a name%s)' % (name, ', nsid %s' % peer['nsid'] if peer.get('nsid') is not None else '')
            b = self.add_node(host, 'netns', 'nsid %s' % peer.get('nsid'), '', ['namespace nsid %s' % peer.get('nsid'), '(no name)'])
            self.add_edge(a, b, 'veth', label)
            return
        pkey = self.peer_key(host, peer)
        if pkey in grouped or key in grouped:
            return
        if pkey in self.spaces[host]:
            b = self.end_node(host, pkey, peer['name'])
        else:
            b = self.ns_node(host, pkey)
        kind = 'port' if (self.nodes[a]['kind'] == 'bridge' or self.nodes[b]['kind'] == 'bridge') else 'veth'
        ends = sorted([(key, name, a), (pkey, peer['name'], b)], key=lambda e: (natural(e[0]), natural(e[1])))
        if self.nodes[ends[1][2]]['kind'] == 'bridge' and self.nodes[ends[0][2]]['kind'] != 'bridge':
            ends.reverse()
        self.add_edge(ends[0][2], ends[1][2], kind, '%s - %s' % (ends[0][1], ends[1][1]),
                      key=('veth', host, tuple(sorted([(key, name), (pkey, peer['name'])]))))

    def device(self, host, key, name, link, kind, title):
        lines = [title] + shown_addresses(link)
        if link.get('operstate') and link.get('operstate') not in ('up', 'unknown'):
            lines.append(str(link['operstate']))
        ident = self.add_node(host, kind, key, name, lines)
        self.add_edge(self.end_node(host, key, name), ident, 'in', '')
        return ident

    def vxlan_link(self, host, key, name, link):
        options = (link.get('vxlan') if isinstance(link.get('vxlan'), dict) else None) \
            or self.vxlan.get((host, key, name)) or self.vxlan.get((None, key, name)) or {}
        title = '%s (vxlan%s)' % (name, ' vni %s' % options['vni'] if options.get('vni') is not None else '')
        ident = self.device(host, key, name, link, 'vxlan', title)
        remotes = ([options['remote']] if options.get('remote') else []) + list(options.get('remotes') or [])
        if options.get('group'):
            remotes.append(options['group'])
        if not options:
            self.nodes[ident]['lines'].append('(remote not known: pass vxlan=)')
        for remote in remotes:
            owner = self.owners.get(str(remote))
            if owner and owner[:2] != (host, key):
                ohost, okey, _oname = owner
                target = None
                for vname, vlink in sorted((self.spaces[ohost][okey].get('links') or {}).items()):
                    if vlink.get('kind') == 'vxlan':
                        target = self.node_id(ohost, 'vxlan', okey, vname)
                        other = (vlink.get('vxlan') if isinstance(vlink.get('vxlan'), dict) else None) \
                            or self.vxlan.get((ohost, okey, vname)) or self.vxlan.get((None, okey, vname)) or {}
                        if other.get('vni') == options.get('vni'):
                            break
                if target is None:
                    target = self.ns_node(ohost, okey)
            else:
                target = self.add_node(None, 'remote', str(remote), '', [str(remote), '(not in the lab)'])
            label = 'vni %s' % options['vni'] if options.get('vni') is not None else 'vxlan'
            self.add_edge(ident, target, 'vxlan', label, key=('vxlan', tuple(sorted((ident, target))), label))


def graph(data, host='host', collapse=COLLAPSE, vxlan=None):
    """The lab's graph model (see the module docstring) from net_info result(s)."""
    try:
        collapse = int(collapse)
    except (TypeError, ValueError):
        raise LabGraphError('collapse must be a number (0: never collapse), got %r' % (collapse,))
    hosts = hosts_of(data, host)
    return _Builder(hosts, collapse, vxlan, multi=len(hosts) > 1 or not _is_result(data)).build()


# ---------------------------------------------------------------- DOT

DOT_SHAPES = {
    'host': 'shape=box3d, style=filled, fillcolor="#eeeeee"',
    'netns': 'shape=box, style="rounded,filled", fillcolor="#e3f0fb"',
    'group': 'shape=box, style="rounded,filled,bold", fillcolor="#cfe3f6", peripheries=2',
    'bridge': 'shape=ellipse, style=filled, fillcolor="#fde9c8"',
    'tun': 'shape=cds, style=filled, fillcolor="#e6f5e1"',
    'vxlan': 'shape=hexagon, style=filled, fillcolor="#efe3f7"',
    'remote': 'shape=octagon, style=dashed',
}
DOT_EDGES = {'veth': '', 'port': '', 'in': 'style=dotted, arrowhead=none', 'vxlan': 'style=dashed, color="#7b3fa0"'}


def _dot_q(text):
    return '"%s"' % str(text).replace('\\', '\\\\').replace('"', '\\"').replace('\n', ' ')


def dot(data, host='host', collapse=COLLAPSE, vxlan=None, title='lab'):
    model = data if isinstance(data, dict) and 'edges' in data and 'hosts' in data else graph(data, host, collapse, vxlan)
    out = ['graph %s {' % _dot_q(title),
           '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.6];',
           '  node [fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=9];']
    clusters = len([h for h in model['hosts'] if h['name'] is not None]) > 1
    for group in model['hosts']:
        if not group['nodes']:
            continue
        indent = '  '
        if clusters and group['name'] is not None:
            out.append('  subgraph %s {' % _dot_q('cluster_' + _slug(group['name'])))
            out.append('    label=%s; style=rounded; color="#999999";' % _dot_q(group['name']))
            indent = '    '
        for node in group['nodes']:
            label = '\\n'.join(str(line).replace('\\', '\\\\').replace('"', '\\"') for line in node['lines'])
            out.append('%s%s [id=%s, class=%s, %s, label="%s"];' % (
                indent, _dot_q(node['id']), _dot_q(node['id']), _dot_q(node['kind']), DOT_SHAPES[node['kind']], label))
        if indent == '    ':
            out.append('  }')
    for edge in model['edges']:
        attrs = ['class=%s' % _dot_q('edge-' + edge['kind'])]
        if edge['label']:
            attrs.append('label=%s' % _dot_q(edge['label']))
        if DOT_EDGES[edge['kind']]:
            attrs.append(DOT_EDGES[edge['kind']])
        out.append('  %s -- %s [%s];' % (_dot_q(edge['a']), _dot_q(edge['b']), ', '.join(attrs)))
    out.append('}')
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------- Mermaid

MERMAID_SHAPES = {'host': ('[["', '"]]'), 'netns': ('["', '"]'), 'group': ('[/"', '"/]'), 'bridge': ('(["', '"])'),
                  'tun': ('>"', '"]'), 'vxlan': ('{{"', '"}}'), 'remote': ('(("', '"))')}
MERMAID_EDGES = {'veth': '---', 'port': '---', 'in': '-.-', 'vxlan': '-.-'}


def _mm(text):
    return (str(text).replace('&', '&amp;').replace('"', '#quot;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('|', '#124;'))


def mermaid(data, host='host', collapse=COLLAPSE, vxlan=None):
    model = data if isinstance(data, dict) and 'edges' in data and 'hosts' in data else graph(data, host, collapse, vxlan)
    out = ['flowchart LR']
    clusters = len([h for h in model['hosts'] if h['name'] is not None]) > 1
    for group in model['hosts']:
        if not group['nodes']:
            continue
        indent = '  '
        if clusters and group['name'] is not None:
            out.append('  subgraph cluster_%s["%s"]' % (_slug(group['name']), _mm(group['name'])))
            indent = '    '
        for node in group['nodes']:
            left, right = MERMAID_SHAPES[node['kind']]
            out.append('%s%s%s%s%s' % (indent, node['id'], left, '<br/>'.join(_mm(line) for line in node['lines']), right))
        if indent == '    ':
            out.append('  end')
    for edge in model['edges']:
        arrow = MERMAID_EDGES[edge['kind']]
        label = '|"%s"|' % _mm(edge['label']) if edge['label'] else ''
        out.append('  %s %s%s %s' % (edge['a'], arrow, label, edge['b']))
    kinds = sorted(set(n['kind'] for g in model['hosts'] for n in g['nodes']))
    styles = {'host': 'fill:#eeeeee', 'netns': 'fill:#e3f0fb', 'group': 'fill:#cfe3f6,stroke-width:3px',
              'bridge': 'fill:#fde9c8', 'tun': 'fill:#e6f5e1', 'vxlan': 'fill:#efe3f7', 'remote': 'stroke-dasharray:4'}
    for kind in kinds:
        out.append('  classDef %s %s' % (kind, styles[kind]))
        out.append('  class %s %s' % (','.join(n['id'] for g in model['hosts'] for n in g['nodes'] if n['kind'] == kind), kind))
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------- text

def text(data, host='host', collapse=COLLAPSE, vxlan=None):
    """The graph as an indented tree from each host node (then anything not reached from it). Several hosts:
    a heading per host; a link to another host's node is one line ``... on HOST`` (that host's tree has it)."""
    model = data if isinstance(data, dict) and 'edges' in data and 'hosts' in data else graph(data, host, collapse, vxlan)
    nodes = dict((n['id'], n) for g in model['hosts'] for n in g['nodes'])
    groups = [g for g in model['hosts'] if g['name'] is not None and g['nodes']]
    several = len(groups) > 1
    adjacent = {}
    for edge in model['edges']:
        adjacent.setdefault(edge['a'], []).append((edge, edge['b']))
        adjacent.setdefault(edge['b'], []).append((edge, edge['a']))
    seen, printed, out = set(), set(), []

    def summary(node):
        return '  '.join([str(node['lines'][0])] + [str(line) for line in node['lines'][1:]])

    def walk(ident, prefix, here):
        rows = []
        for edge, other in adjacent.get(ident, []):
            if id(edge) in printed:
                continue
            printed.add(id(edge))
            elsewhere = several and nodes[other]['host'] not in (None, here)
            rows.append((edge, other, 'on %s' % nodes[other]['host'] if elsewhere else 'above' if other in seen else None))
            if not elsewhere:
                seen.add(other)
        for i, (edge, other, ref) in enumerate(rows):
            last = i == len(rows) - 1
            link = {'in': '', 'vxlan': '~~%s~~> ' % edge['label']}.get(edge['kind'], '<=%s=> ' % edge['label'])
            shown = '%s (%s)' % (nodes[other]['lines'][0], ref) if ref else summary(nodes[other])
            out.append('%s%s%s%s' % (prefix, '`-- ' if last else '+-- ', link, shown))
            if not ref:
                walk(other, prefix + ('    ' if last else '|   '), here)

    for group in (groups if several else [{'name': None, 'nodes': [n for g in model['hosts'] for n in g['nodes']]}]):
        if several:
            if out:
                out.append('')
            out.append('== %s ==' % group['name'])
        roots = [n['id'] for n in group['nodes'] if n['kind'] == 'host'] + [n['id'] for n in group['nodes'] if n['kind'] != 'host']
        first = True
        for root in roots:
            if root in seen:
                continue
            seen.add(root)
            if out and not (several and first):
                out.append('')
            first = False
            out.append(summary(nodes[root]))
            walk(root, '', group['name'])
    return '\n'.join(out) + '\n'
