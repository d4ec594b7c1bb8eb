# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply one action of a plan, and turn kernel errors into messages naming the object and option."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import ipaddress
import os

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import parse
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import tc
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import tuntap
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError, NetvirtError

IFA_F_NODAD = 0x02
IFA_F_NOPREFIXROUTE = 0x200
RT_SCOPE_LINK = 253
RT_SCOPE_NOWHERE = 255

# errno -> what it means for a network engineer, by op (None: any op)
_MEANINGS = {
    errno.EEXIST: {None: 'it already exists',
                   'link_create': 'an interface of that name already exists (in this namespace, or the peer '
                                  'name in the peer namespace)',
                   'addr_add': 'the address is already assigned',
                   'route_add': 'a route to that destination already exists'},
    errno.ENODEV: {None: 'no such interface'},
    errno.ENOENT: {None: 'no such object',
                   'tun_create': '/dev/net/tun is missing (the tun driver is not loaded: modprobe tun)'},
    errno.ESRCH: {None: 'no such route'},
    errno.ERANGE: {None: 'a value is out of range'},
    errno.EINVAL: {None: 'invalid argument',
                   ('link_create', 'link'): 'the kernel refuses this parent for this kind of device (a macvlan: '
                                            'the parent carries a passthru macvlan, or passthru is asked beside '
                                            'other macvlans of it, which may be in other namespaces; or the '
                                            'parent is no Ethernet device)',
                   ('link_create', 'mode'): 'the kernel refuses this mode on that parent (a passthru macvlan '
                                            'takes its parent alone, also against macvlans in other namespaces)',
                   'link_move': 'the kernel refuses to move this device to another namespace '
                                '(bridges, loopback, vxlan and other netns-local devices cannot move)'},
    errno.EOPNOTSUPP: {None: 'not supported by this kernel or this kind of interface',
                       'link_create': 'this kernel has no driver for this kind of interface (built without it, '
                                      'or its module is not loaded: modprobe it), or cannot make it so',
                       'link_set': 'not supported by this kernel or this kind of interface (for example '
                                   'vlan_filtering on a kernel without bridge VLAN support, or a master '
                                   'that is not a bridge)',
                       'port_set': 'the interface is not a port of a bridge (hairpin mode belongs to a bridge port)',
                       # (op, option): a meaning for one option of one op
                       ('link_set', 'vlan_filtering'): 'this kernel lacks bridge VLAN filtering (it was built '
                                                       'without CONFIG_BRIDGE_VLAN_FILTERING), so the bridge '
                                                       'cannot filter by VLAN; leave vlan_filtering unset'},
    errno.ENETUNREACH: {None: 'the gateway is not reachable: no address of the namespace is on its subnet'},
    errno.EHOSTUNREACH: {None: 'the gateway is not reachable: no route to it (no address of the namespace is on '
                               'its subnet)'},
    errno.EADDRNOTAVAIL: {None: 'the address is not assigned, or not usable here'},
    errno.EPERM: {None: 'permission denied (managing network namespaces needs root: CAP_NET_ADMIN and '
                        'CAP_SYS_ADMIN)'},
    errno.EACCES: {None: 'permission denied',
                   'addr_add': 'permission denied: IPv6 is disabled on this interface '
                               '(net.ipv6.conf.<interface>.disable_ipv6 is 1)'},
    errno.EBUSY: {None: 'the device is busy',
                  ('link_create', 'link'): 'the parent is busy: it is a port of a bridge or bond, whose receive '
                                           'hook the kernel cannot share',
                  'tun_set': 'the tun/tap is in use by a process, which holds it (stop the process first)',
                  ('link_set', 'ports'): 'the interface cannot be a port of a bond (a bridge, or one the kernel '
                                         'keeps busy)'},
    errno.ENOTCONN: {None: 'the link has no carrier peer yet'},
    errno.ENOTEMPTY: {None: 'the object is not empty',
                      'link_set': 'the bond has ports (the kernel changes its mode only without ports)'},
}


def explain(code, op, option=None):
    table = _MEANINGS.get(code)
    if table is None:
        try:
            return os.strerror(code)
        except (TypeError, ValueError):
            return 'error %s' % code
    if option is not None and (op, option) in table:
        return table[(op, option)]
    return table.get(op, table[None])


def _errname(code):
    if code == errno.EOPNOTSUPP:
        return 'EOPNOTSUPP'  # errorcode says ENOTSUP (same number on Linux); iproute2 says this
    return errno.errorcode.get(code, str(code))


