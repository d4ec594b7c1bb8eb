# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that imports pyroute2. Supports pyroute2 0.7.2 (Debian/Ubuntu) and 0.9.x (PyPI)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

try:
    import pyroute2
    from pyroute2 import IPRoute  # pylint: disable=unused-import
    from pyroute2 import netns as pyroute2_netns  # pylint: disable=unused-import
    from pyroute2.netlink.exceptions import NetlinkError
    HAS_PYROUTE2 = True
    PYROUTE2_IMPORT_ERROR = None
    PYROUTE2_VERSION = getattr(pyroute2, '__version__', 'unknown')
except ImportError:
    pyroute2 = None
    IPRoute = None
    pyroute2_netns = None
    HAS_PYROUTE2 = False
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()
    PYROUTE2_VERSION = None

    class NetlinkError(Exception):
        """Stand-in so that ``except NetlinkError`` works without pyroute2."""

        def __init__(self, code=0, msg=None):
            super(NetlinkError, self).__init__(code, msg)
            self.code = code
