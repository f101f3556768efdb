#!/usr/bin/env python3
"""Builds a fake Linux root for the account audit tests (test_accounts.sh).

usage: accounts_fixture.py ROOT NOW_EPOCH
Every account below exists to trigger (or not trigger) one finding; the
comments say which.
"""
import os, struct, sys

root, now = sys.argv[1], int(sys.argv[2])
day = 86400
today = now // day

def w(path, text, mode=0o644):
    p = os.path.join(root, path.lstrip('/'))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'w' if isinstance(text, str) else 'wb') as f:
        f.write(text)
    os.chmod(p, mode)

w('/etc/passwd', '\n'.join([
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'toor:x:0:0:backdoor:/root:/bin/bash',          # uid0_account
    'alice:x:1000:1000:Alice:/home/alice:/bin/bash',  # fine (keys, recent login)
    'bob:x:1001:1001:Bob:/home/bob:/bin/bash',        # old password, unused
    'carol:x:1001:1001:Carol:/home/carol:/bin/bash',  # duplicate uid with bob
    'admin:x:1002:1002:Admin:/home/admin:/bin/bash',  # default name
    'olduser:x:1003:1003::/home/olduser:/bin/bash',   # locked, no keys: not login-capable
    'emptyguy:x:1004:1004::/home/emptyguy:/bin/sh',   # empty password
    'svc:x:999:999::/var/lib/svc:/usr/sbin/nologin',  # service account
    'dave:x:1005:1005::/home/dave:/bin/bash',         # last login only in lastlog: recent
    'erin:x:1006:1006::/home/erin:/bin/bash',         # lastlog: 400 days ago -> unused
    'this line is broken',
]) + '\n')
h = '$6$salt$' + 'A' * 86
w('/etc/shadow', '\n'.join([
    f'root:{h}:{today-10}:0:99999:7:::',             # never expires
    'daemon:*:19000:0:99999:7:::',
    f'toor:{h}:{today-5}:0:90:7:::',
    f'alice:{h}:{today-10}:0:90:7:::',
    f'bob:{h}:{today-200}:0:90:7:::',                # too old
    f'carol:{h}:{today-3}:0:90:7:::',
    f'admin:{h}:{today-3}:0:90:7:::',
    f'olduser:!{h}:{today-900}:0:90:7:::',
    f'emptyguy::{today-1}:0:90:7:::',
    'svc:!:19000::::::',
    f'dave:{h}:{today-3}:0:90:7:::',
    f'erin:{h}:{today-3}:0:90:7:::',
]) + '\n', 0o640)
w('/etc/group', 'root:x:0:\nsudo:x:27:alice,admin\nalice:x:1000:\n')
w('/etc/sudoers', 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n'
  'Cmnd_Alias WEB = /usr/sbin/service nginx reload\n@includedir /etc/sudoers.d\n', 0o440)
w('/etc/sudoers.d/web', 'www-data ALL=(root) NOPASSWD: /usr/sbin/service nginx reload\n', 0o440)
w('/etc/sudoers.d/deploy', 'carol ALL=(ALL) \\\n  NOPASSWD: ALL\n', 0o440)
w('/etc/sudoers.d/README.txt', 'evil ALL=(ALL) NOPASSWD: ALL\n')  # ignored by sudo: has a dot

def utmp(user, t, typ=7):
    return struct.pack('<h2xi32s4s32s256shhiii16s20s', typ, 100, b'pts/0', b'ts/0',
                       user.encode(), b'192.0.2.1', 0, 0, 0, t, 0, b'\0' * 16, b'\0' * 20)
w('/var/log/wtmp', utmp('alice', now - 2 * day) + utmp('bob', now - 200 * day) +
  utmp('toor', now - day) + utmp('carol', now - day) + utmp('admin', now - day) +
  utmp('root', now - day) + utmp('emptyguy', now - day) + utmp('reboot', now, 2) + b'\x01\x02truncated')

def lastlog(entries):  # struct lastlog: int32 time, char line[32], char host[256]
    out = bytearray()
    for uid in range(max(entries) + 1):
        t = entries.get(uid, 0)
        out += struct.pack('<i32s256s', t, b'pts/1' if t else b'', b'192.0.2.9' if t else b'')
    return bytes(out)
w('/var/log/lastlog', lastlog({1005: now - 10 * day, 1006: now - 400 * day}))

import time
def classic(t):
    return time.strftime('%b %e %H:%M:%S', time.gmtime(t))
def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%S.123456+00:00', time.gmtime(t))
log = []
base = now - 3600
for i in range(6):   # a burst from one source (mixed stamp formats, users)
    u = ['root', 'admin', 'test', 'oracle', 'ubuntu', 'pi'][i]
    inv = '' if u in ('root', 'admin') else 'invalid user '
    st = classic if i % 2 else iso
    log.append(f'{st(base + 20 * i)} web01 sshd[12{i}]: Failed password for {inv}{u} from 203.0.113.5 port 4{i}22 ssh2')
for i in range(3):   # slow tries from another source: no burst
    log.append(f'{classic(base + 1200 * i)} web01 sshd[200]: Failed password for alice from 198.51.100.7 port 5000 ssh2')
for i in range(5):   # su against root, local: a burst by user
    log.append(f'{classic(base + 600 + 15 * i)} web01 su[300]: pam_unix(su:auth): authentication failure; logname=bob uid=1001 euid=0 tty=/dev/pts/0 ruser=bob rhost=  user=root')
log.append(f'{classic(base)} web01 sshd[1]: Accepted publickey for alice from 192.0.2.1 port 1 ssh2')
log.append('garbage line without a stamp')
w('/var/log/auth.log', '\n'.join(log) + '\n')
w('/home/alice/.ssh/authorized_keys',
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop\n')
