# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reachability probes between namespaces of this machine (Mininet's pingall, as a module).

``desired`` validates the options (pure); ``observe`` reads which namespace holds which address
(netlink, through the session), refuses any target no local namespace holds, and runs the probes
(``_probe.engine``, sockets opened inside the source namespaces); the plan is always empty;
``result`` evaluates the expectations and fails naming every unmet one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import math

from ansible_collections.netvirt.linux.plugins.module_utils._probe import report
from ansible_collections.netvirt.linux.plugins.module_utils._state import common, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

COUNT_RANGE = (1, 10)
TIMEOUT_RANGE = (0.1, 30.0)
MAX_PROBES = 4096
EXPECT = ['reachable', 'unreachable', 'any']
FAMILIES = {'ipv4': (4,), 'ipv6': (6,), 'both': (4, 6)}
OBJ = 'reachability'


class ExpectationsNotMet(NetvirtError):
    """Fails the task and still returns the results and the matrix."""

    def __init__(self, msg, result):
        super(ExpectationsNotMet, self).__init__(msg, option='expect', obj=OBJ)
        self.result = result


def label(ref):
    return report.CURRENT if ref is None else ref


def is_target(ip):
    """Whether an address of a namespace is probed when the namespace is a target: every address
    but loopback, link-local and multicast ones (what the kernel calls scope global)."""
    return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)


