# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one set of fakes the unit tests share (import it as
``ansible_collections.netvirt.linux.tests.unit.fakes``; ``make unit`` puts the checkout there).

- ``FakeSession``: stands for ``_netlink.session.Session``; configured with what the kernel holds
  (links, routes, fdb, sysctls per namespace), it records what is read (``calls``) and what is
  changed through it (``log``).
- ``FakeIo``: stands for ``_runner.runner.Io`` (``ctx.io``): records in memory, a lock that
  remembers whether it is held, ``apply_plan``/``fast_apply`` that record the actions, probes
  answered from a set of reachable addresses.
- ``params(kind_class, **given)``: a module's params as AnsibleModule hands them, built from
  ``Kind.options()``; ``params_for(kind_class, **base)`` makes a test file's ``params(**kw)``.
- ``run_steps``: a kind run the way ``_runner.runner.run`` runs it (same order, same conditions),
  returning what the runner would put together.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import copy
import errno

from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import ref_path
from ansible_collections.netvirt.linux.plugins.module_utils._probe import engine
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.kind import Context
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import ns_label


# -- params -------------------------------------------------------------------------------------
def _fill(spec, given, where):
    unknown = sorted(set(given) - set(spec))
    if unknown:
        raise TypeError('%s: unsupported parameters %s (not in the argument spec)' % (where, ', '.join(unknown)))
    out = {}
    for name, opt in spec.items():
        value = given[name] if name in given else copy.deepcopy(opt.get('default'))
        sub = opt.get('options')
        if sub and value is not None:
            if opt.get('type') == 'dict' and isinstance(value, dict):
                value = _fill(sub, value, '%s.%s' % (where, name))
            elif opt.get('type') == 'list' and opt.get('elements') == 'dict':
                value = [_fill(sub, item, '%s.%s[%d]' % (where, name, i)) if isinstance(item, dict) else item
                         for i, item in enumerate(value)]
        out[name] = value
    return out


def params(kind_class, **given):
    """The params AnsibleModule hands to ``kind_class``'s module: every option of
    ``kind_class.options()`` present, defaults filled (None where there is none), sub-options of
    dicts and of lists of dicts filled the same way. An option not in the spec is an error, as for
    AnsibleModule. No type conversion: give values of the option's type."""
    return _fill(kind_class.options(), given, kind_class.__name__)


def params_for(kind_class, **base):
    """``params(**kw)`` for one test file: ``base`` (the file's usual values) under ``kw``."""
    def make(**kw):
        given = copy.deepcopy(base)
        given.update(kw)
        return params(kind_class, **given)
    return make


# -- session ------------------------------------------------------------------------------------
class FakeSocket(object):
    """The IPRoute calls ``_netlink.apply`` makes, recorded in the session's ``log`` as
    (what, ref, command, kwargs); ``session.fail[(what, command)]`` is raised; link_lookup answers
    from ``session.ifaces``."""

    def __init__(self, session, ref):
        self.session = session
        self.ref = ref

    def link_lookup(self, ifname):
        index = self.session.ifaces.get(self.ref, {}).get(ifname)
        return [index] if index else []

    def _call(self, what, command, kwargs):
        self.session.log.append((what, self.ref, command, kwargs))
        failure = self.session.fail.get((what, command))
        if failure is not None:
            raise failure

    def link(self, command, **kwargs):
        self._call('link', command, kwargs)
        if command == 'add':
            self.session.ifaces.setdefault(self.ref, {})[kwargs['ifname']] = 100

    def addr(self, command, **kwargs):
        self._call('addr', command, kwargs)

    def brport(self, command, **kwargs):
        self._call('brport', command, kwargs)

    def route(self, command, **kwargs):
        self._call('route', command, kwargs)


