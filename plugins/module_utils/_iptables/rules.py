# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules as text: tables and chains, structured rule fields -> iptables-save text, the owner
marker, and reading iptables-save output. Pure Python (no pyroute2, no commands).

A rule is kept as its *spec*: what follows ``-A CHAIN `` in iptables-save output. Two specs are
the same rule when their texts are equal AFTER iptables itself has printed them (see
``_iptables.canon``): this module only renders a first guess, never decides sameness alone.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re
import shlex

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError

BUILTIN = {
    'filter': ('INPUT', 'FORWARD', 'OUTPUT'),
    'nat': ('PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'),
    'mangle': ('PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'),
    'raw': ('PREROUTING', 'OUTPUT'),
    'security': ('INPUT', 'FORWARD', 'OUTPUT'),
}
ALL_BUILTIN = ('PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING')
FAMILIES = {'ipv4': (4,), 'ipv6': (6,), 'both': (4, 6)}
FAMILY_NAME = {4: 'ipv4', 6: 'ipv6'}

CHAIN_MAX = 28           # XT_EXTENSION_MAXNAMELEN - 1
COMMENT_MAX = 255        # XT_MAX_COMMENT_LEN - 1
LOG_PREFIX_MAX = 29      # the LOG target's prefix[30], less its NUL
_CHAIN_RE = re.compile(r'^[A-Za-z0-9_.:+@=-]+$')
_OWNER_RE = re.compile(r'^[A-Za-z0-9_.:/@=+-]+$')
_PORT_RE = re.compile(r'^[0-9]+(:[0-9]*)?$|^:[0-9]+$')
# conntrack states in the order iptables prints them
CTSTATES = ('INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT')
POLICIES = ('ACCEPT', 'DROP')
PORT_PROTOCOLS = ('tcp', 'udp', 'udplite', 'sctp', 'dccp')

# What render() may call *exact*: spellings iptables-save prints back unchanged (checked against
# iptables on both backends and both IP versions by the iptables_render integration target). An
# exact text that is not in the chain is a new rule, without asking iptables (see canon).
EXACT_PROTOCOLS = ('tcp', 'udp', 'udplite', 'sctp', 'icmp')
EXACT_REJECT_WITH = ('icmp-net-unreachable', 'icmp-host-unreachable', 'icmp-port-unreachable',
                     'icmp-proto-unreachable', 'icmp-net-prohibited', 'icmp-host-prohibited',
                     'icmp-admin-prohibited', 'tcp-reset', 'icmp6-no-route', 'icmp6-adm-prohibited',
                     'icmp6-addr-unreachable', 'icmp6-port-unreachable')
# targets whose printed form render() knows, with the target options each may take
EXACT_TARGETS = {'ACCEPT': (), 'DROP': (), 'RETURN': (), 'MASQUERADE': ('to_ports',), 'REDIRECT': ('to_ports',),
                 'DNAT': ('to_destination',), 'SNAT': ('to_source',), 'LOG': ('log_prefix',),
                 'REJECT': ('reject_with',)}
_EXACT_NAT_RE = re.compile(r'^([0-9.]+)(:([0-9]+)(-([0-9]+))?)?$')
_COMMANDS = ('-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace', '-N', '--new-chain',
             '-X', '--delete-chain', '-F', '--flush', '-P', '--policy', '-E', '--rename-chain', '-Z', '--zero')

# Structured fields of a rule (the module's rules[] suboptions, except 'rule').
FIELDS = ('protocol', 'source', 'destination', 'in_interface', 'out_interface', 'source_port',
          'destination_port', 'destination_ports', 'ctstate', 'jump', 'goto', 'to_destination',
          'to_source', 'to_ports', 'reject_with', 'log_prefix', 'comment')


def binary(family, backend, tool):
    """The iptables tool of one IP version and backend: (6, 'nft', 'save') -> ip6tables-nft-save."""
    return '%s-%s-%s' % ('iptables' if family == 4 else 'ip6tables', backend, tool)


def user_chains(parsed):
    """The user chains of a parsed table (parse_save), in order."""
    return [c for c in parsed['order'] if parsed['chains'].get(c) is None]


def obj_name(table, chain):
    return 'iptables chain %s/%s' % (table, chain)


