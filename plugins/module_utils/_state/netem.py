# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Link impairments: the egress qdisc of one interface (netem for delay/loss/..., tbf for the rate).

Layout (handles are the collection's mark; a root qdisc with any other non-zero handle is not ours):

- rate only:           root tbf   ``4e56:``
- impairments only:    root netem ``4e56:``
- both:                root tbf   ``4e56:``, netem ``4e57:`` under its class ``4e56:1``
  (Mininet's TCLink order: the shaper at the root, netem inside it)

Everything is compared in the units the kernel keeps and dumps: rates in bytes/s, tbf's bucket
and netem's delay/jitter in psched ticks (64 ns; PSCHED_SHIFT 6, ``/proc/net/psched``), the
probabilities as the u32 fraction of 2**32-1 that tc and pyroute2 send, queue limits in bytes
(tbf) or packets (netem). The conversions are the ones pyroute2's tc code makes (same formulas,
same floating point), so what the kernel dumps after our own request equals what ``desired``
computes and a second run changes nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Action, Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

TC_H_ROOT = 0xffffffff
ROOT_HANDLE = 0x4e560000      # '4e56:' the collection's root qdisc
CHILD_HANDLE = 0x4e570000     # '4e57:' netem under the shaper
SHAPER_CLASS = ROOT_HANDLE | 1
TICKS_PER_US = 15.625         # psched ticks per microsecond (1 tick = 64 ns)
U32_MAX = 2 ** 32 - 1
MAX_TICKS = U32_MAX           # netem's 32-bit tick fields (pyroute2 sends no 64-bit delay)
NETEM_LIMIT_DEFAULT = 1000    # packets (tc and pyroute2 default)

TIME_UNITS = {'us': 1, 'usec': 1, 'ms': 1000, 'msec': 1000, 's': 1000000, 'sec': 1000000}
# tc's rate units (bits or bytes per second, SI or IEC), as bytes/s multipliers of the number
RATE_UNITS = {
    'bit': 1 / 8.0, 'kbit': 1000 / 8.0, 'mbit': 1000000 / 8.0, 'gbit': 1000000000 / 8.0,
    'kibit': 1024 / 8.0, 'mibit': 1024 * 1024 / 8.0, 'gibit': 1024 ** 3 / 8.0,
    'bps': 1, 'kbps': 1000, 'mbps': 1000000, 'gbps': 1000000000,
    'kibps': 1024, 'mibps': 1024 * 1024, 'gibps': 1024 ** 3,
}
# tc's size units (bytes), binary as in tc(8)
SIZE_UNITS = {'b': 1, 'k': 1024, 'kb': 1024, 'm': 1024 ** 2, 'mb': 1024 ** 2, 'g': 1024 ** 3, 'gb': 1024 ** 3,
              'kbit': 128, 'mbit': 128 * 1024, 'gbit': 128 * 1024 ** 2}
_NUM_RE = re.compile(r'^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$')

PERCENTS = (('loss', 'loss'), ('loss_correlation', 'loss_corr'), ('duplicate', 'duplicate'),
            ('duplicate_correlation', 'dup_corr'), ('corrupt', 'corrupt'), ('corrupt_correlation', 'corrupt_corr'),
            ('reorder', 'reorder'), ('reorder_correlation', 'reorder_corr'),
            ('delay_correlation', 'delay_corr'))
NETEM_OPTIONS = ('delay', 'jitter', 'distribution', 'limit') + tuple(p[0] for p in PERCENTS)
SHAPER_OPTIONS = ('rate', 'burst', 'queue')
IMPAIRMENT_OPTIONS = NETEM_OPTIONS + SHAPER_OPTIONS

# The impairment options as an argument spec (also taken by veth and topology link ends).
IMPAIRMENT_SPEC = {
    'delay': {'type': 'str'},
    'jitter': {'type': 'str'},
    'delay_correlation': {'type': 'float'},
    'distribution': {'type': 'str', 'choices': ['uniform']},
    'loss': {'type': 'float'},
    'loss_correlation': {'type': 'float'},
    'duplicate': {'type': 'float'},
    'duplicate_correlation': {'type': 'float'},
    'corrupt': {'type': 'float'},
    'corrupt_correlation': {'type': 'float'},
    'reorder': {'type': 'float'},
    'reorder_correlation': {'type': 'float'},
    'limit': {'type': 'int'},
    'rate': {'type': 'str'},
    'burst': {'type': 'str'},
    'queue': {'type': 'str'},
}


def handle_text(handle):
    """0x4e560000 -> '4e56:', 0x4e560001 -> '4e56:1', 0 -> '0:' (as tc prints handles)."""
    major, minor = handle >> 16, handle & 0xffff
    return '%x:%s' % (major, '%x' % minor if minor else '')


def _fail(option, obj, text):
    raise ValidationError('option %s of %s: %s' % (option, obj, text), option, obj)


def _number(value, option, obj, units, what, unit_needed=True):
    if isinstance(value, bool):
        _fail(option, obj, '%r is not a %s' % (value, what))
    if isinstance(value, (int, float)) and not unit_needed:
        if value < 0:
            _fail(option, obj, '%s is negative' % value)
        return float(value), ''
    text = validate._text(value).strip()
    if text.startswith('-'):
        _fail(option, obj, "'%s' is negative; a %s is 0 or more" % (text, what))
    match = _NUM_RE.match(text)
    if not match:
        _fail(option, obj, "'%s' is not a %s (a number and a unit, one of: %s)"
              % (text, what, ', '.join(sorted(units))))
    number, unit = float(match.group(1)), match.group(2).lower()
    if not unit:
        if unit_needed:
            _fail(option, obj, "'%s' has no unit; write it with one of: %s (for example %s)"
                  % (text, ', '.join(sorted(units)), {'time': '15ms', 'rate': '10mbit'}.get(what, '32kb')))
        return number, ''
    if unit not in units:
        _fail(option, obj, "'%s': unknown unit '%s' (known: %s)" % (text, match.group(2), ', '.join(sorted(units))))
    return number, unit


def time_ticks(value, option, obj):
    """'15ms' -> psched ticks, as pyroute2 sends them (whole microseconds times 15.625)."""
    number, unit = _number(value, option, obj, TIME_UNITS, 'time')
    micro = number * TIME_UNITS[unit]
    if micro != int(micro):
        _fail(option, obj, "'%s' is not a whole number of microseconds (the finest step netem is given here)"
              % value)
    ticks = int(int(micro) * TICKS_PER_US)
    if ticks > MAX_TICKS:
        _fail(option, obj, "'%s' is too long (at most %d s)" % (value, MAX_TICKS // (TICKS_PER_US * 1000000)))
    return int(micro), ticks


def rate_bytes(value, option, obj):
    """'5mbit' -> 625000 (bytes/s, what the kernel keeps)."""
    number, unit = _number(value, option, obj, RATE_UNITS, 'rate')
    rate = int(number * RATE_UNITS[unit])
    if rate <= 0:
        _fail(option, obj, "'%s' is no rate; give one above 0 (at least 1bps)" % value)
    if rate > U32_MAX:
        _fail(option, obj, "'%s' is above %d bytes/s (34 Gbit/s), the most a 32-bit tbf rate holds" % (value, U32_MAX))
    return rate


def size_bytes(value, option, obj):
    number, unit = _number(value, option, obj, SIZE_UNITS, 'size', unit_needed=False)
    size = int(number * (SIZE_UNITS[unit] if unit else 1))
    if size <= 0:
        _fail(option, obj, "'%s' is no size; give one above 0" % value)
    if size > U32_MAX:
        _fail(option, obj, "'%s' is above 4 GiB" % value)
    return size


def percent_u32(value, option, obj):
    """A percentage (0-100) -> the u32 the kernel keeps (pyroute2's percent2u32)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(option, obj, '%r is not a percentage' % (value,))
    if value < 0 or value > 100:
        _fail(option, obj, '%s%% is not a percentage between 0 and 100' % value)
    return int(U32_MAX * value / 100)


def u32_percent(value):
    return round(value * 100.0 / U32_MAX, 4)


def buffer_ticks(rate, burst):
    """tc's / pyroute2's calc_xmittime: the ticks it takes to send ``burst`` bytes at ``rate``."""
    return int(int(1000000 * (float(burst) / rate)) * TICKS_PER_US)


def rate_text(rate):
    bits = rate * 8
    for unit, size in (('gbit', 10 ** 9), ('mbit', 10 ** 6), ('kbit', 10 ** 3)):
        if bits >= size and bits % size == 0:
            return '%d%s' % (bits // size, unit)
    return '%dbit' % bits


def ticks_text(ticks):
    micro = ticks / TICKS_PER_US
    if micro and micro % 1000 == 0:
        return '%gms' % (micro / 1000)
    return '%gus' % round(micro, 3)


def impairment(params, obj, prefix=''):
    """The impairment options (``IMPAIRMENT_SPEC``) -> {'netem': {...} or None, 'shaper': {...} or None},
    canonical; None when no option is set."""
    def opt(name):
        return prefix + name

    given = dict((k, params.get(k)) for k in IMPAIRMENT_OPTIONS if params.get(k) is not None)
    if not given:
        return None
    netem, shaper = None, None
    if any(k in given for k in NETEM_OPTIONS if k != 'distribution'):
        netem = {'delay': 0, 'jitter': 0, 'limit': NETEM_LIMIT_DEFAULT, 'gap': 0}
        micro = {}
        for name in ('delay', 'jitter'):
            micro[name], netem[name] = time_ticks(given[name], opt(name), obj) if name in given else (0, 0)
        for name, key in PERCENTS:
            netem[key] = percent_u32(given[name], opt(name), obj) if name in given else 0
        if 'limit' in given:
            if given['limit'] < 1 or given['limit'] > U32_MAX:
                _fail(opt('limit'), obj, '%s is no queue length; give 1 or more packets' % given['limit'])
            netem['limit'] = given['limit']
        if netem['jitter'] and not netem['delay']:
            _fail(opt('jitter'), obj, 'jitter varies the delay: give delay too')
        if netem['delay_corr'] and not netem['jitter']:
            _fail(opt('delay_correlation'), obj, 'the delay correlation applies to the jitter: give jitter too')
        for name, base in (('loss_correlation', 'loss'), ('duplicate_correlation', 'duplicate'),
                           ('corrupt_correlation', 'corrupt'), ('reorder_correlation', 'reorder')):
            if given.get(name) and not given.get(base):
                _fail(opt(name), obj, 'a correlation of %s needs %s above 0' % (base, base))
        if netem['reorder']:
            if not netem['delay']:
                _fail(opt('reorder'), obj,
                      'reordering sends some packets at once and delays the rest: give delay too')
            netem['gap'] = 1
        netem['delay_us'], netem['jitter_us'] = micro['delay'], micro['jitter']
    elif 'distribution' in given:
        _fail(opt('distribution'), obj, 'a distribution shapes the jitter: give delay and jitter too')
    if any(k in given for k in SHAPER_OPTIONS):
        if 'rate' not in given:
            _fail(opt('burst') if 'burst' in given else opt('queue'), obj, 'the shaper needs a rate too')
        rate = rate_bytes(given['rate'], opt('rate'), obj)
        burst = size_bytes(given['burst'], opt('burst'), obj) if 'burst' in given else max(rate // 100, 3028)
        queue = size_bytes(given['queue'], opt('queue'), obj) if 'queue' in given else burst + rate // 10
        if queue < burst:
            _fail(opt('queue'), obj, '%d bytes is less than the burst (%d bytes): the queue must hold a burst'
                  % (queue, burst))
        ticks = buffer_ticks(rate, burst)
        if ticks <= 0 or ticks > U32_MAX:
            _fail(opt('burst'), obj, '%d bytes at %s is no bucket the kernel can keep (%d ticks)'
                  % (burst, rate_text(rate), ticks))
        shaper = {'rate': rate, 'burst': burst, 'buffer': ticks, 'limit': queue}
    return {'netem': netem, 'shaper': shaper}


# What is compared with the kernel (the rest is how we ask for it).
NETEM_KERNEL = ('delay', 'jitter', 'limit', 'gap', 'loss', 'loss_corr', 'duplicate', 'dup_corr', 'corrupt',
                'corrupt_corr', 'reorder', 'reorder_corr', 'delay_corr')
SHAPER_KERNEL = ('rate', 'buffer', 'limit')
# netem attributes pyroute2 leaves out when they are 0, which the kernel then keeps as they were
NETEM_KEPT = ('loss_corr', 'dup_corr', 'corrupt_corr', 'reorder', 'reorder_corr', 'delay_corr', 'corrupt')


def kernel_view(spec, keys):
    return dict((k, spec.get(k, 0)) for k in keys) if spec is not None else None


def layout(imp):
    """[(kind, handle, parent, spec)] of an impairment, root first."""
    if imp is None:
        return []
    if imp['shaper'] and imp['netem']:
        return [('tbf', ROOT_HANDLE, TC_H_ROOT, imp['shaper']), ('netem', CHILD_HANDLE, SHAPER_CLASS, imp['netem'])]
    if imp['shaper']:
        return [('tbf', ROOT_HANDLE, TC_H_ROOT, imp['shaper'])]
    return [('netem', ROOT_HANDLE, TC_H_ROOT, imp['netem'])]


def tree(qdiscs):
    """Observed qdiscs of an interface -> (root, child): the egress root and the qdisc under our
    shaper's class (ingress/clsact are left out: they are not on the egress path)."""
    root = next((q for q in qdiscs if q['parent'] == TC_H_ROOT), None)
    child = None
    if root is not None and root['handle']:
        child = next((q for q in qdiscs if q['parent'] == (root['handle'] | 1) and q['handle']), None)
    return root, child


def foreign(root, child):
    """The description of a qdisc tree the collection did not set, or None (default or ours)."""
    if root is None or not root['handle']:
        return None
    if root['handle'] != ROOT_HANDLE or root['kind'] not in ('tbf', 'netem'):
        return '%s %s (root)' % (root['kind'], handle_text(root['handle']))
    if child is not None and (child['handle'] != CHILD_HANDLE or child['kind'] != 'netem' or root['kind'] != 'tbf'):
        return '%s %s under %s %s' % (child['kind'], handle_text(child['handle']), root['kind'],
                                      handle_text(root['handle']))
    return None


def picture_of(root, child):
    """before/after: the impairment as the kernel holds it, in its units and as text."""
    if root is None or not root['handle']:
        return {'state': 'absent', 'qdisc': root['kind'] if root else None}
    other = foreign(root, child)
    if other is not None:
        return {'state': 'foreign', 'qdisc': other}
    pic = {'state': 'present', 'handle': handle_text(ROOT_HANDLE)}
    found = [root] + ([child] if child else [])
    for q in found:
        opts = q.get('options') or {}
        if q['kind'] == 'tbf':
            pic['shaper'] = dict((k, opts.get(k)) for k in SHAPER_KERNEL)
            pic['shaper']['rate_text'] = rate_text(opts.get('rate') or 0)
        elif q['kind'] == 'netem':
            pic['netem'] = dict((k, opts.get(k)) for k in NETEM_KERNEL)
            pic['netem']['delay_text'] = ticks_text(opts.get('delay') or 0)
            pic['netem']['jitter_text'] = ticks_text(opts.get('jitter') or 0)
            pic['netem']['loss_percent'] = u32_percent(opts.get('loss') or 0)
    return pic


def picture_wanted(imp):
    pic = {'state': 'present', 'handle': handle_text(ROOT_HANDLE)}
    if imp['shaper']:
        pic['shaper'] = kernel_view(imp['shaper'], SHAPER_KERNEL)
        pic['shaper']['rate_text'] = rate_text(imp['shaper']['rate'])
    if imp['netem']:
        pic['netem'] = kernel_view(imp['netem'], NETEM_KERNEL)
        pic['netem']['delay_text'] = ticks_text(imp['netem']['delay'])
        pic['netem']['jitter_text'] = ticks_text(imp['netem']['jitter'])
        pic['netem']['loss_percent'] = u32_percent(imp['netem']['loss'])
    return pic


def _text(kind, spec):
    if kind == 'tbf':
        return 'rate %s burst %d queue %d' % (rate_text(spec['rate']), spec['burst'], spec['limit'])
    parts = []
    if spec['delay']:
        parts.append('delay %s' % ticks_text(spec['delay']))
        if spec['jitter']:
            parts.append('jitter %s' % ticks_text(spec['jitter']))
    for key, label in (('loss', 'loss'), ('duplicate', 'duplicate'), ('corrupt', 'corrupt'), ('reorder', 'reorder')):
        if spec[key]:
            parts.append('%s %g%%' % (label, u32_percent(spec[key])))
    parts.append('limit %d' % spec['limit'])
    return ' '.join(parts)


def _options_of(kind, spec):
    return 'rate' if kind == 'tbf' else ('delay' if spec.get('delay') else 'loss' if spec.get('loss') else 'delay')


def plan_impairment(plan, netns, iface, obj, imp, qdiscs, force, option_prefix=''):
    """Add to ``plan`` what brings the egress qdisc of ``iface`` to ``imp`` (None: the kernel's default).
    ``qdiscs``: the observed qdiscs (plain, see _netlink.tc), or None for an interface still to be
    made (nothing to compare). Returns (before, after) pictures."""
    root, child = tree(qdiscs or [])
    before = picture_of(root, child)
    other = foreign(root, child)
    want = layout(imp)
    if other is not None and not force:
        raise ValidationError(
            "option %sforce of %s: interface %s in %s has a qdisc the collection did not set: %s; refusing to "
            "replace it (someone's tc tree). Remove it, or set force: true to replace it"
            % (option_prefix, obj, iface, ns_label(netns), other), option_prefix + 'force', obj)
    mine = root is not None and root['handle'] and other is None
    if not want:
        if root is not None and root['handle']:
            plan.add('qdisc_delete', netns, obj, {'name': iface, 'handle': root['handle'], 'parent': TC_H_ROOT},
                     option=option_prefix + 'state',
                     text='remove the %s qdisc %s of %s (the kernel puts its default back)'
                     % (root['kind'], handle_text(root['handle']), iface))
        return before, {'state': 'absent', 'qdisc': before.get('qdisc') if before['state'] == 'absent' else None}
    have = [q for q in (root, child) if q is not None] if mine else []
    same_layout = [(q['kind'], q['handle']) for q in have] == [(k, h) for k, h, _p, _s in want]
    if same_layout:
        changes = []
        for (kind, handle, parent, spec), q in zip(want, have):
            keys = SHAPER_KERNEL if kind == 'tbf' else NETEM_KERNEL
            now = kernel_view(q.get('options') or {}, keys)
            if now == kernel_view(spec, keys):
                continue
            if kind == 'netem' and any(now.get(k) and not spec.get(k) for k in NETEM_KEPT):
                same_layout = False     # netem keeps an attribute it is not sent: make it again
                break
            changes.append((kind, handle, parent, spec))
        if same_layout:
            for kind, handle, parent, spec in changes:
                plan.add('qdisc_change', netns, obj, {'name': iface, 'kind': kind, 'handle': handle, 'parent': parent,
                                                      'options': spec},
                         option=option_prefix + _options_of(kind, spec),
                         text='change %s %s of %s to %s' % (kind, handle_text(handle), iface, _text(kind, spec)))
            return before, picture_wanted(imp)
    if [(q['kind'], q['handle']) for q in have] == [('tbf', ROOT_HANDLE)] and len(want) == 2:
        # a shaper of ours gets netem in its class (it replaces the shaper's default fifo)
        _kind, handle, parent, spec = want[0]
        if kernel_view(have[0].get('options') or {}, SHAPER_KERNEL) != kernel_view(spec, SHAPER_KERNEL):
            plan.add('qdisc_change', netns, obj, {'name': iface, 'kind': 'tbf', 'handle': handle, 'parent': parent,
                                                  'options': spec}, option=option_prefix + 'rate',
                     text='change tbf %s of %s to %s' % (handle_text(handle), iface, _text('tbf', spec)))
        kind, handle, parent, spec = want[1]
        plan.add('qdisc_add', netns, obj, {'name': iface, 'kind': kind, 'handle': handle, 'parent': parent,
                                           'options': spec}, option=option_prefix + _options_of(kind, spec),
                 text='add %s %s to %s: %s' % (kind, handle_text(handle), iface, _text(kind, spec)))
        return before, picture_wanted(imp)
    if root is not None and root['handle']:
        plan.add('qdisc_delete', netns, obj, {'name': iface, 'handle': root['handle'], 'parent': TC_H_ROOT},
                 option=option_prefix + ('force' if other else 'state'),
                 text='remove the %s qdisc %s of %s%s' % (root['kind'], handle_text(root['handle']), iface,
                                                          ' (force)' if other else ''))
    for kind, handle, parent, spec in want:
        undo = Action('qdisc_delete', netns, obj, {'name': iface, 'handle': handle, 'parent': parent},
                      text='remove the %s qdisc %s of %s' % (kind, handle_text(handle), iface)) \
            if parent == TC_H_ROOT else None
        plan.add('qdisc_add', netns, obj, {'name': iface, 'kind': kind, 'handle': handle, 'parent': parent,
                                           'options': spec},
                 option=option_prefix + _options_of(kind, spec), undo=undo,
                 text='add %s %s to %s: %s' % (kind, handle_text(handle), iface, _text(kind, spec)))
    return before, picture_wanted(imp)


def need_netem(session, imp, qdiscs, obj, prefix=''):
    """Fail before any change, in check mode too, when netem is wanted and the kernel has none."""
    if not imp or not imp['netem'] or any(q['kind'] == 'netem' for q in qdiscs or []):
        return
    if session.qdisc_supported('netem'):
        return
    option = next((n for n, k in (('delay', 'delay'), ('loss', 'loss'), ('duplicate', 'duplicate'),
                                  ('corrupt', 'corrupt'), ('reorder', 'reorder')) if imp['netem'].get(k)), 'limit')
    raise ValidationError("option %s%s of %s: this kernel has no netem qdisc (built without CONFIG_NET_SCH_NETEM; "
                          "try modprobe sch_netem), so delay, jitter, loss, duplicate, corrupt, reorder and limit "
                          "cannot be set; a rate alone (tbf) can" % (prefix, option, obj), prefix + option, obj)


class NetemKind(Kind):
    argument_spec = dict(
        IMPAIRMENT_SPEC,
        interface={'type': 'str', 'required': True},
        state={'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
        force={'type': 'bool', 'default': False},
    )
    returns = 'netem'

    def desired(self, params):
        name = validate.ifname(params['interface'], 'interface', 'netem')
        obj = 'netem %s' % name
        netns = validate.netns_ref(params.get('netns'), 'netns', obj)
        imp = impairment(params, obj)
        if params['state'] == 'present' and imp is None:
            raise ValidationError('option state of %s: present needs at least one impairment (delay, loss, '
                                  'duplicate, corrupt, reorder, rate, ...); state: absent removes them' % obj,
                                  'state', obj)
        if params['state'] == 'absent':
            imp = None
        return {'name': name, 'obj': obj, 'netns': netns, 'state': params['state'], 'impairment': imp,
                'force': params['force']}

    def observe(self, session, desired, ctx):
        netns = session.register(desired['netns'])
        links = common.observe_links(session, [(netns, 'netns')], ctx, obj=desired['obj'], peers=False)[netns]
        link = links.get(desired['name'])
        if link is None:
            common.missing(ctx, "option interface of %s: there is no interface '%s' in %s"
                           % (desired['obj'], desired['name'], ns_label(netns)), 'interface', desired['obj'])
            return {'netns': netns, 'qdiscs': None}
        qdiscs = session.qdiscs(netns, link['index'])
        need_netem(session, desired['impairment'], qdiscs, desired['obj'])
        return {'netns': netns, 'qdiscs': qdiscs}

    def plan(self, desired, observed, ctx):
        plan = Plan()
        before, after = plan_impairment(plan, observed['netns'], desired['name'], desired['obj'],
                                        desired['impairment'], observed['qdiscs'], desired['force'])
        if not plan.actions:
            after = before
        plan.record(self.key(desired, observed), before, after)
        return plan

    def read_back(self, session, desired, observed, ctx):
        index = session.index(observed['netns'], desired['name'])
        root, child = tree(session.qdiscs(observed['netns'], index))
        return {'netem': picture_of(root, child)}
