#!/usr/bin/env bash
# Regenerates the lock files (every Python package, transitive ones included, pinned with hashes) from
# requirements.txt and requirements-dev.txt. Run it after changing either; commit all four files.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools"
"$tools/bin/pip" install --quiet --disable-pip-version-check pip-tools==7.7.0
# Extras are kept (no --strip-extras): pip's hash-checking install reads a package another asks for with an extra
# (weasyprint's "fonttools[woff]>=4.59.2") as a requirement of its own, and once a newer release than the pinned one
# is published it refuses it as unpinned, unless the lock pins it with the extra ("fonttools[woff]==4.68.0").
for name in requirements requirements-dev; do
  "$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --no-header \
    --output-file "$name.lock" "$name.txt"
done
