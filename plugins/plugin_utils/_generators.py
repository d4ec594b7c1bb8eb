# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Graph generators that return netvirt.linux.topology arguments (the filters single, linear, tree,
torus, grid and meshnet_graph). Pure and deterministic: the same arguments give the same dict, on the
controller, without touching any kernel.

Mininet's shapes (mininet/topo.py, mininet/topolib.py): switches are Linux bridges in the namespace the
play runs in, hosts are namespaces with one veth to their switch, a switch-to-switch link is a veth
between two bridges (both ends in the play's namespace, each end a port of one bridge). Names are
Mininet's: hosts h1..hN (h1s2 / h1x2x1 where Mininet names them so), switches s1..sM (s1x1 in a torus),
interfaces NODE-ethPORT with Mininet's port numbers (a switch's ports count from 1 in the order its links
were added, a host's from 0). Host addresses are Mininet's too: from ip_base (10.0.0.0/8) in the natural
order of the host names, h1 10.0.0.1/8, h2 10.0.0.2/8, ...

meshnet-lab's shapes (topology.py grid4, and its JSON graph files): every node is a namespace ns-ID, each
link a veth straight between the two nodes' namespaces with a /30 (or /31) of its own; the end inside
node A towards node B is named ve-B (meshnet-lab's ve-A-B less the node's own id, since the end lives in
A's namespace).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import re

IFNAME_MAX = 15          # IFNAMSIZ - 1
BRIDGE_PORTS_MAX = 1023  # port numbers 1..1023: the kernel refuses the 1024th port (EXFULL); = _state.common.BRIDGE_MAX_PORTS
NODES_MAX = 65536        # namespaces one generator makes at most (a guard against a typo like depth=10)
TOPOLOGY_NAME_RE = re.compile(r'^[A-Za-z0-9_.-]{1,64}$')
PREFIX_RE = re.compile(r'^[A-Za-z0-9_.-]*$')
MESHNET_ID_RE = re.compile(r'^[A-Za-z0-9_-]{1,6}$')
# IEEE 802.1D timer rules: 2 x (forward_delay - 1) >= max_age >= 2 x (hello_time + 1); the smallest
# consistent set with hello 1 s. A bridge's ports forward about 2 x forward_delay after they come up.
STP_DEFAULTS = {'forward_delay': 4.0, 'hello_time': 1.0, 'max_age': 6.0}
MININET_IP_BASE = '10.0.0.0/8'


class GeneratorError(ValueError):
    """A bad argument; the message names the option."""


# -- argument checks ---------------------------------------------------------------------------
def _integer(value, option, low, high=None):
    if isinstance(value, bool):
        raise GeneratorError('option %s: expected an integer, got %r' % (option, value))
    if isinstance(value, str) and re.match(r'^\s*-?\d+\s*$', value):
        value = int(value)
    if not isinstance(value, int):
        raise GeneratorError('option %s: expected an integer, got %r' % (option, value))
    if value < low or (high is not None and value > high):
        bounds = 'at least %d' % low if high is None else '%d to %d' % (low, high)
        raise GeneratorError('option %s: %d is out of range (%s)' % (option, value, bounds))
    return value


def _required(value, option):
    if value is None:
        raise GeneratorError('option %s is required' % option)
    return value


def _boolean(value, option):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('yes', 'true', 'on', '1', 'no', 'false', 'off', '0'):
        return value.lower() in ('yes', 'true', 'on', '1')
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise GeneratorError('option %s: expected a boolean, got %r' % (option, value))


def _seconds(value, option):
    if value is None:
        return None
    if isinstance(value, bool):
        raise GeneratorError('option %s: expected a number of seconds, got %r' % (option, value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GeneratorError('option %s: expected a number of seconds, got %r' % (option, value))


def _topology_name(value):
    if not isinstance(value, str) or not TOPOLOGY_NAME_RE.match(value):
        raise GeneratorError('option name: %r is not a topology name (1 to 64 letters, digits, _, . or -)' % (value,))
    return value


def _prefix(value):
    if not isinstance(value, str) or not PREFIX_RE.match(value):
        raise GeneratorError('option prefix: %r is not valid (letters, digits, _, . or - only)' % (value,))
    return value


def _network(value, option='ip_base'):
    """An IPv4 network as Mininet's ipBase: 'A.B.C.D/P'; host bits allowed (they give the first address)."""
    try:
        iface = ipaddress.ip_interface(u'%s' % (value,))
    except ValueError:
        raise GeneratorError('option %s: %r is not an IPv4 network in CIDR form (like 10.0.0.0/8)' % (option, value))
    if iface.version != 4 or '/' not in u'%s' % (value,):
        raise GeneratorError('option %s: %r is not an IPv4 network in CIDR form (like 10.0.0.0/8)' % (option, value))
    return iface


def natural_key(text):
    """Mininet's natural order (mininet.util.natural): h2 before h10."""
    return [int(part) if part.isdigit() else part for part in re.split(r'(\d+)', text)]


class Options(object):
    """The options every generator shares, checked."""

    def __init__(self, name, prefix, ip_base, ipv6_quiet):
        self.name = _topology_name(name)
        self.prefix = _prefix(prefix)
        self.ip_base = _network(ip_base)
        self.ipv6_quiet = _boolean(ipv6_quiet, 'ipv6_quiet')

    def result(self):
        return {'name': self.name, 'ipv6_quiet': self.ipv6_quiet, 'namespaces': [], 'bridges': [], 'links': []}


def _check_count(count, what):
    if count > NODES_MAX:
        raise GeneratorError('%s: %d namespaces; a generator makes at most %d' % (what, count, NODES_MAX))


# -- address plans -------------------------------------------------------------------------------
def host_addresses(iface, count):
    """Mininet's plan: the hosts get ip_base's network + 1, + 2, ... (or from ip_base's host part when it has
    one), each with ip_base's prefix length. The network and broadcast addresses are never given."""
    net = iface.network
    if net.prefixlen > 30:
        raise GeneratorError('option ip_base: %s is too small for hosts (a prefix of /30 or shorter)' % iface)
    first = int(iface.ip) - int(net.network_address) or 1
    room = net.num_addresses - 1 - first   # up to, not including, the broadcast address
    if count > room:
        raise GeneratorError('option ip_base: %s holds %d host addresses from %s; this topology has %d hosts'
                             % (net, room, ipaddress.ip_address(int(net.network_address) + first), count))
    base = int(net.network_address) + first
    return ['%s/%d' % (ipaddress.ip_address(base + i), net.prefixlen) for i in range(count)]


def link_addresses(iface, count, prefixlen):
    """One /30 (or /31) per link, in link order from ip_base's network address: (A end, B end)."""
    net = iface.network
    size = 4 if prefixlen == 30 else 2
    if net.prefixlen > prefixlen:
        raise GeneratorError('option ip_base: %s is smaller than one /%d' % (net, prefixlen))
    room = net.num_addresses // size
    if count > room:
        raise GeneratorError('option ip_base: %s holds %d /%d networks; this topology has %d links'
                             % (net, room, prefixlen, count))
    base = int(net.network_address)
    first = 1 if size == 4 else 0
    out = []
    for i in range(count):
        a = base + i * size + first
        out.append(('%s/%d' % (ipaddress.ip_address(a), prefixlen), '%s/%d' % (ipaddress.ip_address(a + 1), prefixlen)))
    return out


# -- Mininet ---------------------------------------------------------------------------------------
class MininetTopo(object):
    """Mininet's Topo as far as names and port numbers go: addLink numbers a switch's ports from 1 and a
    host's from 0, in the order the links are added (mininet.topo.Topo.addPort)."""

    def __init__(self):
        self.hosts = []
        self.switches = []
        self.links = []     # (node1, port1, node2, port2)
        self._ports = {}
        self._switch = set()

    def add_host(self, name):
        self.hosts.append(name)
        self._ports[name] = 0
        return name

    def add_switch(self, name):
        self.switches.append(name)
        self._switch.add(name)
        self._ports[name] = 0
        return name

    def is_switch(self, name):
        return name in self._switch

    def add_link(self, one, two):
        ports = []
        for node in (one, two):
            ports.append(self._ports[node] + (1 if node in self._switch else 0))
            self._ports[node] += 1
        self.links.append((one, ports[0], two, ports[1]))

    def ports(self, name):
        return self._ports[name]


class MininetOptions(Options):

    def __init__(self, name, prefix, ip_base, ipv6_quiet, stp, forward_delay, hello_time, max_age):
        super(MininetOptions, self).__init__(name, prefix, ip_base, ipv6_quiet)
        self.stp = _boolean(stp, 'stp')
        self.timers = {}
        for option, value in (('forward_delay', forward_delay), ('hello_time', hello_time), ('max_age', max_age)):
            value = _seconds(value, option)
            if value is None and self.stp:
                value = STP_DEFAULTS[option]
            if value is not None:
                self.timers[option] = value


def _ifname(name, option, what):
    if len(name.encode('utf-8')) > IFNAME_MAX:
        raise GeneratorError("option %s: the interface name '%s' (%s) would be %d characters; Linux allows %d"
                             % (option, name, what, len(name.encode('utf-8')), IFNAME_MAX))
    return name


def render_mininet(topo, opts, size_option):
    """topology arguments for a MininetTopo: bridges for switches, namespaces for hosts."""
    out = opts.result()
    prefix = opts.prefix
    # a name too long with an empty prefix is the size's fault, otherwise the prefix's
    blame = 'prefix' if prefix else size_option
    if topo.switches:
        longest = max(('%s-eth%d' % (s, topo.ports(s)) for s in topo.switches), key=len)
        if prefix and len(prefix + longest) > IFNAME_MAX:
            raise GeneratorError("option prefix: %r makes bridge port names up to %d characters long (%r); Linux allows "
                                 "%d, so a prefix of at most %d characters here"
                                 % (prefix, len(prefix + longest), prefix + longest, IFNAME_MAX, IFNAME_MAX - len(longest)))
    hosts = sorted(topo.hosts, key=natural_key)
    addresses = dict(zip(hosts, host_addresses(opts.ip_base, len(hosts))))
    for switch in topo.switches:
        if topo.ports(switch) > BRIDGE_PORTS_MAX:
            raise GeneratorError('option %s: switch %s would have %d ports; a Linux bridge takes at most %d'
                                 % (size_option, switch, topo.ports(switch), BRIDGE_PORTS_MAX))
        bridge = {'name': _ifname(prefix + switch, blame, 'bridge of switch %s' % switch), 'stp': opts.stp}
        bridge.update(opts.timers)
        out['bridges'].append(bridge)
    out['namespaces'] = [{'name': prefix + host} for host in hosts]

    def end(node, port):
        name = '%s-eth%d' % (node, port)
        if topo.is_switch(node):
            return {'name': _ifname(prefix + name, blame, 'port %d of switch %s' % (port, node)), 'master': prefix + node}
        return {'name': _ifname(name, size_option, 'interface of host %s' % node), 'netns': prefix + node,
                'addresses': [addresses[node]]}

    for one, port1, two, port2 in topo.links:
        first, second = end(one, port1), end(two, port2)
        if not topo.is_switch(one) and topo.is_switch(two):
            first, second = second, first    # the bridge port is the end made in the play's namespace
        first['peer'] = second
        out['links'].append(first)
    return out


def single(k=2, name='single', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=False,
           forward_delay=None, hello_time=None, max_age=None):
    """Mininet's SingleSwitchTopo(k): switch s1, hosts h1..hk."""
    k = _integer(k, 'k', 1)
    opts = MininetOptions(name, prefix, ip_base, ipv6_quiet, stp, forward_delay, hello_time, max_age)
    _check_count(k, 'option k')
    topo = MininetTopo()
    switch = topo.add_switch('s1')
    for h in range(1, k + 1):
        topo.add_link(topo.add_host('h%d' % h), switch)
    return render_mininet(topo, opts, 'k')


def linear(k=2, n=1, name='linear', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=False,
           forward_delay=None, hello_time=None, max_age=None):
    """Mininet's LinearTopo(k, n): switches s1..sk in a line, n hosts on each (h1..hk when n is 1,
    else hJsI: host J of switch I)."""
    k = _integer(k, 'k', 1)
    n = _integer(n, 'n', 1)
    opts = MininetOptions(name, prefix, ip_base, ipv6_quiet, stp, forward_delay, hello_time, max_age)
    _check_count(k * n, 'options k and n')
    topo = MininetTopo()
    last = None
    for i in range(1, k + 1):
        switch = topo.add_switch('s%d' % i)
        for j in range(1, n + 1):
            topo.add_link(topo.add_host('h%d' % i if n == 1 else 'h%ds%d' % (j, i)), switch)
        if last:
            topo.add_link(switch, last)
        last = switch
    return render_mininet(topo, opts, 'k' if n == 1 else 'n')


def tree(depth=1, fanout=2, name='tree', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=False,
         forward_delay=None, hello_time=None, max_age=None):
    """Mininet's TreeTopo(depth, fanout): a switch at every inner node, fanout children each, hosts
    h1..h(fanout**depth) at the leaves, numbered depth first (s1 the root)."""
    depth = _integer(depth, 'depth', 1, 64)
    fanout = _integer(fanout, 'fanout', 1)
    opts = MininetOptions(name, prefix, ip_base, ipv6_quiet, stp, forward_delay, hello_time, max_age)
    _check_count(fanout ** depth, 'options depth and fanout (%d ** %d hosts)' % (fanout, depth))
    topo = MininetTopo()
    counters = {'host': 1, 'switch': 1}

    def add_tree(level):
        # Mininet's TreeTopo.addTree: a switch, then each child's whole subtree and the link to it
        if level == 0:
            name = topo.add_host('h%d' % counters['host'])
            counters['host'] += 1
            return name
        node = topo.add_switch('s%d' % counters['switch'])
        counters['switch'] += 1
        for _i in range(fanout):
            child = add_tree(level - 1)
            topo.add_link(node, child)
        return node

    add_tree(depth)
    return render_mininet(topo, opts, 'fanout')


def torus(x, y=None, n=1, name='torus', prefix='', ip_base=MININET_IP_BASE, ipv6_quiet=True, stp=True,
          forward_delay=None, hello_time=None, max_age=None):
    """Mininet's TorusTopo(x, y, n): an x by y grid of switches sIxJ wrapped at both edges, n hosts on each
    (hIxJ when n is 1, else hIxJxK). It has loops: the bridges need STP."""
    x = _integer(x, 'x', 3)
    y = _integer(_required(y, 'y'), 'y', 3)
    n = _integer(n, 'n', 1)
    opts = MininetOptions(name, prefix, ip_base, ipv6_quiet, stp, forward_delay, hello_time, max_age)
    if not opts.stp:
        raise GeneratorError('option stp: a torus has loops; its bridges need STP (stp: true), or every '
                             'broadcast circles forever')
    _check_count(x * y * n, 'options x, y and n')
    topo = MininetTopo()
    switches = {}
    for i in range(x):
        for j in range(y):
            loc = '%dx%d' % (i + 1, j + 1)
            switch = switches[i, j] = topo.add_switch('s' + loc)
            for h in range(1, n + 1):
                topo.add_link(topo.add_host('h%s' % loc if n == 1 else 'h%sx%d' % (loc, h)), switch)
    for i in range(x):
        for j in range(y):
            topo.add_link(switches[i, j], switches[i, (j + 1) % y])
            topo.add_link(switches[i, j], switches[(i + 1) % x, j])
    return render_mininet(topo, opts, 'x')


# -- meshnet-lab -----------------------------------------------------------------------------------
class LinkOptions(Options):

    def __init__(self, name, prefix, ip_base, ipv6_quiet, link_prefix):
        super(LinkOptions, self).__init__(name, prefix, ip_base, ipv6_quiet)
        self.link_prefix = _integer(link_prefix, 'link_prefix', 30, 31)


def render_links(nodes, edges, opts):
    """Every node a namespace PREFIX+ID; every edge (A, B) a veth ve-B in A's namespace to ve-A in B's, with
    the edge's /30 (A gets the first address)."""
    out = opts.result()
    prefix = opts.prefix
    _check_count(len(nodes), 'the graph')
    for node in nodes:
        if len(prefix + node) > 255:
            raise GeneratorError('option prefix: namespace name %r is too long' % (prefix + node))
    out['namespaces'] = [{'name': prefix + node} for node in nodes]
    for (one, two), (addr1, addr2) in zip(edges, link_addresses(opts.ip_base, len(edges), opts.link_prefix)):
        out['links'].append({
            'name': _ifname('ve-' + two, 'nodes', 'end in node %s towards %s' % (one, two)),
            'netns': prefix + one, 'addresses': [addr1],
            'peer': {'name': _ifname('ve-' + one, 'nodes', 'end in node %s towards %s' % (two, one)),
                     'netns': prefix + two, 'addresses': [addr2]},
        })
    return out


def meshnet_id(number):
    """meshnet-lab's node ids: four hex digits (more when needed)."""
    return '%04x' % number


def grid(x, y=None, name='grid', prefix='ns-', ip_base=MININET_IP_BASE, ipv6_quiet=True, link_prefix=30):
    """meshnet-lab's grid4 (topology.py grid4 X Y): x by y nodes, each linked to its right and lower
    neighbour; node (i, j) is ID i + j * x (hex), at the i-th column of the j-th row."""
    x = _integer(x, 'x', 1)
    y = _integer(_required(y, 'y'), 'y', 1)
    opts = LinkOptions(name, prefix, ip_base, ipv6_quiet, link_prefix)
    _check_count(x * y, 'options x and y')
    nodes = [meshnet_id(i + j * x) for j in range(y) for i in range(x)]
    edges = []
    for j in range(y):
        for i in range(x):
            here = meshnet_id(i + j * x)
            if i + 1 < x:
                edges.append((here, meshnet_id(i + 1 + j * x)))
            if j + 1 < y:
                edges.append((here, meshnet_id(i + (j + 1) * x)))
    return render_links(nodes, edges, opts)


def _node_id(value, where):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise GeneratorError('%s: a node id is a string or an integer, got %r' % (where, value))
    text = u'%s' % (value,)
    if not MESHNET_ID_RE.match(text):
        raise GeneratorError('%s: node id %r is not valid (1 to 6 letters, digits, _ or -, as meshnet-lab '
                             'requires)' % (where, text))
    return text


def meshnet_graph(data, name='meshnet', prefix='ns-', ip_base=MININET_IP_BASE, ipv6_quiet=True, link_prefix=30):
    """A meshnet-lab JSON graph ({"nodes": [{"id": ...}], "links": [{"source": ..., "target": ...}]}, as a
    dict or as JSON text): the nodes (listed ones first, in order, then those only links name), the links in
    order; a link given twice (either way round) counts once, other fields are ignored."""
    opts = LinkOptions(name, prefix, ip_base, ipv6_quiet, link_prefix)
    if isinstance(data, (bytes, bytearray)):
        data = data.decode('utf-8')
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise GeneratorError('input: not a JSON graph (%s)' % exc)
    if not isinstance(data, dict):
        raise GeneratorError('input: expected a meshnet-lab graph (a dict with links and nodes), got %s'
                             % type(data).__name__)
    listed, links = data.get('nodes') or [], data.get('links') or []
    if not isinstance(listed, list) or not isinstance(links, list):
        raise GeneratorError('input: nodes and links must be lists')
    nodes, seen = [], set()

    def add(node):
        if node not in seen:
            seen.add(node)
            nodes.append(node)

    for index, node in enumerate(listed):
        if not isinstance(node, dict) or 'id' not in node:
            raise GeneratorError('input nodes[%d]: expected a dict with an id, got %r' % (index, node))
        add(_node_id(node['id'], 'input nodes[%d].id' % index))
    edges, pairs = [], set()
    for index, link in enumerate(links):
        if not isinstance(link, dict) or 'source' not in link or 'target' not in link:
            raise GeneratorError('input links[%d]: expected a dict with source and target, got %r' % (index, link))
        one = _node_id(link['source'], 'input links[%d].source' % index)
        two = _node_id(link['target'], 'input links[%d].target' % index)
        if one == two:
            raise GeneratorError('input links[%d]: links node %s to itself' % (index, one))
        add(one)
        add(two)
        pair = frozenset((one, two))
        if pair not in pairs:
            pairs.add(pair)
            edges.append((one, two))
    return render_links(nodes, edges, opts)
