# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces (/var/run/netns/NAME), as `ip netns add|delete` makes them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import validate
from ansible_collections.netvirt.linux.plugins.module_utils._state.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._state.plan import Action, Plan
from ansible_collections.netvirt.linux.plugins.module_utils._state.runner import Kind

NETNS_DIR = '/var/run/netns'


class NetnsKind(Kind):
    argument_spec = {
        'name': {'type': 'str'},
        'state': {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
        'loopback': {'type': 'bool', 'default': True},
    }

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
            exists = name in session.named() and session.exists(name)
        out = {'exists': exists, 'loopback_up': None}
        if exists:
            lo = session.links(name, peers=False).get('lo')
            out['loopback_up'] = bool(lo and lo['up'])
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
            plan.add('netns_create', None, obj, {'name': name}, undo=undo, text='create namespace %s' % name)
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
        name = desired['name']
        # 'path' is nested: a top-level 'path' makes Ansible add file attributes to the result.
        path = name if name.startswith('/') else '%s/%s' % (NETNS_DIR, name)
        ns = {'name': name, 'path': path, 'nsid': None, 'inode': None,
              'exists': plan.after['namespace %s' % name]['state'] == 'present'}
        session = ctx.session
        if not ctx.check_mode and ns['exists'] and session.exists(name):
            ns['nsid'] = session.nsid(None, name)
            ns['inode'] = session.identity(name)[1]
        return {'namespace': ns, 'nsid': ns['nsid']}
