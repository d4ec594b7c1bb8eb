# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``Io``: the kernel-side floors handed to the kinds as ``ctx.io``. Apart from the runner (which
imports Ansible) so that the boot-time replay (``_runner.replay``) runs the kinds the same way on a
host without Ansible."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.netvirt.linux.plugins.module_utils._netlink import apply


class Io(object):
    """The kernel-side floors, handed to the kinds as ``ctx.io`` so that the planners import none
    of them: the netlink session and its appliers, the iptables tools, the probe engine, the files
    the collection keeps on the host. Each floor is imported when a kind first asks for it, so a
    module pays only for what it uses (the iptables tools and the probe engine are not small).
    A unit test hands a kind a fake one (tests/unit/fakes.py)."""

    # pylint: disable=import-outside-toplevel

    def __init__(self, session, run_command=None):
        self.session = session
        # run_command(argv) -> (rc, out, err): AnsibleModule.run_command in a module run; None in the replay
        self.run_command = run_command

    @property
    def iptables(self):
        """Runner, default_backend: the iptables binaries inside a namespace."""
        from ansible_collections.netvirt.linux.plugins.module_utils._iptables import command
        return command

    @property
    def canon(self):
        """Canonical rule texts from iptables itself (scratch namespace)."""
        from ansible_collections.netvirt.linux.plugins.module_utils._iptables import canon
        return canon

    @property
    def nftables(self):
        """Nft(ref), Record(identity): the nft binary inside a namespace, the ownership record."""
        from ansible_collections.netvirt.linux.plugins.module_utils._iptables import command as tools
        from ansible_collections.netvirt.linux.plugins.module_utils._nftables import command
        from ansible_collections.netvirt.linux.plugins.module_utils._host import files
        session = self.session

        class Nftables(object):
            @staticmethod
            def Record(identity):   # pylint: disable=invalid-name
                return command.Record(identity, write=files.replace_json)

            @staticmethod
            def Nft(ref):   # pylint: disable=invalid-name
                return command.Nft(session, ref, tools.spawn, tools.which)
        return Nftables

    @property
    def lock(self):
        """Lock: flocks under /run/netvirt."""
        from ansible_collections.netvirt.linux.plugins.module_utils._host import lock
        return lock

    @property
    def records(self):
        """Ownership records under /run/netvirt."""
        from ansible_collections.netvirt.linux.plugins.module_utils._host import records
        return records

    @property
    def process(self):
        """This process's limits (open files)."""
        from ansible_collections.netvirt.linux.plugins.module_utils._host import process
        return process

    @property
    def persist(self):
        """Files of persistence on the host (the persist option): read, atomic write, link, remove."""
        from ansible_collections.netvirt.linux.plugins.module_utils._host import persist
        return persist

    def replay_library(self):
        """{relative path: source} of the boot-time replay and every module_utils file it imports."""
        from ansible_collections.netvirt.linux.plugins.module_utils._host import persist
        from ansible_collections.netvirt.linux.plugins.module_utils._runner import replay
        return persist.library(replay.__name__)

    def apply_plan(self, actions):
        """Actions one at a time through pyroute2; undo of this run's creations on failure."""
        apply.apply_plan(self.session, actions)

    def fast_apply(self, actions):
        """The same contract with the frequent steps as raw netlink requests, pipelined."""
        from ansible_collections.netvirt.linux.plugins.module_utils._netlink import fastapply
        fastapply.apply_plan(self.session, actions)

    def transfer(self, src, dst, address, family, seconds, timeout):
        """A TCP bulk transfer from namespace ``src`` to ``address`` held by ``dst`` (_probe.bulk)."""
        from ansible_collections.netvirt.linux.plugins.module_utils._probe import bulk
        return bulk.transfer(self.session.socket_in, src, dst, address, family, seconds, timeout)

    def run_probes(self, probes):
        """probes: (netns, address, family, protocol, port, count, timeout) tuples -> outcomes."""
        from ansible_collections.netvirt.linux.plugins.module_utils._probe import engine
        return engine.run([engine.Probe(*p) for p in probes], self.session.socket_in)
