# -*- coding: utf-8 -*-
# Copyright: netvirt.linux contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks made before the kernel sees anything. Each failure names the option and the object."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

from ansible_collections.netvirt.linux.plugins.module_utils._vocab.errors import ValidationError

IFNAMSIZ = 16
MTU_MIN = 68
MTU_MAX = 65535
_MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
_SPACE_RE = re.compile(r'\s')
# C0 controls, DEL and the C1 controls: never part of a name or a value the kernel is given.
_CONTROL_RE = re.compile(u'[\x00-\x1f\x7f-\x9f]')
# Bytes the kernel's isspace() takes for white space in an interface name (dev_valid_name): its
# ctype table is Latin-1, so 0xa0 counts, also as the second byte of a UTF-8 character ('à').
_KERNEL_SPACE = frozenset(bytearray(b'\t\n\x0b\x0c\r \xa0'))
# Interface names the kernel refuses (EINVAL): /proc/sys/net/ipv4/conf/{all,default} exist.
RESERVED_IFNAMES = ('all', 'default')


def _where(obj):
    return ' of %s' % obj if obj else ''


def _text(value):
    try:
        return u'%s' % (value,)
    except Exception:  # pragma: no cover - defensive
        return repr(value)


def control_char(text):
    """The first control character in ``text`` as a readable escape ('\\n'), or None."""
    found = _CONTROL_RE.search(text)
    if not found:
        return None
    return repr(found.group(0))[1:-1].lstrip('u')


def no_control(value, option, obj=None, what='the value'):
    """Refuse control characters (a newline, a tab, NUL, ESC ...) in a free-text value that
    reaches the kernel; returns the text."""
    text = _text(value)
    char = control_char(text)
    if char is not None:
        raise ValidationError("option %s%s: %s %s holds a control character (%s); write it without"
                              % (option, _where(obj), what, repr(text).lstrip('u'), char), option, obj)
    return text


def ifname(value, option='name', obj=None):
    """Interface names as the kernel keeps them: 1-15 bytes, not '.'/'..', no '/', ':' or white
    space (dev_valid_name; white space as the kernel's isspace() sees the bytes, 0xa0 included),
    no '%' (the kernel takes 'v%d' for a template and makes 'v0' of it), no control character,
    not 'all' or 'default' (the kernel refuses them)."""
    if value is None or value == '':
        raise ValidationError("option %s%s: an interface name is required" % (option, _where(obj)), option, obj)
    value = _text(value)
    if len(value.encode('utf-8')) >= IFNAMSIZ:
        raise ValidationError(
            "option %s%s: interface name '%s' is %d characters long; Linux allows at most %d"
            % (option, _where(obj), value, len(value.encode('utf-8')), IFNAMSIZ - 1), option, obj)
    if value in ('.', '..') or '/' in value or ':' in value or _SPACE_RE.search(value) or '\0' in value:
        raise ValidationError(
            "option %s%s: interface name '%s' is not valid (no '/', ':', white space, '.' or '..')"
            % (option, _where(obj), value), option, obj)
    char = control_char(value)
    if char is not None:
        raise ValidationError("option %s%s: interface name %s holds a control character (%s)"
                              % (option, _where(obj), repr(value).lstrip('u'), char), option, obj)
    if any(byte in _KERNEL_SPACE for byte in bytearray(value.encode('utf-8'))):
        raise ValidationError(
            "option %s%s: interface name '%s' is not valid: its UTF-8 bytes hold 0xa0, which the kernel takes "
            "for white space (it refuses the name)" % (option, _where(obj), value), option, obj)
    if '%' in value:
        raise ValidationError(
            "option %s%s: interface name '%s' holds '%%': the kernel takes it for a template ('v%%d' makes "
            "v0, v1, ...), so the interface would get another name" % (option, _where(obj), value), option, obj)
    if value in RESERVED_IFNAMES:
        raise ValidationError(
            "option %s%s: interface name '%s' is reserved: the kernel refuses it (/proc/sys/net/ipv4/conf/%s is "
            "the setting of every interface)" % (option, _where(obj), value, value), option, obj)
    return value


def netns_name(value, option='name', obj=None):
    """A named namespace: one file name under /var/run/netns."""
    value = _text(value)
    bad = not value or value in ('.', '..') or '/' in value or control_char(value)
    if bad or _SPACE_RE.search(value) or len(value) > 255:
        raise ValidationError(
            "option %s%s: namespace name '%s' is not valid (a file name under /var/run/netns: "
            "no '/', no white space or control character, not '.' or '..')" % (option, _where(obj), value), option, obj)
    return value


def netns_path(value, option='name', obj=None):
    """An absolute path for a namespace file: no NUL, no '..' or '.' part, not a directory."""
    value = _text(value)
    parts = value.split('/')
    bad = not value.startswith('/') or control_char(value) or value.endswith('/') or len(value) > 4096
    if bad or any(p in ('.', '..') for p in parts) or '' in parts[1:]:
        raise ValidationError("option %s%s: namespace path '%s' is not valid (an absolute file path without "
                              "'.' or '..' parts or control characters)" % (option, _where(obj), value), option, obj)
    return value


def netns_ref(value, option='netns', obj=None):
    """A namespace reference: None (the module's own), a PID, an absolute path or a name.

    Returns the canonical text form: None, '/abs/path', 'PID' digits, or the name."""
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        raise ValidationError("option %s%s: expected a namespace name, path or PID, got %r"
                              % (option, _where(obj), value), option, obj)
    if isinstance(value, int):
        if value <= 0:
            raise ValidationError("option %s%s: PID %s is not valid" % (option, _where(obj), value), option, obj)
        value = str(value)
    value = _text(value).strip()
    if value.isdigit():
        if int(value) <= 0:
            raise ValidationError("option %s%s: PID %s is not valid" % (option, _where(obj), value), option, obj)
        return str(int(value))
    if value.startswith('/'):
        return netns_path(value, option, obj)
    return netns_name(value, option, obj)


