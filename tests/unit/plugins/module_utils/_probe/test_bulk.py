# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk transfer over loopback of the test's own namespace (no root needed): bytes arrive,
the rate is counted from what arrived, and failures are TransferError with a reason."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._probe import bulk


def here(ref, family, kind, proto=0):
    assert ref in ('src', 'dst')
    return socket.socket(family, kind, proto)


def test_a_transfer_over_loopback():
    got = bulk.transfer(here, 'src', 'dst', '127.0.0.1', 4, 0.3)
    assert got['bytes'] > 0
    assert 0.25 <= got['seconds'] <= 1.0
    assert got['bits_per_second'] > 1e6


def test_an_address_that_cannot_be_bound_is_a_transfer_error():
    with pytest.raises(bulk.TransferError) as err:
        bulk.transfer(here, 'src', 'dst', '192.0.2.77', 4, 0.2)
    assert 'cannot listen on 192.0.2.77' in str(err.value)