def count(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError("option count of %s: '%s' is not a number" % (OBJ, value), 'count', OBJ)
    if number != value or not COUNT_RANGE[0] <= number <= COUNT_RANGE[1]:
        raise ValidationError('option count of %s: %s is out of range (%d-%d echo requests per probe)'
                              % (OBJ, value, COUNT_RANGE[0], COUNT_RANGE[1]), 'count', OBJ)
    return number


def timeout(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError("option timeout of %s: '%s' is not a number" % (OBJ, value), 'timeout', OBJ)
    if math.isnan(number) or not TIMEOUT_RANGE[0] <= number <= TIMEOUT_RANGE[1]:
        raise ValidationError('option timeout of %s: %s is out of range (%g-%g seconds)'
                              % (OBJ, value, TIMEOUT_RANGE[0], TIMEOUT_RANGE[1]), 'timeout', OBJ)
    return number


def target(value, option, obj):
    """``to``: an IP address -> ('address', text, family); otherwise a namespace reference ->
    ('netns', ref, None)."""
    if value is None or str(value).strip() == '':
        raise ValidationError('option %s of %s: an address or a namespace is required' % (option, obj), option, obj)
    text = str(value).strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        ip = None
    if ip is not None:
        if ip.version == 6 and ip.is_link_local:
            raise ValidationError('option %s of %s: %s is an IPv6 link-local address, which needs an interface; '
                                  'probe a global address' % (option, obj, ip), option, obj)
        if ip.is_multicast or ip.is_unspecified:
            raise ValidationError('option %s of %s: %s is not a unicast address' % (option, obj, ip), option, obj)
        return ('address', str(ip), ip.version)
    if ':' in text or text.replace('.', '').isdigit() and '.' in text:
        raise ValidationError("option %s of %s: '%s' is not a valid IP address" % (option, obj, text), option, obj)
    return ('netns', validate.netns_ref(text, option, obj), None)


def remote_hosts(items):
    """``remote_hosts``: {address: host name} for addresses of other hosts, each listed explicitly
    (single unicast addresses; no prefix, range or name)."""
    out = {}
    for index, item in enumerate(items or []):
        option = 'remote_hosts[%d]' % index
        name = str(item.get('name') or '').strip()
        if not name:
            raise ValidationError('option %s.name of %s: a host name is required' % (option, OBJ), option + '.name', OBJ)
        obj = 'remote host %s' % name
        for value in item.get('addresses') or []:
            try:
                ipaddress.ip_address(str(value).strip())
            except ValueError:
                kind = None
            else:
                kind, address, _family = target(value, option + '.addresses', obj)
            if kind != 'address':
                raise ValidationError("option %s.addresses of %s: '%s' is not one IP address (no prefixes, ranges or "
                                      "names: each address of the other host is listed)" % (option, obj, value),
                                      option + '.addresses', obj)
            if address in out and out[address] != name:
                raise ValidationError('option %s.addresses of %s: %s is listed for host %s too'
                                      % (option, obj, address, out[address]), option + '.addresses', obj)
            out[address] = name
    return out


def probe_spec(item, index, default_from, default_expect):
    """One item of ``probes``, validated: {'from', 'to': (kind, value, family), 'protocol', 'port',
    'expect', 'option', 'obj'}."""
    option = 'probes[%d]' % index
    if not isinstance(item, dict):
        raise ValidationError('option %s of %s: expected a dict with from, to, port, protocol, expect'
                              % (option, OBJ), option, OBJ)
    obj = 'probe %s' % ' '.join(str(x) for x in (
        'from', item.get('from') if item.get('from') is not None else label(default_from), 'to', item.get('to')))
    src = default_from if item.get('from') is None else validate.netns_ref(item['from'], option + '.from', obj)
    dst = target(item.get('to'), option + '.to', obj)
    port = item.get('port')
    protocol = item.get('protocol') or ('tcp' if port is not None else 'icmp')
    if protocol == 'tcp':
        if port is None:
            raise ValidationError('option %s.port of %s: a TCP probe needs a port' % (option, obj), option + '.port', obj)
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValidationError('option %s.port of %s: %s is out of range (1-65535)' % (option, obj, port),
                                  option + '.port', obj)
    elif port is not None:
        raise ValidationError('option %s.port of %s: an ICMP probe has no port (set protocol: tcp)' % (option, obj),
                              option + '.port', obj)
    return {'from': src, 'to': dst, 'protocol': protocol, 'port': port,
            'expect': item.get('expect') or default_expect, 'option': option, 'obj': obj}


def matrix_refs(items):
    if items is None:
        return None
    refs = []
    for item in items:
        if isinstance(item, (list, dict, bool)):
            raise ValidationError('option matrix of %s: %r is not a namespace name, path or PID' % (OBJ, item),
                                  'matrix', OBJ)
        ref = validate.netns_ref(item, 'matrix', OBJ)
        if ref in refs:
            raise ValidationError("option matrix of %s: %s is listed twice" % (OBJ, ns_label(ref)), 'matrix', OBJ)
        refs.append(ref)
    if len(refs) < 2:
        raise ValidationError('option matrix of %s: needs at least two namespaces (got %d)' % (OBJ, len(refs)),
                              'matrix', OBJ)
    return refs


def result_of(spec, to, owners, row, column, outcome):
    out = {'from': label(spec['from']), 'to': to, 'netns': owners, 'protocol': spec['protocol'],
           'port': spec['port'], 'expect': spec['expect'], 'row': row, 'column': column,
           'status': None, 'reachable': None, 'detail': None, 'rtt_ms': None}
    if spec['protocol'] == 'icmp':
        out['sent'] = out['received'] = 0
    out.update(outcome)
    return out


def column_of(name, spec):
    return name if spec['protocol'] == 'icmp' else '%s %s/%d' % (name, spec['protocol'], spec['port'])


def expand(specs, targets_of, holders_of, runnable):
    """Probe specs -> [(spec, address or None, owners, row, column, outcome or None)].

    ``targets_of(ref)``: the target addresses of a namespace, None when it is not there;
    ``holders_of(address)``: labels of the namespaces holding it; ``runnable(spec, address)``:
    None, or a reason not to run (the probe is then 'skipped'). Pure: unit-tested."""
    out = []
    for spec in specs:
        row = label(spec['from'])
        kind, value, _family = spec['to']
        if kind == 'address':
            skip = runnable(spec, value)
            out.append((spec, value, holders_of(value), row, column_of(value, spec),
                        {'status': 'skipped', 'detail': skip} if skip else None))
            continue
        column = column_of(label(value), spec)
        addresses = targets_of(value)
        if addresses is None:
            out.append((spec, None, [], row, column, {'status': 'skipped',
                                                      'detail': '%s does not exist' % ns_label(value)}))
            continue
        if not addresses:
            out.append((spec, None, [label(value)], row, column,
                        {'status': 'no-address', 'reachable': False,
                         'detail': '%s holds no address to probe (family %s)' % (ns_label(value), spec['family'])}))
            continue
        for address in addresses:
            skip = runnable(spec, address)
            out.append((spec, address, holders_of(address), row, column,
                        {'status': 'skipped', 'detail': skip} if skip else None))
    return out


class ReachabilityKind(Kind):
    argument_spec = {
        'probes': {'type': 'list', 'elements': 'dict', 'options': {
            'from': {'type': 'raw'},
            'to': {'type': 'str', 'required': True},
            'port': {'type': 'int'},
            'protocol': {'type': 'str', 'choices': ['icmp', 'tcp']},
            'expect': {'type': 'str', 'choices': EXPECT},
        }},
        'matrix': {'type': 'list', 'elements': 'raw'},
        'expect': {'type': 'str', 'choices': EXPECT, 'default': 'reachable'},
        'family': {'type': 'str', 'choices': sorted(FAMILIES), 'default': 'ipv4'},
        'count': {'type': 'int', 'default': 1},
        'timeout': {'type': 'float', 'default': 1.0},
        'remote_hosts': {'type': 'list', 'elements': 'dict', 'options': {
            'name': {'type': 'str', 'required': True},
            'addresses': {'type': 'list', 'elements': 'str', 'required': True},
        }},
    }
    module_kwargs = {'required_one_of': [('probes', 'matrix')]}

    def locks(self, desired):
        return []       # reads only (its probe sockets change nothing)

    def desired(self, params):
        requests = count(params.get('count', 1))
        wait = timeout(params.get('timeout', 1.0))
        default_from = validate.netns_ref(params.get('netns'), 'netns', OBJ)
        expect = params.get('expect') or 'reachable'
        family = params.get('family') or 'ipv4'
        specs = []
        refs = matrix_refs(params.get('matrix'))
        if refs is not None:
            for src in refs:
                for dst in refs:
                    if src != dst:
                        specs.append({'from': src, 'to': ('netns', dst, None), 'protocol': 'icmp', 'port': None,
                                      'expect': expect, 'option': 'matrix', 'obj': OBJ})
        for index, item in enumerate(params.get('probes') or []):
            specs.append(probe_spec(item, index, default_from, expect))
        if not specs:
            raise ValidationError('option probes of %s: nothing to probe (give probes or matrix)' % OBJ, 'probes', OBJ)
        for spec in specs:
            spec['family'] = family
            spec['count'] = requests
            spec['timeout'] = wait
        order = [label(ref) for ref in refs or []]
        return {'specs': specs, 'families': FAMILIES[family], 'family': family, 'order': order,
                'remote': remote_hosts(params.get('remote_hosts'))}

    # -- observation: who holds which address ------------------------------------------------
    @staticmethod
    def _read(session, ref, cache):
        if ref not in cache:
            if not session.exists(ref):
                cache[ref] = None
            else:
                links = session.links(ref, peers=False)
                cache[ref] = sorted(set(cidr.split('/')[0] for link in links.values()
                                        for cidr in link.get('addresses') or []))
        return cache[ref]

    def observe(self, session, desired, ctx):
        specs = desired['specs']
        cache = {}
        for spec in specs:
            session.register(spec['from'])
            if spec['to'][0] == 'netns':
                session.register(spec['to'][1])
        # the namespaces the task names, and the module's own
        mentioned = [None]
        for spec in specs:
            for ref in (spec['from'], spec['to'][1] if spec['to'][0] == 'netns' else None):
                if ref not in mentioned:
                    mentioned.append(ref)
        holders = {}
        seen = set()

        def scan(ref):
            ident = session.identity(ref)
            if ident is None or ident in seen:
                return
            seen.add(ident)
            for address in self._read(session, ref, cache) or []:
                holders.setdefault(address, [])
                if label(ref) not in holders[address]:
                    holders[address].append(label(ref))

        for ref in mentioned:
            scan(ref)
        wanted = [s['to'][1] for s in specs if s['to'][0] == 'address']
        if any(a not in holders for a in wanted):
            for ref in session.named():       # only then read every named namespace
                scan(ref)

        def targets_of(ref):
            addresses = self._read(session, ref, cache)
            if addresses is None:
                return None
            ips = [ipaddress.ip_address(a) for a in addresses]
            return [str(ip) for ip in sorted(ips, key=lambda i: (i.version, int(i)))
                    if ip.version in desired['families'] and is_target(ip)]

        missing_ns = set()
        for spec in specs:
            for ref, option in ((spec['from'], spec['option'] + ('' if spec['option'] == 'matrix' else '.from')),
                                (spec['to'][1] if spec['to'][0] == 'netns' else False,
                                 spec['option'] + ('' if spec['option'] == 'matrix' else '.to'))):
                if ref is False or ref in missing_ns or session.exists(ref):
                    continue
                missing_ns.add(ref)
                common.missing(ctx, 'option %s of %s: %s does not exist' % (option, spec['obj'], ns_label(ref)),
                               option, spec['obj'])

        def runnable(spec, address):
            if spec['from'] in missing_ns:
                return '%s does not exist' % ns_label(spec['from'])
            if address not in holders and address in desired['remote']:
                return None
            if address not in holders:
                option = spec['option'] + '.to'
                common.missing(ctx, 'option %s of %s: %s is not an address of any network namespace on this machine; '
                               'reachability is a lab tool and probes only addresses that local namespaces hold'
                               % (option, spec['obj'], address), option, spec['obj'])
                return '%s is held by no namespace here' % address
            return None

        remote = desired['remote']
        planned = expand(specs, targets_of,
                         lambda a: list(holders.get(a, [])) or (['host ' + remote[a]] if a in remote else []), runnable)
        if len(planned) > MAX_PROBES:
            raise ValidationError('option matrix/probes of %s: %d probes is more than %d in one task'
                                  % (OBJ, len(planned), MAX_PROBES), 'matrix', OBJ)
        probes, slots = [], []
        for i, (spec, address, _owners, _row, _column, outcome) in enumerate(planned):
            if outcome is None:
                family = ipaddress.ip_address(address).version
                probes.append((spec['from'], address, family, spec['protocol'], spec['port'],
                               spec['count'], spec['timeout']))
                slots.append(i)
        try:
            outcomes = ctx.io.run_probes(probes)
        except (IOError, OSError) as exc:
            raise NetvirtError('option probes of %s: opening a probe socket failed: %s (raw ICMP sockets need root '
                               'or CAP_NET_RAW)' % (OBJ, exc.strerror or exc), 'probes', OBJ)
        results = []
        by_slot = dict(zip(slots, outcomes))
        for i, (spec, address, owners, row, column, outcome) in enumerate(planned):
            results.append(result_of(spec, address, owners, row, column, by_slot.get(i, outcome)))
        return {'results': results}

    def plan(self, desired, observed, ctx):
        return Plan()   # probing never changes anything

    def result(self, desired, observed, plan, ctx):
        results = observed['results']
        unmet = report.evaluate(results)
        order = desired.get('order')
        out = {'matrix': report.matrix(results, order, order), 'summary': report.summary(results)}
        for r in results:
            r.pop('row')
            r.pop('column')
        out['results'] = results
        if unmet:
            raise ExpectationsNotMet(report.failure_message(unmet, out['summary']['expectations']), out)
        return out