class FakeSession(object):
    """A Session without a kernel.

    ``links``: {ref: {name: link}} as ``Session.links`` gives them; the namespaces that exist are
    its keys, those of ``existing`` and the module's own (None). ``routes`` {ref: [route]}, ``fdb``
    {(ref, bridge): [entry]}, ``sysctls`` {(ref, path): text or an exception to raise}.
    ``named``: what ``named()`` lists (default: the existing named namespaces). ``broken``: refs
    whose links() fails with EINVAL (a namespace that cannot be entered). ``identities``: {ref:
    (dev, ino)}, default one per existing namespace; refs of one identity are one namespace.
    ``ifaces`` {ref: {name: index}}: index lookups (and the cache topology's apply uses); a ref
    listed there exists too. ``sock``: what ``socket(ref)`` returns (default a FakeSocket recording
    into ``log``); ``raw``: a function ref -> raw socket for ``raw_socket``. ``fds``: {ref: fd} or a
    function ref -> fd, for ``fd()`` (default 3).

    Reads are recorded in ``calls`` (('links', ref, peers), ('routes', ref), ('fdb', ref, bridge),
    ('read_sysctl', ref, path), ('fd', ref, option, obj)); changes in ``log``."""

    max_sockets = None

    def __init__(self, links=None, routes=None, fdb=None, sysctls=None, named=None, existing=(), broken=(),
                 identities=None, ifaces=None, fail=None, sock=None, raw=None, fds=None, peers=None, nsids=None,
                 cache_indexes=False):
        self.links_of = dict(links or {})
        self.routes_of = dict(routes or {})
        self.fdb_of = dict(fdb or {})
        self.sysctls = dict(sysctls or {})
        self.ifaces = ifaces if ifaces is not None else {}
        self.namespaces = set(self.links_of) | set(self.ifaces) | set(existing) | set([None])
        self._named = named
        self.broken = set(broken)
        self.identities = identities
        self._ids = {None: (4, 4026531840)}
        self.cache_indexes = cache_indexes
        self.fail = fail or {}
        self.sock = sock
        self.raw = raw
        self.fds = fds or {}
        self.peers = peers or {}
        self.nsids = nsids or {}
        self.calls = []
        self.log = []
        self.registered = []
        self.entered_refs = []
        self.dropped = []
        self.created = []
        self.socks = {}

    # -- lifetime -----------------------------------------------------------------------------
    closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.closed = True
        return False

    # -- namespaces ---------------------------------------------------------------------------
    def half_made(self, ref):
        return ref in getattr(self, 'half_made_files', ())

    def exists(self, ref):
        return ref in self.namespaces

    def fd(self, ref, option='netns', obj=None):
        """As Session.fd: a missing namespace raises, naming the option and the object."""
        self.calls.append(('fd', ref, option, obj))
        if ref not in self.namespaces:
            where = ' of %s' % obj if obj else ''
            raise NetvirtError("option %s%s: %s does not exist (no %s)" % (option, where, ns_label(ref), ref_path(ref)),
                               option=option, obj=obj)
        return self.fds(ref) if callable(self.fds) else self.fds.get(ref, 3)

    def identity(self, ref):
        if ref not in self.namespaces:
            return None
        if self.identities is not None and ref in self.identities:
            return self.identities[ref]
        # one of its own per namespace, kept for the session (a namespace made later gets a new one)
        return self._ids.setdefault(ref, (4, 4026531840 + len(self._ids)))

    def register(self, ref):
        self.registered.append(ref)
        return self.canonical(ref)

    def canonical(self, ref):
        """None for the module's own namespace, else the first registered ref of its identity."""
        ident = self.identity(ref)
        if ident is None:
            return ref
        if ident == self.identity(None):
            return None
        for first in self.registered:
            if first is not None and self.identity(first) == ident:
                return first
        return ref

    def named(self):
        if self._named is not None:
            return list(self._named)
        return sorted(r for r in self.namespaces if r is not None)

    def nsid(self, ref, other):
        return self.nsids.get((ref, other))

    @contextlib.contextmanager
    def entered(self, ref):
        self.entered_refs.append(ref)
        try:
            yield
        finally:
            self.entered_refs.append('home')

    # -- reading ------------------------------------------------------------------------------
    def links(self, ref, peers=True, **kw):
        self.calls.append(('links', ref, peers))
        if ref in self.broken:
            raise OSError(errno.EINVAL, 'Invalid argument')
        return copy.deepcopy(self.links_of.get(ref, {}))

    def peer(self, ref, link, links):
        return self.peers.get((ref, link['name']))

    def routes(self, ref, links=None):
        self.calls.append(('routes', ref))
        return copy.deepcopy(self.routes_of.get(ref, []))

    def fdb(self, ref, bridge, links=None):
        self.calls.append(('fdb', ref, bridge))
        return copy.deepcopy(self.fdb_of.get((ref, bridge), []))

    def read_sysctl(self, ref, path):
        self.calls.append(('read_sysctl', ref, path))
        value = self.sysctls.get((ref, path))
        if value is None:
            raise IOError(errno.ENOENT, 'No such file or directory')
        if isinstance(value, Exception):
            raise value
        return value

    def reads(self, what):
        """The refs of the recorded reads of one kind ('links', 'routes', ...)."""
        return [c[1] for c in self.calls if c[0] == what]

    def socket_in(self, *args):
        raise AssertionError('a unit test opens no socket in a namespace')

    # -- indexes ------------------------------------------------------------------------------
    def index(self, ref, name):
        """As Session.index: the cache (``ifaces``) first, else the socket's link_lookup."""
        found = self.ifaces.get(ref, {}).get(name)
        if found:
            return found
        found = self.socket(ref).link_lookup(ifname=name)
        return found[0] if found else None

    def cached_index(self, ref, name):
        return self.ifaces.get(ref, {}).get(name)

    def remember_index(self, ref, name, index):
        self.ifaces.setdefault(ref, {})[name] = index

    def drop_index(self, ref, name):
        self.dropped.append((ref, name))

    # -- changing -----------------------------------------------------------------------------
    def socket(self, ref):
        return self.sock if self.sock is not None else FakeSocket(self, ref)

    def raw_socket(self, ref):
        if ref not in self.socks:
            self.socks[ref] = self.raw(ref)
        return self.socks[ref]

    def close_raw(self, ref):
        sock = self.socks.pop(ref, None)
        if sock is not None:
            sock.close()

    def create_named(self, name):
        self.log.append(('netns', None, 'create', {'name': name}))
        failure = self.fail.get(('netns', 'create'))
        if failure is not None:
            raise failure
        self.ifaces[name] = {'lo': 1}

    def create_here(self, name, sysctls=(), replace_empty=False):
        self.created.append((name, list(sysctls)) + (('replace_empty',) if replace_empty else ()))
        self.ifaces[name] = {'lo': 1}

    def remove_named(self, name):
        self.log.append(('netns', None, 'remove', {'name': name}))
        failure = self.fail.get(('netns', 'remove'))
        if failure is not None:
            raise failure

    def forget_nsids(self):
        self.log.append(('forget_nsids', None, None, {}))

    def write_sysctl(self, ref, path, value):
        self.log.append(('sysctl', ref, path, {'value': value}))