def check_chain(table, chain, option='chain'):
    """Validate a chain name for a table; returns True for a built-in chain."""
    obj = obj_name(table, chain)
    if not chain or len(chain) > CHAIN_MAX or not _CHAIN_RE.match(chain) or chain.startswith('-') \
            or chain.startswith('!'):
        raise ValidationError("option %s of %s: '%s' is not a valid chain name (1-%d characters: letters, digits, "
                              "'_', '-', '.', ':', '+', '@', '=', not starting with '-' or '!')"
                              % (option, obj, chain, CHAIN_MAX), option, obj)
    if chain in BUILTIN[table]:
        return True
    if chain in ALL_BUILTIN:
        raise ValidationError("option %s of %s: table %s has no built-in chain %s (its built-in chains are %s)"
                              % (option, obj, table, chain, ', '.join(BUILTIN[table])), option, obj)
    if chain in POLICIES or chain in ('RETURN', 'QUEUE'):
        raise ValidationError("option %s of %s: '%s' is a target, not a chain name" % (option, obj, chain),
                              option, obj)
    return False


def marker(owner):
    return 'netvirt:%s' % owner


def check_owner(owner, obj):
    if not owner or len(marker(owner)) > COMMENT_MAX or not _OWNER_RE.match(owner):
        raise ValidationError("option owner of %s: '%s' is not a valid owner (letters, digits and _ . : / @ = + -, "
                              "at most %d characters)" % (obj, owner, COMMENT_MAX - len(marker(''))), 'owner', obj)
    return owner


_COMMENTS = {}


def _comment(mark):
    """The owner marker's comment match (the same text for every rule of a task: made once)."""
    text = _COMMENTS.get(mark)
    if text is None:
        text = _COMMENTS[mark] = '-m comment --comment %s' % quote(mark)
    return text


def _name(option, key):
    """The option a message names: 'rules[3].source' (key given) or 'rules[3]'."""
    return option if key is None else '%s.%s' % (option, key)


def quote(value):
    """Quote a value the way iptables-save does for comments and prefixes."""
    return '"%s"' % value.replace('\\', '\\\\').replace('"', '\\"')


def _neg(value):
    """'!br0' / '! br0' -> (True, 'br0')."""
    text = str(value).strip()
    if text.startswith('!'):
        return True, text[1:].strip()
    return False, text


def _family_of_address(text):
    """4 or 6 for an address, network or NAT target (addr[:port], [v6]:port, ranges); None if unknown."""
    text = text.strip()
    if text.startswith('['):
        return 6
    first = text.split('-')[0].split('/')[0]
    try:
        return ipaddress.ip_address(first).version
    except ValueError:
        pass
    if first.count(':') == 1 and '.' in first:
        return 4
    if first.count(':') >= 2:
        return 6
    return None


def _network(value, option, obj, families, key=None):
    negated, text = _neg(value)
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        name = _name(option, key)
        raise ValidationError("option %s of %s: '%s' is not an IP address or network" % (name, obj, value), name, obj)
    families.add(net.version)
    return negated, net.with_prefixlen


def _exact_network(text):
    """iptables prints a /0 not at all, and an IPv6 address whose first 80 bits are zero with an
    embedded IPv4 part (::ffff:1.2.3.4) where Python does not: those are not exact."""
    net = ipaddress.ip_network(text, strict=False)
    return net.prefixlen > 0 and not (net.version == 6 and int(net.network_address) >> 48 == 0)


def _exact_port(text):
    """A number, or a range low:high that iptables prints as given (not 0:..., not ...:65535)."""
    if text.isdigit():
        return True
    parts = text.split(':')
    if not all(p.isdigit() for p in parts) or len(parts) > 2:
        return False
    return len(parts) == 1 or 0 < int(parts[0]) < int(parts[1]) < 65535


def _exact_nat(value):
    found = _EXACT_NAT_RE.match(value)
    if not found:
        return False
    try:
        ipaddress.IPv4Address(found.group(1))
    except ValueError:
        return False
    if found.group(5) is not None:
        return int(found.group(3)) < int(found.group(5)) <= 65535
    return found.group(3) is None or int(found.group(3)) <= 65535


def _iface(value, option, obj, key=None):
    negated, text = _neg(value)
    if not text or len(text) > 15 or '/' in text or ' ' in text or text.startswith('-'):
        name = _name(option, key)
        raise ValidationError("option %s of %s: '%s' is not an interface name (at most 15 characters; a "
                              "trailing '+' matches a prefix)" % (name, obj, value), name, obj)
    return negated, text


