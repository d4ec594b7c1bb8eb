# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veth pairs: both ends, each in any namespace, created in place under their final names."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, netem, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

END_OPTIONS = ('mac', 'master', 'hairpin', 'addresses', 'up')     # what each end of the pair has of its own
# the egress impairment of one end (netvirt.linux.netem's options, and its force)
IMPAIRMENT = {'type': 'dict', 'options': dict(netem.IMPAIRMENT_SPEC, force={'type': 'bool', 'default': False})}


def observe_qdiscs(session, desired, links, netns, peer_netns):
    """{(ref, name): qdiscs} of the ends with an impairment that exist (and fail now, in check mode
    too, when netem is wanted from a kernel without it)."""
    out = {}
    ends = ((desired['end'], netns, desired['name'], ''),)
    if desired.get('peer'):
        ends += ((desired['peer'], peer_netns, desired['peer']['name'], 'peer.'),)
    for end, ref, name, prefix in ends:
        if not end.get('impairment'):
            continue
        link = links.get(ref, {}).get(name)
        found = session.qdiscs(ref, link['index']) if link is not None and link.get('index') else None
        out[(ref, name)] = found
        netem.need_netem(session, end['impairment']['imp'], found, desired['obj'], prefix + 'impairment.')
    return out


def plan_impairments(plan, desired, observed, after, after_peer):
    """The qdisc steps of both ends (after the pair exists and is up); pictures in ``after``."""
    qdiscs = observed.get('qdiscs') or {}
    ends = ((desired['end'], observed['netns'], desired['name'], '', after),
            (desired['peer'], observed['peer_netns'], desired['peer']['name'], 'peer.', after_peer))
    for end, ref, name, prefix, picture in ends:
        if not end.get('impairment'):
            continue
        _before, wanted = netem.plan_impairment(plan, ref, name, desired['obj'], end['impairment']['imp'],
                                                qdiscs.get((ref, name)), end['impairment']['force'],
                                                prefix + 'impairment.')
        picture['impairment'] = wanted


