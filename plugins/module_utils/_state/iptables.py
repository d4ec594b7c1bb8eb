# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""iptables: the rules of one chain of one table in one namespace, IPv4 and/or IPv6.

observe: take the namespace's lock, one iptables-save per IP version, canonicalise the wanted
rules with iptables itself; plan: the fewest deletions/insertions (and chain, policy) as actions,
one per iptables-restore line; apply: one payload per IP version, committed with
``iptables-restore --noflush --wait`` (one table, all or nothing); with two IP versions both
payloads are ``--test``-ed before either is committed; close: let the lock go (on every path).
Needs no pyroute2. The I/O comes from the runner: ``ctx.io.iptables`` (the tools run inside the
namespace), ``ctx.io.canon`` (canonical texts, scratch namespace), ``ctx.io.lock``.
With ``persist`` the task's params are written on the host with a systemd unit that replays
them at boot (``_state.persist``, ``_runner.replay``): the persist_* actions come after the rules.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._iptables import edits, rules
from ansible_collections.netvirt.linux.plugins.module_utils._state import persist, validate
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ApplyError, NetvirtError, ValidationError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import Plan, ns_label
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Kind

# The fields of one rule (rules.FIELDS, each a text) and the rule as iptables-save text.
RULE_OPTIONS = dict((name, {'type': 'str'}) for name in ('rule',) + rules.FIELDS)
RULE_OPTIONS.update(destination_ports={'type': 'list', 'elements': 'str'}, ctstate={'type': 'list', 'elements': 'str'})


