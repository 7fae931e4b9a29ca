#!/usr/bin/env bash
# Build the Linux bundle (PyInstaller one-folder), its .tar.gz and a .deb into dist/.
#   packaging/build-linux.sh                   build all three
#   REUSE_BUNDLE=1 packaging/build-linux.sh    package the bundle already in dist/tratteggio again
# Fails past the size budget (bundle 1.4 GB unpacked, .deb 450 MB) or when a CUDA library or model
# weights got into the bundle. Needs: pyinstaller, pyinstaller-hooks-contrib, dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=$(python3 -c "import re,pathlib;print(re.search(r'__version__ = \"(.+)\"', pathlib.Path('tratteggio/__init__.py').read_text())[1])")
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
BUNDLE=dist/tratteggio
APP_ID=org.tratteggio.Tratteggio
MAX_BUNDLE_MB=1400 MAX_DEB_MB=450  # MB = 10^6 bytes
started=$SECONDS

if [ "${REUSE_BUNDLE:-0}" = 1 ] && [ -x "$BUNDLE/tratteggio" ]; then
  echo "== bundle: reusing $BUNDLE"
else
  echo "== bundle (PyInstaller)"
  PYTHONPATH=$ROOT python3 -m PyInstaller --noconfirm --log-level WARN --distpath dist \
    --workpath build/pyinstaller packaging/tratteggio.spec
  echo "bundle built in $((SECONDS - started)) s"
fi

echo "== size budget and forbidden files"
bad=$(cd "$BUNDLE" && find . \( -name 'libcu*' -o -name 'libnccl*' -o -path '*nvidia/*' -o -name '*.safetensors' \) -print)
if [ -n "$bad" ]; then echo "the bundle holds CUDA libraries or model weights:"; echo "$bad"; exit 1; fi
bundle_mb=$(( $(du -sb "$BUNDLE" | cut -f1) / 1000000 ))
echo "bundle: ${bundle_mb} MB unpacked (budget ${MAX_BUNDLE_MB} MB)"
[ "$bundle_mb" -le "$MAX_BUNDLE_MB" ] || { echo "bundle over budget"; du -sm "$BUNDLE"/_internal/* | sort -n | tail -15; exit 1; }

echo "== tar.gz"
tarball=dist/tratteggio-$VERSION-linux-$(uname -m).tar.gz
tar -C dist -cf - tratteggio | gzip -6 > "$tarball"
echo "tar.gz written at $((SECONDS - started)) s"

echo "== .deb"
stage=build/deb/tratteggio_${VERSION}_$ARCH
rm -rf build/deb && mkdir -p "$stage"/{DEBIAN,opt,usr/bin,usr/share/applications,usr/share/metainfo,usr/share/mime/packages}
cp -a "$BUNDLE" "$stage/opt/tratteggio"
ln -s /opt/tratteggio/tratteggio "$stage/usr/bin/tratteggio"
ln -s /opt/tratteggio/tratteggio-studio "$stage/usr/bin/tratteggio-studio"
install -m 644 packaging/linux/$APP_ID.desktop "$stage/usr/share/applications/"
install -m 644 packaging/linux/$APP_ID.metainfo.xml "$stage/usr/share/metainfo/"
install -m 644 packaging/linux/tratteggio-mime.xml "$stage/usr/share/mime/packages/tratteggio.xml"
for size in 48 64 128 256 512; do
  install -D -m 644 packaging/icons/tratteggio-$size.png "$stage/usr/share/icons/hicolor/${size}x$size/apps/$APP_ID.png"
done
install -D -m 644 packaging/icons/tratteggio.svg "$stage/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
desktop-file-validate "$stage/usr/share/applications/$APP_ID.desktop"
appstreamcli validate --no-net "$stage/usr/share/metainfo/$APP_ID.metainfo.xml"
glibc=$(python3 packaging/glibc_floor.py "$stage/opt/tratteggio")
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/$glibc/" \
  -e "s/@SIZE@/$(du -sk "$stage" | cut -f1)/" -e "s/@QTDEPENDS@/$(python3 packaging/qt_depends.py)/" \
  packaging/linux/control.in > "$stage/DEBIAN/control"
deb=dist/tratteggio_${VERSION}_$ARCH.deb
# zstd: xz -6 is 12% smaller but took 10x the CPU time (0.65 s per MB against 0.07 s, measured on
# torch's library); dpkg reads zstd since 1.21.18 (Debian 12), and Ubuntu's since 21.10
dpkg-deb --root-owner-group -Zzstd -z12 --threads-max="$(nproc)" --build "$stage" "$deb" >/dev/null
deb_mb=$(( $(stat -c %s "$deb") / 1000000 ))
echo "deb: ${deb_mb} MB (budget ${MAX_DEB_MB} MB); tar.gz: $(( $(stat -c %s "$tarball") / 1000000 )) MB"
[ "$deb_mb" -le "$MAX_DEB_MB" ] || { echo ".deb over budget"; exit 1; }
rm -rf build/deb
echo "built $BUNDLE, $tarball and $deb in $((SECONDS - started)) s"
