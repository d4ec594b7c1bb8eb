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


def _where(obj):
    return ' of %s' % obj if obj else ''


def _text(value):
    try:
        return u'%s' % (value,)
    except Exception:  # pragma: no cover - defensive
        return repr(value)


def ifname(value, option='name', obj=None):
    """Interface names as the kernel accepts them (dev_valid_name): 1-15 bytes, not '.'/'..',
    no '/', ':' or white space."""
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
    return value


def netns_name(value, option='name', obj=None):
    """A named namespace: one file name under /var/run/netns."""
    value = _text(value)
    bad = not value or value in ('.', '..') or '/' in value or '\0' in value
    if bad or _SPACE_RE.search(value) or len(value) > 255:
        raise ValidationError(
            "option %s%s: namespace name '%s' is not valid (a file name under /var/run/netns: "
            "no '/', no white space, not '.' or '..')" % (option, _where(obj), value), option, obj)
    return value


def netns_path(value, option='name', obj=None):
    """An absolute path for a namespace file: no NUL, no '..' or '.' part, not a directory."""
    value = _text(value)
    parts = value.split('/')
    bad = not value.startswith('/') or '\0' in value or value.endswith('/') or len(value) > 4096
    if bad or any(p in ('.', '..') for p in parts) or '' in parts[1:]:
        raise ValidationError("option %s%s: namespace path '%s' is not valid (an absolute file path without "
                              "'.' or '..' parts)" % (option, _where(obj), value), option, obj)
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


def cidr(value, option='addresses', obj=None):
    """An interface address with its prefix length: '10.0.0.1/24', 'fd00::1/64'. Returns the
    canonical text (compressed IPv6, no leading zeros)."""
    text = _text(value).strip()
    if '/' not in text:
        raise ValidationError("option %s%s: '%s' needs a prefix length (for example %s/24)"
                              % (option, _where(obj), value, text), option, obj)
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        raise ValidationError("option %s%s: '%s' is not a valid address/prefix" % (option, _where(obj), value),
                              option, obj)
    return iface.with_prefixlen


def address(value, option='gateway', obj=None):
    """A single IP address without prefix."""
    text = _text(value).strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValidationError("option %s%s: '%s' is not a valid IP address" % (option, _where(obj), value),
                              option, obj)


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
