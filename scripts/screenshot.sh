#!/usr/bin/env bash
# Takes the README's screenshot: the app under Xvfb with the astronaut photo,
# small tiles so the grid shows, and the tile in the middle previewed.
#   scripts/screenshot.sh [OUT.png]   (default resources/screenshots/main_window.png)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="${1:-$root/resources/screenshots/main_window.png}"
models="${TESSERA_MODELS:-$HOME/.local/share/tessera/models}"
photos="${TESSERA_TEST_PHOTOS:-$HOME/.local/share/tessera/testdata/photos}"
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
mkdir -p "$config/Tessera"
cat > "$config/Tessera/Tessera.conf" <<CONF
[upscale]
model=$models/2x-AniScale.pth
showGrid=true
livePreview=true

[upscale/tiles]
tileSize=160
overlap=16
halo=12
blend=smooth
CONF
XDG_CONFIG_HOME="$config" LANG=en_US.UTF-8 xvfb-run -a -s "-screen 0 1400x900x24" \
  "$root/build/app/tessera" --screenshot "$out" "$photos/astronaut.png"
echo "screenshot: $out"
