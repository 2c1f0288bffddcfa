#!/usr/bin/env bash
# Fetches the real photographs the model tests compare on: scikit-image's
# sample photos (chelsea.png, a cat; astronaut.png, the NASA portrait) from
# Debian's python3-skimage package, unpacked without installing it (it would
# pull in matplotlib and scipy). Idempotent.
#   $TESSERA_TEST_PHOTOS (default ~/.local/share/tessera/testdata/photos)
set -euo pipefail

photos_dir="${TESSERA_TEST_PHOTOS:-$HOME/.local/share/tessera/testdata/photos}"
if [[ -f "$photos_dir/chelsea.png" && -f "$photos_dir/astronaut.png" ]]; then
  echo "fetch_testdata: photos already in $photos_dir"
  exit 0
fi

work=$(mktemp -d)
chmod 755 "$work" # apt downloads as the _apt user
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download python3-skimage >/dev/null) || {
  # The package lists may be missing on a fresh machine.
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update >/dev/null
  (cd "$work" && apt-get download python3-skimage >/dev/null)
}
dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
data=$(find "$work/x" -type d -path '*skimage/data' | head -1)
mkdir -p "$photos_dir"
cp "$data/chelsea.png" "$data/astronaut.png" "$photos_dir/"
echo "fetch_testdata: photos in $photos_dir"
