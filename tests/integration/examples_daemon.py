#!/usr/bin/env python
"""Start a command as a detached process inside the sandbox, for the setup of test_examples.py
(tests/integration/examples_setup.yml): a "container" whose PID an example names, a web server an
example probes. The process outlives the task that starts it and dies with the sandbox.

usage: examples_daemon.py [--pid PID] [--wait-netns] -- CMD [ARGS...]

--pid PID      the process gets exactly this PID (the sandbox has a PID namespace of its own: the
               next PID is set through /proc/sys/kernel/ns_last_pid just before the fork);
--wait-netns   return only once the process is in another network namespace than ours (for
               `unshare --net CMD`, which keeps its PID while it enters the new namespace).
Prints the PID.
"""

import argparse
import os
import signal
import sys
import time

NS_LAST_PID = '/proc/sys/kernel/ns_last_pid'


def spawn(argv, pid=None):
    if pid is not None:
        with open(NS_LAST_PID, 'w') as handle:
            handle.write(str(pid - 1))
    child = os.fork()
    if child == 0:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    return child


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--pid', type=int)
    parser.add_argument('--wait-netns', action='store_true')
    parser.add_argument('argv', nargs='+')
    args = parser.parse_args()
    if args.pid is not None and os.path.exists('/proc/%d' % args.pid):
        sys.exit('PID %d is taken' % args.pid)
    for _attempt in range(5):
        child = spawn(args.argv, args.pid)
        if args.pid is None or child == args.pid:
            break
        # Another process of the sandbox forked in between: try again.
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    else:
        sys.exit('could not start a process with PID %d' % args.pid)
    if args.wait_netns:
        ours = os.stat('/proc/self/ns/net').st_ino
        deadline = time.monotonic() + 10
        while True:
            try:
                if os.stat('/proc/%d/ns/net' % child).st_ino != ours:
                    break
            except OSError:
                pass
            if os.waitpid(child, os.WNOHANG)[0] or time.monotonic() > deadline:
                sys.exit('%s (PID %d) did not enter a network namespace of its own' % (args.argv, child))
            time.sleep(0.01)
    print(child)


if __name__ == '__main__':
    main()
