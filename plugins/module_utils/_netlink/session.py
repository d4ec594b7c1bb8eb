# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One netlink session per module run.

A namespace is entered with setns(2) on the calling thread only long enough to open ONE
IPRoute socket there (the socket stays bound to that namespace) or to open a /proc/sys file;
then the thread returns home. No fork per namespace, and never the O_CREAT default of
pyroute2's own helpers, which silently creates a missing namespace. The same code runs on
pyroute2 0.7.2 and 0.9.x.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import ctypes
import errno
import fcntl
import os
import socket as _socket
import stat

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import loader
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import parse
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import rawdump
from ansible_collections.netvirt.linux.plugins.module_utils._netlink import tc
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.plan import ns_label

CLONE_NEWNET = 0x40000000
NS_GET_NSTYPE = 0xb703     # _IO(0xb7, 0x3), Linux 4.11: the CLONE_NEW* type of a namespace fd
NS_TYPES = {0x00020000: 'mount', 0x02000000: 'cgroup', 0x04000000: 'UTS', 0x08000000: 'IPC',
            0x10000000: 'user', 0x20000000: 'PID', 0x00000080: 'time'}
NETNS_RUN_DIR = '/var/run/netns'
AF_BRIDGE = 7

MS_BIND = 4096
MS_REC = 16384
MS_SHARED = 1 << 20
MNT_DETACH = 2

_libc = None
_shared_dirs = set()


