# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nftables as text, pure: what nft accepts and prints (nft 1.0.6), no kernel, no process.

- the vocabulary: families, the hooks each family has, chain types, the ownership mark;
- guards on the texts a task gives (a rule or an element may not add a second command);
- structured rules rendered to nft's syntax;
- ``parse_listing``: ``nft -s list ruleset`` (the stateless listing: no counter values, no
  ``expires``) -> tables {(family, name): {comment, chains, sets}} with each rule and element as nft
  prints it (its canonical form);
- ``render``: a table model back to nft's listing layout (before/after of the diff, both sides by
  the same code, elements sorted so that a set compares as a set);
- ``commands``: the `nft -f` lines that create, change or delete a table, each line tagged with the
  option it comes from, so an error nft reports at ``/dev/stdin:LINE`` names the option;
- ``digest``: the fingerprint of a part (chain, set header, elements), for the ownership record.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import re

# The comment this collection gives every table it makes (nft 1.0.6 keeps and prints a table
# comment; kernel 5.10+). A table without it is another owner's and is never touched.
MARK = 'netvirt.linux'

FAMILIES = ('ip', 'ip6', 'inet', 'bridge', 'netdev', 'arp')
HOOKS = {
    'ip': ('prerouting', 'input', 'forward', 'output', 'postrouting'),
    'ip6': ('prerouting', 'input', 'forward', 'output', 'postrouting'),
    'inet': ('prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'),
    'bridge': ('prerouting', 'input', 'forward', 'output', 'postrouting'),
    'netdev': ('ingress', 'egress'),
    'arp': ('input', 'output'),
}
CHAIN_TYPES = {
    'filter': FAMILIES,
    'nat': ('ip', 'ip6', 'inet'),
    'route': ('ip', 'ip6', 'inet'),
}
POLICIES = ('accept', 'drop')
SET_FLAGS = ('constant', 'interval', 'timeout', 'dynamic')
VERDICTS = ('accept', 'drop', 'reject', 'return', 'continue', 'queue')

NAME_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_.\-]{0,255}$')
PRIORITY_RE = re.compile(r'^(-?\d+|[a-z]+(\s*[+-]\s*\d+)?)$')
TIMEOUT_RE = re.compile(r'^(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$')
JUMP_RE = re.compile(r'\b(jump|goto)\s+')
TARGET_RE = re.compile(r'"?([A-Za-z_][A-Za-z0-9_.\-]*)"?')
# an element with nothing the guards look for (no quote, ';', '#', brace, comma, line break; not blank)
PLAIN_ELEMENT_RE = re.compile(r'^[^\s";#{},\x00][^";#{},\r\n\x00]*(?<=\S)\Z')
# the same over many elements joined by newlines, in one pass
BAD_IN_ELEMENTS_RE = re.compile(r'[";#{},\r\x00]|^\s|\s$|\n\n|[ \t]\n|\n[ \t]')


def plain_elements(texts):
    """Whether every text of ``texts`` (strs) is a PLAIN_ELEMENT_RE element, checked at C speed."""
    if not texts:
        return True
    if set(map(type, texts)) != {str}:
        return False
    joined = '\n'.join(texts)
    return joined.count('\n') == len(texts) - 1 and not BAD_IN_ELEMENTS_RE.search(joined)


ERROR_RE = re.compile(r'^/dev/stdin:(\d+):[\d\-]+: Error: (.*)$')


class ModelError(Exception):
    """A text the task gave that this model refuses: ``msg`` says why (the caller names the option)."""

    def __init__(self, msg):
        Exception.__init__(self, msg)
        self.msg = msg


def check_name(value, what):
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise ModelError('%s %r is not a name nft takes (letters, digits, _ . -; starting with a letter or _; '
                         'at most 256)' % (what, value))
    return value


QUOTED_RE = re.compile(r'"[^"]*"')


def unquoted(text):
    """``text`` with the inside of every double-quoted string blanked out (the guards look only outside
    quotes); same length as ``text``."""
    if '"' not in text:
        return text
    bare = QUOTED_RE.sub(lambda m: '"' + ' ' * (len(m.group(0)) - 2) + '"', text)
    if '"' in QUOTED_RE.sub('', text):
        raise ModelError('a double quote is not closed')
    return bare


