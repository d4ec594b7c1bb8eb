# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running the iptables binaries inside a network namespace, without a shell and without
nsenter: the calling thread enters the namespace with setns(2) (Session.entered), the child
process is forked from that thread and so is born inside it, and the thread goes home.

Also: the throwaway namespace used to let iptables canonicalise rules (``scratch``; made and
entered through the session, ``Session.unshared``). The per-namespace lock that makes observe +
plan + apply one step for concurrent runs is ``_host.lock``. No pyroute2 here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import errno
import os
import selectors
import signal


SEARCH_PATH = ('/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin')


def which(name):
    for folder in os.environ.get('PATH', '').split(os.pathsep) + list(SEARCH_PATH):
        path = os.path.join(folder, name)
        if folder and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def default_backend():
    """The backend plain `iptables` uses on this host (Debian's alternatives): nft or legacy."""
    path = which('iptables')
    if path and 'legacy' in os.path.basename(os.path.realpath(path)):
        return 'legacy'
    return 'nft'


def spawn(argv, stdin=None):
    """Run ``argv`` (an absolute path first) with ``stdin`` (text or None) -> (rc, stdout, stderr).

    The child is forked from the calling thread and so is born in the network namespace that thread
    entered with setns(2); that is the whole point, and why this is os.fork + os.execv rather than
    AnsibleModule.run_command (which would need the module object down here) or the subprocess
    functions (which ansible-test's pylint refuses in module_utils, ``ansible-bad-function``; they
    fork from the calling thread too, so the behaviour is the same as the subprocess.run this
    replaces: no shell, descriptors above 2 closed, stdin written and stdout/stderr read together,
    the exit status returned, a signal as a negative number). A failed exec raises OSError in the
    parent, as subprocess does.
    """
    data = (stdin or '').encode('utf-8')
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    exec_r, exec_w = os.pipe()      # the child's exec errno; closed by a successful exec (O_CLOEXEC)
    pid = os.fork()
    if pid == 0:    # the child: nothing but the file descriptors, the signals and the exec
        code = errno.ENOEXEC
        try:
            os.close(exec_r)
            for fd, target in ((in_r, 0), (out_w, 1), (err_w, 2)):
                os.dup2(fd, target)
            os.closerange(3, exec_w)
            os.closerange(exec_w + 1, _max_fd())
            for name in ('SIGPIPE', 'SIGXFSZ'):     # as subprocess's restore_signals: Python ignores them
                if hasattr(signal, name):
                    signal.signal(getattr(signal, name), signal.SIG_DFL)
            os.execv(argv[0], argv)
        except OSError as exc:
            code = exc.errno or code
        except BaseException:   # pylint: disable=broad-except
            pass
        try:
            os.write(exec_w, str(code).encode('ascii'))
        finally:
            os._exit(127)   # pylint: disable=protected-access
    for fd in (in_r, out_w, err_w, exec_w):
        os.close(fd)
    failed = b''
    while True:
        chunk = os.read(exec_r, 64)
        if not chunk:
            break
        failed += chunk
    os.close(exec_r)
    if failed:
        for fd in (in_w, out_r, err_r):
            os.close(fd)
        os.waitpid(pid, 0)
        code = int(failed)
        raise OSError(code, '%s: %s' % (argv[0], os.strerror(code)))
    out, err = _communicate(in_w, out_r, err_r, data)
    status = os.waitpid(pid, 0)[1]
    if os.WIFSIGNALED(status):
        rc = -os.WTERMSIG(status)
    else:
        rc = os.WEXITSTATUS(status)
    return rc, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace')


def _max_fd():
    try:
        return os.sysconf('SC_OPEN_MAX')
    except (ValueError, OSError):
        return 1024


def _communicate(in_w, out_r, err_r, data):
    """Write ``data`` to in_w while reading out_r and err_r to their ends (no pipe can fill up)."""
    chunks = {out_r: [], err_r: []}
    sel = selectors.DefaultSelector()
    if data:
        os.set_blocking(in_w, False)
        sel.register(in_w, selectors.EVENT_WRITE)
    else:
        os.close(in_w)
    sel.register(out_r, selectors.EVENT_READ)
    sel.register(err_r, selectors.EVENT_READ)
    view, pos = memoryview(data), 0
    try:
        while sel.get_map():
            for key, _events in sel.select():
                fd = key.fd
                if fd == in_w:
                    try:
                        pos += os.write(in_w, view[pos:pos + 65536])
                    except BrokenPipeError:     # the child stopped reading: what it printed says why
                        pos = len(data)
                    except BlockingIOError:
                        continue
                    if pos >= len(data):
                        sel.unregister(in_w)
                        os.close(in_w)
                    continue
                chunk = os.read(fd, 65536)
                if chunk:
                    chunks[fd].append(chunk)
                else:
                    sel.unregister(fd)
                    os.close(fd)
    finally:
        sel.close()
    return b''.join(chunks[out_r]), b''.join(chunks[err_r])


class Runner(object):
    """Runs commands in one namespace (or in the scratch one) and remembers what it ran."""

    def __init__(self, session, ref):
        self.session = session
        self.ref = ref
        self.log = []
        self._scratch = None

    def _exec(self, argv, stdin):
        path = which(argv[0])
        if path is None:
            raise OSError(2, '%s not found (install the iptables package)' % argv[0])
        return spawn([path] + list(argv[1:]), stdin)

    def run(self, argv, stdin=None, where='target'):
        self.log.append('%s: %s' % (where, ' '.join(argv)))
        if where == 'scratch':
            with self._in_scratch():
                return self._exec(argv, stdin)
        with self.session.entered(self.ref):
            return self._exec(argv, stdin)

    def read_file(self, path):
        """A file read from inside the target namespace (/proc/thread-self/net/...); None if missing."""
        with self.session.entered(self.ref):
            try:
                handle = open(path, 'r')
            except (IOError, OSError):
                return None
        with handle:
            return handle.read()

    # -- the scratch namespace: a new, empty network namespace only this run knows ------------
    @contextlib.contextmanager
    def _in_scratch(self):
        if self._scratch is None:
            self._scratch = self.session.unshared()
        with self.session.entered_fd(self._scratch):
            yield

    def reset_scratch(self):
        """Drop the scratch namespace (the kernel frees it with its last reference)."""
        if self._scratch is not None:
            os.close(self._scratch)
        self._scratch = None

    def close(self):
        self.reset_scratch()