def _index(session, ref, name, action):
    if hasattr(session, 'index'):
        found = session.index(ref, name)
        found = [found] if found else []
    else:
        found = session.socket(ref).link_lookup(ifname=name)
    if not found:
        raise ApplyError("%s failed: interface '%s' is not there any more" % (action.describe(), name),
                         action=action, option=action.option, obj=action.obj)
    return found[0]


def _drop_index(session, ref, name):
    if hasattr(session, 'drop_index'):
        session.drop_index(ref, name)


# -- namespaces -----------------------------------------------------------------------------
def _netns_create(session, action):
    if action.params.get('nofork'):
        session.create_here(action.params['name'], action.params.get('sysctls', ()),
                            action.params.get('replace_empty', False))
    else:
        session.create_named(action.params['name'])
        for path, value in action.params.get('sysctls', ()):
            session.write_sysctl(action.params['name'], path, value)
    if action.params.get('loopback_up', False):
        sock = session.socket(action.params['name'])
        sock.link('set', index=_index(session, action.params['name'], 'lo', action), state='up')


def _netns_delete(session, action):
    session.remove_named(action.params['name'])


# -- links ----------------------------------------------------------------------------------
_BRIDGE_KEYS = {'stp': 'br_stp_state', 'forward_delay': 'br_forward_delay', 'hello_time': 'br_hello_time',
                'max_age': 'br_max_age', 'ageing_time': 'br_ageing_time', 'vlan_filtering': 'br_vlan_filtering'}


def bridge_kwargs(options):
    kwargs = {}
    for key, value in options.items():
        if key in ('stp', 'vlan_filtering'):
            kwargs[_BRIDGE_KEYS[key]] = 1 if value else 0
        elif key in _BRIDGE_KEYS:
            kwargs[_BRIDGE_KEYS[key]] = parse.seconds_to_centis(value)
    return kwargs


def vxlan_kwargs(session, action, options):
    """Plain vxlan options -> pyroute2's IFLA_VXLAN_* keywords. pyroute2 encodes the port in
    network byte order itself (both 0.7.2 and 0.9.x); 'dev' is looked up in the action's namespace."""
    kwargs = {}
    if 'vni' in options:
        kwargs['vxlan_id'] = options['vni']
    if 'port' in options:
        kwargs['vxlan_port'] = options['port']
    if 'ttl' in options and options['ttl'] is not None:
        kwargs['vxlan_ttl'] = options['ttl']
    if 'learning' in options and options['learning'] is not None:
        kwargs['vxlan_learning'] = 1 if options['learning'] else 0
    for key in ('remote', 'group'):
        if options.get(key):
            six = ipaddress.ip_address(options[key]).version == 6
            kwargs['vxlan_group6' if six else 'vxlan_group'] = options[key]
    if options.get('local'):
        six = ipaddress.ip_address(options['local']).version == 6
        kwargs['vxlan_local6' if six else 'vxlan_local'] = options['local']
    if options.get('dev'):
        kwargs['vxlan_link'] = _index(session, action.netns, options['dev'], action)
    return kwargs


MACVLAN_MODES = {'private': 1, 'vepa': 2, 'bridge': 4, 'passthru': 8, 'source': 16}
MACVLAN_MACADDR = {'add': 0, 'del': 1}
VLAN_PROTOCOLS = {'802.1Q': 0x8100, '802.1ad': 0x88a8}


def kind_kwargs(params):
    """The IFLA_INFO_DATA keywords of a vlan or macvlan (create and change alike)."""
    kwargs = {}
    vlan = params.get('vlan')
    if vlan:
        kwargs['kind'] = 'vlan'
        if vlan.get('id') is not None:
            kwargs['vlan_id'] = vlan['id']
        if vlan.get('protocol'):
            kwargs['vlan_protocol'] = VLAN_PROTOCOLS[vlan['protocol']]
    macvlan = params.get('macvlan')
    if macvlan:
        kwargs['kind'] = 'macvlan'
        if macvlan.get('mode'):
            kwargs['macvlan_mode'] = MACVLAN_MODES[macvlan['mode']]
    return kwargs


