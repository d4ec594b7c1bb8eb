# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that imports pyroute2. Supports pyroute2 0.7.2 (Debian 12) up to 0.9.x (PyPI).

An older pyroute2 is refused, not used: 0.6.4 (Ubuntu 22.04's python3-pyroute2) imports on
Python 3.9 and then reads every veth peer as null, and on Python 3.11 fails inside its own import
machinery (``'PyRoute2ModuleSpec' object has no attribute '_uninitialized_submodules'``). So the
version is read from ``pyroute2.__version__`` before anything else of pyroute2 is imported, and
``HAS_PYROUTE2`` is true only for a usable one; ``PYROUTE2_TOO_OLD`` says why it is not.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import traceback

# The oldest pyroute2 the collection supports (tested: tests/requirements-pyroute2-0.7.txt).
PYROUTE2_MIN_VERSION = '0.7.2'

# Imported on first use (PEP 562 module __getattr__), not when this file is imported: a module
# that runs no netlink (iptables) does not pay pyroute2's import (~60 ms) for nothing.
_NAMES = ('pyroute2', 'IPRoute', 'pyroute2_netns', 'NetlinkError', 'HAS_PYROUTE2', 'PYROUTE2_IMPORT_ERROR',
          'PYROUTE2_VERSION', 'PYROUTE2_TOO_OLD')


def version_tuple(text):
    """'0.7.2' -> (0, 7, 2); '0.7.12.post1' -> (0, 7, 12); None where no leading number is found."""
    match = re.match(r'\s*(\d+(?:\.\d+)*)', str(text or ''))
    if not match:
        return None
    return tuple(int(part) for part in match.group(1).split('.'))


def too_old(version):
    """True when ``version`` (a pyroute2 version string) is older than PYROUTE2_MIN_VERSION; a version
    that cannot be read is given the benefit of the doubt."""
    found = version_tuple(version)
    return found is not None and found < version_tuple(PYROUTE2_MIN_VERSION)


def _load():
    found = dict(pyroute2=None, IPRoute=None, pyroute2_netns=None, NetlinkError=_MissingNetlinkError,
                 HAS_PYROUTE2=False, PYROUTE2_IMPORT_ERROR=None, PYROUTE2_VERSION=None, PYROUTE2_TOO_OLD=False)
    try:
        import pyroute2
        found['PYROUTE2_VERSION'] = getattr(pyroute2, '__version__', 'unknown')
        if too_old(found['PYROUTE2_VERSION']):
            found['PYROUTE2_TOO_OLD'] = True
        else:
            from pyroute2 import IPRoute
            from pyroute2 import netns as pyroute2_netns
            from pyroute2.netlink.exceptions import NetlinkError
            found.update(pyroute2=pyroute2, IPRoute=IPRoute, pyroute2_netns=pyroute2_netns, NetlinkError=NetlinkError,
                         HAS_PYROUTE2=True)
    except ImportError:
        found['PYROUTE2_IMPORT_ERROR'] = traceback.format_exc()
    globals().update(found)


def netem_duplicate_is_u32():
    """Whether pyroute2's netem encoder sends ``duplicate`` as given (0.7.2: the caller gives the
    kernel's u32) rather than converting a percentage (0.9). Asked of pyroute2's own encoder."""
    from pyroute2.netlink.rtnl.tcmsg import sched_netem   # pylint: disable=import-outside-toplevel
    return sched_netem.get_parameters({'duplicate': 100})['duplicate'] == 100


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