# -- io -----------------------------------------------------------------------------------------
class FakeLock(object):
    def __init__(self, locks, identity):
        self.locks = locks
        self.identity = identity

    def acquire(self):
        self.locks.held.append(self.identity)
        return self

    def release(self):
        self.locks.held.remove(self.identity)
        self.locks.released.append(self.identity)


class FakeLocks(object):
    """``_host.lock`` in memory: ``held`` the identities locked now, ``released`` those let go."""

    def __init__(self):
        self.held = []
        self.released = []

    def Lock(self, identity):   # noqa: N802 - the name of the class it stands for
        return FakeLock(self, identity)


class FakeRecords(object):
    """``_host.records`` in memory: {name: record}; written records are kept in ``written``."""

    def __init__(self, topologies=None):
        self.topologies = copy.deepcopy(topologies or {})
        self.written = []

    def read_topology(self, name):
        out = {'namespaces': {}, 'refs': [], 'routes': [], 'pending': {'namespaces': [], 'links': []},
               'lists': {'namespaces': [], 'links': []}}
        out.update(copy.deepcopy(self.topologies.get(name, {})))
        return out

    def other_topologies(self, name):
        return dict((other, self.read_topology(other)) for other in sorted(self.topologies) if other != name)

    def write_topology(self, name, record):
        self.written.append((name, copy.deepcopy(record)))
        self.topologies[name] = copy.deepcopy(record)


