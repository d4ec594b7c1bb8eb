# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throughput and latency between namespaces of this machine, measured in this process.

For each pair: ICMP echo requests (``pings`` of them, ``interval`` apart; RTT min/avg/max and
loss, through the probe engine) and then a TCP bulk transfer for ``duration`` seconds
(``_probe.bulk``: the listener inside the namespace holding the target address). Pairs run one
after the other, so they do not share the links or the CPU. Expectations (``rate_min``,
``rtt_max``, ``loss_max``) fail the task naming each unmet one and its pair; the results are
returned either way. Nothing is changed: the plan is always empty.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.netvirt.linux.plugins.module_utils._state import netem, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

OBJ = 'measure'
MAX_DURATION = 60.0
MAX_PINGS = 10000


class ExpectationsNotMet(NetvirtError):
    def __init__(self, msg, result):
        super(ExpectationsNotMet, self).__init__(msg, option='pairs', obj=OBJ)
        self.result = result


def _range(value, option, low, high, what):
    if isinstance(value, bool):
        raise ValidationError('option %s of %s: %r is not %s' % (option, OBJ, value, what), option, OBJ)
    if not low <= value <= high:
        raise ValidationError('option %s of %s: %s is out of range (%g-%g %s)' % (option, OBJ, value, low, high, what),
                              option, OBJ)
    return value


def label(ref):
    return 'current' if ref is None else ref


