#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Every file po/POTFILES.in names exists, and every source file that marks
# a string for translation (_( or N_( or translatable="yes") is named, so a
# moved or new file cannot drop its strings from the catalogue.
import os
import re
import sys

top = sys.argv[1]
listed = [l.strip() for l in open(os.path.join(top, 'po', 'POTFILES.in'), encoding='utf-8')
          if l.strip() and not l.startswith('#')]
problems = [f'po/POTFILES.in names {p}, which does not exist'
            for p in listed if not os.path.exists(os.path.join(top, p))]
marker = re.compile(r'(?<![A-Za-z0-9_])N?_\s*\(\s*"|translatable="yes"')
for sub in ('src', 'data'):
    for root, _, names in os.walk(os.path.join(top, sub)):
        for name in names:
            if not name.endswith(('.c', '.ui', '.in')):
                continue
            path = os.path.relpath(os.path.join(root, name), top)
            with open(os.path.join(top, path), encoding='utf-8', errors='replace') as f:
                if marker.search(f.read()) and path not in listed:
                    problems.append(f'{path} marks strings for translation but is not in po/POTFILES.in')
for p in problems:
    print(p)
print(f'{len(listed)} files listed, {len(problems)} problems')
sys.exit(1 if problems else 0)