def bond_kwargs(session, action, options):
    """Plain bond options -> pyroute2's IFLA_BOND_* keywords (the same in 0.7.2 and 0.9.x; measured).
    Modes and policies by name (parse.BOND_MODES...); 'primary' is looked up in the action's namespace
    ('' or None: no primary, sent as 0)."""
    kwargs = {}
    if options.get('mode') is not None:
        kwargs['bond_mode'] = parse.BOND_MODES.index(options['mode'])
    for key in ('miimon', 'arp_interval'):
        if options.get(key) is not None:
            kwargs['bond_' + key] = options[key]
    if options.get('arp_ip_target') is not None:
        kwargs['bond_arp_ip_target'] = list(options['arp_ip_target'])
    if options.get('xmit_hash_policy') is not None:
        kwargs['bond_xmit_hash_policy'] = parse.BOND_HASH_POLICIES.index(options['xmit_hash_policy'])
    if options.get('lacp_rate') is not None:
        kwargs['bond_ad_lacp_rate'] = parse.BOND_LACP_RATES.index(options['lacp_rate'])
    if 'primary' in options:
        kwargs['bond_primary'] = _index(session, action.netns, options['primary'], action) if options['primary'] else 0
    return kwargs


def _link_create(session, action):
    params = action.params
    ref = action.netns
    kwargs = {'ifname': params['name'], 'kind': params['kind']}
    if params['kind'] == 'veth':
        peer = params['peer']
        kwargs['peer'] = {'ifname': peer['name']}
        if peer.get('netns', ref) != ref:
            kwargs['peer']['net_ns_fd'] = session.fd(peer['netns'])
    if params['kind'] == 'bridge':
        kwargs.update(bridge_kwargs(params.get('bridge', {})))
    if params['kind'] == 'vxlan':
        kwargs.update(vxlan_kwargs(session, action, params.get('vxlan', {})))
    kwargs.update(kind_kwargs(params))
    if params.get('link'):
        # The parent is looked up in the action's namespace; the device may be made straight in another.
        kwargs['link'] = _index(session, ref, params['link'], action)
    if params.get('target_netns', ref) != ref:
        kwargs['net_ns_fd'] = session.fd(params['target_netns'])
    if params['kind'] == 'bond':
        options = dict(params.get('bond', {}))
        options.pop('primary', None)     # a port of the bond: set once the ports are in (see below)
        kwargs.update(bond_kwargs(session, action, options))
    if params.get('master'):
        kwargs['master'] = _index(session, ref, params['master'], action)
    if params.get('mtu'):
        kwargs['mtu'] = params['mtu']
    if params.get('up'):
        kwargs['state'] = 'up'   # not for a veth: its peer is not up yet (ENOTCONN)
    session.socket(ref).link('add', **kwargs)
    if params.get('alias'):
        # The kernel ignores IFLA_IFALIAS in a creating RTM_NEWLINK: a second message, which
        # names the link (index 0 + IFLA_IFNAME: the kernel looks it up) instead of a lookup first.
        session.socket(ref).link('set', index=0, ifname=params['name'], ifalias=params['alias'])
    if params['kind'] == 'bond' and (params.get('ports') or (params.get('bond') or {}).get('primary')):
        _bond_ports(session, action, params)


def _bond_ports(session, action, params):
    """A bond made again as it was (an undo): its ports taken back (each set down first: the kernel
    refuses to enslave an interface that is up, EPERM), then its primary."""
    sock = session.socket(action.netns)
    bond = _index(session, action.netns, params['name'], action)
    for port in params.get('ports') or ():
        index = _index(session, action.netns, port, action)
        sock.link('set', index=index, state='down')
        sock.link('set', index=index, master=bond)
    primary = (params.get('bond') or {}).get('primary')
    if primary:
        sock.link('set', index=bond, kind='bond', **bond_kwargs(session, action, {'primary': primary}))


def _link_delete(session, action):
    sock = session.socket(action.netns)
    found = sock.link_lookup(ifname=action.params['name'])
    if found:
        sock.link('del', index=found[0])
    _drop_index(session, action.netns, action.params['name'])


def _link_set(session, action):
    params = dict(action.params)
    ref = action.netns
    name = params.pop('name')
    sock = session.socket(ref)
    index = _index(session, ref, name, action)
    kwargs = {}
    if 'mtu' in params:
        kwargs['mtu'] = params['mtu']
    if 'mac' in params:
        kwargs['address'] = params['mac']
    if 'alias' in params:
        kwargs['ifalias'] = params['alias'] or ''
    if 'master' in params:
        kwargs['master'] = _index(session, ref, params['master'], action) if params['master'] else 0
    if 'new_name' in params:
        kwargs['ifname'] = params['new_name']
    if 'bridge' in params:
        kwargs['kind'] = 'bridge'
        kwargs.update(bridge_kwargs(params['bridge']))
    if 'vxlan' in params:
        kwargs['kind'] = 'vxlan'
        kwargs.update(vxlan_kwargs(session, action, params['vxlan']))
    kwargs.update(kind_kwargs(params))
    if 'macvlan_mac' in params:
        # One source MAC added to or removed from a macvlan of mode source.
        kwargs['kind'] = 'macvlan'
        kwargs['macvlan_macaddr_mode'] = MACVLAN_MACADDR[params['macvlan_mac']['op']]
        kwargs['macvlan_macaddr'] = params['macvlan_mac']['mac']
    if 'bond' in params:
        kwargs['kind'] = 'bond'
        kwargs.update(bond_kwargs(session, action, params['bond']))
    if 'up' in params:
        kwargs['state'] = 'up' if params['up'] else 'down'
    sock.link('set', index=index, **kwargs)
    if 'new_name' in params:
        _drop_index(session, ref, name)