class IptablesKind(Kind):
    needs_pyroute2 = False
    argument_spec = dict(
        table={'type': 'str', 'default': 'filter', 'choices': sorted(rules.BUILTIN)},
        chain={'type': 'str', 'required': True},
        ip_version={'type': 'str', 'default': 'ipv4', 'choices': ['ipv4', 'ipv6', 'both']},
        rules={'type': 'list', 'elements': 'dict', 'default': [], 'options': RULE_OPTIONS},
        policy={'type': 'str', 'choices': list(rules.POLICIES)},
        position={'type': 'str', 'default': 'top', 'choices': ['top', 'bottom']},
        owner={'type': 'str'},
        purge={'type': 'str', 'default': 'owned', 'choices': ['owned', 'all']},
        state={'type': 'str', 'default': 'present', 'choices': ['present', 'absent']},
        backend={'type': 'str', 'default': 'auto', 'choices': ['auto', 'nft', 'legacy']},
        persist={'type': 'bool', 'default': False},
    )
    replaying = False       # True in the boot-time replay (_runner.replay): the persistence files are left alone

    def locks(self, desired):
        return []       # iptables holds its own lock of the namespace's tables (observe)

    def __init__(self):
        self.lock = None
        self.io = None
        self.runner = None
        self.backend = None
        self.seen = {}          # family -> (parsed table, specs taken without the kernel's check)
        self.assumed = None     # check mode: chains taken as made by an earlier task (canon.load)
        self.warned = set()
        self._persisted = None  # what the persistence wrote (the result's persist)
        self.undo = {}          # family -> the restore lines that put the chain back as observed (apply)

    # -- desired -------------------------------------------------------------------------------
    def desired(self, params):
        table, chain = params['table'], params['chain']
        obj = rules.obj_name(table, chain)
        builtin = rules.check_chain(table, chain)
        netns = validate.netns_ref(params.get('netns'), 'netns', obj)
        owner = rules.check_owner(params.get('owner') or '%s/%s' % (table, chain), obj)
        if params.get('policy') and not builtin:
            raise ValidationError("option policy of %s: only built-in chains have a policy (%s is a user chain)"
                                  % (obj, chain), 'policy', obj)
        if params.get('policy') and params['state'] == 'absent':
            raise ValidationError("option policy of %s: a policy is set with state=present; state=absent only "
                                  "removes this task's rules" % obj, 'policy', obj)
        if params.get('policy') == 'DROP' and table == 'nat':
            raise ValidationError("option policy of %s: the nat table is not for filtering; iptables refuses a DROP "
                                  "policy there (filter in the filter table)" % obj, 'policy', obj)
        families = rules.FAMILIES[params['ip_version']]
        whole = not builtin or params['purge'] == 'all'
        mark = rules.marker(owner) if builtin else None
        wanted = []
        for i, rule in enumerate(params.get('rules') or []):
            option = 'rules[%d]' % i
            # the fields given (AnsibleModule passes every sub-option, most of them None)
            rule = {k: v for k, v in (rule or {}).items() if v is not None and v != '' and v != []}
            if 'rule' in rule:
                given = [k for k in rules.FIELDS if k in rule]
                if given:
                    raise ValidationError("option %s of %s: give either rule (iptables-save syntax) or the fields "
                                          "(%s), not both" % (option, obj, ', '.join(given)), option, obj)
                spec, fams = rules.from_string(rule['rule'], mark, option, obj)
                exact, ref = False, None
            else:
                if not rule:
                    raise ValidationError("option %s of %s: the rule is empty (give rule, or fields such as "
                                          "protocol and jump)" % (option, obj), option, obj)
                spec, fams, exact = rules.render(rule, mark, option, obj)
                ref = rules.chain_ref(rule)
            if fams and not fams & set(families):
                raise ValidationError("option %s of %s: the rule is for %s but ip_version is %s"
                                      % (option, obj, rules.FAMILY_NAME[list(fams)[0]], params['ip_version']),
                                      option, obj)
            wanted.append({'option': option, 'spec': spec, 'families': [f for f in families if f in fams] if fams
                           else list(families), 'exact': exact, 'ref': ref})
        want_persist = bool(params.get('persist')) and params['state'] == 'present'
        if want_persist and netns is not None and (netns.isdigit() or netns.startswith('/')):
            raise ValidationError("option persist of %s: namespace %s is a PID or a path, which does not exist after a "
                                  "reboot; persist rules of a named namespace or of the module's own" % (obj, netns),
                                  'persist', obj)
        name = persist.iptables_name(netns, table, chain, owner)
        return {'netns': netns, 'table': table, 'chain': chain, 'builtin': builtin, 'obj': obj, 'owner': owner,
                'mark': mark, 'families': families, 'whole': whole, 'rules': wanted, 'policy': params.get('policy'),
                'position': params['position'], 'state': params['state'], 'backend': params['backend'],
                'purge': params['purge'], 'persist_name': name, 'persist': want_persist,
                'persist_text': persist.state_text('iptables', name, params) if want_persist else None}

    # -- observe -------------------------------------------------------------------------------
    def observe(self, session, desired, ctx):
        obj, table = desired['obj'], desired['table']
        io = self.io = ctx.io
        netns = session.register(desired['netns'])
        backend = desired['backend'] if desired['backend'] != 'auto' else io.iptables.default_backend()
        self.backend = backend
        observed = {'netns': netns, 'backend': backend, 'families': {}}
        exists = session.exists(netns)
        if not exists and not ctx.check_mode:
            session.fd(netns, 'netns', obj)  # raises naming the option
        if not exists:
            ctx.warn('%s does not exist; check mode plans as if it were created empty by an earlier task'
                     % ns_label(netns))
        else:
            self.lock = io.lock.Lock(session.identity(netns)).acquire()
        self.runner = io.iptables.Runner(session, netns)
        # On one IP version exact rule texts may be taken as iptables' own (canon, 3.): its one
        # commit is all or nothing, and check mode has the kernel check them (self.check). Two IP
        # versions (two commits) have every new rule checked by the kernel first, in the scratch
        # namespace.
        fast = exists and len(desired['families']) == 1 and desired['state'] == 'present'
        # Check mode: a chain a rule jumps to that is not there yet is taken as made by an earlier task
        # (canon.load, assume); one warning names them.
        self.assumed = [] if ctx.check_mode else None
        try:
            for family in desired['families']:
                parsed = self._read(family, backend, table) if exists else None
                if parsed is None or not parsed['found']:
                    parsed = {'found': False, 'rules': [], 'order': list(rules.BUILTIN[table]),
                              'chains': dict((c, 'ACCEPT') for c in rules.BUILTIN[table])}
                chosen = [r for r in desired['rules'] if family in r['families']]
                candidates = [(r['option'], r['spec']) for r in chosen]
                trusted = self._trusted(desired, parsed, chosen) if fast else None
                specs = io.canon.canonicalise(self.runner, family, backend, table, desired['chain'],
                                              desired['builtin'], parsed, candidates, obj,
                                              trusted, self.assumed) if desired['state'] == 'present' else []
                known = set(s for _c, s in parsed['rules'])
                self.seen[family] = (parsed, set(s for s, t in zip(specs, trusted or []) if t and s not in known))
                self._unique(candidates, specs, family, obj)
                observed['families'][family] = {'table': parsed, 'desired': specs,
                                                'options': dict(zip(specs, [o for o, _s in candidates]))}
        except (IOError, OSError) as exc:
            raise NetvirtError('option backend of %s: running iptables failed: %s' % (obj, exc.strerror or exc),
                               'backend', obj)
        finally:
            self.runner.reset_scratch()
        self._warn_assumed(obj, ctx)
        if not self.replaying:
            observed['persist'] = persist.observe(io.persist, io.replay_library, 'iptables', desired['persist_name'],
                                                  desired['persist'])
        return observed

    def _warn_assumed(self, obj, ctx):  # pylint: disable=unused-argument
        """One text for every task (Ansible shows a repeated warning once): which chains each task took is in
        its diff and actions."""
        new = sorted(set(self.assumed or []) - self.warned)
        if new:
            self.warned.update(new)
            ctx.warn('check mode: a rule jumping to a chain that does not exist yet is checked as if an earlier task '
                     'of the run created that chain, empty (a real run fails if none does)')

    def _read(self, family, backend, table):
        if backend == 'legacy':
            # iptables-legacy-save -t TABLE would create (load) the table: look first
            names = self.runner.read_file('/proc/thread-self/net/%s_tables_names' % ('ip' if family == 4 else 'ip6'))
            if names is not None and table not in names.split():
                return None
        rc, out, err = self.runner.run([rules.binary(family, backend, 'save'), '-t', table])
        if rc != 0:
            if 'does not exist' in err or "can't initialize" in err.lower() or 'Table does not exist' in err:
                return None
            raise NetvirtError('option backend of %s: %s failed: %s'
                               % (rules.obj_name(table, ''), rules.binary(family, backend, 'save'),
                                  rules.error_text(err)), 'backend')
        return rules.parse_save(out, table)

    @staticmethod
    def _trusted(desired, parsed, chosen):
        """Which wanted rules may be taken as iptables prints them (a bool each), or None when a rule
        of ours in the chain was not found verbatim: it may be one of them printed differently by this
        iptables, so iptables must print them all (canon)."""
        chain = desired['chain']
        current = [s for c, s in parsed['rules'] if c == chain]
        ours = current if desired['whole'] else [s for s in current if rules.owned(s, desired['mark'])]
        given = set(r['spec'] for r in chosen)
        if any(s not in given for s in ours):
            return None
        chains = set(c for c in rules.user_chains(parsed) if c != chain)
        return [bool(r['exact']) and (r['ref'] is None or r['ref'] in chains) for r in chosen]

    @staticmethod
    def _unique(candidates, specs, family, obj):
        seen = {}
        for (option, _given), spec in zip(candidates, specs):
            if spec in seen:
                raise ValidationError("option %s of %s (%s): the same rule as %s (iptables reads both as '%s')"
                                      % (option, obj, rules.FAMILY_NAME[family], seen[spec], spec), option, obj)
            seen[spec] = option

    # -- plan ----------------------------------------------------------------------------------
    def plan(self, desired, observed, ctx):
        plan = Plan()
        netns, table, chain, obj = observed['netns'], desired['table'], desired['chain'], desired['obj']
        before_text, after_text = [], []
        for family in desired['families']:
            fam = rules.FAMILY_NAME[family]
            seen = observed['families'][family]
            parsed = seen['table']
            exists = chain in parsed['chains'] or desired['builtin']
            policy = parsed['chains'].get(chain) or ('ACCEPT' if desired['builtin'] else None)
            current = [s for c, s in parsed['rules'] if c == chain]
            before_text.append('# %s\n%s' % (fam, edits.chain_text(chain, policy, current, exists)))
            where = '%s/%s (%s)' % (table, chain, fam)

            def add(line, text, option, spec=None, family=family):
                plan.add('iptables_restore', netns, obj, {'family': family, 'table': table, 'line': line, 'spec': spec},
                         option=option, text=text)

            if desired['state'] == 'absent':
                if desired['builtin']:
                    result = edits.plan_chain(current, [], 'whole' if desired['whole'] else 'block',
                                              lambda s: rules.owned(s, desired['mark']), desired['position'],
                                              rules.ahead_of(desired['owner'], desired['position']))
                    for line, _how, spec in edits.restore_lines(chain, result):
                        add(line, 'delete from %s: %s' % (where, spec), 'state', spec)
                    after_text.append('# %s\n%s' % (fam, edits.chain_text(chain, policy, result['final'])))
                    self.undo[family] = edits.undo_lines(chain, current, result['final'])
                    continue
                if exists:
                    refs = rules.references(parsed['rules'], chain)
                    if refs:
                        raise ValidationError("option state of %s (%s): chain %s is still referenced by the rule "
                                              "'-A %s %s'%s; remove that rule first"
                                              % (obj, fam, chain, refs[0][0], refs[0][1],
                                                 ' (and %d more)' % (len(refs) - 1) if len(refs) > 1 else ''),
                                              'state', obj)
                    if current:
                        add('-F %s' % chain, 'flush chain %s (%d rules)' % (where, len(current)), 'state')
                    add('-X %s' % chain, 'delete chain %s' % where, 'state')
                    self.undo[family] = edits.undo_lines(chain, current, None, made=False)
                after_text.append('# %s\n' % fam)
                continue

            if not exists:
                add(':%s - [0:0]' % chain, 'create chain %s' % where, 'chain')
            new_policy = policy
            if desired['policy'] and desired['policy'] != policy:
                add('-P %s %s' % (chain, desired['policy']), 'set policy of %s to %s' % (where, desired['policy']),
                    'policy')
                new_policy = desired['policy']
            result = edits.plan_chain(current, seen['desired'], 'whole' if desired['whole'] else 'block',
                                      lambda s: rules.owned(s, desired['mark']), desired['position'],
                                      rules.ahead_of(desired['owner'], desired['position']))
            for line, how, spec in edits.restore_lines(chain, result):
                option = seen['options'].get(spec, 'rules') if how != 'delete' else \
                    ('purge' if desired['purge'] == 'all' and not rules.owned(spec, desired['mark'] or '') else 'rules')
                if how == 'delete':
                    text = 'delete from %s: %s' % (where, spec)
                elif how == 'append':
                    text = 'append to %s: %s' % (where, spec)
                else:
                    text = 'insert into %s at %s: %s' % (where, line.split(' ', 3)[2], spec)
                add(line, text, option, spec)
            after_text.append('# %s\n%s' % (fam, edits.chain_text(chain, new_policy, result['final'])))
            self.undo[family] = edits.undo_lines(chain, current, result['final'], made=not exists,
                                                 policy=policy if new_policy != policy else None)
        key = 'iptables %s/%s (%s)' % (table, chain, ns_label(netns))
        plan.record(key, ''.join(before_text), ''.join(after_text))
        if observed.get('persist') is not None:
            # the persistence files last (written only after the rules went in); the replay plans none
            self._persisted = persist.plan(plan, 'iptables', desired['persist_name'], desired['persist'],
                                           desired['persist_text'], observed['persist'])
        return plan

    # -- apply ---------------------------------------------------------------------------------
    def apply(self, session, plan, ctx):
        backend = self.backend
        table = None
        by_family = {}
        for action in plan.actions:
            if action.op in persist.OPS:
                continue
            by_family.setdefault(action.params['family'], []).append(action)
            table = action.params['table']
        # One iptables-restore commits one table all or nothing (nft: one kernel transaction; legacy:
        # one table replace), so one payload needs no --test first. Two (IPv4 and IPv6) are both
        # tested before either is committed, so that a refusal of one leaves the other unchanged;
        # a family refused at its commit after another's went in has the other put back (undo).
        committed = []
        for test in ((True, False) if len(by_family) > 1 else (False,)):
            for family in sorted(by_family):
                actions = by_family[family]
                argv = [rules.binary(family, backend, 'restore'), '--noflush', '--wait']
                if test:
                    argv.append('--test')
                try:
                    rc, _out, err = self.runner.run(argv, edits.payload(table, [a.params['line'] for a in actions]))
                except (IOError, OSError) as exc:
                    undone = self._undo(committed, table, backend)
                    raise ApplyError('option backend of %s: running iptables failed: %s%s'
                                     % (actions[0].obj, exc.strerror or exc, undone),
                                     option='backend', obj=actions[0].obj)
                if rc != 0:
                    line = rules.error_line(err)
                    k = line - 2 if line is not None else -1
                    action = actions[k] if 0 <= k < len(actions) else None
                    if action is None:
                        action, err = self._culprit(family, actions, err)
                    what = action.describe() if action else 'the change'
                    option = action.option if action else 'rules'
                    undone = self._undo(committed, table, backend)
                    raise ApplyError('option %s of %s (%s): iptables-restore%s refused %s; %s: %s'
                                     % (option, actions[0].obj, rules.FAMILY_NAME[family], ' --test' if test else '',
                                        what, undone.lstrip('; ') if undone else 'nothing was changed',
                                        rules.error_text(err)),
                                     action=action, option=option, obj=actions[0].obj)
                if not test:
                    committed.append(family)
        files = [a for a in plan.actions if a.op in persist.OPS]
        if files:
            persist.apply(files, self.io.persist, getattr(self.io, 'run_command', None), ctx.warn)

    def _undo(self, committed, table, backend):
        """Put the families already committed back as observed (one restore each, all or nothing);
        '' when there were none, else what happened, for the error message."""
        if not committed:
            return ''
        done, failed = [], []
        for family in committed:
            name = rules.FAMILY_NAME[family]
            lines = self.undo.get(family)
            try:
                rc, _out, err = self.runner.run([rules.binary(family, backend, 'restore'), '--noflush', '--wait'],
                                                edits.payload(table, lines)) if lines else (0, '', '')
            except (IOError, OSError) as exc:
                rc, err = 1, str(exc.strerror or exc)
            if rc == 0:
                done.append(name)
            else:
                failed.append('%s (%s)' % (name, rules.error_text(err)))
        text = []
        if done:
            text.append('%s, committed just before, was put back as it was (nothing was changed)' % ' and '.join(done))
        if failed:
            text.append('putting back %s failed: it keeps the new rules and the other family the old; '
                        'a re-run converges' % ' and '.join(failed))
        return '; ' + '; '.join(text)

    def check(self, session, plan, ctx):
        """Check mode: the rules taken as exact, which the real run's commit has the kernel check,
        are committed into the scratch namespace instead, so check mode fails where the real run
        would (e.g. a DNAT in nat INPUT). The plan is not touched."""
        try:
            for family, (parsed, unchecked) in sorted(self.seen.items()):
                new = [a for a in plan.actions if a.op == 'iptables_restore' and a.params['family'] == family
                       if a.params.get('spec') in unchecked if a.params['line'].split(' ', 1)[0] in ('-A', '-I')]
                if new:
                    table, chain = new[0].params['table'], new[0].params['line'].split(' ', 2)[1]
                    self.io.canon.load(self.runner, family, self.backend, table, chain,
                                       chain in rules.BUILTIN[table], parsed,
                                       [(a.option, a.params['spec']) for a in new], new[0].obj, self.assumed)
        except (IOError, OSError) as exc:
            raise NetvirtError('option backend of %s: running iptables failed: %s'
                               % (plan.actions[0].obj, exc.strerror or exc), 'backend', plan.actions[0].obj)
        finally:
            self.runner.reset_scratch()
        if plan.actions:
            self._warn_assumed(plan.actions[0].obj, ctx)

    def _culprit(self, family, actions, err):
        """The kernel refused the commit without naming a line (iptables-legacy): if rules went in
        unchecked (taken as exact), find the one refused on its own in the scratch namespace."""
        parsed, unchecked = self.seen.get(family, (None, set()))
        suspects = [a for a in actions if a.params.get('spec') in unchecked and a.params['line'].split(' ', 1)[0]
                    in ('-A', '-I')]
        if not suspects:
            return None, err
        table, chain = suspects[0].params['table'], suspects[0].params['line'].split(' ', 2)[1]
        k, err1 = self.io.canon.find_refused(self.runner, family, self.backend, table, chain,
                                             chain in rules.BUILTIN[table], parsed,
                                             [a.params['spec'] for a in suspects])
        return (suspects[k], err1) if k is not None else (None, err)

    # -- result --------------------------------------------------------------------------------
    def result(self, desired, observed, plan, ctx):
        chain, table = desired['chain'], desired['table']
        out = {'table': table, 'chain': chain, 'backend': observed['backend'], 'owner': desired['owner'], 'rules': {}}
        for family in desired['families']:
            # After the plan, the rules the task owns are exactly the wanted ones, in order (whole chain
            # or owned block; none for state=absent), every text iptables' own: nothing is read back, and
            # a real run and check mode return the same.
            out['rules'][rules.FAMILY_NAME[family]] = list(observed['families'][family]['desired'])
        out['commands'] = list(self.runner.log)
        if self._persisted:
            out['persist'] = self._persisted
        return out

    def close(self, ctx):
        """Let go of the lock and of the scratch namespace (apply's trace of a refusal at COMMIT,
        canon.find_refused, makes one and raises before anything resets it)."""
        if self.runner is not None:
            self.runner.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None
