#!/usr/bin/env python
"""The Docker-parity scenario and its measurement (test_docker_parity.py runs this inside tools/sandbox).

One scenario, built either by a real Docker daemon (Debian's /usr/sbin/dockerd, started in the sandbox: tmpfs
on /run, /etc/docker and the data root, storage driver vfs, iptables on, an image imported from Debian's
busybox-static) or by the role netvirt.linux.docker_bridge: network A (the default bridge docker0,
172.17.0.0/16: container A1 publishes TCP 80 and UDP 53 on host ports PA/PAU, A2 publishes nothing) and network
B (bridge br-db, 172.18.0.0/16: B1 publishes TCP 80 on PB), and an "outside" namespace behind the host
(198.51.100.2; the host is 198.51.100.1, with a route to the container subnets). Every container and outside
runs parity_probe.py's server (TCP 80, UDP 53, answering with the address it sees); the rows of ROWS are
probed from the namespaces with the same client, and each result is made symbolic (the address a server saw
becomes A1, gwA, host, ... of its side), so Docker's table and the role's compare row by row.

usage (inside tools/sandbox): python docker_parity.py MODE MODULE_PYTHON
  MODE docker        Docker with --userland-proxy=false (the mode the role reproduces)
       docker-proxy  Docker with its default userland proxy (measured for the README's table)
       role          the role, twice (networks A and B)
       role-nftables the same with docker_bridge_firewall_backend=nftables
       both          Docker (--userland-proxy=false) and the role side by side: the role's networks are
                     RA (nv-web, 172.20.0.0/16) and RB (nv-db, 172.21.0.0/16), its host ports 9081/9053/9082;
                     both tables, the rows between the two, then again with a DROP in DOCKER-USER
Prints one JSON report: {"tables": {side: {row: result}}, "steps": [...], "left": [...]}, where "left" lists
what the run found still there after its cleanup (must be empty).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROBE = os.path.join(HERE, 'parity_probe.py')
DOCKERD = '/usr/sbin/dockerd'
DOCKER = '/usr/bin/docker'
# Debian's tools first: a newer Docker elsewhere in PATH (/usr/local/bin) must not serve this daemon.
SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'
RUN = '/run/nvparity'
SOCK = 'unix://%s/docker.sock' % RUN

HOST = '198.51.100.1'
OUTSIDE = '198.51.100.2'

# Each side: its networks and containers (symbolic names -> the real ones).
SIDES = {
    'docker': {
        'A': {'name': 'bridge', 'bridge': 'docker0', 'subnet': '172.17.0.0/16', 'gateway': '172.17.0.1'},
        'B': {'name': 'db', 'bridge': 'br-db', 'subnet': '172.18.0.0/16', 'gateway': '172.18.0.1'},
        'A1': {'name': 'c1', 'address': '172.17.0.2'},
        'A2': {'name': 'c2', 'address': '172.17.0.3'},
        'B1': {'name': 'd1', 'address': '172.18.0.2'},
        'PA': 8081, 'PAU': 8053, 'PB': 8082,
    },
    'role': {
        'A': {'name': 'web', 'bridge': 'docker0', 'subnet': '172.17.0.0/16', 'gateway': '172.17.0.1'},
        'B': {'name': 'db', 'bridge': 'br-db', 'subnet': '172.18.0.0/16', 'gateway': '172.18.0.1'},
        'A1': {'name': 'c1', 'address': '172.17.0.2'},
        'A2': {'name': 'c2', 'address': '172.17.0.3'},
        'B1': {'name': 'd1', 'address': '172.18.0.2'},
        'PA': 8081, 'PAU': 8053, 'PB': 8082,
    },
    # The role beside Docker: other names, subnets and host ports.
    'role-beside': {
        'A': {'name': 'rweb', 'bridge': 'nv-web', 'subnet': '172.20.0.0/16', 'gateway': '172.20.0.1'},
        'B': {'name': 'rdb', 'bridge': 'nv-db', 'subnet': '172.21.0.0/16', 'gateway': '172.21.0.1'},
        'A1': {'name': 'r1', 'address': '172.20.0.2'},
        'A2': {'name': 'r2', 'address': '172.20.0.3'},
        'B1': {'name': 'e1', 'address': '172.21.0.2'},
        'PA': 9081, 'PAU': 9053, 'PB': 9082,
    },
}

# The rows: (id, what it is, from, proto, to, port). From: A1, A2, B1, host, outside. To: a container, gwA,
# host (the host's address), lo4 (127.0.0.1), lo6 (::1), outside. Port: a number, or PA/PAU/PB (the side's
# published host ports).
ROWS = [
    ('same-net-tcp', 'container to container, one network (TCP)', 'A2', 'tcp', 'A1', 80),
    ('same-net-udp', 'container to container, one network (UDP)', 'A2', 'udp', 'A1', 53),
    ('same-net-unpublished', 'container to an unpublished port of its neighbour', 'A1', 'tcp', 'A2', 80),
    ('across-net', 'container to a container of the other network', 'A1', 'tcp', 'B1', 80),
    ('across-net-back', 'the other network to a container', 'B1', 'tcp', 'A2', 80),
    ('across-net-published', 'the other network to a published port (host address)', 'B1', 'tcp', 'host', 'PA'),
    ('to-outside-tcp', 'container to outside (TCP)', 'A1', 'tcp', 'outside', 80),
    ('to-outside-udp', 'container to outside (UDP)', 'A2', 'udp', 'outside', 53),
    ('outside-published-tcp', 'outside to a published port (TCP)', 'outside', 'tcp', 'host', 'PA'),
    ('outside-published-udp', 'outside to a published port (UDP)', 'outside', 'udp', 'host', 'PAU'),
    ('outside-published-b', 'outside to the other network\'s published port', 'outside', 'tcp', 'host', 'PB'),
    ('outside-direct-published', 'outside to a container\'s address, published port', 'outside', 'tcp', 'A1', 80),
    ('outside-direct-unpublished', 'outside to a container\'s address, unpublished', 'outside', 'tcp', 'A2', 80),
    ('host-lo4-tcp', 'host to 127.0.0.1 on the published port (TCP)', 'host', 'tcp', 'lo4', 'PA'),
    ('host-lo4-udp', 'host to 127.0.0.1 on the published port (UDP)', 'host', 'udp', 'lo4', 'PAU'),
    ('host-lo6-tcp', 'host to [::1] on the published port', 'host', 'tcp', 'lo6', 'PA'),
    ('host-address-tcp', 'host to its own address on the published port (TCP)', 'host', 'tcp', 'host', 'PA'),
    ('host-address-udp', 'host to its own address on the published port (UDP)', 'host', 'udp', 'host', 'PAU'),
    ('host-gateway-tcp', 'host to the gateway on the published port', 'host', 'tcp', 'gwA', 'PA'),
    ('host-direct', 'host to a container\'s address', 'host', 'tcp', 'A2', 80),
    ('hairpin-self-host', 'hairpin: the publishing container to host address:published port', 'A1', 'tcp', 'host', 'PA'),
    ('hairpin-self-gateway', 'hairpin: the publishing container to gateway:published port', 'A1', 'tcp', 'gwA', 'PA'),
    ('hairpin-self-udp', 'hairpin: the publishing container, UDP', 'A1', 'udp', 'host', 'PAU'),
    ('hairpin-neighbour-host', 'hairpin: its neighbour to host address:published port', 'A2', 'tcp', 'host', 'PA'),
    ('hairpin-neighbour-gateway', 'hairpin: its neighbour to gateway:published port', 'A2', 'tcp', 'gwA', 'PA'),
    ('hairpin-neighbour-udp', 'hairpin: its neighbour, UDP', 'A2', 'udp', 'gwA', 'PAU'),
]

# Rows between Docker (D...) and the role beside it (R...), in the run `both`; the last field says on which side
# the server is. To Docker the role's network is one more network outside it, and the role treats Docker's the
# same way: unpublished containers are not reached, published ports are, masqueraded on the way out of the
# sender's bridge (so the server sees its own gateway, gwA).
CROSS_ROWS = [
    ('x-role-to-docker', 'role container to an unpublished Docker container', 'RA1', 'tcp', 'DA2', 80, 'D'),
    ('x-docker-to-role', 'Docker container to an unpublished role container', 'DA2', 'tcp', 'RA2', 80, 'R'),
    ('x-role-to-docker-published', 'role container to Docker\'s published port (host address)', 'RA1', 'tcp', 'host',
     'DPA', 'D'),
    ('x-docker-to-role-published', 'Docker container to the role\'s published port (host address)', 'DA1', 'tcp', 'host',
     'RPA', 'R'),
]
CROSS_EXPECTED = {
    'x-role-to-docker': 'timeout',
    'x-docker-to-role': 'timeout',
    'x-role-to-docker-published': 'ok gwA',
    'x-docker-to-role-published': 'ok gwA',
}
# The DROP put in DOCKER-USER in the last part of the run `both`: no new connection to Docker's container
# port 80 (whoever sends it, the role's containers too); every other row stays as it was.
DOCKER_USER_DROP = ['!', '-i', 'docker0', '-o', 'docker0', '-p', 'tcp', '-m', 'tcp', '--dport', '80', '-j', 'DROP']
DOCKER_USER_CHANGES = {
    'docker': {'outside-published-tcp': 'timeout', 'outside-direct-published': 'timeout'},
    'cross': {'x-role-to-docker-published': 'timeout'},
}

STEPS = []


def sh(argv, check=True, env=None, timeout=300, input_text=None):
    started = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False, env=env, timeout=timeout, input=input_text)
    STEPS.append({'argv': argv, 'rc': proc.returncode, 'output': proc.stdout[-20000:],
                  'seconds': round(time.monotonic() - started, 2)})
    if check and proc.returncode != 0:
        raise RuntimeError('%s failed (exit %s):\n%s' % (' '.join(argv), proc.returncode, proc.stdout[-4000:]))
    return proc.stdout


def system_env():
    env = dict(os.environ)
    env['PATH'] = SYSTEM_PATH
    return env


def docker(*args, **kwargs):
    return sh([DOCKER, '-H', SOCK] + list(args), env=system_env(), **kwargs)


# ---------------------------------------------------------------- the sandbox's own /run, outside

def private_run():
    """A tmpfs over /run (dockerd, containerd and the shims keep their state under it) with fresh /run/netns
    and /run/netvirt; the sandbox's mount namespace is private, so the machine's /run is never touched."""
    sh(['mount', '-t', 'tmpfs', '-o', 'mode=0755,size=600m', 'nvparity-run', '/run'])
    for path in ('/run/netns', '/run/netvirt', RUN):
        os.makedirs(path, exist_ok=True)


def make_outside():
    sh(['ip', 'netns', 'add', 'outside'])
    sh(['ip', 'link', 'add', 'vout', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'outside'])
    sh(['ip', 'addr', 'add', HOST + '/24', 'dev', 'vout'])
    sh(['ip', 'link', 'set', 'vout', 'up'])
    sh(['ip', '-n', 'outside', 'link', 'set', 'lo', 'up'])
    sh(['ip', '-n', 'outside', 'addr', 'add', OUTSIDE + '/24', 'dev', 'eth0'])
    sh(['ip', '-n', 'outside', 'link', 'set', 'eth0', 'up'])
    sh(['ip', '-n', 'outside', 'route', 'add', 'default', 'via', HOST])


# ---------------------------------------------------------------- Docker

# Unique per run: the cgroup hierarchies are the machine's, shared by sandboxes running at once.
CGROUP_PARENT = 'nvparity-' + os.urandom(6).hex()


def cgroup_mounts():
    """The sandbox's /sys is a fresh sysfs (tools/sandbox-init): mount the machine's cgroup hierarchies again
    under a tmpfs on /sys/fs/cgroup, for runc. Returns the directories where the containers' cgroups go."""
    hierarchies = []
    with open('/proc/self/cgroup') as handle:
        for line in handle:
            number, controllers, _path = line.rstrip('\n').split(':', 2)
            hierarchies.append((number, controllers))
    v1 = [c for n, c in hierarchies if n != '0' and c]
    if v1:
        sh(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'nvparity-cgroup', '/sys/fs/cgroup'])
        dirs = []
        for controllers in v1:
            name = controllers.replace('name=', '')
            path = os.path.join('/sys/fs/cgroup', name)
            os.makedirs(path, exist_ok=True)
            options = 'none,' + controllers if controllers.startswith('name=') else controllers
            sh(['mount', '-t', 'cgroup', '-o', options, 'cgroup', path])
            dirs.append(os.path.join(path, CGROUP_PARENT))
        return dirs
    sh(['mount', '-t', 'cgroup2', 'cgroup2', '/sys/fs/cgroup'])
    return [os.path.join('/sys/fs/cgroup', CGROUP_PARENT)]


