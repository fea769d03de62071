#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The share host holds ciphertext only: it must not load the libraries
that read a person's store (SQLCipher, libsecret) or draw (GTK, cairo).
Reads the ELF's NEEDED entries with readelf and fails on any of them.

usage: check-host-libraries.py BINARY
"""
import subprocess
import sys

FORBIDDEN = ("libsqlcipher", "libsqlite3", "libsecret", "libgtk", "libadwaita",
             "libcairo", "libxml2", "libzbar", "libqrencode")


def main():
    binary = sys.argv[1]
    out = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True,
                         text=True).stdout
    needed = [line.split("[", 1)[1].rstrip("]") for line in out.splitlines()
              if "(NEEDED)" in line]
    if not needed:
        print(f"{binary}: no NEEDED entries read", file=sys.stderr)
        return 1
    bad = [lib for lib in needed if lib.startswith(FORBIDDEN)]
    print("NEEDED:", " ".join(needed))
    if bad:
        print(f"{binary} loads {', '.join(bad)}, which the share host never calls",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
