# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Egress qdiscs through pyroute2's tc support (``IPRoute.tc``, ``get_qdiscs``): read into plain
data, and the ops ``qdisc_add`` / ``qdisc_change`` / ``qdisc_delete``.

Measured on pyroute2 0.7.2 and 0.9.7 (kernel 6.18), what works the same on both:

- ``tc('add'|'change', 'tbf', index, handle, parent=, rate=BYTES_PER_S, burst=BYTES, limit=BYTES)``:
  pyroute2 computes the bucket in ticks itself (calc_xmittime, as tc does) and sends the 32-bit
  rate (no TCA_TBF_RATE64: at most 2**32-1 bytes/s). An integer rate is taken as bytes/s.
- ``tc('add'|'change', 'netem', ...)`` with delay/jitter in microseconds (sent as 32-bit ticks, no
  TCA_NETEM_LATENCY64), the probabilities in percent, ``limit`` in packets. 0.7.2 sends
  ``duplicate`` unconverted (a percentage of 100 would be sent as 100/2**32), 0.9 converts it:
  the difference is found from pyroute2's own encoder (``loader.netem_duplicate_is_u32``), not from
  the version. Neither can send a delay distribution table (sched_netem: "TODO"), and the kernel
  dumps none, so only netem's uniform jitter is offered. pyroute2 leaves TCA_NETEM_CORR / REORDER
  / CORRUPT out when they are 0, and the kernel then keeps the old values: the planner rebuilds
  the qdisc when one of them goes back to 0 (``_state.netem.NETEM_KEPT``).
- ``tc('del', None, index, handle, parent=TC_H_ROOT)`` (no kind: 0.9.7's tbf ``fix_request``
  fails on a delete with KeyError 'rate'); the kernel then attaches its default qdisc again
  (noqueue on a veth, pfifo_fast on eth0 here). Deleting a child of tbf would graft noop (all
  packets dropped), so the planner never deletes a child alone.
- ``get_qdiscs(index=)``: TCA_KIND, ``handle``, ``parent``, TCA_OPTIONS decoded (tbf: TCA_TBF_PARMS
  rate/limit/buffer; netem: the tc_netem_qopt fields and TCA_NETEM_CORR/REORDER/CORRUPT).
  The default child (bfifo) of a tbf is not dumped.
- Costs (load 0.9, 2 CPUs): a tbf change 0.24-0.39 ms, a qdisc dump of one interface 0.15-0.41 ms
  (0.7.2 / 0.9.7).
- This machine's kernel is built without sch_netem (CONFIG_NET_SCH_NETEM): adding netem fails with
  ENOENT, reported as such (tbf, htb and ingress are built in).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError

TC_H_ROOT = 0xffffffff
_U32 = 2 ** 32 - 1

# canonical netem key -> pyroute2 sched_netem keyword (percentages)
NETEM_PERCENT_KW = (('loss', 'loss'), ('loss_corr', 'loss_corr'), ('duplicate', 'duplicate'),
                    ('dup_corr', 'dup_corr'), ('corrupt', 'prob_corrupt'), ('corrupt_corr', 'corr_corrupt'),
                    ('reorder', 'prob_reorder'), ('reorder_corr', 'corr_reorder'), ('delay_corr', 'delay_corr'))
MISSING_QDISC = {'netem': 'this kernel has no netem qdisc (built without CONFIG_NET_SCH_NETEM; try modprobe sch_netem)',
                 'tbf': 'this kernel has no tbf qdisc (built without CONFIG_NET_SCH_TBF; try modprobe sch_tbf)'}


def _get(nla, name, default=0):
    if nla is None:
        return default
    try:
        value = nla[name]
    except (KeyError, TypeError, IndexError):
        value = None
    if value is None:
        try:
            value = nla.get(name)
        except (AttributeError, TypeError):
            value = None
    return default if value is None else value


def _nested(nla, name):
    try:
        return nla.get_attr(name)
    except (AttributeError, KeyError, TypeError):
        return None