class MeasureKind(Kind):
    common = False
    argument_spec = {
        'pairs': {'type': 'list', 'elements': 'dict', 'required': True, 'options': {
            'from': {'type': 'raw', 'required': True},
            'to': {'type': 'str', 'required': True},
            'rate_min': {'type': 'str'},
            'rtt_max': {'type': 'str'},
            'loss_max': {'type': 'float'},
        }},
        'duration': {'type': 'float', 'default': 2.0},
        'pings': {'type': 'int', 'default': 20},
        'interval': {'type': 'float', 'default': 0.05},
        'timeout': {'type': 'float', 'default': 2.0},
    }

    def desired(self, params):
        duration = _range(params['duration'], 'duration', 0, MAX_DURATION, 'seconds')
        pings = _range(params['pings'], 'pings', 0, MAX_PINGS, 'echo requests')
        interval = _range(params['interval'], 'interval', 0.001, 10.0, 'seconds')
        timeout = _range(params['timeout'], 'timeout', 0.1, 30.0, 'seconds')
        if not params['pairs']:
            raise ValidationError('option pairs of %s: give at least one pair' % OBJ, 'pairs', OBJ)
        pairs = []
        for i, pair in enumerate(params['pairs']):
            where = 'pairs[%d]' % i
            src = validate.netns_ref(pair['from'], where + '.from', OBJ)
            try:
                ip = ipaddress.ip_address(str(pair['to']).strip())
            except ValueError:
                raise ValidationError("option %s.to of %s: '%s' is not an IP address" % (where, OBJ, pair['to']),
                                      where + '.to', OBJ)
            name = '%s -> %s' % (label(src), ip)
            out = {'from': src, 'to': str(ip), 'family': ip.version, 'name': name, 'option': where,
                   'rate_min': None, 'rtt_max': None, 'loss_max': None}
            if pair.get('rate_min') is not None:
                out['rate_min'] = netem.rate_bytes(pair['rate_min'], where + '.rate_min', OBJ) * 8
                if not duration:
                    raise ValidationError('option %s.rate_min of %s: duration is 0, so no throughput is measured'
                                          % (where, OBJ), where + '.rate_min', OBJ)
            if pair.get('rtt_max') is not None:
                micro, _ticks = netem.time_ticks(pair['rtt_max'], where + '.rtt_max', OBJ)
                out['rtt_max'] = micro / 1000.0
            if pair.get('loss_max') is not None:
                out['loss_max'] = _range(pair['loss_max'], where + '.loss_max', 0, 100, 'percent')
            if (out['rtt_max'] is not None or out['loss_max'] is not None) and not pings:
                raise ValidationError('option %s of %s: pings is 0, so no RTT or loss is measured' % (where, OBJ),
                                      where, OBJ)
            pairs.append(out)
        return {'pairs': pairs, 'duration': duration, 'pings': pings, 'interval': interval, 'timeout': timeout}

    def observe(self, session, desired, ctx):
        holders = {}
        seen = set()

        def scan(ref):
            ident = session.identity(ref)
            if ident is None or ident in seen:
                return
            seen.add(ident)
            for link in session.links(ref, peers=False).values():
                for cidr in link.get('addresses') or []:
                    address = str(ipaddress.ip_interface(cidr).ip)
                    holders.setdefault(address, ref)

        for pair in desired['pairs']:
            pair['from'] = session.register(pair['from'])
            if not session.exists(pair['from']):
                session.fd(pair['from'], option=pair['option'] + '.from', obj=OBJ)
            scan(pair['from'])
        if any(p['to'] not in holders for p in desired['pairs']):
            for ref in [None] + list(session.named()):
                scan(session.register(ref))
        results = []
        for pair in desired['pairs']:
            if pair['to'] not in holders:
                raise ValidationError('option %s.to of %s: %s is not an address of any network namespace on this '
                                      'machine; measure is a lab tool and measures only between local namespaces'
                                      % (pair['option'], OBJ, pair['to']), pair['option'] + '.to', OBJ)
            results.append(self._measure(ctx, desired, pair, holders[pair['to']]))
        return {'results': results}

    @staticmethod
    def _measure(ctx, desired, pair, holder):
        out = {'from': label(pair['from']), 'to': pair['to'], 'held_by': label(holder)}
        if desired['pings']:
            outcome = ctx.io.run_probes([(pair['from'], pair['to'], pair['family'], 'icmp', None, desired['pings'],
                                          desired['timeout'], desired['interval'], True)])[0]
            rtts = outcome.get('rtts_ms') or []
            out.update({'sent': outcome['sent'], 'received': outcome['received'],
                        'loss_percent': round(100.0 * (outcome['sent'] - outcome['received']) / outcome['sent'], 2)
                        if outcome['sent'] else None,
                        'rtt_min_ms': round(min(rtts), 3) if rtts else None,
                        'rtt_avg_ms': round(sum(rtts) / len(rtts), 3) if rtts else None,
                        'rtt_max_ms': round(max(rtts), 3) if rtts else None})
        if desired['duration']:
            try:
                got = ctx.io.transfer(pair['from'], holder, pair['to'], pair['family'], desired['duration'],
                                      desired['timeout'])
            except Exception as exc:  # pylint: disable=broad-except  # bulk.TransferError, OSError
                out.update({'mbit_per_s': None, 'transfer_error': str(exc)})
            else:
                out.update({'mbit_per_s': round(got['bits_per_second'] / 1e6, 3), 'bytes': got['bytes'],
                            'seconds': got['seconds']})
        return out

    def plan(self, desired, observed, ctx):
        return Plan()

    def key(self, desired, observed):
        return OBJ

    def result(self, desired, observed, plan, ctx):
        results = observed['results']
        unmet = []
        for pair, res in zip(desired['pairs'], results):
            res['met'] = True
            texts = []
            if res.get('transfer_error'):
                texts.append('the TCP transfer failed: %s' % res['transfer_error'])
            if pair['rate_min'] is not None and res.get('mbit_per_s') is not None \
                    and res['mbit_per_s'] * 1e6 < pair['rate_min']:
                texts.append('%g Mbit/s is below rate_min %g Mbit/s' % (res['mbit_per_s'], pair['rate_min'] / 1e6))
            if pair['rtt_max'] is not None:
                if res.get('rtt_avg_ms') is None:
                    texts.append('no echo reply, so no RTT (rtt_max %g ms)' % pair['rtt_max'])
                elif res['rtt_avg_ms'] > pair['rtt_max']:
                    texts.append('RTT avg %g ms is above rtt_max %g ms' % (res['rtt_avg_ms'], pair['rtt_max']))
            if pair['loss_max'] is not None and res.get('loss_percent') is not None \
                    and res['loss_percent'] > pair['loss_max']:
                texts.append('loss %g%% is above loss_max %g%%' % (res['loss_percent'], pair['loss_max']))
            if texts:
                res['met'] = False
                res['unmet'] = texts
                unmet.append('%s (%s): %s' % (pair['name'], pair['option'], '; '.join(texts)))
        out = {'results': results}
        if unmet:
            raise ExpectationsNotMet('%s: %d pair%s did not meet the expectations: %s'
                                     % (OBJ, len(unmet), '' if len(unmet) == 1 else 's', ' | '.join(unmet)), out)
        return out
