#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The fast half of `build-aux/dev package` (which builds the Debian packages
# and installs them in a chroot, too slow for the suite): the packaging files
# agree with the build and with each other.
#
#   check-packaging.py SOURCE_ROOT BUILD_ROOT
#
# debian/: control, changelog, copyright (DEP-5), source/format, rules and
# the maintainer scripts parse; every file `meson install` installs is
# claimed by exactly one binary package's .install file, and every .install
# line matches something installed; the versions agree; the unit's user is
# the one the postinst creates; every installed program has a manual page.
# flatpak/: the manifest parses, every module's sources are pinned (sha256,
# or a git commit), the app id matches the desktop file and the metainfo,
# and flatpak-builder --show-manifest reads it when it is installed.
# Prints TAP.
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

top, build = sys.argv[1], sys.argv[2]
results = []


def check(ok, name, detail=''):
    results.append((bool(ok), name, detail))
    return ok


def read(*parts):
    with open(os.path.join(top, *parts), encoding='utf-8') as f:
        return f.read()


def deb822(text):
    """Paragraphs of a deb822 file as lists of (field, value) pairs."""
    paragraphs, current, field = [], [], None
    for n, line in enumerate(text.split('\n'), 1):
        if line.startswith('#'):
            continue
        if not line.strip():
            if current:
                paragraphs.append(current)
            current, field = [], None
            continue
        if line[0] in ' \t':
            if field is None:
                raise ValueError(f'line {n}: a continuation line with no field before it')
            current[-1] = (field, current[-1][1] + '\n' + line.strip())
            continue
        m = re.match(r'^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$', line)
        if not m:
            raise ValueError(f'line {n}: not "Field: value": {line!r}')
        field = m.group(1)
        if any(f.lower() == field.lower() for f, _ in current):
            raise ValueError(f'line {n}: field {field} given twice in one paragraph')
        current.append((field, m.group(2)))
    if current:
        paragraphs.append(current)
    return [dict(p) for p in paragraphs]


meson_build = read('meson.build')
version = re.search(r"^\s*version:\s*'([^']+)'", meson_build, re.M).group(1)
app_id = re.search(r"^app_id\s*=\s*'([^']+)'", meson_build, re.M).group(1)

# --- debian/control -----------------------------------------------------
try:
    control = deb822(read('debian', 'control'))
    check(True, 'debian/control parses')
except (OSError, ValueError) as e:
    control = []
    check(False, 'debian/control parses', str(e))
source = control[0] if control else {}
binaries = {p['Package']: p for p in control[1:] if 'Package' in p}
check(source.get('Source') == 'techo', 'debian/control: source package techo')
for field in ('Maintainer', 'Standards-Version', 'Build-Depends', 'Rules-Requires-Root'):
    check(field in source, f'debian/control: source has {field}')
check(set(binaries) == {'techo', 'techo-share-host'},
      'debian/control: binary packages techo and techo-share-host', ' '.join(sorted(binaries)))
for name, para in binaries.items():
    for field in ('Architecture', 'Depends', 'Description'):
        check(field in para, f'debian/control: {name} has {field}')
    synopsis = para.get('Description', '').split('\n')[0]
    check(0 < len(synopsis) <= 80 and not synopsis.endswith('.'),
          f'debian/control: {name} synopsis is one short line', synopsis)
check('adduser' in binaries.get('techo-share-host', {}).get('Depends', ''),
      'debian/control: techo-share-host depends on adduser (its postinst uses it)')

# Every Build-Depends package is a package the dev script installs too, so a
# green `build-aux/dev test` means the package builds on the same machine.
dev_script = read('build-aux', 'dev')
dev_packages = set(re.findall(r'[a-z0-9][a-z0-9.+-]+',
                              re.search(r'packages=\((.*?)\)', dev_script, re.S).group(1)))
build_deps = [re.split(r'[\s(<\[]', d.strip())[0]
              for d in source.get('Build-Depends', '').replace('\n', ' ').split(',') if d.strip()]
missing = [d for d in build_deps
           if not d.startswith(('debhelper-compat', 'dh-sequence-')) and d not in dev_packages
           and d != 'pkgconf']
check(not missing, 'debian/control: every build dependency is in build-aux/dev',
      ' '.join(missing))

# --- changelog, format, rules, copyright ---------------------------------
changelog = read('debian', 'changelog')
m = re.match(r'^techo \(([^)]+)\) [a-z-]+; urgency=[a-z]+\n', changelog)
check(m, 'debian/changelog: first line is "techo (VERSION) DIST; urgency=…"')
check(m and m.group(1) == version, 'debian/changelog version is meson.build\'s',
      f'{m.group(1) if m else "?"} vs {version}')
check(re.search(r'^ -- .+ <[^>]+>  \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$',
                changelog, re.M), 'debian/changelog: a trailer line with an RFC 5322 date')
check(read('debian', 'source', 'format').strip() == '3.0 (native)', 'debian/source/format')
rules_path = os.path.join(top, 'debian', 'rules')
rules = read('debian', 'rules')
check(os.access(rules_path, os.X_OK) and rules.startswith('#!/usr/bin/make -f'),
      'debian/rules is an executable makefile')
