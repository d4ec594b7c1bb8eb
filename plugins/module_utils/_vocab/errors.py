# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own exceptions. Every failure a user sees is one of these, with a message
that names the option and the object; errno codes are translated in the netlink layer."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class NetvirtError(Exception):
    """A failure to report with fail_json: ``msg`` names the object and the option."""

    def __init__(self, msg, option=None, obj=None):
        super(NetvirtError, self).__init__(msg)
        self.msg = msg
        self.option = option
        self.obj = obj


class ValidationError(NetvirtError):
    """Bad input, found before the kernel is asked anything."""


class ApplyError(NetvirtError):
    """The kernel (or a tool) refused an action of the plan."""

    def __init__(self, msg, action=None, errno=None, option=None, obj=None):
        super(ApplyError, self).__init__(msg, option=option, obj=obj)
        self.action = action
        self.errno = errno