class Docker:
    def __init__(self, proxy):
        self.proxy = proxy
        self.daemon = None
        self.cgroups = []

    def start(self):
        for path in ('/etc/docker', '/var/lib/docker'):
            os.makedirs(path, exist_ok=True)
            sh(['mount', '-t', 'tmpfs', '-o', 'mode=0700', 'nvparity-docker', path])
        self.cgroups = cgroup_mounts()
        log = open(os.path.join(RUN, 'dockerd.log'), 'w')
        argv = [DOCKERD, '--data-root', '/var/lib/docker', '--exec-root', RUN + '/exec', '--host', SOCK,
                '--pidfile', RUN + '/docker.pid', '--storage-driver', 'vfs', '--iptables=true',
                '--bip', '172.17.0.1/16', '--userland-proxy=%s' % ('true' if self.proxy else 'false'),
                '--cgroup-parent', '/' + CGROUP_PARENT, '--exec-opt', 'native.cgroupdriver=cgroupfs',
                '--log-level', 'warn']
        STEPS.append({'argv': argv, 'rc': None, 'output': 'started in the background', 'seconds': 0})
        self.daemon = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=system_env())
        deadline = time.monotonic() + 60
        while True:
            proc = subprocess.run([DOCKER, '-H', SOCK, 'version', '--format', '{{.Server.Version}}'],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=system_env(),
                                  universal_newlines=True, check=False)
            if proc.returncode == 0:
                break
            if self.daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('dockerd did not start:\n%s' % self.log())
            time.sleep(0.3)
        STEPS.append({'argv': ['docker', 'version'], 'rc': 0, 'output': proc.stdout, 'seconds': 0})

    def log(self):
        try:
            with open(os.path.join(RUN, 'dockerd.log')) as handle:
                return handle.read()[-6000:]
        except OSError:
            return ''

    def image(self):
        root = tempfile.mkdtemp(prefix='rootfs-', dir=RUN)
        os.makedirs(os.path.join(root, 'bin'))
        shutil.copy('/bin/busybox', os.path.join(root, 'bin', 'busybox'))
        for applet in ('sh', 'sleep'):
            os.symlink('busybox', os.path.join(root, 'bin', applet))
        tar = subprocess.run(['tar', '-C', root, '-c', '.'], stdout=subprocess.PIPE, check=True).stdout
        proc = subprocess.run([DOCKER, '-H', SOCK, 'import', '-', 'nvparity:busybox'], input=tar,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=system_env(), check=False)
        STEPS.append({'argv': ['docker', 'import', '-', 'nvparity:busybox'], 'rc': proc.returncode,
                      'output': proc.stdout.decode('utf-8', 'replace'), 'seconds': 0})
        if proc.returncode != 0:
            raise RuntimeError('docker import failed: %s' % proc.stdout)
        shutil.rmtree(root)

    def build(self, side):
        s = SIDES[side]
        b = s['B']
        docker('network', 'create', '--driver', 'bridge', '--subnet', b['subnet'], '--gateway', b['gateway'],
               '-o', 'com.docker.network.bridge.name=%s' % b['bridge'], b['name'])
        run = ['run', '-d', '--init=false', '--entrypoint', '/bin/busybox']
        docker(*(run + ['--name', s['A1']['name'], '--network', 'bridge',
                        '-p', '%d:80/tcp' % s['PA'], '-p', '%d:53/udp' % s['PAU'],
                        'nvparity:busybox', 'sleep', '1000000']))
        docker(*(run + ['--name', s['A2']['name'], '--network', 'bridge', 'nvparity:busybox', 'sleep', '1000000']))
        docker(*(run + ['--name', s['B1']['name'], '--network', b['name'], '--ip', s['B1']['address'],
                        '-p', '%d:80/tcp' % s['PB'], 'nvparity:busybox', 'sleep', '1000000']))
        paths = {}
        for key in ('A1', 'A2', 'B1'):
            name = s[key]['name']
            out = docker('inspect', '-f', '{{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name)
            pid, address = out.split()
            if address != s[key]['address']:
                raise RuntimeError('docker gave %s the address %s, not %s' % (name, address, s[key]['address']))
            paths[key] = '/proc/%s/ns/net' % pid
        return paths

    def stop(self):
        if self.daemon is None:
            return
        if self.daemon.poll() is None:
            try:
                out = docker('ps', '-aq', check=False).split()
                if out:
                    docker('rm', '-f', *out, check=False)
                docker('network', 'prune', '-f', check=False)
            except Exception:  # pylint: disable=broad-except
                pass
            self.daemon.terminate()
            try:
                self.daemon.wait(30)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        for path in self.cgroups:
            remove_cgroup(path)


def remove_cgroup(path):
    if not os.path.isdir(path):
        return
    for dirpath, dirnames, _files in os.walk(path, topdown=False):
        for name in dirnames:
            try:
                os.rmdir(os.path.join(dirpath, name))
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass


# ---------------------------------------------------------------- the role

def role_vars(side, backend='iptables'):
    s = SIDES[side]
    nets = []
    for net, members in (('A', [('A1', ['%d:80/tcp' % s['PA'], '%d:53/udp' % s['PAU']]), ('A2', [])]),
                         ('B', [('B1', ['%d:80/tcp' % s['PB']])])):
        n = s[net]
        nets.append({'docker_bridge_name': n['name'], 'docker_bridge_bridge': n['bridge'],
                     'docker_bridge_subnet': n['subnet'], 'docker_bridge_gateway': n['gateway'],
                     'docker_bridge_forward_drop': backend == 'iptables',
                     'docker_bridge_firewall_backend': backend,
                     'docker_bridge_containers': [{'name': s[k]['name'], 'address': s[k]['address'],
                                                   'publish': p} for k, p in members]})
    return nets


def run_role(side, python, state='present', backend='iptables'):
    nets = role_vars(side, backend)
    plays = [{'name': 'Docker-parity: network %s' % n['docker_bridge_name'], 'hosts': 'localhost',
              'gather_facts': False,
              'tasks': [{'name': 'Role docker_bridge', 'ansible.builtin.include_role': {'name': 'netvirt.linux.docker_bridge'},
                         'vars': dict(n, docker_bridge_state=state) if state == 'present'
                         else {'docker_bridge_name': n['docker_bridge_name'], 'docker_bridge_state': state,
                               'docker_bridge_forward_drop': backend == 'iptables',
                               'docker_bridge_firewall_backend': backend}}]}
             for n in nets]
    playbook = os.path.join(RUN, 'parity-%s-%s-%s.yml' % (side, backend, state))
    with open(playbook, 'w') as handle:
        json.dump(plays, handle)
    controller = os.environ.get('NETVIRT_CONTROLLER') or os.path.dirname(os.path.dirname(sys.executable))
    sh([os.path.join(controller, 'bin', 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
        '-e', json.dumps({'ansible_python_interpreter': python}), playbook], timeout=600)
    return {key: '/run/netns/%s' % SIDES[side][key]['name'] for key in ('A1', 'A2', 'B1')}


# ---------------------------------------------------------------- servers and probes

class Servers:
    def __init__(self):
        self.procs = []

    def start(self, nspath):
        proc = subprocess.Popen(['nsenter', '--net=%s' % nspath, sys.executable, '-S', PROBE, 'serve', '80', '53'],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        line = proc.stdout.readline()
        if line.strip() != 'ready':
            raise RuntimeError('server in %s did not start: %s%s' % (nspath, line, proc.stdout.read()))
        self.procs.append(proc)

    def stop(self):
        for proc in self.procs:
            proc.kill()
            proc.wait()
        self.procs = []


def address(side, name):
    s = SIDES[side]
    if name in ('A1', 'A2', 'B1'):
        return s[name]['address']
    return {'gwA': s['A']['gateway'], 'gwB': s['B']['gateway'], 'host': HOST, 'lo4': '127.0.0.1', 'lo6': '::1',
            'outside': OUTSIDE}[name]


def symbolic(side, result, others=()):
    """'ok 172.17.0.1' -> 'ok gwA' with the names of the side (an address of another side: 'outside')."""
    if not result.startswith('ok '):
        return result
    seen = result[3:]
    names = {address(side, n): n for n in ('A1', 'A2', 'B1', 'gwA', 'gwB', 'host', 'outside')}
    names.update({'127.0.0.1': 'lo4', '::1': 'lo6'})
    if seen in names:
        return 'ok ' + names[seen]
    for other in others:
        if seen in {address(other, n) for n in ('A1', 'A2', 'B1', 'gwA', 'gwB')}:
            return 'ok outside'
    return 'ok ' + seen


def measure(rows, resolve, nspaths):
    """Run every row; resolve(row) -> (source namespace key, address, port); returns {row id: raw result}."""
    by_source = {}
    for row in rows:
        source, addr, port = resolve(row)
        by_source.setdefault(source, []).append([row[0], row[3], addr, port])
    nspaths = dict(nspaths, outside='/run/netns/outside')
    results = {}
    for source, spec in sorted(by_source.items()):
        argv = [sys.executable, '-S', PROBE, 'probe', json.dumps(spec)]
        if source != 'host':
            argv = ['nsenter', '--net=%s' % nspaths[source]] + argv
        results.update(json.loads(sh(argv, timeout=60)))
    return results


def side_table(side, nspaths):
    s = SIDES[side]

    def resolve(row):
        _id, _what, source, _proto, target, port = row
        return source, address(side, target), s[port] if isinstance(port, str) else port
    raw = measure(ROWS, resolve, nspaths)
    return {row: symbolic(side, result) for row, result in raw.items()}


def cross_table(docker_paths, role_paths):
    paths = {'D' + k: v for k, v in docker_paths.items()}
    paths.update({'R' + k: v for k, v in role_paths.items()})

    def resolve(row):
        _id, _what, source, _proto, target, port, _server = row
        if target == 'host':
            addr = HOST
        else:
            addr = address('docker' if target.startswith('D') else 'role-beside', target[1:])
        if isinstance(port, str):
            port = SIDES['docker' if port.startswith('D') else 'role-beside'][port[1:]]
        return source, addr, port
    raw = measure(CROSS_ROWS, resolve, paths)
    out = {}
    for row in CROSS_ROWS:
        source_side = 'docker' if row[2].startswith('D') else 'role-beside'
        server_side = 'docker' if row[6] == 'D' else 'role-beside'
        out[row[0]] = symbolic(server_side, raw[row[0]], others=[source_side])
    return out


# ---------------------------------------------------------------- leftovers

def leftovers(cgroups):
    left = []
    out = subprocess.run(['ip', '-o', 'link', 'show'], stdout=subprocess.PIPE, universal_newlines=True,
                         check=False).stdout
    links = [line.split(':')[1].strip().split('@')[0] for line in out.splitlines()]
    left += ['link %s' % name for name in links if name not in ('lo',)]
    left += ['namespace %s' % name for name in os.listdir('/run/netns')]
    out = subprocess.run(['iptables-save'], stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout
    # The hook chain stays, by design (the administrator's; the role's README says so).
    defaults = (':INPUT ACCEPT', ':FORWARD ACCEPT', ':OUTPUT ACCEPT', ':PREROUTING ACCEPT', ':POSTROUTING ACCEPT')
    left += ['iptables %s' % line for line in out.splitlines() if not line.startswith(':NV-USER - ')
             and (line.startswith('-A') or (line.startswith(':') and not line.startswith(defaults)))]
    out = subprocess.run(['nft', 'list', 'tables'], stdout=subprocess.PIPE, universal_newlines=True,
                         check=False).stdout
    left += ['nftables %s' % line for line in out.splitlines() if 'nv-bridges-' in line]
    left += ['cgroup %s' % path for path in cgroups if os.path.isdir(path)]
    out = subprocess.run(['ps', '-e', '-o', 'pid=,comm='], stdout=subprocess.PIPE, universal_newlines=True,
                         check=False).stdout
    left += ['process %s' % line.strip() for line in out.splitlines()
             if line.split()[1] in ('dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v2',
                                    'docker-proxy', 'runc')]
    return left


def main():
    mode, python = sys.argv[1], os.path.abspath(sys.argv[2])
    report = {'mode': mode, 'tables': {}, 'steps': STEPS, 'left': [], 'error': None}
    servers = Servers()
    daemon = None
    started = time.monotonic()
    try:
        private_run()
        make_outside()
        servers.start('/run/netns/outside')
        if mode in ('docker', 'docker-proxy', 'both'):
            daemon = Docker(proxy=(mode == 'docker-proxy'))
            daemon.start()
            daemon.image()
            docker_paths = daemon.build('docker')
            for path in docker_paths.values():
                servers.start(path)
            sh(['ip', '-n', 'outside', 'route', 'add', '172.17.0.0/16', 'via', HOST])
            sh(['ip', '-n', 'outside', 'route', 'add', '172.18.0.0/16', 'via', HOST])
        backend = 'nftables' if mode == 'role-nftables' else 'iptables'
        if mode in ('role', 'role-nftables', 'both'):
            side = 'role' if mode != 'both' else 'role-beside'
            role_paths = run_role(side, python, backend=backend)
            for path in role_paths.values():
                servers.start(path)
            for net in ('A', 'B'):
                sh(['ip', '-n', 'outside', 'route', 'add', SIDES[side][net]['subnet'], 'via', HOST])
        if mode in ('docker', 'docker-proxy'):
            report['tables']['docker'] = side_table('docker', docker_paths)
        elif mode in ('role', 'role-nftables'):
            report['tables']['role'] = side_table('role', role_paths)
        else:
            report['tables']['docker'] = side_table('docker', docker_paths)
            report['tables']['role-beside'] = side_table('role-beside', role_paths)
            report['tables']['cross'] = cross_table(docker_paths, role_paths)
            sh(['iptables', '-I', 'DOCKER-USER'] + DOCKER_USER_DROP)
            report['tables']['docker+drop'] = side_table('docker', docker_paths)
            report['tables']['role-beside+drop'] = side_table('role-beside', role_paths)
            report['tables']['cross+drop'] = cross_table(docker_paths, role_paths)
            sh(['iptables', '-D', 'DOCKER-USER'] + DOCKER_USER_DROP)
        report['iptables'] = sh(['iptables-save'], check=False)
        report['nftables'] = sh(['nft', 'list', 'ruleset'], check=False)
        if mode in ('role', 'role-nftables', 'both'):
            servers.stop()
            run_role('role' if mode != 'both' else 'role-beside', python, state='absent', backend=backend)
    except Exception as exc:  # pylint: disable=broad-except
        report['error'] = str(exc)
        if daemon is not None:
            report['error'] += '\n---- dockerd log ----\n' + daemon.log()
    finally:
        servers.stop()
        cgroups = []
        if daemon is not None:
            daemon.stop()
            cgroups = daemon.cgroups
        try:
            subprocess.run(['ip', 'link', 'delete', 'vout'], check=False, stderr=subprocess.DEVNULL)
            subprocess.run(['ip', 'netns', 'delete', 'outside'], check=False)
            if mode in ('docker', 'docker-proxy', 'both'):
                # What dockerd leaves by design (its chains, docker0, br_netfilter's sysctls) goes with the
                # sandbox's network namespace; say what it is, for the log.
                report['docker_left'] = sh(['iptables-save'], check=False)
            else:
                report['left'] = leftovers(cgroups)
            report['left'] += ['cgroup %s' % path for path in cgroups if os.path.isdir(path)]
        except Exception as exc:  # pylint: disable=broad-except
            report['left'].append('could not check: %s' % exc)
    report['seconds'] = round(time.monotonic() - started, 1)
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