def _link_move(session, action):
    params = action.params
    sock = session.socket(action.netns)
    index = _index(session, action.netns, params['name'], action)
    kwargs = {'net_ns_fd': session.fd(params['to'])}
    if params.get('new_name'):
        kwargs['ifname'] = params['new_name']
    sock.link('set', index=index, **kwargs)
    _drop_index(session, action.netns, params['name'])
    session.forget_nsids()


def _port_set(session, action):
    """Options of a bridge port (the interface must be one): hairpin mode, IFLA_BRPORT_MODE, as
    `bridge link set dev NAME hairpin on|off` sends it (RTM_SETLINK, AF_BRIDGE, IFLA_PROTINFO) through
    pyroute2's brport (measured the same on 0.7.2 and 0.9.7; EOPNOTSUPP on an interface with no master)."""
    params = action.params
    index = _index(session, action.netns, params['name'], action)
    kwargs = {}
    if 'hairpin' in params:
        kwargs['mode'] = 1 if params['hairpin'] else 0
    session.socket(action.netns).brport('set', index=index, **kwargs)


# -- addresses and routes -------------------------------------------------------------------
def _addr(session, action, command):
    ref = action.netns
    iface = ipaddress.ip_interface(action.params['address'])
    index = _index(session, ref, action.params['name'], action)
    kwargs = {'index': index, 'address': str(iface.ip), 'prefixlen': iface.network.prefixlen}
    if iface.version == 6 and command == 'add':
        kwargs['IFA_FLAGS'] = IFA_F_NODAD
    if iface.version == 4 and command == 'add':
        kwargs['broadcast'] = str(iface.network.broadcast_address) if iface.network.prefixlen < 31 else None
        if kwargs['broadcast'] is None:
            del kwargs['broadcast']
    session.socket(ref).addr(command, **kwargs)


def _addr_add(session, action):
    _addr(session, action, 'add')


def _addr_del(session, action):
    _addr(session, action, 'del')


def _route_kwargs(session, action):
    params = action.params
    kwargs = {'family': 10 if params['family'] == 'ipv6' else 2,
              'dst': params['dst'] if params['dst'] != 'default' else ('::/0' if params['family'] == 'ipv6'
                                                                       else '0.0.0.0/0')}
    if params.get('table') is not None:
        kwargs['table'] = params['table']
    if params.get('metric') is not None:
        kwargs['priority'] = params['metric']
    if params.get('gateway'):
        kwargs['gateway'] = params['gateway']
    if params.get('dev'):
        kwargs['oif'] = _index(session, action.netns, params['dev'], action)
    return kwargs


def _route_add(session, action):
    kwargs = _route_kwargs(session, action)
    if action.params['family'] != 'ipv6' and not action.params.get('gateway'):
        kwargs['scope'] = RT_SCOPE_LINK   # a direct route, as `ip route add NET dev DEV` makes it
    session.socket(action.netns).route('replace', **kwargs)


def _route_del(session, action):
    # scope "nowhere" matches a route of any scope, as `ip route del` does.
    session.socket(action.netns).route('del', scope=RT_SCOPE_NOWHERE, **_route_kwargs(session, action))


# -- forwarding database entries of a vxlan device ------------------------------------------
def _fdb(session, action, command):
    params = action.params
    index = _index(session, action.netns, params['name'], action)
    session.socket(action.netns).fdb(command, ifindex=index, lladdr=params.get('mac', parse.ZERO_MAC),
                                     dst=params['dst'])


def _fdb_append(session, action):
    _fdb(session, action, 'append')


def _fdb_del(session, action):
    _fdb(session, action, 'del')


