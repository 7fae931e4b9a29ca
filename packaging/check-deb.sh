#!/usr/bin/env bash
# Check the .deb as a clean machine gets it, without a container:
#   1. every declared dependency resolves (apt simulates installing the package, and each
#      Depends has an installation candidate);
#   2. the package unpacks into a temporary root (dpkg -x) with its launchers, desktop entry,
#      metainfo, MIME type and icons, which validate;
#   3. with the declared dependencies installed (and nothing else added), Qt's xcb platform plugin
#      of the installed copy finds every library it links;
#   4. the smoke test runs against the installed copy.
#   packaging/check-deb.sh dist/tratteggio_VERSION_ARCH.deb
set -euo pipefail
DEB=$(realpath "${1:?usage: check-deb.sh PACKAGE.deb}")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
started=$SECONDS

echo "== dependencies resolve"
if ! ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1; then apt-get update -qq; fi
depends=$(dpkg-deb -f "$DEB" Depends)
echo "Depends: $depends"
missing=()
for dep in $(tr ',' '\n' <<<"$depends" | sed -e 's/(.*)//' -e 's/|.*//' | tr -d ' '); do
  candidate=$(apt-cache policy "$dep" | sed -n 's/ *Candidate: //p')
  installed=$(apt-cache policy "$dep" | sed -n 's/ *Installed: //p')
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then missing+=("$dep"); fi
  printf '  %-22s candidate %-22s installed %s\n' "$dep" "${candidate:-none}" "${installed:-none}"
done
[ ${#missing[@]} -eq 0 ] || { echo "no installation candidate for: ${missing[*]}"; exit 1; }
apt-get install -s "$DEB" >"$ROOT.sim" 2>&1 || { cat "$ROOT.sim"; exit 1; }
grep -q '^Inst tratteggio' "$ROOT.sim" || { cat "$ROOT.sim"; echo "apt would not install it"; exit 1; }
echo "apt-get install -s: $(grep -c '^Inst ' "$ROOT.sim") package(s) to install, tratteggio included"
rm -f "$ROOT.sim"

echo "== unpack into a temporary root"
dpkg -x "$DEB" "$ROOT"
for f in usr/bin/tratteggio usr/bin/tratteggio-studio opt/tratteggio/tratteggio opt/tratteggio/tratteggio-studio \
  usr/share/applications/org.tratteggio.Tratteggio.desktop usr/share/metainfo/org.tratteggio.Tratteggio.metainfo.xml \
  usr/share/mime/packages/tratteggio.xml usr/share/icons/hicolor/scalable/apps/org.tratteggio.Tratteggio.svg \
  usr/share/icons/hicolor/48x48/apps/org.tratteggio.Tratteggio.png usr/share/icons/hicolor/512x512/apps/org.tratteggio.Tratteggio.png; do
  [ -e "$ROOT/$f" ] || [ -L "$ROOT/$f" ] || { echo "missing from the package: /$f"; exit 1; }
done
[ "$(readlink "$ROOT/usr/bin/tratteggio")" = /opt/tratteggio/tratteggio ] || { echo "bad launcher link"; exit 1; }
desktop-file-validate "$ROOT/usr/share/applications/org.tratteggio.Tratteggio.desktop"
appstreamcli validate --no-net "$ROOT/usr/share/metainfo/org.tratteggio.Tratteggio.metainfo.xml" >/dev/null
echo "files, launchers, desktop entry and metainfo: ok"

echo "== Qt's xcb plugin with the declared dependencies installed"
if [ "$(id -u)" = 0 ] && [ "${CHECK_DEB_INSTALL_DEPENDS:-1}" = 1 ]; then
  apt-get install -y -qq --no-install-recommends $(tr ',' '\n' <<<"$depends" | sed -e 's/(.*)//' | tr -d ' ') >/dev/null
fi
plugin=$ROOT/opt/tratteggio/_internal/PySide6/Qt/plugins/platforms/libqxcb.so
notfound=$(LD_LIBRARY_PATH=$ROOT/opt/tratteggio/_internal ldd "$plugin" | grep 'not found' || true)
[ -z "$notfound" ] || { echo "the installed xcb plugin lacks:"; echo "$notfound"; exit 1; }
echo "every library the xcb plugin links is found"

echo "== smoke test against the installed copy"
"$HERE/smoke.sh" "$ROOT/opt/tratteggio"
echo "the .deb checked in $((SECONDS - started)) s"