class VethKind(Kind):
    """desired may also carry, from a composite kind (topology): ``alias`` (the ownership mark a new
    veth is created with) and ``attach_in_create`` (a new veth is attached to its bridge in the
    creating message instead of a second one)."""
    argument_spec = common.options(
        'name', 'state', 'mtu', 'purge_addresses', *END_OPTIONS,
        impairment=IMPAIRMENT,
        peer={'type': 'dict', 'options': common.options('name', *END_OPTIONS, netns={'type': 'raw'},
                                                        impairment=IMPAIRMENT)}
    )
    module_kwargs = {'required_if': [('state', 'present', ('peer',))]}
    returns = 'veth'

    def locks(self, desired):
        out = [desired.get('netns')]
        if desired.get('peer'):
            out.append(desired['peer'].get('netns'))
        return out

    def desired(self, params):
        name = validate.ifname(params['name'], 'name', 'veth')
        obj = 'veth %s' % name
        netns = validate.netns_ref(params.get('netns'), 'netns', obj)
        out = {
            'name': name, 'obj': obj, 'netns': netns, 'state': params['state'],
            'mtu': validate.mtu(params.get('mtu'), 'mtu', obj),
            'purge_addresses': params['purge_addresses'],
            'end': self._end(params, '', obj),
            'peer': None,
        }
        peer = params.get('peer')
        if peer:
            pname = validate.ifname(peer['name'], 'peer.name', obj)
            pnetns = validate.netns_ref(peer.get('netns'), 'peer.netns', obj) if peer.get('netns') is not None \
                else netns
            out['peer'] = {'name': pname, 'netns': pnetns}
            out['peer'].update(self._end(peer, 'peer.', obj))
            if pnetns == netns:
                mine = dict((c.split('/')[0], c) for c in out['end']['addresses'] or [])
                for cidr in out['peer']['addresses'] or []:
                    if cidr.split('/')[0] in mine:
                        raise ValidationError("option peer.addresses of %s: %s is also given to this end (%s), in %s; "
                                              "an address belongs to one interface"
                                              % (obj, cidr.split('/')[0], mine[cidr.split('/')[0]], ns_label(netns)),
                                              'peer.addresses', obj)
        return out

    @staticmethod
    def _end(params, prefix, obj):
        master = params.get('master')
        if master is not None and master != '':
            master = validate.ifname(master, prefix + 'master', obj)
        given = params.get('impairment')
        out = {}
        if given is not None:    # {} (or only force): no impairment, the kernel's default qdisc
            out['impairment'] = {'imp': netem.impairment(given, obj, prefix + 'impairment.'),
                                 'force': bool(given.get('force'))}
        out.update({
            'mac': validate.mac(params.get('mac'), prefix + 'mac', obj),
            'master': master,
            'addresses': common.addresses(params.get('addresses'), prefix + 'addresses', obj, params.get('name')),
            'up': params.get('up'),
        })
        if params.get('hairpin') is not None:    # only when given: left as it is otherwise
            out['hairpin'] = params['hairpin']
        return out

    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        refs = [(netns, 'netns')]
        peer_netns = None
        if desired['peer']:
            peer_netns = session.register(desired['peer']['netns'])
            refs.append((peer_netns, 'peer.netns'))
        links = common.observe_links(session, refs, ctx, obj='veth %s' % desired['name'])
        link = links[netns].get(desired['name'])
        if link and link.get('peer') and link['peer'].get('name') and link['peer']['netns'] not in links:
            links[link['peer']['netns']] = session.links(link['peer']['netns'])
        out = {'netns': netns, 'peer_netns': peer_netns, 'links': links}
        if desired['state'] == 'present':
            out['qdiscs'] = observe_qdiscs(session, desired, links, netns, peer_netns)
        return out

    def plan(self, desired, observed, ctx):
        plan = Plan()
        name, netns = desired['name'], observed['netns']
        links = observed['links']
        link = links[netns].get(name)
        obj = 'veth %s' % name
        key = self.key(desired, observed)
        common.refuse_other_kind(link, 'veth', 'veth', obj, name, netns, desired['state'])
        before = self.picture(link, netns, links)
        if desired['state'] == 'absent':
            return common.plan_link_absent(plan, link, netns, obj, key, before, 'delete %s and its peer' % obj,
                                           option=None)

        peer = desired['peer']
        pns = observed['peer_netns']
        pname = peer['name']
        plinks = links[pns]
        if link is None:
            if pns == netns and pname == name:
                raise ValidationError("option peer.name of %s: both ends are in %s, so the peer needs another "
                                      "name than '%s'" % (obj, ns_label(netns), name), 'peer.name', obj)
            taken = plinks.get(pname)
            if taken is not None:
                raise ValidationError("option peer.name of %s: '%s' is already taken in %s (by a %s)"
                                      % (obj, pname, ns_label(pns), taken['kind']), 'peer.name', obj)
            undo = Action('link_delete', netns, obj, {'name': name}, text='delete %s' % obj)
            text = 'create %s with peer %s in %s' % (obj, pname, ns_label(pns))
            params = {'name': name, 'kind': 'veth', 'peer': {'name': pname, 'netns': pns}}
            have_main, have_peer = None, None
            if desired.get('alias'):
                params['alias'] = desired['alias']
            master = desired['end']['master']
            if desired.get('attach_in_create') and master:
                params['master'] = master
                text += ', attached to bridge %s' % master
                have_main = {'master': master}
            plan.add('link_create', netns, obj, params, option='name', undo=undo, text=text)
        else:
            have_main = link
            have_peer = self._plan_peer_place(plan, obj, link, pns, pname, links,
                                              owned=bool(desired.get('alias')) and link.get('alias') == desired['alias'])
        ends = ((desired['end'], netns, 'master', have_main), (peer, pns, 'peer.master', have_peer))
        for end, ref, option, have in ends:
            if desired.get('ports_counted'):
                have = {'master': end['master']}    # the composite counts the ports over its whole plan
            common.check_master(links[ref], end['master'], ref, option, obj, ctx, have)
        main_want = dict(desired['end'], mtu=desired['mtu'])
        peer_want = dict((k, peer[k]) for k in common.LINK_ATTRS + ('hairpin',) if k in peer)
        peer_want['mtu'] = desired['mtu']
        after_main = common.plan_link_attrs(plan, netns, name, 'veth', main_want, have_main,
                                            desired['purge_addresses'])
        after_peer = common.plan_link_attrs(plan, pns, pname, 'veth peer', peer_want, have_peer,
                                            desired['purge_addresses'], 'peer.')
        after = common.link_picture(dict(after_main, kind='veth'), netns)
        after['peer'] = common.link_picture(dict(after_peer, kind='veth', name=pname), pns, extra={'name': pname})
        after['peer'].pop('kind', None)
        after['peer'].pop('state', None)
        plan_impairments(plan, desired, observed, after, after['peer'])
        if link is not None:
            seen_peer = link.get('peer') or {}
            seen_peer = links.get(seen_peer.get('netns'), {}).get(seen_peer.get('name'))
            self.hairpin_pictures(before, desired, link, seen_peer)
        for pic, end, ref, ename in ((before, desired['end'], netns, name),
                                     (before.get('peer'), peer, pns, pname)):
            if pic is not None and end.get('impairment') and link is not None:
                found = (observed.get('qdiscs') or {}).get((ref, ename))
                pic['impairment'] = netem.picture_of(*netem.tree(found or []))
        plan.record(key, before, after)
        return plan

    @staticmethod
    def _plan_peer_place(plan, obj, link, pns, pname, links, owned=False):
        """Bring the existing peer to the wanted namespace and name; return it as it will be.

        Only a pair marked as the caller's own (``owned``: topology's ownership alias) has its
        other end moved or renamed. Any other existing pair whose other end is not ``pname`` in
        ``pns`` is not the pair the task describes (it may be someone else's: a container's eth0),
        and is refused: a re-run of a task that made the pair always finds the peer in place, and a
        deliberate move or rename is a netvirt.linux.interface task."""
        peer = link.get('peer') or {}
        if not peer.get('name'):
            raise ValidationError("option peer.netns of %s: its peer is in a namespace that has no name or path "
                                  "known on this host (nsid %s); delete the pair or give that namespace a name"
                                  % (obj, peer.get('nsid')), 'peer.netns', obj)
        cur_ns, cur_name = peer['netns'], peer['name']
        have = dict(links.get(cur_ns, {}).get(cur_name) or {'name': cur_name})
        if cur_ns == pns and cur_name == pname:
            return have
        clash = links[pns].get(pname)
        if clash is not None and not (cur_ns == pns and cur_name == pname):
            raise ValidationError("option peer.name of %s: '%s' is already taken in %s (by a %s), so the peer "
                                  "cannot be %s there" % (obj, pname, ns_label(pns), clash['kind'],
                                                          'moved' if cur_ns != pns else 'renamed'),
                                  'peer.name', obj)
        if not owned:
            option = 'peer.name' if cur_name != pname else 'peer.netns'
            raise ValidationError(
                "option %s of %s: %s already exists and is paired with '%s' in %s, not with '%s' in %s; refusing "
                "to %s the other end of an existing pair (it may belong to someone else). Give the peer as it is, "
                "move or rename it with netvirt.linux.interface, or delete the pair (state: absent) first"
                % (option, obj, obj, cur_name, ns_label(cur_ns), pname, ns_label(pns),
                   'move' if cur_ns != pns else 'rename'), option, obj)
        if cur_ns != pns:
            params = {'name': cur_name, 'to': pns}
            if cur_name != pname:
                params['new_name'] = pname
            as_name = ' as %s' % pname if cur_name != pname else ''
            plan.add('link_move', cur_ns, 'veth peer %s' % cur_name, params, option='peer.netns',
                     text='move peer %s of %s to %s%s' % (cur_name, obj, ns_label(pns), as_name))
            # A moved interface arrives down, with no addresses and no master.
            have.update({'up': False, 'addresses': [], 'master': None, 'brport': None})
        else:
            plan.add('link_set', cur_ns, 'veth peer %s' % cur_name, {'name': cur_name, 'new_name': pname},
                     option='peer.name', text='rename peer %s of %s to %s' % (cur_name, obj, pname))
        have['name'] = pname
        return have

    @staticmethod
    def hairpin_pictures(pic, desired, link, peer_link):
        """The hairpin mode of the ends whose option hairpin the task gives, in ``pic`` (before, or
        read back): None for an end that is no bridge port."""
        if desired['end'].get('hairpin') is not None:
            pic['hairpin'] = common.hairpin_of(link)
        if (desired.get('peer') or {}).get('hairpin') is not None and pic.get('peer') is not None:
            pic['peer']['hairpin'] = common.hairpin_of(peer_link)

    @staticmethod
    def picture(link, netns, links):
        if link is None:
            return {'state': 'absent'}
        pic = common.link_picture(link, netns)
        peer = link.get('peer') or {}
        peer_link = links.get(peer.get('netns'), {}).get(peer.get('name')) if peer.get('name') else None
        pic['peer'] = {'name': peer.get('name'), 'netns': peer.get('netns')}
        if peer_link:
            for k in common.LINK_ATTRS:
                pic['peer'][k] = peer_link.get(k)
        return pic

    def read_back(self, session, desired, observed, ctx):
        links = {observed['netns']: session.links(observed['netns'])}
        link = links[observed['netns']].get(desired['name'])
        if link and link.get('peer') and link['peer'].get('name'):
            pref = link['peer']['netns']
            if pref not in links:
                links[pref] = session.links(pref)
        pic = self.picture(link, observed['netns'], links)
        if link is not None and desired['state'] == 'present':
            peer = link.get('peer') or {}
            self.hairpin_pictures(pic, desired, link, links.get(peer.get('netns'), {}).get(peer.get('name')))
        if link is not None:
            for target, end, ref, ename in ((pic, desired['end'], observed['netns'], desired['name']),
                                            (pic.get('peer'), desired['peer'], observed['peer_netns'],
                                             desired['peer']['name'] if desired['peer'] else None)):
                if target is not None and end and end.get('impairment'):
                    index = session.index(ref, ename)
                    target['impairment'] = netem.picture_of(*netem.tree(session.qdiscs(ref, index) if index else []))
        return {'veth': pic}
