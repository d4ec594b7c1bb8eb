# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The namespace option every module shares.
    DOCUMENTATION = r'''
options:
  netns:
    description:
      - The network namespace the module works in.
      - A name of a namespace under C(/var/run/netns) (as made by C(ip netns add) or M(netvirt.linux.netns)),
        an absolute path to a namespace file (for example C(/var/run/docker/netns/1a2b3c4d) or
        C(/proc/1234/ns/net)), or the PID of a process whose namespace is meant (a container's main process).
      - When not set, the namespace the module runs in (normally the host's own).
      - A namespace that does not exist is never created implicitly; the task fails naming it.
        In check mode a missing namespace is planned as if empty, with a warning, so that a whole
        playbook can be checked before an earlier task has created it.
      - A file there that is not a network namespace (a regular file such as C(/etc/passwd), a directory,
        a namespace of another type such as C(/proc/self/ns/mnt), or the empty file under
        C(/var/run/netns) that a killed C(ip netns add) leaves) makes the task fail naming the option and
        what the file is, in check mode too; the message of the empty file says how to remove it.
      - Set it once for a whole play with C(module_defaults) and the action group
        C(group/netvirt.linux.netvirt).
    type: raw
requirements:
  - Python 3.8 or newer on the managed host (ansible-core 2.20 and newer need 3.9 there themselves).
  - Root, or CAP_NET_ADMIN and CAP_SYS_ADMIN, on the managed host.
'''

    # What the netlink modules (all but iptables) need besides. (A fragment must carry options or
    # attributes: this one adds none.)
    PYROUTE2 = r'''
options: {}
requirements:
  - pyroute2 0.7.2 or newer on the managed host (C(pip install "pyroute2>=0.7.2"), or the distribution's
    C(python3-pyroute2) where it is that new, as on Debian 12; Ubuntu 22.04's 0.6.4 is refused as too old).
'''

    # The attributes every module shares (check mode, diff mode, action group, platform).
    ATTRIBUTES = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Check mode runs the same observation and plan as a real run and only skips applying it,
        so C(changed), C(diff) and C(actions) are what a real run would do.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/netvirt.linux.netvirt) in C(module_defaults) to set defaults for this module
      (for example C(netns) for a whole play).
    support: full
    membership:
      - netvirt.linux.netvirt
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: linux
'''