def check_statement(text, what, braces=True):
    """A rule (or an element) must stay one statement: no newline, no ';' or '#' outside quotes
    (either would start a second command, or comment out the rest), braces balanced (a '}' could
    close the chain and open another block). Returns the text stripped."""
    if not isinstance(text, str) or not text.strip():
        raise ModelError('%s is empty' % what)
    if '\n' in text or '\r' in text or '\x00' in text:
        raise ModelError('%s %r has a line break: give one statement per list item' % (what, text))
    bare = unquoted(text)
    for ch in ';#':
        if ch in bare:
            raise ModelError("%s %r has '%s' outside quotes: that would add a second command (give one "
                             "statement per list item)" % (what, text, ch))
    if '{' in bare or '}' in bare:
        if not braces:
            raise ModelError("%s %r has a brace outside quotes" % (what, text))
        depth = 0
        for ch in bare:
            depth += {'{': 1, '}': -1}.get(ch, 0)
            if depth < 0:
                break
        if depth != 0:
            raise ModelError('%s %r has unbalanced braces outside quotes' % (what, text))
    return text.strip()


def jumps(text):
    """Chains a rule (or a verdict-map element) jumps or goes to."""
    if 'jump' not in text and 'goto' not in text:
        return []
    out = []
    for m in JUMP_RE.finditer(unquoted(text)):
        target = TARGET_RE.match(text, m.end())
        if target:
            out.append(target.group(1))
    return out


def _addr_family(value):
    return 'ip6' if ':' in str(value) else 'ip'


def _values(value):
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return str(value[0])
        return '{ %s }' % ', '.join(str(v) for v in value)
    return str(value)


STRUCTURED = ('iifname', 'oifname', 'protocol', 'saddr', 'daddr', 'sport', 'dport', 'ct_state', 'counter',
              'log_prefix', 'verdict', 'jump', 'goto', 'comment')


def render_rule(rule, family):
    """A structured rule (a dict of STRUCTURED keys) -> nft's syntax, in that order."""
    unknown = sorted(set(rule) - set(STRUCTURED))
    if unknown:
        raise ModelError('unknown key(s) %s (structured rules take %s; or give the rule as a string)'
                         % (', '.join(unknown), ', '.join(STRUCTURED)))
    parts = []
    for key in ('iifname', 'oifname'):
        if rule.get(key) is not None:
            parts.append('%s %s' % (key, _values(['"%s"' % v for v in rule[key]] if isinstance(rule[key], list)
                                                 else '"%s"' % rule[key])))
    for key in ('saddr', 'daddr'):
        if rule.get(key) is not None:
            first = rule[key][0] if isinstance(rule[key], list) else rule[key]
            if str(first).startswith('@'):
                fam = 'ip6' if family == 'ip6' else 'ip'
            else:
                fam = _addr_family(first)
            parts.append('%s %s %s' % (fam, key, _values(rule[key])))
    ports = [k for k in ('sport', 'dport') if rule.get(k) is not None]
    if rule.get('protocol') is not None and not ports:
        parts.append('meta l4proto %s' % _values(rule['protocol']))
    for key in ports:
        if rule.get('protocol') is None:
            raise ModelError('%s needs protocol (tcp, udp, sctp)' % key)
        parts.append('%s %s %s' % (rule['protocol'], key, _values(rule[key])))
    if rule.get('ct_state') is not None:
        states = rule['ct_state'] if isinstance(rule['ct_state'], list) else [rule['ct_state']]
        parts.append('ct state %s' % ','.join(states))
    if rule.get('counter'):
        parts.append('counter')
    if rule.get('log_prefix') is not None:
        parts.append('log prefix "%s"' % rule['log_prefix'])
    verdicts = [k for k in ('verdict', 'jump', 'goto') if rule.get(k)]
    if len(verdicts) > 1:
        raise ModelError('give one of verdict, jump, goto')
    if rule.get('verdict'):
        if rule['verdict'] not in VERDICTS:
            raise ModelError('verdict %r is not one of %s' % (rule['verdict'], ', '.join(VERDICTS)))
        parts.append(rule['verdict'])
    for key in ('jump', 'goto'):
        if rule.get(key):
            parts.append('%s %s' % (key, rule[key]))
    if rule.get('comment') is not None:
        parts.append('comment "%s"' % rule['comment'])
    if not parts:
        raise ModelError('the rule is empty')
    text = ' '.join(parts)
    return check_statement(text, 'the rule')