check(re.search(r'^\tdh \$@ --buildsystem=meson', rules, re.M), 'debian/rules: dh with meson')

try:
    copyright_paras = deb822(read('debian', 'copyright'))
    check(copyright_paras[0].get('Format', '').startswith(
        'https://www.debian.org/doc/packaging-manuals/copyright-format/1.0'),
        'debian/copyright: DEP-5 header')
    used = {p['License'].split('\n')[0].strip() for p in copyright_paras[1:]
            if 'Files' in p}
    texts = {p['License'].split('\n')[0].strip() for p in copyright_paras[1:]
             if 'Files' not in p and '\n' in p.get('License', '')}
    check(used and used <= texts, 'debian/copyright: every license named has its text',
          ' '.join(sorted(used - texts)))
    files_star = [p for p in copyright_paras if p.get('Files') == '*']
    check(files_star and files_star[0]['License'].startswith('GPL-3+'),
          'debian/copyright: Files: * is GPL-3+ as the SPDX headers say')
except (OSError, ValueError, IndexError) as e:
    check(False, 'debian/copyright parses', str(e))

# --- what meson installs against the .install files ----------------------
try:
    installed = json.loads(subprocess.run(['meson', 'introspect', '--installed', build],
                                          check=True, capture_output=True, text=True).stdout)
    options = json.loads(subprocess.run(['meson', 'introspect', '--buildoptions', build],
                                        check=True, capture_output=True, text=True).stdout)
except (OSError, subprocess.CalledProcessError) as e:
    installed, options = {}, []
    check(False, 'meson introspect', str(e))
prefix = next((o['value'] for o in options if o['name'] == 'prefix'), '/usr/local')
unit_dir_option = next((o['value'] for o in options if o['name'] == 'systemdsystemunitdir'), '')
# Paths as the Debian build installs them: prefix /usr, and the unit in
# /lib/systemd/system as debian/rules configures.
rules_unit_dir = re.search(r'-Dsystemdsystemunitdir=(\S+)', rules)
deb_paths = []
for dest in installed.values():
    if unit_dir_option and dest.startswith(unit_dir_option + '/'):
        rel = 'usr/lib/systemd/system/' + dest[len(unit_dir_option) + 1:]
    else:
        rel = 'usr/' + os.path.relpath(dest, prefix)
    if rules_unit_dir and rel.startswith('usr/lib/systemd/system/'):
        rel = rules_unit_dir.group(1).lstrip('/') + rel[len('usr/lib/systemd/system'):]
    deb_paths.append(rel)
check(len(deb_paths) > 10, 'meson installs files', str(len(deb_paths)))

claims = {}
for name in binaries:
    path = os.path.join(top, 'debian', name + '.install')
    if not check(os.path.exists(path), f'debian/{name}.install exists'):
        continue
    for line in read('debian', name + '.install').splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        pattern = line.split()[0]
        hits = [p for p in deb_paths
                if fnmatch.fnmatch(p, pattern) or (pattern.endswith('/') and p.startswith(pattern))]
        check(hits, f'debian/{name}.install: "{pattern}" matches an installed file')
        for p in hits:
            claims.setdefault(p, []).append(name)
for p in sorted(deb_paths):
    owners = claims.get(p, [])
    check(len(owners) == 1, f'{p} is in exactly one package',
          ', '.join(owners) if owners else 'in none')
check('usr/bin/techo' in claims and claims['usr/bin/techo'] == ['techo']
      and claims.get('usr/bin/techo-share-host') == ['techo-share-host'],
      'the app is in techo and the host in techo-share-host')

# Every program has a manual page, in the same package.
for p in deb_paths:
    if p.startswith('usr/bin/'):
        page = 'usr/share/man/man1/' + os.path.basename(p) + '.1'
        check(page in claims and claims[page] == claims.get(p),
              f'{p} has its manual page {page} in the same package')

# --- the share host's user -----------------------------------------------
postinst = read('debian', 'techo-share-host.postinst')
postrm = read('debian', 'techo-share-host.postrm')
for name, text in (('postinst', postinst), ('postrm', postrm)):
    check(text.startswith('#!/bin/sh\n') and 'set -e' in text and '#DEBHELPER#' in text,
          f'debian/techo-share-host.{name}: sh, set -e, #DEBHELPER#')
    check(subprocess.run(['sh', '-n', os.path.join(top, 'debian', f'techo-share-host.{name}')]).returncode == 0,
          f'debian/techo-share-host.{name} parses (sh -n)')
m = re.search(r'^\s*adduser --system\b[^\n]*', postinst.replace('\\\n', ' '), re.M)
user = m.group(0).split()[-1] if m else None
shell = re.search(r'--shell\s+(\S+)', m.group(0)) if m else None
check(m and (shell is None or shell.group(1) in ('/usr/sbin/nologin', '/bin/false')),
      'postinst: adduser --system with no login shell', m.group(0) if m else 'no adduser --system')
