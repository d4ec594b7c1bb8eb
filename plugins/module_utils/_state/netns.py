# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces (/var/run/netns/NAME), as `ip netns add|delete` makes them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

NETNS_DIR = '/var/run/netns'
# IPv6 off, written while inside a new namespace (no link-local address, so no DAD and MLD packets
# that a bridge floods to every port): desired['ipv6_off'], which topology's ipv6_quiet sets.
IPV6_OFF = (('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1'),
            ('/proc/sys/net/ipv6/conf/all/disable_ipv6', '1'))


class NetnsKind(Kind):
    """desired may also carry, from a composite kind (topology): ``nofork`` (create the namespace
    on the calling thread, Session.create_here) and ``ipv6_off`` (IPV6_OFF written at creation)."""
    argument_spec = {
        'name': {'type': 'str'},
        'state': {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
        'loopback': {'type': 'bool', 'default': True},
    }

    def locks(self, desired):
        return [desired['name']]

    def desired(self, params):
        name = params.get('name')
        if name is None:
            ref = validate.netns_ref(params.get('netns'), 'netns')
            if ref is None or ref.isdigit():
                raise ValidationError('option name: the name of the namespace is required (or set netns to a '
                                      'namespace name or path, for example through module_defaults)', 'name')
            name = ref
        if isinstance(name, str) and name.startswith('/'):
            name = validate.netns_path(name, 'name', 'namespace')
        else:
            name = validate.netns_name(name, 'name', 'namespace')
        return {'name': name, 'state': params['state'], 'loopback': params['loopback']}

    def observe(self, session, desired, ctx):
        name = desired['name']
        if name.startswith('/'):
            # A namespace bound at a path of its own (as Docker's /var/run/docker/netns/<id>).
            exists = session.is_netns_file(name, option='name', obj='namespace %s' % name)
        else:
            # Exact match of one file name: 'mario' is not 'mario2'.
            exists = name in session.named() and common.namespace_exists(session, name, 'name', 'namespace %s' % name)
        out = {'exists': exists, 'loopback_up': None, 'ids': (None, None)}
        if exists:
            lo = session.links(name, peers=False).get('lo')
            out['loopback_up'] = bool(lo and lo['up'])
            out['ids'] = self.ids(session, name)
        return out

    def plan(self, desired, observed, ctx):
        plan = Plan()
        name = desired['name']
        obj = 'namespace %s' % name
        before = self.picture(observed['exists'], observed['loopback_up'])
        if desired['state'] == 'absent':
            if observed['exists']:
                plan.add('netns_delete', None, obj, {'name': name}, text='delete namespace %s' % name)
            plan.record(obj, before, self.picture(False, None))
            return plan
        if not observed['exists']:
            undo = Action('netns_delete', None, obj, {'name': name}, text='delete namespace %s' % name)
            params, text = {'name': name}, 'create namespace %s' % name
            if desired.get('nofork'):
                params['nofork'] = True
            if desired.get('ipv6_off'):
                params['sysctls'] = [list(p) for p in IPV6_OFF]
                text += ' with IPv6 off'
            plan.add('netns_create', None, obj, params, undo=undo, text=text)
            lo_now = False
        else:
            lo_now = observed['loopback_up']
        if desired['loopback'] != lo_now:
            plan.add('link_set', name, 'lo of namespace %s' % name, {'name': 'lo', 'up': desired['loopback']},
                     option='loopback', text='set lo %s' % ('up' if desired['loopback'] else 'down'))
        plan.record(obj, before, self.picture(True, desired['loopback']))
        return plan

    @staticmethod
    def picture(exists, loopback_up):
        if not exists:
            return {'state': 'absent'}
        return {'state': 'present', 'loopback': 'up' if loopback_up else 'down'}

    def result(self, desired, observed, plan, ctx):
        exists = plan.after['namespace %s' % desired['name']]['state'] == 'present'
        ids = observed['ids'] if exists and not ctx.check_mode else (None, None)
        return self.returned(desired, exists, ids)

    def read_back(self, session, desired, observed, ctx):
        exists = desired['state'] == 'present'
        return self.returned(desired, exists, self.ids(session, desired['name']) if exists else (None, None))

    @staticmethod
    def ids(session, name):
        """(nsid seen from the current namespace, inode) of an existing namespace; Nones if it is gone."""
        if not session.exists(name):
            return (None, None)
        return (session.nsid(None, name), session.identity(name)[1])

    @staticmethod
    def returned(desired, exists, ids):
        name = desired['name']
        # 'path' is nested: a top-level 'path' makes Ansible add file attributes to the result.
        path = name if name.startswith('/') else '%s/%s' % (NETNS_DIR, name)
        ns = {'name': name, 'path': path, 'nsid': ids[0], 'inode': ids[1], 'exists': exists}
        return {'namespace': ns, 'nsid': ns['nsid']}