def plain_options(kind, opts):
    """TCA_OPTIONS as pyroute2 decoded them -> the plain canonical dict of _state.netem."""
    if opts is None:
        return {}
    if kind == 'tbf':
        parms = _nested(opts, 'TCA_TBF_PARMS')
        return {'rate': _get(parms, 'rate'), 'buffer': _get(parms, 'buffer'), 'limit': _get(parms, 'limit')}
    if kind == 'netem':
        out = dict((k, _get(opts, k)) for k in ('delay', 'jitter', 'limit', 'loss', 'gap', 'duplicate'))
        corr = _nested(opts, 'TCA_NETEM_CORR')
        reorder = _nested(opts, 'TCA_NETEM_REORDER')
        corrupt = _nested(opts, 'TCA_NETEM_CORRUPT')
        out.update({'delay_corr': _get(corr, 'delay_corr'), 'loss_corr': _get(corr, 'loss_corr'),
                    'dup_corr': _get(corr, 'dup_corr'), 'reorder': _get(reorder, 'prob_reorder'),
                    'reorder_corr': _get(reorder, 'corr_reorder'), 'corrupt': _get(corrupt, 'prob_corrupt'),
                    'corrupt_corr': _get(corrupt, 'corr_corrupt')})
        return out
    return {}


def plain_qdisc(msg):
    kind = msg.get_attr('TCA_KIND')
    return {'kind': kind, 'handle': msg['handle'], 'parent': msg['parent'],
            'options': plain_options(kind, msg.get_attr('TCA_OPTIONS'))}


def qdiscs(sock, index):
    """The qdiscs of interface ``index`` (plain dicts: kind, handle, parent, options)."""
    return [plain_qdisc(m) for m in sock.get_qdiscs(index=index) if m['index'] == index]


def supported(sock, kind):
    """Whether adding a ``kind`` qdisc works (on ``lo`` of the namespace of ``sock``: a scratch one)."""
    kwargs = {'netem': {'delay': 1000}, 'tbf': {'rate': 125000, 'burst': 3028, 'limit': 3028}}[kind]
    try:
        sock.tc('add', kind, 1, 0x10000, **kwargs)
    except loader.NetlinkError as exc:
        if getattr(exc, 'code', None) in (errno.ENOENT, errno.EOPNOTSUPP):
            return False
        raise
    return True


def tbf_kwargs(spec):
    return {'rate': int(spec['rate']), 'burst': int(spec['burst']), 'limit': int(spec['limit'])}


def netem_kwargs(spec, duplicate_is_u32=None):
    """The pyroute2 keywords that make pyroute2 send ``spec`` (canonical) as it is."""
    if duplicate_is_u32 is None:
        duplicate_is_u32 = loader.netem_duplicate_is_u32()
    kwargs = {'delay': int(spec['delay_us']), 'jitter': int(spec['jitter_us']), 'limit': int(spec['limit'])}
    for key, kw in NETEM_PERCENT_KW:
        value = spec.get(key) or 0
        if not value:
            continue
        if key == 'duplicate' and duplicate_is_u32:
            kwargs[kw] = value
        else:
            # a percentage pyroute2 turns back into exactly ``value`` (int((2**32-1) * pct / 100))
            kwargs[kw] = percent_for(value)
    return kwargs


def percent_for(u32):
    """The percentage p with int((2**32-1) * p / 100) == u32 (pyroute2's percent2u32 inverted)."""
    pct = u32 * 100.0 / _U32
    for candidate in (pct, pct + 1e-12, pct + 1e-10, pct + 1e-8):
        if int(_U32 * candidate / 100) == u32:
            return candidate
    return pct


def _kwargs(params):
    if params['kind'] == 'tbf':
        return tbf_kwargs(params['options'])
    return netem_kwargs(params['options'])


def _request(session, action, command):
    params = action.params
    index = _index(session, action)
    kwargs = _kwargs(params) if command != 'del' else {}
    try:
        session.socket(action.netns).tc(command, params.get('kind') if command != 'del' else None, index,
                                        params['handle'], parent=params['parent'], **kwargs)
    except loader.NetlinkError as exc:
        code = getattr(exc, 'code', None)
        if code == errno.ENOENT and command == 'add' and params.get('kind') in MISSING_QDISC:
            meaning = MISSING_QDISC[params['kind']]
            text = '%s failed (option %s): %s [ENOENT]' % (action.describe(), action.option, meaning)
            raise ApplyError(text, action=action, errno=code, option=action.option, obj=action.obj)
        raise


def _index(session, action):
    found = session.index(action.netns, action.params['name'])
    if not found:
        text = "%s failed: interface '%s' is not there any more" % (action.describe(), action.params['name'])
        raise ApplyError(text,
                         action=action, option=action.option, obj=action.obj)
    return found


def qdisc_add(session, action):
    _request(session, action, 'add')


def qdisc_change(session, action):
    _request(session, action, 'change')


def qdisc_delete(session, action):
    _request(session, action, 'del')