def _port(value, option, obj, key=None):
    text = str(value).strip()
    if text.isdigit():
        parts = [text]
    elif _PORT_RE.match(text):
        parts = [p for p in text.split(':') if p]
    elif re.match(r'^[A-Za-z0-9_-]+$', text):
        parts = []
    else:
        name = _name(option, key)
        raise ValidationError("option %s of %s: '%s' is not a port, a range (1000:2000) or a service name"
                              % (name, obj, value), name, obj)
    for part in parts:
        if int(part) > 65535:
            name = _name(option, key)
            raise ValidationError("option %s of %s: port %s is out of range (0-65535)" % (name, obj, part), name, obj)
    return text


# Control characters (tab, ESC, DEL, C1 ...): iptables-save prints them raw, so a rule holding one
# could not be read back as the task wrote it.
_CONTROL_RE = re.compile(u'[\x00-\x1f\x7f-\x9f]')


def _text_value(value, option, obj, maximum=None, key=None):
    text = str(value)
    if '\n' in text or '\r' in text or '\0' in text:
        name = _name(option, key)
        raise ValidationError("option %s of %s: a line break is not allowed" % (name, obj), name, obj)
    control = _CONTROL_RE.search(text)
    if control:
        name = _name(option, key)
        raise ValidationError("option %s of %s: %r holds a control character (%r); write it without"
                              % (name, obj, text, control.group(0)), name, obj)
    if maximum is not None and len(text) > maximum:
        name = _name(option, key)
        raise ValidationError("option %s of %s: at most %d characters, got %d" % (name, obj, maximum, len(text)),
                              name, obj)
    return text


def _word(value, option, obj, key=None):
    text = _text_value(value, option, obj, key=key)
    if not text or ' ' in text or '"' in text or text.startswith('-'):
        name = _name(option, key)
        raise ValidationError("option %s of %s: '%s' is not a valid value (one word)" % (name, obj, value), name, obj)
    return text


