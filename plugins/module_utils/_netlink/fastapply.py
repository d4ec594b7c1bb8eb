# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a plan with its most frequent steps sent as raw netlink requests (see rawlink).

Same contract as apply.apply_plan: actions run in plan order, a refusal becomes an ApplyError
naming the action's object and option, and on failure the creations made so far are undone
(newest first). Steps this writer knows (namespace created without a fork, veth created with
its peer in place, link up/down/master/mtu/mac/alias, a bridge port's hairpin mode, address
add/delete) are encoded here; every other step goes to apply.apply_one (pyroute2).

Pipelining: a step on an object this run created (a namespace created by the plan, or a link
created by it, and everything inside such a namespace) is sent without waiting for its ack;
the acks are collected (matched by sequence number) before any step that touches something
that existed before the run, before any lookup and at the end. So a refusal may let later
steps on this run's own new objects go through, and those objects are removed by the undo;
nothing that existed before is ever changed after a refusal.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import socket

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import rawlink
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.apply import (
    IFA_F_NODAD, apply_one, kernel_error, undo)
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError, NetvirtError

MAX_CHANNELS = 64
# Requests in flight on one channel before their acks are collected: an ack the kernel cannot queue
# (the socket's receive buffer, 212992 bytes by default, holds a few hundred) is dropped and the next
# read fails with ENOBUFS. Measured: 1023 veths pipelined into one namespace overflowed it.
MAX_IN_FLIGHT = 128
_SET_KEYS = frozenset(['name', 'up', 'mtu', 'mac', 'master', 'alias'])
_VETH_KEYS = frozenset(['name', 'kind', 'peer', 'master', 'alias'])
_PORT_KEYS = frozenset(['name', 'hairpin'])