def mtu(value, option='mtu', obj=None, minimum=MTU_MIN, maximum=MTU_MAX):
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError("option %s%s: '%s' is not a number" % (option, _where(obj), value), option, obj)
    if number < minimum or number > maximum:
        raise ValidationError("option %s%s: MTU %d is out of range (%d-%d)"
                              % (option, _where(obj), number, minimum, maximum), option, obj)
    return number


def mac(value, option='mac', obj=None):
    if value is None:
        return None
    text = _text(value).strip().lower().replace('-', ':')
    if not _MAC_RE.match(text):
        raise ValidationError("option %s%s: '%s' is not a MAC address (expected six hex pairs such as "
                              "02:42:ac:11:00:02)" % (option, _where(obj), value), option, obj)
    first = int(text[:2], 16)
    if first & 1:
        raise ValidationError("option %s%s: '%s' is a multicast MAC address; an interface needs a unicast one"
                              % (option, _where(obj), value), option, obj)
    if text == '00:00:00:00:00:00':
        raise ValidationError("option %s%s: '%s' is not a usable MAC address" % (option, _where(obj), value),
                              option, obj)
    return text


def cidr(value, option='addresses', obj=None, device=None):
    """An interface address with its prefix length: '10.0.0.1/24', 'fd00::1/64', one the kernel
    keeps as given on ``device`` (see not_a_host_address). Returns the canonical text (compressed
    IPv6, no leading zeros)."""
    text = _text(value).strip()
    if '/' not in text:
        raise ValidationError("option %s%s: '%s' needs a prefix length (for example %s/24)"
                              % (option, _where(obj), value, text), option, obj)
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValidationError("option %s%s: '%s' is not a valid address/prefix" % (option, _where(obj), value),
                              option, obj)
    why = not_a_host_address(iface, device)
    if why:
        raise ValidationError("option %s%s: '%s' %s" % (option, _where(obj), value, why), option, obj)
    return iface.with_prefixlen


LIMITED_BROADCAST = ipaddress.ip_address(u'255.255.255.255')
IPV6_LOOPBACK = ipaddress.ip_address(u'::1')


def not_a_host_address(iface, device=None):
    """Why an interface address would not be kept as given, or None. What the kernel does with
    each (measured on 6.18): 0.0.0.0/N is accepted and nothing is kept (every run would add it
    again); '::' and IPv6 multicast are refused (EINVAL), '::1' on any device but lo too (EADDRNOTAVAIL);
    an IPv4 multicast address or 255.255.255.255 is kept but no host can use it; the broadcast
    address of its own subnet (10.0.0.255/24) gets both a local and a broadcast route in the local
    table. A network address (10.0.0.0/24) is kept and usable as an address: it is accepted."""
    ip = iface.ip
    if ip.is_unspecified:
        return ('is the unspecified address, not an address of an interface (the kernel keeps nothing of %s)'
                % iface.with_prefixlen)
    if ip.is_multicast:
        return ('is a multicast address; an interface address is unicast (a multicast group is joined, '
                'not assigned)')
    if ip == LIMITED_BROADCAST:
        return 'is the limited broadcast address, not an address of an interface'
    if ip == IPV6_LOOPBACK and device != 'lo':
        return 'is the IPv6 loopback address, which only lo can have'
    if ip.version == 4 and iface.network.prefixlen <= 30 and ip == iface.network.broadcast_address:
        return ('is the broadcast address of %s, not a host address in it (use an address between %s and %s)'
                % (iface.network, iface.network.network_address + 1, iface.network.broadcast_address - 1))
    return None


def address(value, option='gateway', obj=None):
    """A single IP address without prefix."""
    text = _text(value).strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValidationError("option %s%s: '%s' is not a valid IP address" % (option, _where(obj), value),
                              option, obj)


def gateway(value, option='gateway', obj=None):
    """A next hop: one unicast address. 0.0.0.0 or '::' (the kernel takes it for no gateway at all,
    so the route would differ from the task on every run), multicast and 255.255.255.255 are refused."""
    text = address(value, option, obj)
    ip = ipaddress.ip_address(text)
    if ip.is_unspecified or ip.is_multicast or ip == LIMITED_BROADCAST:
        what = 'the unspecified address' if ip.is_unspecified else (
            'a multicast address' if ip.is_multicast else 'the limited broadcast address')
        raise ValidationError("option %s%s: '%s' is %s, not a next hop (a gateway is the unicast address of a "
                              "router)" % (option, _where(obj), value, what), option, obj)
    return text


def network(value, option='dst', obj=None):
    """A route destination: 'default' (0.0.0.0/0 or ::/0 by family), or a network in CIDR form.
    Returns an ipaddress network, or the string 'default'."""
    text = _text(value).strip()
    if text in ('default', 'all'):
        return 'default'
    try:
        if '/' not in text:
            net = ipaddress.ip_network(text + ('/128' if ':' in text else '/32'))
        else:
            net = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        hint = ''
        if 'host bits set' in str(exc):
            hint = ' (host bits are set: did you mean %s?)' % ipaddress.ip_network(text, strict=False)
        raise ValidationError("option %s%s: '%s' is not a valid network%s" % (option, _where(obj), value, hint),
                              option, obj)
    return net


def unique(values, option, obj=None):
    seen = set()
    for v in values:
        if v in seen:
            raise ValidationError("option %s%s: '%s' is listed twice" % (option, _where(obj), v), option, obj)
        seen.add(v)
    return values
