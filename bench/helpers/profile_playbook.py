# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cProfile of a whole ansible-playbook on the controller: the main process and each task worker.

    NETVIRT_PROFILE_OUT=/tmp/prof .venv/bin/python bench/helpers/profile_playbook.py ANSIBLE-PLAYBOOK-ARGS...

Runs ansible-playbook in this process under cProfile (written to OUT.main.prof) after wrapping
``WorkerProcess._run`` so that each forked task worker profiles itself too (OUT.worker-PID.prof).
The worker is where a task's arguments are templated, the action plugin runs, the module is built and
shipped and its result comes back; the main process loads the playbook, queues tasks, waits for the
worker's result and runs the callback. ``NETVIRT_PROFILE_TOP`` (default 25) entries of each profile,
by cumulative time, are printed on stderr at the end. Used for bench/README.md ("where the
controller's time goes").
"""

from __future__ import absolute_import, division, print_function

import cProfile
import glob
import io
import os
import pstats
import sys

OUT = os.environ.get('NETVIRT_PROFILE_OUT', '/tmp/netvirt-profile')
TOP = int(os.environ.get('NETVIRT_PROFILE_TOP', '25'))


def wrap_worker():
    from ansible.executor.process import worker

    original = worker.WorkerProcess._run

    def profiled(self):
        prof = cProfile.Profile()
        prof.enable()
        try:
            return original(self)
        finally:
            prof.disable()
            prof.dump_stats('%s.worker-%d.prof' % (OUT, os.getpid()))

    worker.WorkerProcess._run = profiled


def show(path):
    text = io.StringIO()
    stats = pstats.Stats(path, stream=text)
    stats.sort_stats('cumulative').print_stats(TOP)
    sys.stderr.write('==== %s\n%s' % (path, text.getvalue()))


def main():
    for old in glob.glob(OUT + '.*.prof'):
        os.unlink(old)
    wrap_worker()
    from ansible.cli.playbook import PlaybookCLI

    sys.argv = ['ansible-playbook'] + sys.argv[1:]
    prof = cProfile.Profile()
    code = 0
    prof.enable()
    try:
        PlaybookCLI.cli_executor(sys.argv)
    except SystemExit as exc:
        code = exc.code
    finally:
        prof.disable()
        prof.dump_stats(OUT + '.main.prof')
    for path in [OUT + '.main.prof'] + sorted(glob.glob(OUT + '.worker-*.prof')):
        show(path)
    return code


if __name__ == '__main__':
    sys.exit(main())