# -- the listing ----------------------------------------------------------------------------------
def _blocks(lines, start):
    """From lines[start] (a line ending in '{'), the index of its closing line. nft indents with tabs and
    closes a block on a line of its own at the opening line's indentation: found with list.index (100,000
    elements are 50,000 lines); counting braces outside quotes when that is not there."""
    line = lines[start]
    closing = line[:len(line) - len(line.lstrip('\t'))] + '}'
    try:
        return lines.index(closing, start + 1)
    except ValueError:
        pass
    depth = 0
    for i in range(start, len(lines)):
        bare = unquoted(lines[i])
        depth += bare.count('{') - bare.count('}')
        if depth == 0:
            return i
    return len(lines) - 1


def split_elements(text):
    """'a, b timeout 1h, c . d : jump x' -> ['a', 'b timeout 1h', 'c . d : jump x'] (top-level commas)."""
    if '"' not in text and '{' not in text and '(' not in text:
        return [e for e in (part.strip() for part in text.split(',')) if e]
    out, cur, depth, quoted = [], [], 0, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in '{(':
                depth += 1
            elif ch in '})':
                depth -= 1
            elif ch == ',' and depth == 0:
                out.append(''.join(cur).strip())
                cur = []
                continue
        cur.append(ch)
    last = ''.join(cur).strip()
    if last:
        out.append(last)
    return [e for e in out if e]


def _parse_set(lines):
    header, elements = [], []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith('elements = {'):
            j = i
            while j < len(lines) - 1 and not lines[j].rstrip().endswith('}'):
                j += 1      # nft ends every continuation line with ',' and the last with ' }'
            body = ' '.join(lines[i:j + 1]).strip()
            body = body[len('elements = {'):].rstrip()
            if body.endswith('}'):
                body = body[:-1]
            elements = split_elements(body)
            i = j + 1
            continue
        if line:
            header.append(line)
        i += 1
    return header, elements


def parse_listing(text, wanted=None):
    """``nft -s list ruleset`` -> {(family, name): table}; a table is
    {'family', 'name', 'comment', 'flags', 'chains': {name: {'header': [lines], 'rules': [texts]}},
    'chain_order', 'sets': {name: {'kind': 'set'|'map', 'header': [lines], 'elements': [texts]}},
    'set_order', 'other': [object lines this collection does not manage]}. ``wanted``: a set of (family, name)
    parsed in full; the other tables only to their comment (None: every table in full)."""
    lines = text.splitlines()
    tables = {}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = re.match(r'^table (\S+) (\S+) \{$', line)
        if not m:
            i += 1
            continue
        end = _blocks(lines, i)
        family, name = m.group(1), m.group(2).strip('"')
        table = {'family': family, 'name': name, 'comment': None, 'flags': None, 'chains': {}, 'chain_order': [],
                 'sets': {}, 'set_order': [], 'other': []}
        if wanted is not None and (family, name) not in wanted:
            second = lines[i + 1].strip() if i + 1 < end else ''
            if second.startswith('comment "'):
                table['comment'] = second[len('comment "'):-1]
            tables[(family, name)] = table
            i = end + 1
            continue
        j = i + 1
        while j < end:
            inner = lines[j].strip()
            om = re.match(r'^(chain|set|map|flowtable|counter|quota|limit|ct helper|ct timeout|ct expectation|'
                          r'secmark|synproxy) (\S+) \{$', inner)
            if om:
                close = _blocks(lines, j)
                body = lines[j + 1:close]
                oname = om.group(2).strip('"')
                if om.group(1) == 'chain':
                    header = []
                    rules = []
                    for b in body:
                        b = b.strip()
                        if not b:
                            continue
                        if not rules and (b.startswith('type ') or b.startswith('comment "')
                                          or b.startswith('policy ')):
                            header.append(b)
                        else:
                            rules.append(b)
                    table['chains'][oname] = {'header': header, 'rules': rules}
                    table['chain_order'].append(oname)
                elif om.group(1) in ('set', 'map'):
                    header, elements = _parse_set(body)
                    table['sets'][oname] = {'kind': om.group(1), 'header': header, 'elements': elements}
                    table['set_order'].append(oname)
                else:
                    table['other'].append('%s %s' % (om.group(1), oname))
                j = close + 1
                continue
            if inner.startswith('comment "'):
                table['comment'] = inner[len('comment "'):-1] if inner.endswith('"') else inner
            elif inner.startswith('flags '):
                table['flags'] = inner[len('flags '):]
            j += 1
        tables[(family, name)] = table
        i = end + 1
    return tables