class Writer(object):
    """Raw netlink channels of one apply, requests in flight and the objects this run created."""

    def __init__(self, session, pipeline=True):
        self.session = session
        self.pipeline = pipeline
        self.channels = {}      # ref -> rawlink.Channel
        self.pending = []       # (channel, seq, action), in the order sent
        self.fresh_ns = set()
        self.fresh_links = set()

    # -- channels -----------------------------------------------------------------------
    def channel(self, ref):
        sock = self.session.raw_socket(ref)
        chan = self.channels.get(ref)
        if chan is None or chan.sock is not sock:
            chan = self.channels[ref] = rawlink.Channel(sock)
            self._limit(ref)
        return chan

    def _limit(self, keep):
        """At most MAX_CHANNELS namespaces' sockets stay open (oldest closed; reopened on demand)."""
        others = [r for r in self.channels if r is not None and r != keep]
        if len(others) < MAX_CHANNELS:
            return
        self.flush()
        for ref in others[:len(others) - MAX_CHANNELS + 1]:
            del self.channels[ref]
            self.session.close_raw(ref)

    # -- requests -----------------------------------------------------------------------
    def flush(self):
        """Collect the acks of every request in flight; the first refusal (in the order sent)
        becomes the ApplyError of its action."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        answers = {}
        for chan, _seq, _action in pending:
            if id(chan) not in answers:
                answers[id(chan)] = chan.collect()
        for chan, seq, action in pending:
            code = answers[id(chan)].get(seq, 0)
            if code:
                raise kernel_error(action, code)

    def drain(self):
        """Forget the requests in flight after a failure (their acks are read and dropped)."""
        pending, self.pending = self.pending, []
        for chan in set(p[0] for p in pending):
            try:
                chan.collect()
            except (IOError, OSError):
                chan.pending = set()

    def send(self, action, ref, msg_type, body, flags=0, defer=False):
        if not (defer and self.pipeline):
            self.flush()
        chan = self.channel(ref)
        seq = chan.send(msg_type, body, flags)
        if defer and self.pipeline:
            self.pending.append((chan, seq, action))
            if len(chan.pending) >= MAX_IN_FLIGHT:
                self.flush()
            return
        code = chan.collect()[seq]
        if code:
            raise kernel_error(action, code)

    def index(self, ref, name, action):
        found = self.session.cached_index(ref, name)
        if found:
            return found
        self.flush()
        found = self.channel(ref).link_index(name)
        if not found:
            raise ApplyError("%s failed: interface '%s' is not there any more" % (action.describe(), name),
                             action=action, option=action.option, obj=action.obj)
        self.session.remember_index(ref, name, found)
        return found

    def is_fresh(self, action):
        return action.netns in self.fresh_ns or (action.netns, action.params.get('name')) in self.fresh_links

    # -- steps --------------------------------------------------------------------------
    def run(self, action):
        """Apply one step raw; False when this writer does not know it (apply_one does it)."""
        op, params = action.op, action.params
        if op == 'netns_create' and params.get('nofork'):
            self.flush()
            self.session.create_here(params['name'], params.get('sysctls', ()), params.get('replace_empty', False))
            self.fresh_ns.add(params['name'])
            if params.get('loopback_up', False):
                self.send(action, params['name'], rawlink.RTM_NEWLINK,
                          rawlink.link_set(index=self.index(params['name'], 'lo', action), up=True), defer=True)
            return True
        if op == 'link_create' and params['kind'] == 'veth' and _VETH_KEYS.issuperset(params):
            return self._veth_create(action)
        if op == 'link_set' and _SET_KEYS.issuperset(params) and ('alias' not in params or params['alias']):
            return self._link_set(action)
        if op == 'port_set' and _PORT_KEYS.issuperset(params):
            return self._port_set(action)
        if op in ('addr_add', 'addr_del'):
            return self._addr(action, op == 'addr_add')
        return False

    def _veth_create(self, action):
        params, ref = action.params, action.netns
        peer = params['peer']
        pns = peer.get('netns', ref)
        master = self.index(ref, params['master'], action) if params.get('master') else None
        fd = self.session.fd(pns) if pns != ref else None
        self.send(action, ref, rawlink.RTM_NEWLINK, rawlink.veth_create(params['name'], peer['name'], fd, master),
                  rawlink.NLM_F_CREATE | rawlink.NLM_F_EXCL)
        self.fresh_links.add((ref, params['name']))
        self.fresh_links.add((pns, peer['name']))
        if params.get('alias'):
            # The kernel ignores IFLA_IFALIAS in a creating RTM_NEWLINK: a second request, naming
            # the new link (index 0 + IFLA_IFNAME).
            self.send(action, ref, rawlink.RTM_NEWLINK, rawlink.link_set(name=params['name'], alias=params['alias']),
                      defer=True)
        return True

    def _link_set(self, action):
        params, ref = action.params, action.netns
        kwargs = {}
        for key in ('up', 'mtu', 'mac', 'alias'):
            if key in params:
                kwargs[key] = params[key]
        if 'master' in params:
            kwargs['master'] = self.index(ref, params['master'], action) if params['master'] else 0
        index = self.session.cached_index(ref, params['name'])
        body = rawlink.link_set(index=index or 0, name=params['name'], **kwargs)
        self.send(action, ref, rawlink.RTM_NEWLINK, body, defer=self.is_fresh(action))
        return True

    def _port_set(self, action):
        params, ref = action.params, action.netns
        index = self.session.cached_index(ref, params['name'])
        body = rawlink.port_set(index=index or 0, name=params['name'], hairpin=params.get('hairpin'))
        self.send(action, ref, rawlink.RTM_NEWLINK, body, defer=self.is_fresh(action))
        return True

    def _addr(self, action, add):
        params, ref = action.params, action.netns
        iface = ipaddress.ip_interface(params['address'])
        index = self.index(ref, params['name'], action)
        family = socket.AF_INET6 if iface.version == 6 else socket.AF_INET
        broadcast = flags = None
        if add and iface.version == 6:
            flags = IFA_F_NODAD
        if add and iface.version == 4 and iface.network.prefixlen < 31:
            broadcast = iface.network.broadcast_address.packed
        body = rawlink.addr(family, index, iface.network.prefixlen, iface.ip.packed, broadcast, flags)
        if add:
            self.send(action, ref, rawlink.RTM_NEWADDR, body, rawlink.NLM_F_CREATE | rawlink.NLM_F_EXCL,
                      defer=self.is_fresh(action))
        else:
            self.send(action, ref, rawlink.RTM_DELADDR, body, defer=self.is_fresh(action))
        return True


def _run(writer, action):
    """One step through the writer, kernel and system errors as apply_one reports them."""
    try:
        return writer.run(action)
    except NetvirtError:
        raise
    except (IOError, OSError) as exc:
        raise kernel_error(action, exc.errno, exc.strerror)
    except ValueError as exc:
        raise ApplyError('%s failed: %s' % (action.describe(), exc), action=action, option=action.option,
                         obj=action.obj)


def apply_plan(session, actions, pipeline=True):
    """Apply in order (see the module doc); on a failure undo this run's creations, newest first,
    then re-raise the first error."""
    writer = Writer(session, pipeline)
    done = []
    try:
        for action in actions:
            if not _run(writer, action):
                writer.flush()
                apply_one(session, action)
            done.append(action)
        writer.flush()
    except NetvirtError:
        writer.drain()
        undo(session, done)
        raise
    except (IOError, OSError) as exc:
        # the socket itself failed (not a refusal of one request): undo all the same, and name
        # the step that was under way
        writer.drain()
        undo(session, done)
        raise kernel_error(actions[len(done)] if len(done) < len(actions) else actions[-1], exc.errno,
                           exc.strerror)
