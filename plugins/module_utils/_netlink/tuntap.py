# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Persistent tun/tap devices, made with ioctls on /dev/net/tun (what `ip tuntap add` does).

Netlink cannot create a tun/tap: the device is made by TUNSETIFF on a file of /dev/net/tun,
in the network namespace of the thread that OPENED that file, so the file is opened inside
``Session.entered(ref)``. TUNSETOWNER / TUNSETGROUP set the owner, TUNSETPERSIST 1 keeps the
device when the file is closed. Reading back and deleting go through netlink (parse.parse_tun,
apply's link_delete).

An existing persistent device is changed by attaching to it (TUNSETIFF with its name): the kernel
then takes the new packet_info / vnet_hdr flags and accepts TUNSETOWNER / TUNSETGROUP. It refuses
the attach with EBUSY while a process holds a single-queue device; on a multi-queue device held by
a process it attaches but keeps the old flags, which TUNGETIFF shows: that is reported as EBUSY too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import fcntl
import os
import platform
import struct

TUN_PATH = '/dev/net/tun'
IFNAMSIZ = 16

IFF_TUN = 0x0001
IFF_TAP = 0x0002
IFF_MULTI_QUEUE = 0x0100
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000
MODES = {'tun': IFF_TUN, 'tap': IFF_TAP}

# struct ifreq: char ifr_name[IFNAMSIZ]; then a union whose largest member (struct ifmap) makes it
# 24 bytes on 64-bit Linux: 40 bytes in all, the flags (short) right after the name.
IFREQ = struct.Struct('=16sH22x')


def _ioc(direction, nr, size):
    """_IOC('T', nr, size) as <asm-generic/ioctl.h> builds it; powerpc, mips, sparc and alpha put
    the direction bits elsewhere (<asm/ioctl.h> of those architectures)."""
    machine = platform.machine().lower()
    if machine.startswith(('ppc', 'powerpc', 'mips', 'sparc', 'alpha')):
        write, read, dir_shift = 4, 2, 29
    else:
        write, read, dir_shift = 1, 2, 30
    bits = {'w': write, 'r': read}[direction]
    return (bits << dir_shift) | (size << 16) | (ord('T') << 8) | nr


INT_SIZE = 4
TUNSETIFF = _ioc('w', 202, INT_SIZE)
TUNSETPERSIST = _ioc('w', 203, INT_SIZE)
TUNSETOWNER = _ioc('w', 204, INT_SIZE)
TUNSETGROUP = _ioc('w', 206, INT_SIZE)
TUNGETIFF = _ioc('r', 210, INT_SIZE)


def flags(mode, multi_queue=False, packet_info=False, vnet_hdr=False):
    """The ifr_flags of TUNSETIFF for these options."""
    value = MODES[mode]
    if multi_queue:
        value |= IFF_MULTI_QUEUE
    if not packet_info:
        value |= IFF_NO_PI
    if vnet_hdr:
        value |= IFF_VNET_HDR
    return value


def pack_ifreq(name, ifr_flags):
    raw = name.encode('utf-8')
    if not raw or len(raw) >= IFNAMSIZ:
        raise ValueError("interface name '%s' must be 1 to %d bytes" % (name, IFNAMSIZ - 1))
    return IFREQ.pack(raw, ifr_flags)


def unpack_ifreq(data):
    raw, ifr_flags = IFREQ.unpack(data)
    return raw.split(b'\0', 1)[0].decode('utf-8', 'replace'), ifr_flags


def _open(session, ref):
    """A file of /dev/net/tun opened inside the namespace (the device is made where it was opened)."""
    session.fd(ref)
    with session.entered(ref):
        return os.open(TUN_PATH, os.O_RDWR | os.O_CLOEXEC)


def _set_owner(fd, params):
    if params.get('owner') is not None:
        fcntl.ioctl(fd, TUNSETOWNER, params['owner'])
    if params.get('group') is not None:
        fcntl.ioctl(fd, TUNSETGROUP, params['group'])


def _flags_of(params):
    return flags(params['mode'], params.get('multi_queue'), params.get('packet_info'), params.get('vnet_hdr'))


def tun_create(session, action):
    """Create the persistent device. Until TUNSETPERSIST the device lives only as long as the
    file: a failure on the way closes it and the kernel removes the half-made device."""
    params = action.params
    fd = _open(session, action.netns)
    try:
        fcntl.ioctl(fd, TUNSETIFF, pack_ifreq(params['name'], _flags_of(params)))
        _set_owner(fd, params)
        fcntl.ioctl(fd, TUNSETPERSIST, 1)
    finally:
        os.close(fd)
    session.drop_index(action.netns, params['name'])
    if params.get('alias'):
        # netlink cannot make the device, so the mark is a second step (right after the ioctls)
        sock = session.socket(action.netns)
        sock.link('set', index=session.index(action.netns, params['name']), ifalias=params['alias'])


def tun_set(session, action):
    """Attach to the existing persistent device with the wanted flags, set owner and group, detach."""
    params = action.params
    wanted = _flags_of(params)
    fd = _open(session, action.netns)
    try:
        fcntl.ioctl(fd, TUNSETIFF, pack_ifreq(params['name'], wanted))
        _name, got = unpack_ifreq(fcntl.ioctl(fd, TUNGETIFF, pack_ifreq(params['name'], 0)))
        mask = IFF_TUN | IFF_TAP | IFF_MULTI_QUEUE | IFF_NO_PI | IFF_VNET_HDR
        if got & mask != wanted & mask:
            # A multi-queue device with queues of a process attached keeps its flags.
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
        _set_owner(fd, params)
    finally:
        os.close(fd)
