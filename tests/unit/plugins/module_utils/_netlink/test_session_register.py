# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session.register / canonical without a kernel (identity monkeypatched): the first registered
reference of a namespace stands for it, the module's own namespace is None, an unknown or missing
one stands for itself."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._netlink.session import Session

HOME = (4, 4026531840)
# reference -> identity (dev, ino); None: the namespace does not exist
IDENTITIES = {None: HOME, '1': HOME, 'red': (4, 10), '/var/run/netns/red': (4, 10), '4242': (4, 10),
              'blue': (4, 11), 'gone': None}


@pytest.fixture
def session(monkeypatch):
    with Session() as real:     # opens only /proc/thread-self/ns/net
        monkeypatch.setattr(real, 'identity', IDENTITIES.get)
        yield real


def test_the_first_registered_reference_wins(session):
    assert session.register('4242') == '4242'
    assert session.register('red') == '4242'
    assert session.register('/var/run/netns/red') == '4242'
    assert session.canonical('red') == '4242'
    assert session.register('blue') == 'blue'


def test_the_order_of_registration_decides(session):
    assert session.register('/var/run/netns/red') == '/var/run/netns/red'
    assert session.register('4242') == '/var/run/netns/red'


def test_the_modules_own_namespace_is_none_whatever_it_is_called(session):
    assert session.register(None) is None
    assert session.register('1') is None           # a PID in the module's own namespace
    assert session.canonical('1') is None


def test_unregistered_and_missing_references_stand_for_themselves(session):
    assert session.canonical('red') == 'red'       # nothing registered yet
    assert session.register('gone') == 'gone'
    assert session.canonical('gone') == 'gone'
    session.register('red')
    assert session.canonical('4242') == 'red'      # canonical does not register
    assert session.register('4242') == 'red'


def test_a_reference_is_registered_once(session):
    session.register('red')
    session.register('red')
    assert session._registered == ['red']
