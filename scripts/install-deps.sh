#!/bin/sh
# Installs what rewind needs to build and test on Debian 12, if missing.
set -e
need=""
for pkg in build-essential pkg-config libzstd-dev libxxhash-dev libcapstone-dev clang gdb python3 sqlite3 gzip xz-utils; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
if [ -n "$need" ]; then
    echo "rewind: installing:$need"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