class FakeProcess(object):
    """``_host.process``: raise_fd_limit returns (soft, hard) as they are then (None: no limit)."""

    def __init__(self, limits=(None, None)):
        self.limits = limits
        self.raised = 0

    def raise_fd_limit(self):
        self.raised += 1
        return self.limits


class FakePersistHost(object):
    """``_host.persist`` over an in-memory file system: ``files`` {path: {'type': 'file', 'content',
    'mode'} or {'type': 'link', 'target'} or {'type': 'other', 'mode'}}; ``systemd``: whether
    systemd runs; ``python``: the interpreter. Changes are recorded in ``log`` as (what, path)."""

    def __init__(self, files=None, systemd=True, python='/usr/bin/python3'):
        self.files = copy.deepcopy(files or {})
        self.systemd = systemd
        self.python = python
        self.log = []

    def systemd_running(self):
        return self.systemd

    def interpreter(self):
        return self.python

    def read(self, path):
        return copy.deepcopy(self.files.get(path))

    def listing(self, folder, suffix):
        return sorted(p[len(folder) + 1:] for p, seen in self.files.items()
                      if p.startswith(folder + '/') and '/' not in p[len(folder) + 1:] and p.endswith(suffix)
                      and seen['type'] == 'file')

    def tree(self, folder):
        return sorted(p[len(folder) + 1:] for p in self.files if p.startswith(folder + '/'))

    def write(self, path, content, mode, dir_mode=0o755):
        self.log.append(('write', path))
        self.files[path] = {'type': 'file', 'content': content, 'mode': mode}

    def link(self, path, target, dir_mode=0o755):
        self.log.append(('link', path))
        self.files[path] = {'type': 'link', 'target': target}

    def remove(self, path, prune_up_to=None):
        self.log.append(('remove', path))
        self.files.pop(path, None)

    def remove_dir(self, folder):
        self.log.append(('remove_dir', folder))


FAKE_LIBRARY = {'ansible_collections/netvirt/linux/plugins/module_utils/__init__.py': '',
                'ansible_collections/netvirt/linux/plugins/module_utils/_runner/replay.py': 'print("replay")\n'}


class FakeIo(object):
    """``ctx.io`` without a kernel. ``applied``: ('apply_plan' or 'fast_apply', [action op/obj ...])
    in order; ``on_apply(actions)``: what the kernel does meanwhile (e.g. change the session's
    links for the read-back). ``probes``: the engine.Probe objects run; those to an address in
    ``reachable`` get a reply, the others time out. ``iptables``/``canon``/``nftables``: whatever the test
    hands in (the real canon is pure over a runner). ``persist``: a FakePersistHost; ``library``:
    what replay_library() returns; ``run_command``: argv -> (rc, out, err), or None."""

    def __init__(self, session=None, records=None, reachable=(), iptables=None, canon=None, on_apply=None,
                 fail_apply=None, persist=None, library=None, run_command=None, nftables=None):
        self.session = session if session is not None else FakeSession()
        self.persist = persist if persist is not None else FakePersistHost()
        self.library = dict(FAKE_LIBRARY if library is None else library)
        self.run_command = run_command
        self.records = FakeRecords(records)
        self.lock = FakeLocks()
        self.process = FakeProcess()
        self.iptables = iptables
        self.nftables = nftables
        if canon is None:
            from ansible_collections.netvirt.linux.plugins.module_utils._iptables import canon as canon_module
            canon = canon_module
        self.canon = canon
        self.reachable = set(reachable)
        self.on_apply = on_apply
        self.fail_apply = fail_apply
        self.applied = []
        self.probes = []

    def _apply(self, how, actions):
        self.applied.append((how, list(actions)))
        if self.fail_apply is not None:
            raise self.fail_apply
        if self.on_apply is not None:
            self.on_apply(actions)

    def apply_plan(self, actions):
        self._apply('apply_plan', actions)

    def fast_apply(self, actions):
        self._apply('fast_apply', actions)

    def replay_library(self):
        return dict(self.library)

    def run_probes(self, probes):
        out = []
        for spec in probes:
            probe = engine.Probe(*spec)
            self.probes.append(probe)
            up = probe.address in self.reachable
            out.append({'status': 'reply' if up else 'timeout', 'reachable': up, 'detail': 'fake', 'sent': 1,
                        'received': int(up), 'rtt_ms': None})
        return out