def render(fields, mark, option, obj):
    """Structured fields (only those given: no None or '' values) -> (spec text, families it is
    limited to or empty set, exact).

    The order is the one iptables-save prints (addresses, interfaces, protocol, then matches in the
    order given, then the target), so that a rule already in the chain is recognised without a
    round trip. ``exact`` is True when every value is written the way iptables-save prints it
    (numbers, not service names; known protocols and targets; see EXACT_*), so the text is
    iptables' own; a jump or goto to a word that is not a known target is exact only if that user
    chain exists (the caller checks, see ``chain_ref``). Otherwise iptables has the last word
    (see canon)."""
    def opt(key):
        return '%s.%s' % (option, key)

    families = set()
    parts = []
    exact = True
    for key, flag in (('source', '-s'), ('destination', '-d')):
        if key in fields:
            negated, net = _network(fields[key], option, obj, families, key)
            parts.append('%s%s %s' % ('! ' if negated else '', flag, net))
            if not _exact_network(net):
                exact = False
    for key, flag in (('in_interface', '-i'), ('out_interface', '-o')):
        if key in fields:
            negated, name = _iface(fields[key], option, obj, key)
            parts.append('%s%s %s' % ('! ' if negated else '', flag, name))
    proto = None
    if 'protocol' in fields:
        negated, proto = _neg(_word(fields['protocol'], option, obj, 'protocol'))
        if proto != proto.lower() or proto not in EXACT_PROTOCOLS:
            exact = False
        proto = proto.lower()
        parts.append('%s-p %s' % ('! ' if negated else '', proto))
        if negated:
            proto = None
    if mark:
        parts.append(_comment(mark))
    sport, dport, dports = fields.get('source_port'), fields.get('destination_port'), fields.get('destination_ports')
    if dport is not None and dports:
        raise ValidationError("option %s of %s: destination_port and destination_ports are mutually exclusive"
                              % (opt('destination_ports'), obj), opt('destination_ports'), obj)
    if sport is not None or dport is not None or dports:
        if proto not in PORT_PROTOCOLS:
            if sport is not None:
                which = 'source_port'
            else:
                which = 'destination_port' if dport is not None else 'destination_ports'
            raise ValidationError("option %s of %s: ports need protocol one of %s (protocol is %s)"
                                  % (opt(which), obj, ', '.join(PORT_PROTOCOLS), fields.get('protocol')),
                                  opt(which), obj)
        if sport is not None or dport is not None:
            words = ['-m ' + proto]
            if sport is not None:
                text = _port(sport, option, obj, 'source_port')
                words.append('--sport ' + text)
                exact = exact and _exact_port(text)
            if dport is not None:
                text = _port(dport, option, obj, 'destination_port')
                words.append('--dport ' + text)
                exact = exact and _exact_port(text)
            parts.append(' '.join(words))
        if dports:
            ports = [_port(p, option, obj, 'destination_ports').replace('-', ':') for p in dports]
            if len(ports) < 2 or not all(_exact_port(p) for p in ports):
                exact = False
            parts.append('-m multiport --dports %s' % ','.join(ports))
    if fields.get('ctstate'):
        states = []
        for state in fields['ctstate']:
            state = str(state).strip().upper()
            if state not in CTSTATES:
                raise ValidationError("option %s of %s: '%s' is not a conntrack state (one of %s)"
                                      % (opt('ctstate'), obj, state, ', '.join(CTSTATES)), opt('ctstate'), obj)
            if state not in states:
                states.append(state)
        states.sort(key=CTSTATES.index)
        parts.append('-m conntrack --ctstate %s' % ','.join(states))
    if 'comment' in fields:
        parts.append('-m comment --comment %s' % quote(_text_value(fields['comment'], option, obj, COMMENT_MAX,
                                                                   'comment')))
    jump, goto = fields.get('jump'), fields.get('goto')
    if jump and goto:
        raise ValidationError("option %s of %s: jump and goto are mutually exclusive" % (opt('goto'), obj),
                              opt('goto'), obj)
    target_opts = []
    for key, flag in (('to_destination', '--to-destination'), ('to_source', '--to-source')):
        if key in fields:
            value = _word(fields[key], option, obj, key)
            fam = _family_of_address(value)
            if fam is None:
                raise ValidationError("option %s of %s: '%s' is not an address[:port] or a range" % (opt(key), obj, value),
                                      opt(key), obj)
            families.add(fam)
            target_opts.append('%s %s' % (flag, value))
    if 'to_ports' in fields:
        target_opts.append('--to-ports %s' % _port(str(fields['to_ports']).replace('-', ':'), option, obj, 'to_ports')
                           .replace(':', '-'))
    if 'reject_with' in fields:
        target_opts.append('--reject-with %s' % _word(fields['reject_with'], option, obj, 'reject_with'))
    if 'log_prefix' in fields:
        target_opts.append('--log-prefix %s' % quote(_text_value(fields['log_prefix'], option, obj, LOG_PREFIX_MAX, 'log_prefix')))
    if target_opts and not jump:
        raise ValidationError("option %s of %s: target options (to_destination, to_source, to_ports, reject_with, "
                              "log_prefix) need a jump" % (opt('jump'), obj), opt('jump'), obj)
    if jump:
        parts.append('-j %s' % _word(jump, option, obj, 'jump'))
        parts.extend(target_opts)
        if not _exact_target(jump, fields):
            exact = False
    elif goto:
        parts.append('-g %s' % _word(goto, option, obj, 'goto'))
    if len(families) > 1:
        raise ValidationError("option %s of %s: the rule mixes IPv4 and IPv6 addresses" % (option, obj), option, obj)
    return ' '.join(parts), families, exact


TARGET_OPTIONS = ('to_destination', 'to_source', 'to_ports', 'reject_with', 'log_prefix')


def _exact_target(jump, fields):
    given = [k for k in TARGET_OPTIONS if k in fields]
    if not given and jump != 'REJECT':
        return True             # a known target without options, or a user chain (if it exists: chain_ref)
    if jump not in EXACT_TARGETS:
        return False            # a user chain takes no options
    if [k for k in given if k not in EXACT_TARGETS[jump]]:
        return False
    if jump == 'REJECT':        # iptables prints the default --reject-with, which depends on the IP version
        return fields.get('reject_with') in EXACT_REJECT_WITH
    for key in ('to_destination', 'to_source'):
        if key in given and not _exact_nat(str(fields[key])):
            return False
    if 'to_ports' in given:
        ports = str(fields['to_ports']).split('-')
        backwards = len(ports) == 2 and all(p.isdigit() for p in ports) and int(ports[0]) >= int(ports[1])
        if not all(p.isdigit() for p in ports) or len(ports) > 2 or backwards:
            return False
    return True


def chain_ref(fields):
    """The user chain a structured rule jumps or goes to (a word that is not a known target), or None."""
    if fields.get('goto'):
        return str(fields['goto'])
    jump = fields.get('jump')
    if jump and jump not in EXACT_TARGETS:
        return str(jump)
    return None


