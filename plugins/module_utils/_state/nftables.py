# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nftables: whole tables this collection owns, in one namespace, as one atomic transaction.

observe: one ``nft -s list ruleset`` inside the namespace; a table under a name the task gives
that carries no ``netvirt.linux`` comment is another owner's (Docker, firewalld, iptables-nft,
an administrator) and the task fails naming it. The task's rules and elements are compared after
nft has printed them in its own form: a part (a chain's header and rules, a set's declaration, its
elements) is taken as nft printed it when the ownership record says this collection wrote it from
the same given text and nft's print of it has not changed since (``ctx.io.nftables.Record``);
every other part is loaded into a new, empty scratch namespace and listed back there (one load and
one listing for the whole task); an element already listed verbatim in the target is canonical
as it is. A new table is created from the task's text without that step (nft checks it at the
commit, all or nothing). plan: the fewest commands (add/delete elements, flush + re-add the rules
of a chain that differs, a policy, new/removed chains and sets; a changed chain hook or set
declaration replaces the table) in one transaction; check mode runs ``nft --check`` on it.
Needs no pyroute2.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.netvirt.linux.plugins.module_utils._nftables import model
from ansible_collections.netvirt.linux.plugins.module_utils._state import validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError, NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label

SET_OPTIONS = dict(
    name={'type': 'str', 'required': True},
    type={'type': 'str'},
    typeof={'type': 'str'},
    flags={'type': 'list', 'elements': 'str', 'default': []},
    timeout={'type': 'str'},
    size={'type': 'int'},
    auto_merge={'type': 'bool', 'default': False},
    comment={'type': 'str'},
    elements={'type': 'list', 'elements': 'raw', 'default': []},
)
MAP_OPTIONS = dict(SET_OPTIONS, map={'type': 'str', 'required': True})
CHAIN_OPTIONS = dict(
    name={'type': 'str', 'required': True},
    type={'type': 'str', 'choices': sorted(model.CHAIN_TYPES)},
    hook={'type': 'str'},
    priority={'type': 'raw'},
    policy={'type': 'str', 'choices': list(model.POLICIES)},
    device={'type': 'str'},
    rules={'type': 'list', 'elements': 'raw', 'default': []},
)
TABLE_OPTIONS = dict(
    name={'type': 'str', 'required': True},
    family={'type': 'str', 'default': 'inet', 'choices': list(model.FAMILIES)},
    state={'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
    chains={'type': 'list', 'elements': 'dict', 'default': [], 'options': CHAIN_OPTIONS},
    sets={'type': 'list', 'elements': 'dict', 'default': [], 'options': SET_OPTIONS},
    maps={'type': 'list', 'elements': 'dict', 'default': [], 'options': MAP_OPTIONS},
)

# The order of a transaction's commands (an action holds lines for one or more of these).
DECLARE_CHAINS, DECLARE_SETS, POLICY, FLUSH, RULES, DEL_ELEMENTS, ADD_ELEMENTS, DEL_CHAINS, DEL_SETS = range(1, 10)
WHOLE = 0


def table_obj(family, name):
    return 'nftables table %s %s' % (family, name)


def _fail(option, obj, why):
    raise ValidationError('option %s of %s: %s' % (option, obj, why), option, obj)


class NftablesKind(Kind):
    needs_pyroute2 = False
    argument_spec = dict(
        tables={'type': 'list', 'elements': 'dict', 'required': True, 'options': TABLE_OPTIONS},
    )

    def __init__(self):
        self.nft = None
        self.record = None
        self.record_dirty = False
        self.ns_exists = True
        self.objs = {}
        self.desired_ = self.observed_ = None

    # -- desired -------------------------------------------------------------------------------
    def desired(self, params):
        tables, seen = [], {}
        netns = validate.netns_ref(params.get('netns'), 'netns', 'nftables')
        for i, given in enumerate(params['tables'] or []):
            tables.append(self._table(given, 'tables[%d]' % i))
            key = (tables[-1]['family'], tables[-1]['name'])
            if key in seen:
                _fail('tables[%d]' % i, tables[-1]['obj'], 'the same table as %s' % seen[key])
            seen[key] = 'tables[%d]' % i
        if not tables:
            raise ValidationError('option tables of nftables: give at least one table', 'tables', 'nftables')
        return {'netns': netns, 'tables': tables, 'obj': 'nftables'}

    def _table(self, given, option):
        family = given.get('family') or 'inet'
        try:
            name = model.check_name(given.get('name'), 'the table name')
        except model.ModelError as exc:
            raise ValidationError('option %s.name of nftables: %s' % (option, exc.msg), option + '.name', 'nftables')
        obj = table_obj(family, name)
        table = {'family': family, 'name': name, 'obj': obj, 'option': option, 'state': given.get('state') or 'present',
                 'chains': [], 'sets': []}
        names = {}
        for j, chain in enumerate(given.get('chains') or []):
            table['chains'].append(self._chain(chain, family, obj, '%s.chains[%d]' % (option, j)))
            cname = table['chains'][-1]['name']
            if cname in names:
                _fail('%s.chains[%d].name' % (option, j), obj, 'chain %s is given twice (also %s)' % (cname, names[cname]))
            names[cname] = '%s.chains[%d]' % (option, j)
        snames = {}
        for what in ('sets', 'maps'):
            for j, spec in enumerate(given.get(what) or []):
                table['sets'].append(self._set(spec, what, obj, '%s.%s[%d]' % (option, what, j)))
                sname = table['sets'][-1]['name']
                if sname in snames:
                    _fail('%s.%s[%d].name' % (option, what, j), obj,
                          'set or map %s is given twice (also %s)' % (sname, snames[sname]))
                snames[sname] = '%s.%s[%d]' % (option, what, j)
        for chain in table['chains']:
            for text, roption in chain['rules']:
                self._jumps(text, names, roption, obj)
        for spec in table['sets']:
            if spec.get('map'):     # a verdict map's element may jump
                for text, eoption in spec['elements']:
                    self._jumps(text, names, eoption, obj)
        if table['state'] == 'absent' and (table['chains'] or table['sets']):
            _fail(option + '.state', obj, 'state=absent removes the whole table: give no chains, sets or maps')
        return table

    @staticmethod
    def _jumps(text, names, option, obj):
        for target in model.jumps(text):
            if target not in names:
                _fail(option, obj, "'%s' jumps to chain %s, which the table does not have (its chains: %s)"
                      % (text, target, ', '.join(sorted(names)) or 'none'))

    @staticmethod
    def _chain(given, family, obj, option):
        try:
            name = model.check_name(given.get('name'), 'the chain name')
        except model.ModelError as exc:
            _fail(option + '.name', obj, exc.msg)
        chain = {'name': name, 'option': option, 'hook': given.get('hook'), 'type': given.get('type'),
                 'policy': given.get('policy'), 'device': given.get('device'), 'rules': []}
        hook = chain['hook']
        if hook is None:
            for key in ('type', 'priority', 'policy', 'device'):
                if given.get(key) is not None:
                    _fail('%s.%s' % (option, key), obj, 'chain %s has no hook: only a base chain (one with a hook) '
                          'has a %s' % (name, key))
        else:
            if hook not in model.HOOKS[family]:
                _fail(option + '.hook', obj, "the %s family has no hook '%s' (it has %s)"
                      % (family, hook, ', '.join(model.HOOKS[family])))
            ctype = chain['type'] or 'filter'
            chain['type'] = ctype
            if family not in model.CHAIN_TYPES[ctype]:
                _fail(option + '.type', obj, 'a %s chain is not for the %s family (only %s)'
                      % (ctype, family, ', '.join(model.CHAIN_TYPES[ctype])))
            priority = given.get('priority')
            priority = 0 if priority is None else priority
            if isinstance(priority, bool) or not model.PRIORITY_RE.match(str(priority).strip()):
                _fail(option + '.priority', obj, 'priority %r is neither a number nor a name such as filter, '
                      'dstnat or "filter + 10"' % (priority,))
            chain['priority'] = str(priority).strip()
            if family == 'netdev' and not chain['device']:
                _fail(option + '.device', obj, 'a netdev %s chain needs the device it hooks to' % hook)
            if chain['device']:
                try:
                    validate.ifname(chain['device'], option + '.device', obj)
                except ValidationError:
                    raise
        for k, rule in enumerate(given.get('rules') or []):
            roption = '%s.rules[%d]' % (option, k)
            try:
                if isinstance(rule, dict):
                    text = model.render_rule(dict((a, b) for a, b in rule.items() if b is not None), family)
                elif isinstance(rule, str):
                    text = model.check_statement(rule, 'the rule')
                else:
                    raise model.ModelError('a rule is a string in nft syntax or a dict of %s'
                                           % ', '.join(model.STRUCTURED))
            except model.ModelError as exc:
                _fail(roption, obj, exc.msg)
            chain['rules'].append((text, roption))
        seen = {}
        for text, roption in chain['rules']:
            if text in seen:
                _fail(roption, obj, "the same rule as %s ('%s')" % (seen[text], text))
            seen[text] = roption
        return chain

    @staticmethod
    def _set(given, what, obj, option):
        try:
            name = model.check_name(given.get('name'), 'the %s name' % what[:-1])
        except model.ModelError as exc:
            _fail(option + '.name', obj, exc.msg)
        spec = {'name': name, 'option': option, 'map': given.get('map'), 'elements': []}
        if bool(given.get('type')) == bool(given.get('typeof')):
            _fail(option + '.type', obj, 'give type (e.g. ipv4_addr, "ipv4_addr . inet_service") or typeof, one of them')
        for key in ('type', 'typeof', 'map', 'timeout', 'comment'):
            value = given.get(key)
            if value is not None:
                try:
                    model.check_statement(value, key, braces=False)
                except model.ModelError as exc:
                    _fail('%s.%s' % (option, key), obj, exc.msg)
            spec[key] = value
        flags = list(given.get('flags') or [])
        bad = [f for f in flags if f not in model.SET_FLAGS]
        if bad:
            _fail(option + '.flags', obj, 'unknown flag(s) %s (nft has %s)' % (', '.join(bad), ', '.join(model.SET_FLAGS)))
        spec['flags'] = flags
        if spec['timeout'] and not model.TIMEOUT_RE.match(spec['timeout']):
            _fail(option + '.timeout', obj, 'timeout %r is not in nft form (1h, 30m, 1d2h, 500ms)' % spec['timeout'])
        spec['size'] = given.get('size')
        spec['auto_merge'] = bool(given.get('auto_merge'))
        given_elements = given.get('elements') or []
        if model.plain_elements(given_elements):
            # the common case, in bulk (100,000 elements): nothing a guard looks for
            texts = list(given_elements)
        else:
            texts = []
            for k, element in enumerate(given_elements):
                eoption = '%s.elements[%d]' % (option, k)
                if isinstance(element, bool) or not isinstance(element, (str, int)):
                    _fail(eoption, obj, 'an element is a string (or a number), e.g. 10.0.0.1, "80 : accept"')
                try:
                    text = model.check_statement(str(element), 'the element', braces=False)
                    if ',' in model.unquoted(text):
                        raise model.ModelError("the element %r has ',' outside quotes: give one element per list "
                                               "item" % text)
                except model.ModelError as exc:
                    _fail(eoption, obj, exc.msg)
                texts.append(text)
        options = ['%s.elements[%d]' % (option, k) for k in range(len(texts))]
        if len(set(texts)) != len(texts):
            seen = {}
            for text, eoption in zip(texts, options):
                if text in seen:
                    _fail(eoption, obj, 'the same element as %s (%s)' % (seen[text], text))
                seen[text] = eoption
        spec['elements'] = list(zip(texts, options))
        return spec

    # -- observe -------------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        io = ctx.io
        netns = session.register(desired['netns'])
        exists = self.ns_exists = session.exists(netns)
        if not exists and not ctx.check_mode:
            session.fd(netns, 'netns', 'nftables')     # raises naming the option
        if not exists:
            ctx.warn('%s does not exist; check mode plans as if it were created empty by an earlier task'
                     % ns_label(netns))
        self.objs = dict((t['option'], t['obj']) for t in desired['tables'])
        self.desired_, self.observed_ = desired, None
        self.nft = io.nftables.Nft(netns)
        self.record = io.nftables.Record(session.identity(netns) if exists else None)
        self.check_mode = ctx.check_mode
        listing = ''
        if exists:
            listing = self._list(desired['tables'][0]['obj'])
        current = model.parse_listing(listing, set((t['family'], t['name']) for t in desired['tables']))
        observed = {'netns': netns, 'listing': listing, 'tables': {}}
        scratch = []       # (table, need) whose parts nft must print first
        for table in desired['tables']:
            key = (table['family'], table['name'])
            cur = current.get(key)
            if cur is not None and not model.owned(cur):
                _fail(table['option'] + '.name', table['obj'],
                      "table %s %s in %s is not this collection's (it has no '%s' comment): it is another "
                      "owner's (Docker, firewalld, iptables-nft, an administrator) and is never touched; "
                      "give another name" % (key[0], key[1], ns_label(netns), model.MARK))
            entry = {'current': cur, 'listed': model.listed_model(cur) if cur else None, 'canon': None}
            observed['tables'][key] = entry
            if cur is not None and table['state'] == 'present':
                need = self._known(table, entry)
                if need['chains'] or need['sets'] or need['elements']:
                    scratch.append((table, entry, need))
                elif not ctx.check_mode:
                    self._remember(table, entry['canon'], pending=False)
        if scratch:
            self._canonicalise(scratch)
            if not ctx.check_mode:
                for table, entry, _need in scratch:
                    self._remember(table, entry['canon'], pending=False)
        self.observed_ = observed
        return observed

    def _list(self, obj):
        try:
            rc, out, err = self.nft.list_ruleset()
        except (IOError, OSError) as exc:
            raise NetvirtError('option netns of %s: running nft failed: %s' % (obj, exc.strerror or exc), 'netns', obj)
        if rc != 0:
            raise NetvirtError('option netns of %s: nft list ruleset failed: %s' % (obj, model.error_text(err)),
                               'netns', obj)
        return out

    def _known(self, table, entry):
        """Which parts of an existing table are known in nft's form without the scratch namespace;
        fills entry['canon'] with those, returns what nft must print."""
        key = '%s %s' % (table['family'], table['name'])
        rec = self.record.get(key)
        rgiven, rlisted = rec.get('given') or {}, rec.get('listed') or {}
        listed = entry['listed']
        lparts = model.listed_parts(listed)
        gparts = model.given_parts(table)
        canon = {'chains': {}, 'sets': {}, 'comment': model.MARK,
                 'chain_order': [c['name'] for c in table['chains']], 'set_order': [s['name'] for s in table['sets']]}
        need = {'chains': [], 'sets': [], 'elements': {}, 'known': {}}

        def known(part, shape_ok):
            if part not in lparts or rgiven.get(part) != gparts[part]:
                return False
            if rlisted.get(part) is None:
                return part in rlisted and shape_ok     # written by us, never listed since: shape must agree
            return rlisted[part] == lparts[part]

        for chain in table['chains']:
            name = chain['name']
            got = listed['chains'].get(name)
            if got is not None and known('chain ' + name, len(got['rules']) == len(chain['rules'])):
                canon['chains'][name] = got
            else:
                need['chains'].append(name)
        for spec in table['sets']:
            name = spec['name']
            got = listed['sets'].get(name)
            kind = 'map' if spec.get('map') else 'set'
            if got is not None and got['kind'] == kind and known('set ' + name, True):
                canon['sets'][name] = {'kind': kind, 'header': got['header'], 'elements': None}
            else:
                need['sets'].append(name)
                canon['sets'][name] = {'kind': kind, 'header': None, 'elements': None}
            if got is not None and known('elements ' + name, len(got['elements']) == len(spec['elements'])):
                canon['sets'][name]['elements'] = list(got['elements'])
            else:
                there = set(got['elements']) if got is not None else set()
                verbatim = [e for e, _o in spec['elements'] if e in there]
                need['known'][name] = set(verbatim)
                if len(verbatim) < len(spec['elements']):
                    need['elements'][name] = True
                else:
                    canon['sets'][name]['elements'] = verbatim
                    need['known'].pop(name)
        entry['canon'] = canon
        if not need['elements'] and not need['chains'] and not need['sets']:
            return need
        return need

    def _canonicalise(self, scratch):
        """One load and one listing in the scratch namespace for every part nft must print."""
        lines = []
        for table, entry, need in scratch:
            part = dict(table)
            part['chains'] = [dict(c, rules=c['rules'] if c['name'] in need['chains'] else []) for c in table['chains']]
            known = dict((s['name'], set(e for e, _o in s['elements'])
                          if entry['canon']['sets'][s['name']]['elements'] is not None
                          else need['known'].get(s['name'], set())) for s in table['sets'])
            lines.extend(model.commands_create(part, skeleton=True, known=known))
        text, options = self._text(lines)
        try:
            rc, _out, err = self.nft.load(text, where='scratch')
            if rc != 0:
                self._refused(err, options, scratch[0][0]['obj'], 'nft refused it', scratch=True)
            rc, out, err = self.nft.list_ruleset(where='scratch')
            if rc != 0:
                raise NetvirtError('option tables of nftables: nft list ruleset failed in the scratch namespace: %s'
                                   % model.error_text(err), 'tables', 'nftables')
        except (IOError, OSError) as exc:
            raise NetvirtError('option netns of nftables: running nft failed: %s' % (exc.strerror or exc),
                               'netns', 'nftables')
        finally:
            self.nft.reset_scratch()
        printed = model.parse_listing(out)
        for table, entry, need in scratch:
            got = model.listed_model(printed[(table['family'], table['name'])])
            canon = entry['canon']
            for name in need['chains']:
                canon['chains'][name] = got['chains'][name]
            for spec in table['sets']:
                name = spec['name']
                if canon['sets'][name]['header'] is None:
                    canon['sets'][name]['header'] = got['sets'][name]['header']
                if canon['sets'][name]['elements'] is None:
                    canon['sets'][name]['elements'] = sorted(set(need['known'].get(name, ())) |
                                                             set(got['sets'][name]['elements']))

    @staticmethod
    def _text(lines):
        """[(line, option)] -> (text, Lines: the option of a line number, looked up only on an error)."""
        return '\n'.join([l for l, _o in lines]) + '\n', Lines(lines)

    def _refused(self, err, options, obj, what, scratch=False):
        found = model.error_lines(err)
        option = options.get(found[0][0]) if found else None
        if option is None:
            option = 'tables'
        prefix = option.split('.', 1)[0]
        obj = self.objs.get(prefix, obj)
        hint = ''
        if 'Interface does not exist' in err and scratch:
            hint = (' (nft resolves iif/oif when it reads the rule, and the task\'s rules are printed by nft in an '
                    'empty scratch namespace: match by name with iifname/oifname)')
        word = re.search(r'unexpected (\S+), expecting string', err)
        if word and model.NAME_RE.match(word.group(1)):
            hint += (" ('%s' is a word of nft's language, which nft 1.0 does not take as a name: choose another)"
                     % word.group(1))
        raise ApplyError('option %s of %s: %s; nothing was changed: %s%s'
                         % (option, obj, what, model.error_text(err), hint), option=option, obj=obj)

    # -- plan ----------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        plan = Plan()
        netns = observed['netns']
        for table in desired['tables']:
            key = (table['family'], table['name'])
            entry = observed['tables'][key]
            obj, fam, name = table['obj'], table['family'], table['name']
            label = '%s (%s)' % (obj, ns_label(netns))
            # the texts of the diff (elements sorted) only when a diff is asked for: 100,000 elements
            render = model.render if ctx.diff else (lambda _t, _m: '')
            before = render(table, self._ordered(entry['current'], entry['listed']))
            if table['state'] == 'absent':
                if entry['current'] is not None:
                    line = ('delete table %s %s' % (fam, name), table['option'] + '.state')
                    plan.add('nft', netns, obj, {'lines': {WHOLE: [line]}},
                             option=table['option'] + '.state', text='delete table %s %s' % (fam, name))
                plan.record(label, before, '')
                continue
            if entry['current'] is None:
                lines = model.commands_create(table)
                nrules = sum(len(c['rules']) for c in table['chains'])
                nelem = sum(len(s['elements']) for s in table['sets'])
                plan.add('nft', netns, obj, {'lines': {WHOLE: lines}}, option=table['option'],
                         text='create table %s %s (%d chains, %d rules, %d sets and maps, %d elements)'
                         % (fam, name, len(table['chains']), nrules, len(table['sets']), nelem))
                plan.record(label, before, render(table, self._given_model(table)) if ctx.diff else '')
                continue
            canon = entry['canon']
            self._plan_update(plan, netns, table, entry['listed'], canon)
            plan.record(label, before, render(table, canon))
        return plan

    @staticmethod
    def _ordered(current, listed):
        if current is None:
            return None
        out = dict(listed)
        out.update(comment=current['comment'], chain_order=current['chain_order'], set_order=current['set_order'])
        return out

    @staticmethod
    def _given_model(table):
        chains = dict((c['name'], {'header': [model.chain_header(c, table['family'])] if c.get('hook') else [],
                                   'rules': [t for t, _o in c['rules']]}) for c in table['chains'])
        sets = dict((s['name'], {'kind': 'map' if s.get('map') else 'set',
                                 'header': model.set_header(s).rstrip(';').split('; '),
                                 'elements': [e for e, _o in s['elements']]}) for s in table['sets'])
        return {'chains': chains, 'sets': sets, 'comment': model.MARK,
                'chain_order': [c['name'] for c in table['chains']], 'set_order': [s['name'] for s in table['sets']]}

    @staticmethod
    def _plan_update(plan, netns, table, listed, canon):
        fam, name, obj = table['family'], table['name'], table['obj']
        where = '%s %s' % (fam, name)

        def add(option, text, lines):
            plan.add('nft', netns, obj, {'lines': lines}, option=option, text=text)

        # a chain's type/hook/priority or a set's declaration cannot change in place: replace the table
        reasons = []
        for chain in table['chains']:
            got = listed['chains'].get(chain['name'])
            if got is not None and _base(got['header']) != _base(canon['chains'][chain['name']]['header']):
                reasons.append(('%s.hook' % chain['option'], 'chain %s is declared differently' % chain['name']))
        for spec in table['sets']:
            got = listed['sets'].get(spec['name'])
            want = canon['sets'][spec['name']]
            if got is not None and (got['header'] != want['header'] or got['kind'] != want['kind']):
                reasons.append((spec['option'], '%s %s is declared differently' % (want['kind'], spec['name'])))
        if reasons:
            lines = [('delete table %s' % where, table['option'])] + model.commands_create(table)
            add(reasons[0][0], 'replace table %s (%s)' % (where, '; '.join(r for _o, r in reasons)), {WHOLE: lines})
            return
        chains = dict((c['name'], c) for c in table['chains'])
        for cname in canon['chain_order']:
            chain = chains[cname]
            want = canon['chains'][cname]
            got = listed['chains'].get(cname)
            if got is None:
                header = model.chain_header(chain, fam)
                add(chain['option'], 'add chain %s to table %s' % (cname, where),
                    {DECLARE_CHAINS: [('add chain %s %s%s' % (where, cname, ' { %s }' % header if header else ''),
                                       chain['option'])]})
            elif got['header'] != want['header']:
                add(chain['option'] + '.policy', 'set policy of chain %s in table %s to %s'
                    % (cname, where, chain['policy'] or 'accept'),
                    {POLICY: [('add chain %s %s { %s }' % (where, cname, model.chain_header(
                        dict(chain, policy=chain['policy'] or 'accept'), fam)), chain['option'] + '.policy')]})
            if got is None or got['rules'] != want['rules']:
                lines = {RULES: [('add rule %s %s %s' % (where, cname, t), o) for t, o in chain['rules']]}
                if got is not None and got['rules']:
                    lines[FLUSH] = [('flush chain %s %s' % (where, cname), chain['option'] + '.rules')]
                if lines[RULES] or FLUSH in lines:
                    add(chain['option'] + '.rules', 'set the rules of chain %s in table %s (%d -> %d)'
                        % (cname, where, len(got['rules']) if got else 0, len(chain['rules'])), lines)
        sets = dict((s['name'], s) for s in table['sets'])
        for sname in canon['set_order']:
            spec = sets[sname]
            want = canon['sets'][sname]
            got = listed['sets'].get(sname)
            kind = want['kind']
            if got is None:
                add(spec['option'], 'add %s %s to table %s' % (kind, sname, where),
                    {DECLARE_SETS: [('add %s %s %s { %s }' % (kind, where, sname, model.set_header(spec)),
                                     spec['option'])]})
            have = set(got['elements']) if got else set()
            wanted = set(want['elements'])
            gone = sorted(have - wanted)
            new = sorted(wanted - have)
            given = dict((e, o) for e, o in spec['elements'])
            if gone:
                add(spec['option'] + '.elements', 'delete %d element(s) from %s %s: %s'
                    % (len(gone), kind, sname, _few(gone)),
                    {DEL_ELEMENTS: model.element_lines('delete', table, sname,
                                                       [(e, spec['option'] + '.elements') for e in gone])})
            if new:
                add(spec['option'] + '.elements', 'add %d element(s) to %s %s: %s' % (len(new), kind, sname, _few(new)),
                    {ADD_ELEMENTS: model.element_lines('add', table, sname,
                                                       [(e, given.get(e, spec['option'] + '.elements')) for e in new])})
        for cname in listed['chains']:
            if cname not in chains:
                add(table['option'] + '.chains', 'delete chain %s from table %s (%d rules)'
                    % (cname, where, len(listed['chains'][cname]['rules'])),
                    {FLUSH: [('flush chain %s %s' % (where, cname), table['option'] + '.chains')],
                     DEL_CHAINS: [('delete chain %s %s' % (where, cname), table['option'] + '.chains')]})
        for sname in listed['sets']:
            if sname not in sets:
                kind = listed['sets'][sname]['kind']
                add(table['option'] + '.sets', 'delete %s %s from table %s' % (kind, sname, where),
                    {DEL_SETS: [('delete %s %s %s' % (kind, where, sname), table['option'] + '.sets')]})

    # -- apply / check -------------------------------------------------------------------------
    @staticmethod
    def transaction(actions):
        """The actions' lines in one text, phase by phase -> (text, {line number: option})."""
        lines = []
        for phase in range(WHOLE, DEL_SETS + 1):
            for action in actions:
                lines.extend(action.params['lines'].get(phase, ()))
        return NftablesKind._text(lines)

    def apply(self, session, plan, ctx):
        text, options = self.transaction(plan.actions)
        self._load(text, options, plan, check=False)
        self._record_after(plan)

    def check(self, session, plan, ctx):
        text, options = self.transaction(plan.actions)
        self._load(text, options, plan, check=True, where='target' if self.ns_exists else 'scratch')

    def _load(self, text, options, plan, check, where='target'):
        obj = plan.actions[0].obj
        try:
            rc, _out, err = self.nft.load(text, check=check, where=where)
        except (IOError, OSError) as exc:
            raise ApplyError('option netns of %s: running nft failed: %s' % (obj, exc.strerror or exc),
                             option='netns', obj=obj)
        finally:
            self.nft.reset_scratch()
        if rc != 0:
            found = model.error_lines(err)
            option = options.get(found[0][0]) if found else None
            owner = obj
            for action in plan.actions:
                for lines in action.params['lines'].values():
                    if any(o == option for _l, o in lines):
                        owner = action.obj
            self._refused(err, options, owner, 'nft%s refused the transaction' % (' --check' if check else ''))

    def _record_after(self, plan):
        """After a commit: what the record knows of each table now."""
        for table in self.desired_['tables']:
            entry = self.observed_['tables'][(table['family'], table['name'])]
            if table['state'] == 'absent':
                if entry['current'] is not None:
                    self.record.put('%s %s' % (table['family'], table['name']), None)
                    self.record_dirty = True
            elif entry['current'] is None or any(a.obj == table['obj'] and WHOLE in a.params['lines']
                                                 for a in plan.actions):
                self._remember(table, None, pending=True)
            else:
                self._remember(table, entry['canon'], pending=False)

    def _remember(self, table, canon, pending):
        key = '%s %s' % (table['family'], table['name'])
        gparts = model.given_parts(table)
        if pending:
            listed = dict((p, None) for p in gparts)
        else:
            listed = model.listed_parts(canon)
        value = {'given': gparts, 'listed': listed}
        if self.record.get(key) != value:
            self.record.put(key, value)
            self.record_dirty = True

    # -- result --------------------------------------------------------------------------------
    def result(self, desired, observed, plan, ctx):
        out = []
        for table in desired['tables']:
            item = {'family': table['family'], 'name': table['name'], 'state': table['state']}
            if table['state'] == 'present':
                item['chains'] = dict((c['name'], len(c['rules'])) for c in table['chains'])
                item['sets'] = dict((s['name'], len(s['elements'])) for s in table['sets'])
            out.append(item)
        return {'tables': out, 'commands': list(self.nft.log) if self.nft else []}

    def close(self, ctx):
        if self.record is not None and self.record_dirty and not ctx.check_mode:
            try:
                self.record.save()
            except (IOError, OSError) as exc:
                ctx.warn('could not write the nftables ownership record %s: %s' % (self.record.path, exc))
        if self.nft is not None:
            self.nft.close()


class Lines(object):
    """The option of each line of a transaction (1-based), as nft numbers them in its errors."""

    def __init__(self, lines):
        self.lines = lines

    def get(self, number, default=None):
        if number is None or not 1 <= number <= len(self.lines):
            return default
        return self.lines[number - 1][1]


def _base(header):
    """A chain header without its policy (what cannot change in place)."""
    return [h.split(' policy ')[0] if h.startswith('type ') else h for h in header]


def _few(items, limit=3):
    if len(items) <= limit:
        return ', '.join(items)
    return '%s and %d more' % (', '.join(items[:limit]), len(items) - limit)