def summary(tables):
    """parse_listing's tables -> what net_info reports: [{family, name, comment, chains: {name: rules},
    rules, sets: {name: elements}, elements}] sorted by family and name."""
    out = []
    for (family, name), table in sorted(tables.items()):
        chains = dict((c, len(table['chains'][c]['rules'])) for c in table['chain_order'])
        sets = dict((n, len(table['sets'][n]['elements'])) for n in table['set_order'])
        out.append({'family': family, 'name': name, 'comment': table['comment'], 'chains': chains,
                    'rules': sum(chains.values()), 'sets': sets, 'elements': sum(sets.values())})
    return out


def owned(table):
    return table is not None and table.get('comment') == MARK


# -- the desired model ----------------------------------------------------------------------------
def chain_header(chain, family):
    """The declaration of a chain in `add chain` syntax ('' for a regular chain)."""
    if not chain.get('hook'):
        return ''
    text = 'type %s hook %s' % (chain.get('type') or 'filter', chain['hook'])
    if chain.get('device'):
        text += ' device "%s"' % chain['device']
    text += ' priority %s;' % chain.get('priority', 0)
    if chain.get('policy'):
        text += ' policy %s;' % chain['policy']
    return text


def set_header(spec):
    """A set's or map's declaration body in `add set` syntax."""
    parts = []
    if spec.get('typeof'):
        parts.append('typeof %s%s' % (spec['typeof'], ' : %s' % spec['map'] if spec.get('map') else ''))
    else:
        parts.append('type %s%s' % (spec['type'], ' : %s' % spec['map'] if spec.get('map') else ''))
    if spec.get('flags'):
        parts.append('flags %s' % ','.join(spec['flags']))
    if spec.get('timeout'):
        parts.append('timeout %s' % spec['timeout'])
    if spec.get('size'):
        parts.append('size %d' % spec['size'])
    if spec.get('auto_merge'):
        parts.append('auto-merge')
    if spec.get('comment'):
        parts.append('comment "%s"' % spec['comment'])
    return '; '.join(parts) + ';'


def commands_create(table, skeleton=False, known=None):
    """The `nft -f` lines that make ``table`` (the desired model) from nothing: [(line, option)].
    Order: table, every chain declared (so a jump or a verdict map may name a later one), the sets
    and maps, their elements, the rules. ``skeleton``: for canonicalising in the scratch namespace,
    no comment; ``known``: {set name: set of element texts already known canonical} left out."""
    fam, name = table['family'], table['name']
    where = '%s %s %s' % (fam, name, '%s')
    out = [('add table %s %s%s' % (fam, name, '' if skeleton else ' { comment "%s"; }' % MARK), table['option'])]
    for chain in table['chains']:
        header = chain_header(chain, fam)
        out.append(('add chain %s%s' % (where % chain['name'], ' { %s }' % header if header else ''),
                    chain['option']))
    out.extend(_sets_lines(table, table['sets'], known))
    for chain in table['chains']:
        for text, option in chain['rules']:
            out.append(('add rule %s %s' % (where % chain['name'], text), option))
    return out


def _sets_lines(table, sets, known=None):
    fam, name = table['family'], table['name']
    out = []
    for spec in sets:
        out.append(('add %s %s %s %s { %s }' % ('map' if spec.get('map') else 'set', fam, name, spec['name'],
                                                set_header(spec)), spec['option']))
    for spec in sets:
        skip = (known or {}).get(spec['name'])
        elements = [(e, o) for e, o in spec['elements'] if e not in skip] if skip else spec['elements']
        out.extend(element_lines('add', table, spec['name'], elements))
    return out


