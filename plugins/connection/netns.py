# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: netns
short_description: Run tasks inside a named network namespace of this machine
version_added: 0.2.0
description:
  - Runs each task inside a named network namespace of the machine Ansible runs on, as
    C(ip netns exec NAME) does, so that any module (M(ansible.builtin.command), M(ansible.builtin.uri),
    M(ansible.builtin.service), this collection's modules) runs "on" a namespace as if it were a host,
    and a lab of namespaces can be an Ansible inventory.
  - The same conventions as the P(ansible.builtin.local#connection) connection. The namespaces are on the
    controller's own machine, files are copied with the controller's file system (or, with
    O(private_mounts), through the namespace's own mount view), become works as it does there and
    pipelining is supported.
  - The command is started with C(nsenter --net=PATH) (util-linux) from an argument list, never through a
    shell string of this plugin's making (the module's own command line is Ansible's, as with the
    P(ansible.builtin.local#connection) connection). Entering a namespace needs C(CAP_SYS_ADMIN) (the controller
    runs as root); become then changes the user inside the namespace.
  - A namespace that does not exist (or a file there that is not a network namespace) makes the host
    unreachable with a message naming the namespace and its path; nothing is created implicitly.
author:
  - netvirt.linux maintainers (@netvirt)
options:
  netns:
    description:
      - The name of the network namespace (a file name under O(netns_dir)), or an absolute path to a
        namespace file (for example C(/proc/1234/ns/net) or C(/run/docker/netns/1a2b3c4d)).
      - Default the host's C(ansible_host), else its inventory name.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_netns_name
  netns_dir:
    description:
      - The folder of named namespaces, where C(ip netns add) and M(netvirt.linux.netns) put them.
    type: path
    default: /run/netns
    vars:
      - name: ansible_netns_dir
  private_mounts:
    description:
      - Give the host a mount namespace of its own, kept from task to task, in which each path of
        O(private_paths) is a private C(tmpfs) and C(/sys) is a fresh sysfs that shows the host's own
        network devices.
      - Simulated hosts on one machine then do not see each other's named namespaces under C(/run/netns)
        or the collection's state under C(/run/netvirt); each host's "containers" are its own, even with
        the same names on every host.
      - The mount namespace is made the first time a task runs on the host and is held by a process
        (C(sleep infinity)) whose PID is kept in a file named after the host's namespace under
        O(mount_dir). Killing that process removes the mount namespace, and with it the namespaces
        made inside it.
      - Files are copied (O(private_mounts=true)) by C(dd) and C(cat) run inside the host's mount namespace.
    type: bool
    default: false
    vars:
      - name: ansible_netns_private_mounts
  mount_dir:
    description:
      - Where the PID of each host's mount namespace holder is kept (O(private_mounts=true)), one file per
        host named after its network namespace, holding the PID and the inode of the mount namespace
        (a reused PID is not mistaken for the holder).
    type: path
    default: /run/netvirt/hosts
    vars:
      - name: ansible_netns_mount_dir
  private_paths:
    description:
      - The folders that are a private C(tmpfs) in each host's mount namespace (O(private_mounts=true)).
    type: list
    elements: path
    default: [/run/netns, /run/netvirt]
    vars:
      - name: ansible_netns_private_paths
  become_success_timeout:
    description:
      - Seconds to wait for become to succeed when enabled (as for the P(ansible.builtin.local#connection) connection,
        from ansible-core 2.19).
    type: int
    default: 10
    vars:
      - name: ansible_netns_become_success_timeout
  become_strip_preamble:
    description:
      - Strip become's own output before the command's (as for the P(ansible.builtin.local#connection) connection,
        from ansible-core 2.19).
    type: bool
    default: true
    vars:
      - name: ansible_netns_become_strip_preamble
extends_documentation_fragment:
  - connection_pipelining
notes:
  - The remote user is ignored, as with the P(ansible.builtin.local#connection) connection.
  - Only network namespaces of the machine Ansible runs on; for namespaces of another machine, run
    Ansible there (or use this collection's modules' O(netvirt.linux.netns#module:netns) option over SSH).
  - The C(nsenter) program (util-linux) must be installed.
seealso:
  - module: netvirt.linux.netns
  - plugin: ansible.builtin.local
    plugin_type: connection
'''

EXAMPLES = r'''
# inventory.ini: three namespaces of this machine as hosts
# [lab]
# ns1
# ns2
# web ansible_netns_name=ns3
# [lab:vars]
# ansible_connection=netvirt.linux.netns
# ansible_python_interpreter=/usr/bin/python3

- name: Run on every namespace of the lab
  hosts: lab
  gather_facts: false
  tasks:
    - name: The namespace's own addresses
      ansible.builtin.command:
        argv: [ip, -brief, address]
      changed_when: false

    - name: A bridge inside each namespace, through this collection's module (no netns option needed)
      netvirt.linux.bridge:
        name: br0

# Simulated hosts with their own /run/netns and /run/netvirt: each can make namespaces named c1, c2
# without colliding with another host's
- name: Simulated hosts
  hosts: simulated
  gather_facts: false
  vars:
    ansible_connection: netvirt.linux.netns
    ansible_netns_private_mounts: true
  tasks:
    - name: A container of this host
      netvirt.linux.netns:
        name: c1
'''

import os
import pty
import selectors
import shutil
import stat
import subprocess
import sys

import ansible.constants as C
from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text
from ansible.plugins.connection.local import Connection as LocalConnection
from ansible.utils.display import Display

display = Display()

NETNS_BAD_NAMES = ('', '.', '..')

# Run by the controller's Python with the paths of mount(8) and sleep(1): unshare the mount
# namespace, make every mount in it private, say "ready", then become `sleep infinity`: that
# process holds the namespace (its /proc/PID/ns/mnt is entered by later tasks).
_HOLDER = r'''
import ctypes, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x00020000) != 0:
    os.write(2, ("unshare(CLONE_NEWNS): " + os.strerror(ctypes.get_errno()) + "\n").encode())
    os._exit(1)
subprocess.run([sys.argv[1], "--make-rprivate", "/"], check=True)
sys.stdout.write("ready\n")
sys.stdout.flush()
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
os.execv(sys.argv[2], [sys.argv[2], "infinity"])
'''


def _nsfs_dev():
    """The device number of the nsfs file system (every bound namespace file has it)."""
    return os.stat('/proc/self/ns/net').st_dev


def _is_namespace_file(path):
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_dev == _nsfs_dev() and not stat.S_ISDIR(st.st_mode)


class Connection(LocalConnection):
    """Tasks in a named network namespace of this machine (nsenter --net)."""

    transport = 'netvirt.linux.netns'
    has_pipelining = True

    def __init__(self, *args, **kwargs):
        super(Connection, self).__init__(*args, **kwargs)
        self._netns_path = None
        self._mount_file = None
        self._nsenter = None

    # ---- where the namespace is

    def _netns_name(self):
        name = self.get_option('netns')
        if not name or name == 'inventory_hostname':
            name = self._play_context.remote_addr
        return to_text(name)

    def _resolve(self):
        name = self._netns_name()
        if name.startswith('/'):
            path = name
            label = os.path.basename(name)
        else:
            if '/' in name or name in NETNS_BAD_NAMES or '\x00' in name:
                raise AnsibleConnectionFailure(
                    "netvirt.linux.netns: option netns: %r is not a namespace name (no '/', not '.' or '..');"
                    " give a name under %s or an absolute path" % (name, self.get_option('netns_dir')))
            path = os.path.join(self.get_option('netns_dir'), name)
            label = name
        if not os.path.lexists(path):
            raise AnsibleConnectionFailure(
                "netvirt.linux.netns: network namespace %r does not exist (no %s)" % (name, path))
        if not _is_namespace_file(path):
            raise AnsibleConnectionFailure(
                "netvirt.linux.netns: %s (network namespace %r) is not a namespace file (not on nsfs)"
                % (path, name))
        return path, label

    def _holder(self, label):
        """The host's mount namespace (/proc/PID/ns/mnt of its holder), if it is there."""
        record = os.path.join(self.get_option('mount_dir'), label)
        try:
            with open(record, encoding='ascii') as handle:
                pid, inode = (int(field) for field in handle.read().split())
            path = '/proc/%d/ns/mnt' % pid
            if os.stat(path).st_ino == inode:
                return path
        except (OSError, ValueError):
            pass
        return None

    def _private_mount_file(self, label):
        """The host's own mount namespace (made on first use, held by a sleeping process)."""
        path = self._holder(label)
        if path:
            return path
        mount = shutil.which('mount')
        sleep = shutil.which('sleep')
        if not mount or not sleep:
            raise AnsibleConnectionFailure("netvirt.linux.netns: private_mounts needs mount and sleep in PATH")
        mount_dir = self.get_option('mount_dir')
        try:
            os.makedirs(mount_dir, mode=0o755, exist_ok=True)
        except OSError as exc:
            raise AnsibleConnectionFailure("netvirt.linux.netns: option mount_dir: cannot make %s: %s"
                                           % (mount_dir, to_native(exc)))
        # The namespace is not bound to a file as ip netns binds network namespaces: binding a mount
        # namespace passes the kernel's loop check only if its id is above the caller's, and on
        # Linux 6.18 ids are handed out per CPU (a bind failed at random with EINVAL). A process holds it.
        proc = subprocess.Popen([sys.executable, '-c', _HOLDER, mount, sleep], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        ready = proc.stdout.readline()
        if ready.strip() != b'ready':
            proc.wait()
            raise AnsibleConnectionFailure("netvirt.linux.netns: private_mounts: cannot make a mount namespace: %s"
                                           % to_native(proc.stderr.read()).strip())
        proc.stdout.close()
        proc.stderr.close()
        path = '/proc/%d/ns/mnt' % proc.pid
        record = os.path.join(mount_dir, label)
        with open(record + '.new', 'w', encoding='ascii') as handle:
            handle.write('%d %d\n' % (proc.pid, os.stat(path).st_ino))
        os.rename(record + '.new', record)
        enter = [self._nsenter, '--net=' + self._netns_path, '--mount=' + path, '--']
        for private in self.get_option('private_paths'):
            self._run_setup(enter + ['mkdir', '-p', '--', private])
            self._run_setup(enter + [mount, '-t', 'tmpfs', '-o', 'mode=0755', 'netvirt-host', private])
        # sysfs mounted from inside the network namespace shows that namespace's devices
        self._run_setup(enter + [mount, '-t', 'sysfs', 'sysfs', '/sys'])
        display.vvv(u"NETNS: mount namespace of %s held by process %d" % (label, proc.pid),
                    host=self._play_context.remote_addr)
        return path

    def _run_setup(self, argv):
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            raise AnsibleConnectionFailure(
                "netvirt.linux.netns: private_mounts: %s failed (exit %d): %s"
                % (' '.join(argv), proc.returncode, to_native(proc.stderr).strip()))

    def _enter_argv(self):
        argv = [self._nsenter, '--net=' + self._netns_path]
        if self._mount_file:
            argv.append('--mount=' + self._mount_file)
        return argv + ['--']

    # ---- connection

    def _connect(self):
        super(Connection, self)._connect()
        if self._netns_path is None:
            self._nsenter = shutil.which('nsenter')
            if not self._nsenter:
                raise AnsibleConnectionFailure("netvirt.linux.netns: the nsenter program (util-linux) was not found in PATH")
            path, label = self._resolve()
            self._netns_path = path
            if self.get_option('private_mounts'):
                self._mount_file = self._private_mount_file(label)
            display.vvv(u"ESTABLISH NETNS CONNECTION TO %s" % path, host=self._play_context.remote_addr)
        return self

    def exec_command(self, cmd, in_data=None, sudoable=True):
        """Run Ansible's command line with /bin/sh -c inside the namespace."""
        # ConnectionBase.exec_command (not local's): it only checks the arguments
        super(LocalConnection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        self._connect()

        executable = C.DEFAULT_EXECUTABLE.split()[0] if C.DEFAULT_EXECUTABLE else '/bin/sh'
        argv = self._enter_argv() + [executable, '-c', to_text(cmd)]
        display.vvv(u"EXEC %s" % to_text(cmd), host=self._play_context.remote_addr)

        pty_primary = None
        stdin = subprocess.PIPE
        if sudoable and self.become and self.become.expect_prompt() and not self.get_option('pipelining'):
            try:
                pty_primary, stdin = pty.openpty()
            except OSError as exc:
                display.debug("Unable to open pty: %s" % to_native(exc))

        proc = subprocess.Popen([to_bytes(a, errors='surrogate_or_strict') for a in argv], cwd=self.cwd,
                                stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if pty_primary is not None:
            os.close(stdin)

        become_out, become_err = self._wait_for_become(proc, pty_primary, sudoable)
        stdout, stderr = proc.communicate(in_data)
        if pty_primary is not None:
            os.close(pty_primary)
        return proc.returncode, become_out + stdout, become_err + stderr

    def _wait_for_become(self, proc, pty_primary, sudoable):
        if hasattr(LocalConnection, '_ensure_become_success'):  # ansible-core 2.19 and later
            return self._ensure_become_success(proc, pty_primary, sudoable)
        return self._become_before_2_19(proc, pty_primary, sudoable)

    def _become_before_2_19(self, proc, pty_primary, sudoable):
        """What the local connection of ansible-core 2.16-2.18 does: wait for success or the prompt."""
        if not (self.become and self.become.expect_prompt() and sudoable):
            return b'', b''
        output = b''
        os.set_blocking(proc.stdout.fileno(), False)
        os.set_blocking(proc.stderr.fileno(), False)
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            selector.register(proc.stderr, selectors.EVENT_READ)
            while not self.become.check_success(output) and not self.become.check_password_prompt(output):
                events = selector.select(self._play_context.timeout)
                if not events:
                    proc.communicate()
                    raise AnsibleError('timeout waiting for privilege escalation password prompt:\n' + to_native(output))
                chunk = b''
                for key, dummy in events:
                    chunk += key.fileobj.read() or b''
                if not chunk:
                    proc.communicate()
                    raise AnsibleError('privilege output closed while waiting for password prompt:\n' + to_native(output))
                output += chunk
        if not self.become.check_success(output):
            password = to_bytes(self.become.get_option('become_pass', playcontext=self._play_context) or '') + b'\n'
            if pty_primary is None:
                proc.stdin.write(password)
                proc.stdin.flush()
            else:
                os.write(pty_primary, password)
        os.set_blocking(proc.stdout.fileno(), True)
        os.set_blocking(proc.stderr.fileno(), True)
        return b'', b''

    # ---- files

    def put_file(self, in_path, out_path):
        """Copy a file of the controller into the host (its mount view with private_mounts)."""
        self._connect()
        if not self._mount_file:
            display.vvv(u"PUT %s TO %s" % (in_path, out_path), host=self._play_context.remote_addr)
            return super(Connection, self).put_file(in_path, out_path)
        display.vvv(u"PUT %s TO %s (mount namespace %s)" % (in_path, out_path, self._mount_file),
                    host=self._play_context.remote_addr)
        if not os.path.exists(to_bytes(in_path, errors='surrogate_or_strict')):
            raise AnsibleFileNotFound("file or module does not exist: %s" % to_native(in_path))
        argv = self._enter_argv() + ['dd', 'of=' + to_text(out_path), 'bs=65536', 'status=none']
        with open(to_bytes(in_path, errors='surrogate_or_strict'), 'rb') as source:
            proc = subprocess.run([to_bytes(a, errors='surrogate_or_strict') for a in argv], stdin=source,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            raise AnsibleError("failed to transfer file to %s: %s" % (to_native(out_path), to_native(proc.stderr).strip()))
        return None

    def fetch_file(self, in_path, out_path):
        """Copy a file of the host (its mount view with private_mounts) to the controller."""
        self._connect()
        if not self._mount_file:
            display.vvv(u"FETCH %s TO %s" % (in_path, out_path), host=self._play_context.remote_addr)
            return super(Connection, self).fetch_file(in_path, out_path)
        display.vvv(u"FETCH %s TO %s (mount namespace %s)" % (in_path, out_path, self._mount_file),
                    host=self._play_context.remote_addr)
        argv = self._enter_argv() + ['cat', '--', to_text(in_path)]
        with open(to_bytes(out_path, errors='surrogate_or_strict'), 'wb') as target:
            proc = subprocess.run([to_bytes(a, errors='surrogate_or_strict') for a in argv], stdin=subprocess.DEVNULL,
                                  stdout=target, stderr=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            raise AnsibleFileNotFound("failed to fetch %s: %s" % (to_native(in_path), to_native(proc.stderr).strip()))
        return None

    def reset(self):
        self._netns_path = None
        self._mount_file = None

    def close(self):
        self._connected = False
