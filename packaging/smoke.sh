#!/usr/bin/env bash
# Run the frozen programs in DIR as a user gets them: HOME in a temporary folder, HF_HUB_OFFLINE=1.
#   packaging/smoke.sh dist/tratteggio            the bundle as built
#   packaging/smoke.sh ROOT/opt/tratteggio        an installed copy (see check-deb.sh)
# A diffusion restore runs on a tiny random-weight pipeline built by the tests' helper, with the
# repository's own Python (torch and diffusers installed); the frozen program only loads it.
set -euo pipefail
DIR=$(realpath "${1:?usage: smoke.sh DIR}")
REPO=$(cd "$(dirname "$0")/.." && pwd)
CLI=$DIR/tratteggio
STUDIO=$DIR/tratteggio-studio
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/out" "$T/rerun" "$T/diffusion"
HOST_PYTHON=$(command -v python3)
# the frozen program sees nothing of the developer's set-up: its own HOME, no Python paths
env_run() {
  env -i PATH=/usr/bin:/bin HOME="$T/home" HF_HUB_OFFLINE=1 LANG=C.UTF-8 OMP_NUM_THREADS=2 "$@"
}
started=$SECONDS
step() {
  local name=$1; shift
  local t0=$SECONDS
  if ! out=$("$@" 2>&1); then echo "FAIL $name"; echo "$out" | tail -20; exit 1; fi
  printf 'ok   %-34s %4d s\n' "$name" $((SECONDS - t0))
}
nonblank() {  # a PNG snapshot of the canvas that is not one flat colour
  "$HOST_PYTHON" -c "import sys,numpy as n;from PIL import Image;a=n.asarray(Image.open(sys.argv[1]));sys.exit(0 if a.std()>5 else 1)" "$1"
}

step "--version" env_run "$CLI" --version
step "sample" env_run "$CLI" sample -o "$T/s"
step "age a photo" env_run "$CLI" age "$T/s/sample.png" -o "$T/aged.png" --mask-out "$T/aged.mask.png" --seed 3
step "restore (default engine)" env_run "$CLI" restore "$T/aged.png" --mask "$T/aged.mask.png" -o "$T/out/restored.png"
step "rerun the record" env_run "$CLI" rerun "$T/out/restored.record.json" -o "$T/rerun/restored.png"
step "rerun gives the same bytes" cmp "$T/out/restored.png" "$T/rerun/restored.png"
step "detect cracks" env_run "$CLI" detect "$T/aged.png" -o "$T/cracks.png" --kind cracks
step "tiny diffusion pipeline (host)" env PYTHONPATH="$REPO" "$HOST_PYTHON" -c \
  "import sys,torch;torch.set_num_threads(1);from pathlib import Path;from tests.tiny_models import build_sd_inpaint;build_sd_inpaint(Path(sys.argv[1]))" "$T/tiny"
step "restore (diffusion, tiny model)" env_run "$CLI" restore "$T/aged.png" --mask "$T/aged.mask.png" \
  -o "$T/diffusion/restored.png" --engine diffusion --model "$T/tiny" --steps 2 --seed 1
step "doctor --json" env_run QT_QPA_PLATFORM=offscreen "$CLI" doctor --json --no-network
grep -q '"starts": true' <<<"$out" || { echo "FAIL doctor: Qt did not start"; echo "$out"; exit 1; }
step "studio --snapshot (offscreen)" env_run QT_QPA_PLATFORM=offscreen "$CLI" open "$T/aged.png" \
  --mask "$T/aged.mask.png" --snapshot "$T/offscreen.png"
step "offscreen snapshot has a picture" nonblank "$T/offscreen.png"
if command -v xvfb-run >/dev/null; then
  step "studio --snapshot (xvfb, xcb)" env_run QT_QPA_PLATFORM=xcb xvfb-run -a "$CLI" open "$T/aged.png" \
    --mask "$T/aged.mask.png" --snapshot "$T/xcb.png"
  step "xcb snapshot has a picture" nonblank "$T/xcb.png"
  # the .desktop entry's own Exec line, %f replaced by the photo, as a file manager runs it
  exec_line=$(sed -n 's/^Exec=//p' "$REPO/packaging/linux/org.tratteggio.Tratteggio.desktop")
  read -r -a argv <<<"${exec_line/\%f/$T/aged.png}"
  argv[0]=$DIR/${argv[0]}
  step "open-file path of the .desktop entry" env_run QT_QPA_PLATFORM=xcb xvfb-run -a "${argv[@]}" --snapshot "$T/desktop.png"
  step "open-file snapshot has a picture" nonblank "$T/desktop.png"
else
  echo "SKIP xvfb-run not installed: the xcb platform was not tried"
fi
echo "smoke passed in $((SECONDS - started)) s ($DIR)"
