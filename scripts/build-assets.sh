#!/usr/bin/env bash
# Builds childnrm/static_build from npm packages and childnrm/assets: the GOV.UK Frontend stylesheet
# (Arial, /static/ paths), its images and JavaScript, GOV.UK's accessible autocomplete (script and
# stylesheet, loaded only by the pages that use it) and our small scripts. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

src=childnrm/assets
out=childnrm/static_build
govuk=node_modules/govuk-frontend/dist/govuk
autocomplete=node_modules/accessible-autocomplete/dist

if [ ! -x node_modules/.bin/sass ] || [ ! -d "$govuk" ] || [ ! -d "$autocomplete" ]; then
  echo "npm packages are missing: run 'npm ci' (or scripts/setup.sh) first" >&2
  exit 1
fi

# Build into a fresh directory (under node_modules, which git ignores), then swap it in, so a
# failed build leaves the previous assets in place and nothing stale survives.
mkdir -p node_modules/.cache
tmp=$(mktemp -d node_modules/.cache/childnrm-static-build.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/css" "$tmp/js" "$tmp/govuk" "$tmp/autocomplete"

node_modules/.bin/sass --load-path=node_modules --quiet-deps --style=compressed --no-source-map \
  "$src/scss/application.scss" "$tmp/css/application.css"

cp -R "$govuk/assets" "$tmp/govuk/assets"
# Fonts are GDS Transport, licensed for gov.uk only: we use Arial and do not serve them.
rm -rf "$tmp/govuk/assets/fonts"
# With the source maps the packages' files name (sourceMappingURL): production's manifest storage follows those
# names when it collects the files, and fails on one that is missing (core/tests/test_static_for_production.py).
cp "$govuk/govuk-frontend.min.js" "$govuk/govuk-frontend.min.js.map" "$tmp/govuk/"
cp "$autocomplete"/accessible-autocomplete.min.{js,css}{,.map} "$tmp/autocomplete/"
cp "$src/js/js-enabled.js" "$src/js/init.mjs" "$src/js/autocomplete.mjs" "$src/js/session-timeout.mjs" "$tmp/js/"

if grep -q "GDS Transport\|/fonts/" "$tmp/css/application.css"; then
  echo "The stylesheet refers to the GDS Transport font: check \$govuk-font-family" >&2
  exit 1
fi

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
chmod -R a+rX "$out"
echo "Built $out"