# -- VLANs of a bridge port (or of the bridge itself) --------------------------------------
def _vlan(session, action, command):
    """`bridge vlan add|del dev NAME vid N [pvid] [untagged] [self]` through pyroute2's vlan_filter
    (RTM_SETLINK/RTM_DELLINK, AF_BRIDGE, IFLA_AF_SPEC; measured the same on 0.7.2 and 0.9.7)."""
    params = action.params
    index = _index(session, action.netns, params['name'], action)
    info = {'vid': params['vid']}
    flags = [f for f in ('pvid', 'untagged') if params.get(f)]
    if flags and command == 'add':
        info['flags'] = flags
    kwargs = {'index': index, 'vlan_info': info}
    if params.get('self'):
        kwargs['vlan_flags'] = 'self'     # the bridge's own VLANs (without it: EOPNOTSUPP)
    session.socket(action.netns).vlan_filter(command, **kwargs)


def _vlan_add(session, action):
    _vlan(session, action, 'add')


def _vlan_del(session, action):
    _vlan(session, action, 'del')


# -- sysctl ---------------------------------------------------------------------------------
def _sysctl_set(session, action):
    session.write_sysctl(action.netns, action.params['path'], action.params['value'])


def _handover(session, action):
    """An object handed from one owner to another (topology: a namespace another topology lists
    too): only the owners' records change, which the kind writes itself; nothing in the kernel."""


OPS = {
    'handover': _handover,
    'netns_create': _netns_create,
    'netns_delete': _netns_delete,
    'link_create': _link_create,
    'link_delete': _link_delete,
    'link_set': _link_set,
    'link_move': _link_move,
    'port_set': _port_set,
    'addr_add': _addr_add,
    'addr_del': _addr_del,
    'route_add': _route_add,
    'route_del': _route_del,
    'sysctl_set': _sysctl_set,
    'tun_create': tuntap.tun_create,
    'tun_set': tuntap.tun_set,
    'fdb_append': _fdb_append,
    'fdb_del': _fdb_del,
    'qdisc_add': tc.qdisc_add,
    'qdisc_change': tc.qdisc_change,
    'qdisc_delete': tc.qdisc_delete,
    'vlan_add': _vlan_add,
    'vlan_del': _vlan_del,
}


def apply_one(session, action):
    """Run one action; kernel refusals become ApplyError naming the object and the option."""
    try:
        OPS[action.op](session, action)
    except NetvirtError:
        raise
    except loader.NetlinkError as exc:
        code = getattr(exc, 'code', None)
        raise ApplyError(_message(action, code), action=action, errno=code, option=action.option,
                         obj=action.obj)
    except (IOError, OSError) as exc:
        raise ApplyError(_message(action, exc.errno, exc.strerror), action=action, errno=exc.errno,
                         option=action.option, obj=action.obj)
    except ValueError as exc:
        raise ApplyError('%s failed: %s' % (action.describe(), exc), action=action, option=action.option,
                         obj=action.obj)


# Link kinds some kernels are built without: creating one there is refused with EOPNOTSUPP.
KIND_CONFIG = {'bond': 'CONFIG_BONDING'}


def _message(action, code, fallback=None):
    meaning = explain(code, action.op, action.option) if code is not None else (fallback or 'failed')
    kind = (action.params or {}).get('kind') if action.op == 'link_create' else None
    if code == errno.EOPNOTSUPP and kind in KIND_CONFIG:
        meaning = 'this kernel has no %s devices (it was built without %s, or the module is not loaded)' % (
            kind, KIND_CONFIG[kind])
    option = " (option %s)" % action.option if action.option else ''
    name = ' [%s]' % _errname(code) if code is not None else ''
    return "%s failed%s: %s%s" % (action.describe(), option, meaning, name)


def kernel_error(action, code, fallback=None):
    """The ApplyError for an action the kernel refused with errno ``code`` (for writers that
    talk to the kernel without pyroute2, see fastapply)."""
    return ApplyError(_message(action, code, fallback), action=action, errno=code, option=action.option,
                      obj=action.obj)


def apply_plan(session, actions):
    """Apply in order. When a step fails, undo the creations made so far (newest first) so that a
    failed task leaves nothing half-made, then re-raise the first error."""
    done = []
    for action in actions:
        try:
            apply_one(session, action)
        except NetvirtError:
            undo(session, done)
            raise
        done.append(action)


def undo(session, done):
    """Undo the creations among ``done`` (the steps applied so far), newest first; an undo that
    fails is passed over (the first error is the one reported)."""
    for previous in reversed(done):
        if previous.undo is not None:
            try:
                apply_one(session, previous.undo)
            except NetvirtError:
                pass
