# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that imports pyroute2. Supports pyroute2 0.7.2 (Debian/Ubuntu) and 0.9.x (PyPI)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

# Imported on first use (PEP 562 module __getattr__), not when this file is imported: a module
# that runs no netlink (iptables) does not pay pyroute2's import (~60 ms) for nothing.
_NAMES = ('pyroute2', 'IPRoute', 'pyroute2_netns', 'NetlinkError', 'HAS_PYROUTE2', 'PYROUTE2_IMPORT_ERROR',
          'PYROUTE2_VERSION')


def _load():
    found = {}
    try:
        import pyroute2
        from pyroute2 import IPRoute
        from pyroute2 import netns as pyroute2_netns
        from pyroute2.netlink.exceptions import NetlinkError
        found.update(pyroute2=pyroute2, IPRoute=IPRoute, pyroute2_netns=pyroute2_netns, NetlinkError=NetlinkError,
                     HAS_PYROUTE2=True, PYROUTE2_IMPORT_ERROR=None,
                     PYROUTE2_VERSION=getattr(pyroute2, '__version__', 'unknown'))
    except ImportError:
        found.update(pyroute2=None, IPRoute=None, pyroute2_netns=None, NetlinkError=_MissingNetlinkError,
                     HAS_PYROUTE2=False, PYROUTE2_IMPORT_ERROR=traceback.format_exc(), PYROUTE2_VERSION=None)
    globals().update(found)


class _MissingNetlinkError(Exception):
    """Stand-in so that ``except NetlinkError`` works without pyroute2."""

    def __init__(self, code=0, msg=None):
        super(_MissingNetlinkError, self).__init__(code, msg)
        self.code = code


def __getattr__(name):
    if name in _NAMES:
        _load()
        return globals()[name]
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
