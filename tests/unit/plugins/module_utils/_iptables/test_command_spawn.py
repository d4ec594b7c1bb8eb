# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""command.spawn, the fork + exec that runs the iptables tools (subprocess is refused in module_utils by
ansible-test's pylint): what the subprocess.run it replaced did - stdin in, stdout and stderr out whatever
their size, the exit status (a signal as a negative number), no descriptor above 2 inherited, a failed exec
as OSError. That the child starts in the thread's namespace is shown by the iptables integration target."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.netvirt.linux.plugins.module_utils._iptables.command import spawn


def test_stdin_to_stdout():
    assert spawn(['/bin/cat'], 'a\nb\n') == (0, 'a\nb\n', '')


def test_no_stdin():
    assert spawn(['/bin/cat'], None) == (0, '', '')


def test_payload_larger_than_a_pipe_both_ways():
    big = ''.join('-A INPUT -s 10.0.%d.%d/32 -j ACCEPT\n' % (i // 256, i % 256) for i in range(60000))
    rc, out, err = spawn(['/bin/sh', '-c', 'cat; cat /dev/null >&2'], big)
    assert (rc, out == big, err) == (0, True, '')


def test_exit_status_and_stderr():
    assert spawn(['/bin/sh', '-c', 'echo out; echo err >&2; exit 3']) == (3, 'out\n', 'err\n')


def test_signal_is_negative():
    assert spawn(['/bin/sh', '-c', 'kill -TERM $$'])[0] == -15


def test_child_that_stops_reading():
    rc, out, dummy = spawn(['/usr/bin/head', '-c', '4'], 'x' * 1000000)
    assert (rc, out) == (0, 'xxxx')


def test_no_descriptor_above_2_is_inherited():
    fd = os.open('/dev/null', os.O_RDONLY)
    os.set_inheritable(fd, True)
    try:
        rc, out, dummy = spawn(['/bin/ls', '/proc/self/fd'])
    finally:
        os.close(fd)
    assert rc == 0 and sorted(int(n) for n in out.split()) == [0, 1, 2, 3]     # 3: ls reading the folder


def test_failed_exec_is_an_oserror(tmp_path):
    plain = tmp_path / 'not-executable'
    plain.write_text('')
    for path, code in (('/nonexistent/iptables', 2), (str(plain), 13)):
        with pytest.raises(OSError) as info:
            spawn([path])
        assert info.value.errno == code
