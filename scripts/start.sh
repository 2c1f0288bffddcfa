#!/usr/bin/env bash
# Sets the machine up (scripts/setup.sh) and starts Tessera: the desktop app
# with the default model when there is a display, else how to use the CLI.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="${TESSERA_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"

models_dir="${TESSERA_MODELS:-$HOME/.local/share/tessera/models}"
default_model="$models_dir/2x-AniScale.pth"
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  exec "$build_dir/app/tessera" --model "$default_model" "$@"
fi
cli="$build_dir/app/tessera-cli"
cat <<MSG
No display found, so the desktop app cannot open here. Use the command line:

  $cli info IMAGE
  $cli upscale IMAGE -o OUT.png -m "$default_model"
  $cli models            # the models in $models_dir
  $cli --help

Or start the app under a virtual display: xvfb-run -a $build_dir/app/tessera
MSG