unit = read('data', 'techo-share-host.service.in')
unit_user = re.search(r'^User=(\S+)$', unit, re.M)
check(user and unit_user and unit_user.group(1) == user,
      'the unit runs as the user the postinst creates', f'{unit_user and unit_user.group(1)} vs {user}')
check('DynamicUser=yes' not in unit, 'the unit has no DynamicUser (a static system user)')
sysusers = read('data', 'techo-share-host.sysusers.conf')
check(re.search(rf'^u {re.escape(user or "?")} ', sysusers, re.M),
      'sysusers.d names the same user')

# --- flatpak ---------------------------------------------------------------
manifest_path = os.path.abspath(os.path.join(top, 'flatpak', app_id + '.json'))
try:
    with open(manifest_path, encoding='utf-8') as f:
        manifest = json.load(f)
    check(True, 'flatpak manifest is JSON')
except (OSError, ValueError) as e:
    manifest = {}
    check(False, 'flatpak manifest is JSON', str(e))
check(manifest.get('id') == app_id, 'flatpak id is the app id', str(manifest.get('id')))
check(manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk',
      'flatpak: the GNOME runtime and SDK')
check(manifest.get('command') == 'techo', 'flatpak command is techo')


def modules(ms):
    for m in ms:
        if isinstance(m, dict):
            yield m
            yield from modules(m.get('modules', []))


names = []
for module in modules(manifest.get('modules', [])):
    name = module.get('name', '?')
    names.append(name)
    sources = module.get('sources', [])
    check(sources, f'flatpak module {name} has sources')
    for s in sources:
        kind = s.get('type')
        if kind in ('archive', 'file'):
            check(re.fullmatch(r'[0-9a-f]{64}', s.get('sha256', '')) and s.get('url', '').startswith('https://'),
                  f'flatpak module {name}: {kind} over https with a sha256')
        elif kind == 'git':
            check(re.fullmatch(r'[0-9a-f]{40}', s.get('commit', '')) and s.get('url', '').startswith('https://'),
                  f'flatpak module {name}: git pinned to a commit')
        elif kind == 'dir':
            check(name == 'techo' and s.get('path') == '..', f'flatpak module {name}: the tree itself')
        elif kind == 'script':
            check(s.get('commands'), f'flatpak module {name}: script with commands')
        else:
            check(False, f'flatpak module {name}: source type {kind} is pinned', 'unknown type')
for needed in ('sqlcipher', 'cjose', 'zbar', 'libqrencode', 'techo'):
    check(needed in names, f'flatpak builds {needed}')
check(names and names[-1] == 'techo', 'flatpak: techo is the last module')
sqlcipher = next((m for m in modules(manifest.get('modules', [])) if m.get('name') == 'sqlcipher'), {})
sqlcipher_url = ' '.join(s.get('url', '') for s in sqlcipher.get('sources', []))
check(re.search(r'sqlcipher[_-]v?4\.', sqlcipher_url), 'flatpak: SQLCipher 4', sqlcipher_url)
# The app's "Explore with Demo Data" starts techo-sandbox from PATH.
check('/bin/techo-sandbox' not in manifest.get('cleanup', []),
      'flatpak keeps techo-sandbox (the app\'s demo runs it)')
techo_module = next((m for m in modules(manifest.get('modules', [])) if m.get('name') == 'techo'), {})
check('-Dtests=false' in techo_module.get('config-opts', []), 'flatpak: techo built without tests')

desktop = read('data', app_id + '.desktop.in')
check(re.search(r'^Icon=' + re.escape(app_id) + '$', desktop, re.M), 'desktop file Icon= is the app id')
meta = ET.parse(os.path.join(top, 'data', app_id + '.metainfo.xml.in')).getroot()
check(meta.findtext('id') == app_id, 'metainfo id is the app id')
launchable = meta.find('launchable')
check(launchable is not None and launchable.text == app_id + '.desktop',
      'metainfo launchable is the desktop file')
releases = [r.get('version') for r in meta.iter('release')]
check(releases and releases[0] == version, 'the newest metainfo release is meson.build\'s version',
      f'{releases[:1]} vs {version}')

flatpak_builder = shutil.which('flatpak-builder')
if flatpak_builder:
    # It makes a .flatpak-builder folder in its working folder: a scratch one.
    with tempfile.TemporaryDirectory(prefix='techo-flatpak-') as scratch:
        r = subprocess.run([flatpak_builder, '--show-manifest', manifest_path],
                           capture_output=True, text=True, cwd=scratch)
    shown = {}
    try:
        shown = json.loads(r.stdout)
    except ValueError:
        pass
    check(r.returncode == 0 and shown.get('id') == app_id and not r.stderr.strip(),
          'flatpak-builder --show-manifest reads it without a warning', r.stderr.strip())
else:
    results.append((True, 'flatpak-builder --show-manifest # SKIP flatpak-builder not installed', ''))

print(f'1..{len(results)}')
failed = 0
for i, (ok, name, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {i} - {name}')
    if not ok:
        failed += 1
        if detail:
            print(f'# {detail}')
sys.exit(1 if failed else 0)
