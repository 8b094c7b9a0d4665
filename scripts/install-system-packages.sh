#!/usr/bin/env bash
# Installs the Debian packages the tests need (PostgreSQL, Chromium, fonts and libraries for
# PDF rendering, poppler for PDF checks). Only as root on a Debian-like machine; elsewhere it
# lists what is missing, loudly, and the tests that need it are reported as NOT RUN.
set -euo pipefail
PACKAGES=(postgresql chromium fonts-dejavu-core poppler-utils libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz0b fontconfig zbar-tools)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "################################################################################"
  echo "# WARNING: missing system packages: ${missing[*]}"
  echo "# Tests that need them will be reported as NOT RUN (CI fails on them)."
  echo "# Install them with: sudo apt-get install ${missing[*]}"
  echo "################################################################################"
fi