# -- the runner's steps -------------------------------------------------------------------------
class Ran(object):
    """What run_steps went through: desired, observed, plan, result (as the runner returns it),
    ctx, and which of the kind's hooks were called."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.desired = self.observed = self.plan = self.result = None


def run_steps(kind, given, io=None, check_mode=False, diff=True):
    """Run ``kind`` the way ``_runner.runner.run`` does, on a FakeIo: desired, observe, plan,
    check (check mode) or apply (a real run) when the plan has actions, result, read_back laid
    over it after a real run that changed something, close always."""
    io = io if io is not None else FakeIo()
    ctx = Context(check_mode, diff, io)
    ran = Ran(ctx)
    ran.desired = kind.desired(given)
    session = io.session
    try:
        ran.observed = kind.observe(session, ran.desired, ctx)
        ran.plan = kind.plan(ran.desired, ran.observed, ctx)
        if ran.plan.actions and check_mode:
            kind.check(session, ran.plan, ctx)
        elif ran.plan.actions:
            kind.apply(session, ran.plan, ctx)
        ran.result = kind.result(ran.desired, ran.observed, ran.plan, ctx)
        if ran.plan.changed and not check_mode:
            ran.result.update(kind.read_back(session, ran.desired, ran.observed, ctx))
    finally:
        kind.close(ctx)
    return ran


# -- nft ------------------------------------------------------------------------------------------
class FakeNftables(object):
    """``ctx.io.nftables`` without nft: ``listing`` is what ``nft -s list ruleset`` prints in the
    target, ``scratch`` what it prints in the scratch namespace after a load there; ``refuse``
    {'target'|'scratch'|'check': stderr} makes that load fail (rc 1); ``available``: whether nft is installed. ``loads``: (where, check, text) in
    order; ``log``: what Nft ran. ``Record(identity)`` keeps its data in ``records`` (shared, so a test can
    run a kind twice)."""

    def __init__(self, listing='', scratch='', refuse=None, records=None, available=True):
        self.available = available
        self.listing = listing
        self.scratch = scratch
        self.refuse = dict(refuse or {})
        self.records = records if records is not None else {}
        self.loads = []
        self.log = []
        self.saved = 0
        fake = self

        class Nft(object):
            def __init__(self, ref):
                self.ref = ref
                self.log = fake.log

            def available(self):
                return fake.available

            def list_ruleset(self, where='target'):
                self.log.append('%s: nft -s list ruleset' % where)
                return 0, fake.listing if where == 'target' else fake.scratch, ''

            def load(self, text, check=False, where='target'):
                self.log.append('%s: nft %s-f -' % (where, '--check ' if check else ''))
                fake.loads.append((where, check, text))
                err = fake.refuse.get('check' if check else where)
                return (1, '', err) if err else (0, '', '')

            def reset_scratch(self):
                pass

            def close(self):
                pass

        class Record(object):
            def __init__(self, identity):
                self.path = 'fake'
                self.data = fake.records

            def get(self, key):
                return self.data.get(key) or {}

            def put(self, key, value):
                if value is None:
                    self.data.pop(key, None)
                else:
                    self.data[key] = value

            def save(self):
                fake.saved += 1

        self.Nft = Nft
        self.Record = Record


def run_replay(argv, files, session, **io_options):
    """netvirt-replay's main (``_runner.replay.main``) on fakes: the persisted files in ``files`` (a
    FakePersistHost without systemd), ``session`` for the netlink session, a FakeIo made with
    ``io_options``. Returns (status, stdout, stderr, the FakeIo objects made, the host)."""
    import io
    from ansible_collections.netvirt.linux.plugins.module_utils._runner import replay
    host = FakePersistHost(files=files, systemd=False)
    made = []

    def io_class(sess):
        made.append(FakeIo(sess, persist=host, **io_options))
        return made[-1]
    out, err = io.StringIO(), io.StringIO()
    status = replay.main(argv, out, err, host=host, session_class=lambda: session, io_class=io_class)
    return status, out.getvalue(), err.getvalue(), made, host