def load_libc():
    """The C library the interpreter already runs on (dlopen(NULL)): setns, unshare, mount.
    ctypes.util.find_library('c') would start `ldconfig -p` (a process, ~2 ms) to learn its name."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _share_dir(path):
    """Make the namespace folder a shared mount point once, as iproute2 does, so that namespaces
    bound there are seen from other mount namespaces."""
    if path in _shared_dirs:
        return
    if not os.path.isdir(path):
        os.makedirs(path, 0o755)
    raw = path.encode('utf-8')
    if _libc.mount(b'', raw, b'none', MS_SHARED | MS_REC, None) != 0:
        if _libc.mount(raw, raw, b'none', MS_BIND | MS_REC, None) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        _libc.mount(b'', raw, b'none', MS_SHARED | MS_REC, None)
    _shared_dirs.add(path)


def _setns(fd):
    load_libc()
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def ref_path(ref):
    """The file that stands for a namespace reference (see validate.netns_ref)."""
    if ref is None:
        return '/proc/thread-self/ns/net'
    if ref.isdigit():
        return '/proc/%s/ns/net' % ref
    if ref.startswith('/'):
        return ref
    return os.path.join(NETNS_RUN_DIR, ref)


class Session(object):
    """Sockets, namespace file descriptors and identities for one module run."""

    def __init__(self):
        self._home = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
        self._home_dev = os.fstat(self._home).st_dev   # nsfs: every namespace file is on it
        self._fds = {}
        self._sockets = {}
        self._registered = []   # refs named by the task, in order: canonical names
        self._first_ref = {}    # registered ref -> its identity when registered
        self._canon_of = {}     # identity -> the first registered ref naming it
        self._home_ident = None
        self._nsid_maps = {}
        self._names_cache = None
        # Opt-in (topology): remember ifindexes by (namespace, name) instead of one lookup per action.
        self.cache_indexes = False
        self._indexes = {}
        self._raw = {}
        # Opt-in: at most this many pyroute2 sockets stay open (the oldest is closed and reopened
        # on demand), so that hundreds of namespaces do not exhaust file descriptors.
        self.max_sockets = None

    # -- lifetime ---------------------------------------------------------------------------
    def close(self):
        for sock in self._raw.values():
            sock.close()
        self._raw = {}
        for sock in self._sockets.values():
            try:
                sock.close()
            except Exception:  # pragma: no cover - best effort
                pass
        self._sockets = {}
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:  # pragma: no cover
                pass
        self._fds = {}
        if self._home is not None:
            os.close(self._home)
            self._home = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- namespaces -------------------------------------------------------------------------
    def forget(self, ref):
        """Drop cached handles of a namespace that was removed or re-created."""
        self._indexes = {}  # a removed namespace takes veth peers elsewhere with it
        self._drop_handles(ref)

    def _drop_handles(self, ref):
        self._indexes.pop(ref, None)
        raw = self._raw.pop(ref, None)
        if raw is not None:
            raw.close()
        sock = self._sockets.pop(ref, None)
        if sock is not None:
            sock.close()
        fd = self._fds.pop(ref, None)
        if fd is not None:
            os.close(fd)
        self._nsid_maps = {}
        self._names_cache = None

    def forget_nsids(self):
        self._nsid_maps = {}

    def fd(self, ref, option='netns', obj=None):
        """An fd of the namespace; NetvirtError naming the option (and object) if it does not exist
        or if the file is not a network namespace (then the error's ``not_a_netns`` is True). The
        check costs one fstat and one ioctl on the open file (a stat first would walk the path a
        second time, the dearest part with a thousand namespaces mounted); O_NONBLOCK so that a FIFO
        given by mistake does not wait for a writer."""
        if ref is None:
            return self._home
        if ref not in self._fds:
            path = ref_path(ref)
            where = ' of %s' % obj if obj else ''
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
            except (IOError, OSError) as exc:
                if exc.errno in (errno.ENOENT, errno.ESRCH, errno.ENOTDIR):
                    raise NetvirtError("option %s%s: %s does not exist (no %s)"
                                       % (option, where, ns_label(ref), path), option=option, obj=obj)
                raise NetvirtError("option %s%s: cannot open %s (%s): %s"
                                   % (option, where, ns_label(ref), path, exc.strerror), option=option, obj=obj)
            why = self.not_nsfs(os.fstat(fd), ref, path) or self.not_netns_type(fd, path)
            if why:
                os.close(fd)
                err = NetvirtError("option %s%s: %s is not a network namespace: %s" % (option, where, ns_label(ref), why),
                                   option=option, obj=obj)
                err.not_a_netns = True
                err.half_made = self.half_made(ref)
                raise err
            self._fds[ref] = fd
        return self._fds[ref]

    def not_nsfs(self, st, ref, path):
        """Why the file of ``st`` (os.fstat) is not a namespace file, or None: a namespace file is on
        nsfs, the device of the run's own namespace file. Else setns(2) would fail with a bare EINVAL."""
        if st.st_dev == self._home_dev:
            return None
        if stat.S_ISDIR(st.st_mode):
            return '%s is a directory' % path
        if stat.S_ISREG(st.st_mode) and st.st_size == 0 and ref is not None and '/' not in ref and not ref.isdigit():
            return ("%s is an empty file with no namespace bound to it, as a killed `ip netns add` (or a run "
                    "killed between creating the file and binding the namespace to it) leaves it; remove it "
                    "(`ip netns delete %s` or `rm %s`) and run again" % (path, ref, path))
        if stat.S_ISREG(st.st_mode):
            return '%s is a%s regular file (no namespace is bound there)' % (path, 'n empty' if not st.st_size else '')
        return '%s is not a namespace file (no namespace is bound there)' % path

    def half_made(self, ref):
        """Whether /var/run/netns/REF is the empty regular file that a run killed between creating
        it and binding a namespace to it leaves (not on nsfs, size 0)."""
        if ref is None or '/' in ref or ref.isdigit():
            return False
        try:
            st = os.lstat(ref_path(ref))
        except OSError:
            return False
        return stat.S_ISREG(st.st_mode) and st.st_size == 0 and st.st_dev != self._home_dev

    @staticmethod
    def not_netns_type(fd, path):
        """Why the namespace file open as ``fd`` is not a network namespace, or None: one ioctl,
        NS_GET_NSTYPE, must say CLONE_NEWNET (a kernel older than 4.11 has no such ioctl; setns(2)
        with CLONE_NEWNET tells there)."""
        try:
            nstype = fcntl.ioctl(fd, NS_GET_NSTYPE)
        except (IOError, OSError) as exc:
            if exc.errno in (errno.ENOTTY, errno.EINVAL):
                return None
            raise
        if nstype != CLONE_NEWNET:
            what = NS_TYPES.get(nstype, 'non-network (type %#x)' % nstype)
            return '%s is %s %s namespace' % (path, 'an' if what[0] in 'IAEO' else 'a', what)
        return None

    def exists(self, ref):
        """Whether ``ref`` is a network namespace (False also for a file that is something else:
        ``fd`` tells which, naming the option)."""
        if ref is None or ref in self._fds:
            return True
        try:
            self.fd(ref)
        except NetvirtError:
            return False
        return True

    def identity(self, ref):
        """(st_dev, st_ino) of the namespace, or None when it does not exist."""
        if not self.exists(ref):
            return None
        st = os.fstat(self.fd(ref))
        return (st.st_dev, st.st_ino)

    def register(self, ref):
        """Remember a reference the task uses, so that observed namespaces are reported under
        the same name the user wrote (a PID and a name of one namespace compare equal): the first
        reference registered for a namespace is its canonical one."""
        ident = self.identity(ref)
        if ref is not None and ref not in self._first_ref:
            self._registered.append(ref)
            self._first_ref[ref] = ident
            if ident is not None:
                self._canon_of.setdefault(ident, ref)
        return self._canonical(ref, ident)

    def canonical(self, ref):
        """The reference that stands for ``ref``'s namespace: None for the module's own, else the
        first registered reference to the same namespace, else ``ref`` itself."""
        return self._canonical(ref, self.identity(ref))

    def _canonical(self, ref, ident):
        if ident is None:
            return ref
        if self._home_ident is None:
            self._home_ident = self.identity(None)
        if ident == self._home_ident:
            return None
        return self._canon_of.get(ident, ref)

    def named(self):
        """Names of the namespaces under /var/run/netns (as `ip netns list`), sorted."""
        if self._names_cache is None:
            try:
                names = os.listdir(NETNS_RUN_DIR)
            except OSError:
                names = []
            self._names_cache = sorted(n for n in names if not n.startswith('.'))
        return list(self._names_cache)

    @contextlib.contextmanager
    def entered(self, ref):
        """Run a block with the calling thread inside the namespace."""
        if ref is None:
            yield
            return
        _setns(self.fd(ref))
        try:
            yield
        finally:
            _setns(self._home)

    def unshared(self):
        """An fd of a new, empty network namespace that only this run knows (unshare(2) on the
        calling thread, then straight back home); the kernel frees it with its last fd. Enter it
        with ``entered_fd``. iptables canonicalises rules there (``_iptables.canon``)."""
        load_libc()
        if _libc.unshare(CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, 'unshare: %s' % os.strerror(err))
        try:
            return os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
        finally:
            _setns(self._home)

    @contextlib.contextmanager
    def entered_fd(self, fd):
        """Run a block with the calling thread inside the namespace of ``fd`` (see ``unshared``)."""
        _setns(fd)
        try:
            yield
        finally:
            _setns(self._home)

    def raw_socket(self, ref):
        """A plain netlink socket in the namespace, for read-only dumps (see rawdump)."""
        if ref not in self._raw:
            self.fd(ref)
            with self.entered(ref):
                self._raw[ref] = rawdump.open_socket()
        return self._raw[ref]

    def close_socket(self, ref):
        """Close the socket of a namespace that the run no longer needs (it is reopened on demand)."""
        sock = self._sockets.pop(ref, None)
        if sock is not None:
            sock.close()

    def index(self, ref, name):
        """The ifindex of interface ``name`` in the namespace, or None. With ``cache_indexes`` the
        answer is remembered (``links`` fills the cache; ``drop_index`` forgets a name)."""
        if self.cache_indexes:
            cached = self._indexes.get(ref, {}).get(name)
            if cached:
                return cached
        found = self.socket(ref).link_lookup(ifname=name)
        if not found:
            return None
        if self.cache_indexes:
            self._indexes.setdefault(ref, {})[name] = found[0]
        return found[0]

    def qdiscs(self, ref, index):
        """The qdiscs of interface ``index`` in the namespace, as plain dicts (``_netlink.tc``)."""
        return tc.qdiscs(self.socket(ref), index)

    def qdisc_supported(self, kind):
        """Whether the kernel has the qdisc ``kind`` ('netem'): asked once per run by adding one to
        ``lo`` of a scratch namespace only this run knows (gone when its fd is closed)."""
        cache = self.__dict__.setdefault('_qdisc_kinds', {})
        if kind not in cache:
            fd = self.unshared()
            try:
                with self.entered_fd(fd):
                    sock = loader.IPRoute()
                try:
                    cache[kind] = tc.supported(sock, kind)
                finally:
                    sock.close()
            finally:
                os.close(fd)
        return cache[kind]

    def drop_index(self, ref, name):
        self._indexes.get(ref, {}).pop(name, None)

    def cached_index(self, ref, name):
        """The remembered ifindex of ``name`` (see ``cache_indexes``), or None; asks nothing."""
        return self._indexes.get(ref, {}).get(name) if self.cache_indexes else None

    def remember_index(self, ref, name, index):
        if self.cache_indexes:
            self._indexes.setdefault(ref, {})[name] = index

    def create_here(self, name, sysctls=(), replace_empty=False):
        """Create a namespace bound under /var/run/netns/NAME without a fork, as `ip netns add`
        does (unshare(2) on the calling thread, bind mount, back home), writing ``sysctls``
        ([(path, value)]) while inside, before the bind mount: a run killed at any point leaves no
        namespace under the name without them (only, at worst, the empty file of a namespace not
        made). ``replace_empty``: such an empty file there (see half_made) is removed first.
        pyroute2's netns.create forks a child per namespace (about 3 ms). Its socket is opened
        later, when first needed."""
        load_libc()
        path = ref_path(name)
        _share_dir(os.path.dirname(path))
        if replace_empty and self.half_made(name):
            os.unlink(path)
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
        try:
            if _libc.unshare(CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, os.strerror(err))
            try:
                for key, value in sysctls:
                    with open(key, 'w') as handle:
                        handle.write(value)
                if _libc.mount(b'/proc/thread-self/ns/net', path.encode('utf-8'), b'none', MS_BIND, None) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, os.strerror(err))
                self._drop_handles(name)
                self._fds[name] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                self._indexes[name] = {'lo': 1}   # a new namespace's loopback is always ifindex 1
            finally:
                _setns(self._home)
        except Exception:
            _libc.umount2(path.encode('utf-8'), MNT_DETACH)
            os.unlink(path)
            raise
        self._names_cache = None

    def socket(self, ref):
        """The one IPRoute socket of this run for that namespace."""
        if ref not in self._sockets:
            self.fd(ref)
            self._limit_sockets()
            with self.entered(ref):
                self._sockets[ref] = loader.IPRoute()
        return self._sockets[ref]

    def _limit_sockets(self):
        if self.max_sockets is None:
            return
        while len(self._sockets) >= self.max_sockets:
            oldest = next((r for r in self._sockets if r is not None), None)
            if oldest is None:
                return
            self.close_socket(oldest)

    def close_raw(self, ref):
        sock = self._raw.pop(ref, None)
        if sock is not None:
            sock.close()

    def socket_in(self, ref, family, kind, proto=0):
        """An ordinary socket opened inside the namespace (it stays bound to the namespace it was
        made in, like the IPRoute of ``socket``). The caller owns it and closes it."""
        self.fd(ref)
        with self.entered(ref):
            return _socket.socket(family, kind, proto)

    def is_netns_file(self, path, option='name', obj=None):
        """Whether ``path`` is a bound network namespace. A missing file is False; a file that is
        something else (a regular file, a directory) fails naming the option."""
        try:
            st = os.stat(path)
        except (IOError, OSError) as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return False
            raise
        if st.st_dev != self._home_dev:
            raise NetvirtError("option %s%s: '%s' exists but is not a network namespace (no nsfs file bound there)"
                               % (option, ' of %s' % obj if obj else '', path), option=option, obj=obj)
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            why = self.not_netns_type(fd, path)
        finally:
            os.close(fd)
        if why:
            raise NetvirtError("option %s%s: '%s' exists but is not a network namespace: %s"
                               % (option, ' of %s' % obj if obj else '', path, why), option=option, obj=obj)
        return True

    def create_named(self, name):
        """Create a namespace bound under /var/run/netns/NAME, or at an absolute path (its
        parent folders are made as needed), as `ip netns add` does."""
        if name.startswith('/'):
            parent = os.path.dirname(name)
            if not os.path.isdir(parent):
                os.makedirs(parent, 0o755)
        loader.pyroute2_netns.create(name)
        self.forget(name)

    def remove_named(self, name):
        self.forget(name)
        loader.pyroute2_netns.remove(name)

    def nsid(self, observer, target):
        """The id under which `observer` knows `target`, or None when none is assigned."""
        try:
            reply = self.socket(observer).get_netnsid(fd=self.fd(target))
        except Exception:
            return None
        value = reply.get('nsid') if isinstance(reply, dict) else None
        return None if value in parse.NSID_NONE else value

    def _nsid_map(self, observer):
        if observer not in self._nsid_maps:
            mapping = {}
            candidates = [None] + list(self._registered) + self.named()
            seen = set([self.identity(observer)])
            for ref in candidates:
                ident = self.identity(ref)
                if ident is None or ident in seen:
                    continue
                seen.add(ident)
                nsid = self.nsid(observer, ref)
                if nsid is not None and nsid not in mapping:
                    mapping[nsid] = self.canonical(ref)
            self._nsid_maps[observer] = mapping
        return self._nsid_maps[observer]

    # -- observation ------------------------------------------------------------------------
    def links(self, ref, peers=True, keep_ids=False, raw=False):
        """{name: link} of a namespace, with master names, addresses and veth peers. With
        ``keep_ids`` each link keeps 'link_index' and 'link_netnsid' (for ``peer``). With ``raw``
        the dumps are read over a plain netlink socket (rawdump: no pyroute2 socket is opened for
        a namespace that only needs reading; the one decoder, parse.plain_link, gives the same data)."""
        by_index = {}
        if raw:
            found, addrs = rawdump.links(self.raw_socket(ref))
            for link in found:
                link['addresses'] = []
                by_index[link['index']] = link
        else:
            sock = self.socket(ref)
            for msg in sock.get_links():
                link = parse.parse_link(msg)
                link['addresses'] = []
                by_index[link['index']] = link
            addrs = [parse.parse_addr(msg) for msg in sock.get_addr()]
        for index, cidr, _family in addrs:
            if index in by_index:
                by_index[index]['addresses'].append(cidr)
        for link in by_index.values():
            master = by_index.get(link.pop('master_index'))
            link['master'] = master['name'] if master else None
            link['addresses'].sort()
            if link.get('vxlan') is not None:
                # The underlay by name; '#N' when its ifindex is not in this namespace.
                under_index = link['vxlan'].pop('link_index', None)
                under = by_index.get(under_index)
                link['vxlan']['dev'] = under['name'] if under else ('#%d' % under_index if under_index else None)
            if link.get('bond') is not None:
                primary = by_index.get(link['bond'].pop('primary_index', None))
                link['bond']['primary'] = primary['name'] if primary else None
        for link in by_index.values():
            if link['kind'] in parse.PARENT_KINDS:
                # The device it was made on: {'name', 'netns'}; across namespaces only with ``peers``.
                link['parent'] = self._parent(ref, link, by_index, peers)
        if peers:
            for link in by_index.values():
                if link['kind'] == 'veth':
                    link['peer'] = self._peer(ref, link, by_index)
        if not keep_ids:
            for link in by_index.values():
                link.pop('link_index', None)
                link.pop('link_netnsid', None)
        if self.cache_indexes:
            self._indexes[ref] = dict((link['name'], index) for index, link in by_index.items())
        return dict((link['name'], link) for link in by_index.values())

    def peer(self, ref, link, links):
        """The peer {name, netns, index} of a veth observed with ``keep_ids`` (see ``links``)."""
        by_index = dict((link_['index'], link_) for link_ in links.values())
        return self._peer(ref, link, by_index)

    def _parent(self, ref, link, by_index, resolve):
        """The parent {'name', 'netns'} of a vlan/macvlan/ipvlan (None without one). In another
        namespace: resolved only when ``resolve``; else {'name': None, 'netns': None, 'nsid': N}."""
        if not link.get('link_index'):
            return None
        if link.get('link_netnsid') is None or resolve:
            found = self._peer(ref, link, by_index)
            return dict((k, v) for k, v in found.items() if k != 'index')
        return {'name': None, 'netns': None, 'nsid': link['link_netnsid']}

    def _peer(self, ref, link, by_index):
        index, nsid = link.get('link_index'), link.get('link_netnsid')
        if not index:
            return None
        if nsid is None:
            peer = by_index.get(index)
            return {'name': peer['name'] if peer else None, 'netns': self.canonical(ref), 'index': index}
        target = self._nsid_map(ref).get(nsid, False)
        if target is False:
            return {'name': None, 'netns': None, 'nsid': nsid, 'index': index,
                    'unresolved': 'the peer is in a namespace with no name or path known here'}
        try:
            reply = self.socket(target).link('get', index=index)
            name = parse.parse_link(reply[0])['name']
        except Exception:
            name = None
        return {'name': name, 'netns': target, 'index': index}

    def routes(self, ref, links=None):
        """All routes of a namespace but the local table, with device names."""
        sock = self.socket(ref)
        names = dict((l['index'], n) for n, l in (links or self.links(ref, peers=False)).items())
        out = []
        for family in (2, 10):
            for msg in sock.get_routes(family=family):
                route = parse.parse_route(msg)
                if route['table'] == 255:
                    continue
                route['dev'] = names.get(route.pop('oif'))
                out.append(route)
        return out

    def fdb(self, ref, bridge, links=None):
        """The forwarding database of a bridge: [{'mac','port','vlan','permanent','self'}]."""
        sock = self.socket(ref)
        links = links or self.links(ref, peers=False)
        names = dict((l['index'], n) for n, l in links.items())
        if bridge not in links:
            return []
        index = links[bridge]['index']
        out = []
        for msg in sock.fdb('dump', master=index):
            entry = parse.parse_fdb(msg)
            if entry['master_index'] not in (None, index) and entry['port_index'] != index:
                continue
            entry['port'] = names.get(entry.pop('port_index'))
            entry.pop('master_index', None)
            entry.pop('dst', None)
            out.append(entry)
        out.sort(key=lambda e: (e['port'] or '', e['mac'] or ''))
        return out

    def vlans(self, ref, links=None, raw=False):
        """The VLANs of every bridge port and bridge of a namespace, as `bridge vlan show` lists them:
        {interface name: {'vids', 'pvid', 'untagged'}} (parse.plain_vlans). With ``raw`` the dump is
        read over a plain netlink socket (rawdump.vlans), else through pyroute2's get_vlans (0.7.2 and
        0.9.x alike)."""
        links = links or self.links(ref, peers=False)
        names = dict((l['index'], n) for n, l in links.items())
        if raw:
            found = rawdump.vlans(self.raw_socket(ref))
        else:
            found = [parse.parse_vlans(msg) for msg in self.socket(ref).get_vlans()]
        out = {}
        for index, entries in found:
            name = names.get(index)
            if name is not None:
                out[name] = parse.plain_vlans(entries)
        return out

    def vxlan_peers(self, ref, index):
        """The remotes of the all-zero-MAC FDB entries of a vxlan device (head-end replication
        peers, as `bridge fdb append 00:00:00:00:00:00 dev VX dst PEER` makes them), sorted."""
        out = set()
        for msg in self.socket(ref).fdb('dump'):
            entry = parse.parse_fdb(msg)
            if entry['port_index'] == index and entry['mac'] == parse.ZERO_MAC and entry['dst']:
                out.add(entry['dst'])
        return sorted(out, key=lambda a: (':' in a, a))

    def read_sysctl(self, ref, path):
        with self.entered(ref):
            handle = open(path, 'r')
        with handle:
            return handle.read()

    def write_sysctl(self, ref, path, value):
        with self.entered(ref):
            handle = open(path, 'w')
        with handle:
            handle.write(value)