def from_string(text, mark, option, obj):
    """A rule written in iptables-save syntax (without ``-A CHAIN``) -> (spec text, families)."""
    text = _text_value(text, option + '.rule', obj).strip()
    if not text:
        raise ValidationError("option %s.rule of %s: the rule is empty" % (option, obj), option + '.rule', obj)
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValidationError("option %s.rule of %s: cannot read '%s': %s" % (option, obj, text, exc),
                              option + '.rule', obj)
    if words[0] in _COMMANDS:
        raise ValidationError("option %s.rule of %s: write the rule without the command (no '%s CHAIN'): "
                              "the module decides where it goes" % (option, obj, words[0]), option + '.rule', obj)
    families = set()
    for i, word in enumerate(words[:-1]):
        if word in ('-s', '--source', '-d', '--destination', '--src', '--dst', '--to-destination', '--to-source',
                    '--to'):
            fam = _family_of_address(words[i + 1])
            if fam:
                families.add(fam)
    if len(families) > 1:
        raise ValidationError("option %s.rule of %s: the rule mixes IPv4 and IPv6 addresses" % (option, obj),
                              option + '.rule', obj)
    if mark:
        text = '-m comment --comment %s %s' % (quote(mark), text)
    return text, families


# -- iptables-save output -----------------------------------------------------------------------

def parse_save(text, table):
    """iptables-save output -> {'found': bool, 'chains': {name: policy or None}, 'order': [names],
    'rules': [(chain, spec)]} for one table. Comments and other tables are skipped."""
    out = {'found': False, 'chains': {}, 'order': [], 'rules': []}
    current = None
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        if line.startswith('*'):
            current = line[1:].strip()
            if current == table:
                out['found'] = True
            continue
        if current != table:
            continue
        if line.startswith(':'):
            words = line[1:].split()
            name = words[0]
            policy = words[1] if len(words) > 1 and words[1] != '-' else None
            out['chains'][name] = policy
            out['order'].append(name)
        elif line.startswith('-A '):
            rest = line[3:]
            chain, _sep, spec = rest.partition(' ')
            out['rules'].append((chain, spec))
    return out


_OWNER_OF_RE = re.compile(r'(?:^| )-m comment --comment "netvirt:([A-Za-z0-9_.:/@=+-]+)"(?= |$)')


def owner_of(spec):
    """The owner whose marker a spec carries (None: no marker of this collection)."""
    found = _OWNER_OF_RE.search(spec)
    return found.group(1) if found else None


def ahead_of(owner, position):
    """For edits.plan_chain: a foreign rule of another owner whose block sits between ours and the
    chain's end at ``position``: at the top, owners in name order (the smallest first); at the
    bottom, in name order too (the largest last). The documented order between owners."""
    def ahead(spec):
        other = owner_of(spec)
        if other is None or other == owner:
            return False
        return other < owner if position == 'top' else other > owner
    return ahead


def owned(spec, mark):
    """Whether a spec (as iptables-save printed it) carries the owner marker. iptables-save writes
    ``-m comment --comment "TEXT"`` with inner quotes escaped, so the marker cannot be faked by a
    comment that merely contains it."""
    needle = '-m comment --comment %s' % quote(mark)
    pos = spec.find(needle)
    while pos != -1:
        end = pos + len(needle)
        if (pos == 0 or spec[pos - 1] == ' ') and (end == len(spec) or spec[end] == ' '):
            return True
        pos = spec.find(needle, pos + 1)
    return False


def references(rules, chain):
    """Rules (chain, spec) that jump or go to ``chain``."""
    pattern = re.compile(r'(^| )-[jg] %s( |$)' % re.escape(chain))
    return [(c, s) for c, s in rules if c != chain and pattern.search(s)]


def error_line(stderr):
    """The payload line iptables-restore names in its error, or None."""
    for pattern in (r'Error occurred at line: (\d+)', r'line (\d+)[: ]'):
        found = re.search(pattern, stderr or '')
        if found:
            return int(found.group(1))
    return None


def error_text(stderr):
    """iptables' own message, without the usage hint."""
    lines = [line.strip() for line in (stderr or '').splitlines()
             if line.strip() and not line.startswith('Try `') and not line.startswith('Error occurred at line')]
    text = ' '.join(lines) or 'failed without a message'
    if re.match(r'^\S*iptables-restore: line \d+ failed$', text):
        # iptables-legacy when the kernel refuses the table at commit
        text += ' (the kernel refused it: for example a target not allowed in this chain or table, or a missing ' \
                'kernel module)'
    return text
