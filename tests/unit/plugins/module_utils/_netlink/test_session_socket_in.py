# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session.socket_in: an ordinary socket opened in a namespace (here only the test's own, and a
missing one; entering real namespaces is covered by the reachability integration target)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session
from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import NetvirtError


def test_socket_in_the_current_namespace_is_an_ordinary_socket_the_caller_owns():
    with Session() as session:
        sock = session.socket_in(None, socket.AF_INET, socket.SOCK_DGRAM)
    try:
        assert sock.family == socket.AF_INET
        assert sock.type == socket.SOCK_DGRAM
        assert sock.fileno() >= 0          # still open after the session is closed
    finally:
        sock.close()


def test_socket_in_a_missing_namespace_fails_naming_it():
    with Session() as session:
        with pytest.raises(NetvirtError) as err:
            session.socket_in('netvirt-unit-test-no-such-namespace', socket.AF_INET, socket.SOCK_STREAM)
    assert "namespace 'netvirt-unit-test-no-such-namespace' does not exist" in err.value.msg
