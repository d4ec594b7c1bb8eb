# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session.fd refuses a namespace reference that is not a network namespace (issue 13): a regular
file, a directory, a namespace of another type, the empty file a killed `ip netns add` leaves under
/var/run/netns. Real files only (no namespace is entered, nothing of the network is touched):
the run's own /proc/thread-self/ns/* and files in a temporary folder."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import time

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import session as session_mod
from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError


@pytest.fixture
def session():
    with Session() as opened:
        yield opened


def refused(session, ref, option='netns', obj='veth v0'):
    with pytest.raises(NetvirtError) as info:
        session.fd(ref, option=option, obj=obj)
    return info.value


def test_own_namespace_by_path_and_pid_is_accepted(session):
    assert session.fd('/proc/self/ns/net') >= 0
    assert session.fd(str(os.getpid())) >= 0
    assert session.exists('/proc/thread-self/ns/net')


@pytest.mark.parametrize('path,what', [('/proc/self/ns/mnt', 'a mount namespace'),
                                       ('/proc/self/ns/uts', 'a UTS namespace'),
                                       ('/proc/self/ns/ipc', 'an IPC namespace')])
def test_namespace_of_another_type(session, path, what):
    err = refused(session, path, 'peer.netns')
    assert err.msg == ("option peer.netns of veth v0: namespace '%s' is not a network namespace: %s is %s"
                       % (path, path, what))
    assert err.option == 'peer.netns' and err.obj == 'veth v0' and err.not_a_netns
    assert not session.exists(path)


def test_regular_file_and_directory(session, tmp_path):
    regular = tmp_path / 'passwd'
    regular.write_text(u'root:x:0:0::/root:/bin/sh\n')
    err = refused(session, str(regular))
    assert err.msg.endswith('%s is a regular file (no namespace is bound there)' % regular)
    assert "namespace '%s' is not a network namespace" % regular in err.msg
    err = refused(session, str(tmp_path))
    assert err.msg.endswith('%s is a directory' % tmp_path)
    err = refused(session, '/dev/null')
    assert err.msg.endswith('/dev/null is not a namespace file (no namespace is bound there)')


def test_empty_file_by_path_is_not_called_a_stray_netns_file(session, tmp_path):
    empty = tmp_path / 'empty'
    empty.write_text(u'')
    err = refused(session, str(empty))
    assert err.msg.endswith('%s is an empty regular file (no namespace is bound there)' % empty)


def test_stray_empty_file_under_the_netns_folder_says_what_it_is_and_how_to_remove_it(session, tmp_path, monkeypatch):
    monkeypatch.setattr(session_mod, 'NETNS_RUN_DIR', str(tmp_path))
    (tmp_path / 'half').write_text(u'')
    err = refused(session, 'half', 'namespaces[0].name', 'namespace half')
    path = os.path.join(str(tmp_path), 'half')
    assert err.msg == (
        "option namespaces[0].name of namespace half: namespace 'half' is not a network namespace: %s is an empty "
        "file with no namespace bound to it, as a killed `ip netns add` (or a run killed between creating the file "
        "and binding the namespace to it) leaves it; remove it (`ip netns delete half` or `rm %s`) and run again"
        % (path, path))
    assert not session.exists('half')
    assert session.identity('half') is None
    assert 'half' not in session._fds     # nothing kept open


def test_missing_is_not_marked(session, tmp_path):
    err = refused(session, str(tmp_path / 'nowhere'))
    assert 'does not exist' in err.msg and not getattr(err, 'not_a_netns', False)
    err = refused(session, '/etc/passwd/below')    # ENOTDIR: missing too
    assert 'does not exist' in err.msg


def test_is_netns_file_checks_the_type(session):
    with pytest.raises(NetvirtError) as info:
        session.is_netns_file('/proc/self/ns/mnt', option='name', obj='namespace /proc/self/ns/mnt')
    assert info.value.msg.startswith("option name of namespace /proc/self/ns/mnt: '/proc/self/ns/mnt' exists but is "
                                     "not a network namespace: /proc/self/ns/mnt is a mount namespace")
    assert session.is_netns_file('/proc/self/ns/net')


def test_the_check_is_cheap(session):
    """fd() runs once per namespace of a topology: the check is one fstat and one ioctl. Measured
    on these machines: about 2.4 us per namespace (2.4 ms for 1,000); bounded loosely here."""
    fd = session.fd('/proc/self/ns/net')
    started = time.perf_counter()
    for _round in range(1000):
        assert session.not_nsfs(os.fstat(fd), 'x', '/proc/self/ns/net') is None
        assert session.not_netns_type(fd, '/proc/self/ns/net') is None
    assert time.perf_counter() - started < 0.5


def test_a_fifo_is_never_opened(session, tmp_path):
    """Opening a FIFO for reading would wait for a writer forever: it is opened non-blocking."""
    fifo = tmp_path / 'fifo'
    os.mkfifo(str(fifo))
    err = refused(session, str(fifo))
    assert err.msg.endswith('%s is not a namespace file (no namespace is bound there)' % fifo)
