# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Limits of the module's own process."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import resource

MAX_OPEN_FILES = 65536


def raise_fd_limit(want=MAX_OPEN_FILES):
    """One namespace costs a few file descriptors while it is worked on: lift the soft limit to
    the hard one (as far as ``want``), as a server would. Best effort: a refusal changes nothing.
    Returns (soft, hard) as they are then (None for no limit)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, want) if hard != resource.RLIM_INFINITY else want
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ValueError, OSError):
        return (None, None)
    return tuple(None if v == resource.RLIM_INFINITY else v for v in (soft, hard))
