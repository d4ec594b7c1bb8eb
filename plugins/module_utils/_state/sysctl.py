# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-namespace network sysctl keys (net.*), read and written through /proc/sys inside the namespace."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import re

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

PROC_SYS = '/proc/sys'
MAX_KEY = 1024
_COMPONENT_RE = re.compile(r'^[A-Za-z0-9_.@:+-]+$')
_CONTROL_RE = re.compile(u'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
# Directories whose fourth component is an interface name (which may contain dots: eth0.100).
_IFACE_DIRS = (('ipv4', 'conf'), ('ipv6', 'conf'), ('ipv4', 'neigh'), ('ipv6', 'neigh'), ('mpls', 'conf'))
_TRUE = ('yes', 'true', 'on')
_FALSE = ('no', 'false', 'off')


def key_components(name, option='name'):
    """The components of a net.* key under /proc/sys.

    Accepts the dotted form (``net.ipv4.conf.eth0.rp_filter``) and the slash form
    (``net/ipv4/conf/eth0.1/forwarding``). In the dotted form, the interface part of
    ``net.ipv{4,6}.{conf,neigh}.IFACE.KEY`` may hold dots (``net.ipv4.conf.eth0.1.forwarding``: the
    last part is the key, as no key there has a dot), and, as in sysctl(8), a ``/`` stands for a dot
    inside one component (``net.ipv4.conf.eth0/1.forwarding``)."""
    text = validate._text(name).strip() if name is not None else ''
    obj = 'sysctl %s' % text if text else 'sysctl'
    if not text:
        raise ValidationError('option %s: a key is required (for example net.ipv4.ip_forward)' % option, option)
    if text.startswith('/'):
        hint = text[len(PROC_SYS):].lstrip('/') if text.startswith(PROC_SYS + '/') else None
        raise ValidationError("option %s of %s: a key is written without a leading '/'%s"
                              % (option, obj, " (write '%s')" % hint if hint else ''), option, obj)
    if len(text) > MAX_KEY:
        raise ValidationError('option %s of %s: the key is longer than %d characters' % (option, obj, MAX_KEY),
                              option, obj)
    if text.startswith('net/'):
        parts = text.split('/')
    elif text.startswith('net.'):
        parts = [p.replace('/', '.') for p in text.split('.')]
        if len(parts) >= 6 and (parts[1], parts[2]) in _IFACE_DIRS and '' not in parts:
            parts = parts[:3] + ['.'.join(parts[3:-1]), parts[-1]]
    else:
        raise ValidationError("option %s of %s: '%s' is not a net.* key; this module only manages the network "
                              "keys each namespace has of its own (net.ipv4.ip_forward, "
                              "net.ipv4.conf.all.rp_filter, ...); use ansible.posix.sysctl for the others"
                              % (option, obj, text), option, obj)
    if len(parts) < 2:
        raise ValidationError("option %s of %s: '%s' is a group of keys, not a key" % (option, obj, text),
                              option, obj)
    for part in parts:
        if part in ('', '.', '..') or not _COMPONENT_RE.match(part):
            raise ValidationError("option %s of %s: '%s' is not a valid key (each part: letters, digits and "
                                  "_ . - @ : +, parts separated by '.' or '/', no empty part, no '..')"
                                  % (option, obj, text), option, obj)
    return parts


def dotted(parts):
    """The name as sysctl(8) prints it: parts joined by '.', a dot inside a part written '/'."""
    return '.'.join(p.replace('.', '/') for p in parts)


def interface_of(parts):
    """The interface a key is about (net.ipv4.conf.IFACE.x), or None (also for all/default)."""
    if len(parts) == 5 and (parts[1], parts[2]) in _IFACE_DIRS and parts[3] not in ('all', 'default'):
        return parts[3]
    return None


def normalise(value):
    """Compare values the way the kernel prints them: white space runs are one space."""
    return ' '.join(value.split())


def value_text(value, option='value', obj=None):
    """The value to write: yes/no/true/false/on/off become 1/0 (as ansible.posix.sysctl does)."""
    if value is None:
        raise ValidationError('option %s of %s: a value is required' % (option, obj), option, obj)
    if isinstance(value, bool):
        return '1' if value else '0'
    raw = validate._text(value).strip()
    if '\n' in raw or '\r' in raw or _CONTROL_RE.search(raw):
        # normalise() would make '1\n0' '1 0': the kernel takes the first number, the file write
        # is short, and the rest is written again as the next value (ip_forward ends up 0). A tab
        # stays a separator (sysctl -a prints ip_local_port_range with one).
        raise ValidationError("option %s of %s: the value %s holds a line break or other control characters; give "
                              "one line (several numbers separated by spaces)" % (option, obj, repr(raw).lstrip('u')),
                              option, obj)
    text = normalise(raw)
    if text.lower() in _TRUE:
        return '1'
    if text.lower() in _FALSE:
        return '0'
    if not text:
        raise ValidationError('option %s of %s: the value is empty' % (option, obj), option, obj)
    if _CONTROL_RE.search(text):
        raise ValidationError('option %s of %s: the value holds control characters' % (option, obj), option, obj)
    return text


class SysctlKind(Kind):
    argument_spec = {
        'name': {'type': 'str', 'required': True},
        'value': {'type': 'str', 'required': True},
        'state': {'type': 'str', 'default': 'present', 'choices': ['present']},
        'verify': {'type': 'bool', 'default': True},
    }

    def desired(self, params):
        parts = key_components(params['name'])
        given = validate._text(params['name']).strip()
        obj = 'sysctl %s' % given
        return {
            'label': given,
            'obj': obj,
            'name': dotted(parts),
            'path': '/'.join([PROC_SYS] + parts),
            'interface': interface_of(parts),
            'netns': validate.netns_ref(params.get('netns'), 'netns', obj),
            'value': value_text(params['value'], 'value', obj),
            'verify': params['verify'],
        }

    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        obj = desired['obj']
        if not common.namespace_exists(session, netns, 'netns', obj):
            if ctx.check_mode:
                ctx.warn('%s does not exist; check mode plans %s as if an earlier task created it'
                         % (ns_label(netns), obj))
                return {'netns': netns, 'value': None}
            session.fd(netns, option='netns', obj=obj)  # raises the error naming the option
        try:
            raw = session.read_sysctl(netns, desired['path'])
        except (IOError, OSError) as exc:
            iface = desired['interface']
            if exc.errno == errno.ENOENT and iface and ctx.check_mode:
                ctx.warn("%s: interface '%s' is not in %s; check mode assumes an earlier task creates it"
                         % (obj, iface, ns_label(netns)))
                return {'netns': netns, 'value': None}
            raise NetvirtError(self.read_error(desired, netns, exc), option='name', obj=obj)
        return {'netns': netns, 'value': normalise(raw)}

    @staticmethod
    def read_error(desired, netns, exc):
        obj, path = desired['obj'], desired['path']
        where = ns_label(netns)
        if exc.errno == errno.ENOENT:
            hint = ''
            if desired['interface']:
                hint = "; is interface '%s' in %s?" % (desired['interface'], where)
            return 'option name of %s: no such key in %s (no %s there%s)' % (obj, where, path, hint)
        if exc.errno == errno.EISDIR:
            return 'option name of %s: %s is a group of keys in %s, not a key' % (obj, path, where)
        if exc.errno in (errno.EACCES, errno.EPERM):
            return ('option name of %s: %s cannot be read in %s (a write-only key, such as a flush trigger, '
                    'has no state to manage)' % (obj, path, where))
        return 'option name of %s: reading %s in %s failed: %s' % (obj, path, where, exc.strerror or exc)

    def plan(self, desired, observed, ctx):
        plan = Plan()
        netns = observed['netns']
        have, want = observed['value'], desired['value']
        if have != want:
            plan.add('sysctl_set', netns, desired['obj'], {'path': desired['path'], 'value': want}, option='value',
                     text="set %s to '%s'" % (desired['obj'], want))
        key = self.key(desired, observed)
        plan.record(key, {'name': desired['name'], 'value': have}, {'name': desired['name'], 'value': want})
        return plan

    def result(self, desired, observed, plan, ctx):
        return {'name': desired['name'], 'value': desired['value'], 'previous_value': observed['value'],
                'netns': observed['netns']}

    def read_back(self, session, desired, observed, ctx):
        """After the write: what the kernel kept. With verify, anything else than the value fails."""
        netns = observed['netns']
        try:
            value = normalise(session.read_sysctl(netns, desired['path']))
        except (IOError, OSError) as exc:
            raise NetvirtError('option value of %s: reading it back in %s after the write failed: %s'
                               % (desired['obj'], ns_label(netns), exc.strerror or exc), option='value',
                               obj=desired['obj'])
        return {'value': check_kept(desired, netns, value)}


def check_kept(desired, netns, value):
    if desired['verify'] and value != desired['value']:
        raise NetvirtError("option value of %s: the kernel kept '%s' in %s after '%s' was written (it refused or "
                           "rewrote the value; write it as the kernel prints it, or set verify=false)"
                           % (desired['obj'], value, ns_label(netns), desired['value']), option='value',
                           obj=desired['obj'])
    return value
