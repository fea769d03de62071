#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson devenv` runs the app in the user's language from the build tree:
# it sets TECHO_LOCALEDIR to a folder holding the compiled catalogue, and
# that catalogue answers in Japanese.
#   check-devenv.py MESON BUILD_ROOT
import gettext
import os
import shlex
import subprocess
import sys

meson, build_root = sys.argv[1], sys.argv[2]
dump = subprocess.run([meson, 'devenv', '-C', build_root, '--dump'],
                      check=True, capture_output=True, text=True).stdout
env = {}
for line in dump.splitlines():
    if '=' in line and not line.startswith('export '):
        name, _, value = line.partition('=')
        env[name] = shlex.split(value)[0] if value else ''
problems = []
locale_dir = env.get('TECHO_LOCALEDIR')
if not locale_dir:
    problems.append('meson devenv does not set TECHO_LOCALEDIR')
else:
    mo = os.path.join(locale_dir, 'ja', 'LC_MESSAGES', 'techo.mo')
    if not os.path.exists(mo):
        problems.append(f'{mo} is not there')
    else:
        ja = gettext.translation('techo', locale_dir, languages=['ja'])
        for english, japanese in (('Overview', '概要'), ('Checkups', '健診')):
            if ja.gettext(english) != japanese:
                problems.append(f'{english!r} reads {ja.gettext(english)!r}, not {japanese!r}')
if 'GSETTINGS_SCHEMA_DIR' not in env:
    problems.append('meson devenv does not set GSETTINGS_SCHEMA_DIR')
for p in problems:
    print(p)
print(f'TECHO_LOCALEDIR={locale_dir}, {len(problems)} problems')
sys.exit(1 if problems else 0)