def element_lines(verb, table, set_name, elements):
    """``add``/``delete element`` of many elements: one command, one element a line (so that nft's
    error line names the element)."""
    if not elements:
        return []
    head = '%s element %s %s %s {' % (verb, table['family'], table['name'], set_name)
    out = [(' %s,' % text, option) for text, option in elements]
    first, last = elements[0], elements[-1]
    out[0] = ('%s %s%s' % (head, first[0], ',' if len(elements) > 1 else ' }'), first[1])
    if len(elements) > 1:
        out[-1] = (' %s }' % last[0], last[1])
    return out


def listed_model(parsed):
    """A parsed table's parts as comparable data (canonical: what nft printed)."""
    return {'chains': dict((n, {'header': list(c['header']), 'rules': list(c['rules'])})
                           for n, c in parsed['chains'].items()),
            'sets': dict((n, {'kind': s['kind'], 'header': list(s['header']), 'elements': list(s['elements'])})
                         for n, s in parsed['sets'].items())}


def digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode('utf-8')).hexdigest()[:32]


def digest_lines(texts):
    """The fingerprint of a set of element texts (order does not count)."""
    return hashlib.sha256('\n'.join(sorted(texts)).encode('utf-8')).hexdigest()[:32]


def given_parts(table):
    """The fingerprints of what the task gives, part by part (the ownership record keeps them)."""
    out = {}
    for chain in table['chains']:
        out['chain ' + chain['name']] = digest([chain_header(chain, table['family']), [t for t, _o in chain['rules']]])
    for spec in table['sets']:
        out['set ' + spec['name']] = digest(set_header(spec))
        out['elements ' + spec['name']] = digest_lines([e for e, _o in spec['elements']])
    return out


def listed_parts(model):
    out = {}
    for name, chain in model['chains'].items():
        out['chain ' + name] = digest([chain['header'], chain['rules']])
    for name, spec in model['sets'].items():
        out['set ' + name] = digest(spec['header'])
        out['elements ' + name] = digest_lines(spec['elements'])
    return out


# -- rendering (the diff's text) ------------------------------------------------------------------
def render(table, model):
    """``model`` ({'chains', 'sets'} as listed_model gives) of ``table`` (family, name, chain and
    set order) in nft's listing layout; elements sorted one a line; '' for a table that is not there."""
    if model is None:
        return ''
    lines = ['table %s %s {' % (table['family'], table['name'])]
    if model.get('comment'):
        lines.append('\tcomment "%s"' % model['comment'])
    blocks = []
    for name in model.get('set_order') or sorted(model['sets']):
        spec = model['sets'][name]
        block = ['\t%s %s {' % (spec['kind'], name)] + ['\t\t' + h for h in spec['header']]
        if spec['elements']:
            block.append('\t\telements = {')
            block.extend('\t\t\t%s,' % e for e in sorted(spec['elements']))
            block.append('\t\t}')
        block.append('\t}')
        blocks.append(block)
    for name in model.get('chain_order') or sorted(model['chains']):
        chain = model['chains'][name]
        block = ['\tchain %s {' % name] + ['\t\t' + h for h in chain['header']]
        block.extend('\t\t' + r for r in chain['rules'])
        block.append('\t}')
        blocks.append(block)
    for k, block in enumerate(blocks):
        if k:
            lines.append('')
        lines.extend(block)
    lines.append('}')
    return '\n'.join(lines) + '\n'


def error_lines(stderr):
    """nft's errors on a file read from stdin -> [(line number, message)]; the rest of its output
    (the quoted line and the carets) is left to the full text."""
    out = []
    for line in stderr.splitlines():
        m = ERROR_RE.match(line.strip())
        if m:
            out.append((int(m.group(1)), m.group(2)))
    return out


def error_text(stderr, limit=600):
    text = ' '.join(l.strip() for l in stderr.splitlines() if l.strip() and set(l.strip()) - set('^~'))
    return text[:limit]
