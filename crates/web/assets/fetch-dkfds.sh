#!/usr/bin/env bash
# Refreshes crates/web/assets/dkfds from the npm registry: Det Fælles Designsystem's built CSS
# (the virk.dk theme), every font and icon that stylesheet refers to, and the license files.
# The binary serves these files itself (nothing is fetched at run time), so they are committed;
# this script is how they were obtained and how a new version is taken:
#   1. set VERSION and INTEGRITY (from `npm view dkfds@<version> dist.integrity`),
#   2. run it, 3. read the diff, run the tests (tests/tests/it/http.rs checks every file the
#      stylesheet refers to is served), commit.
set -euo pipefail

VERSION=11.2.0
INTEGRITY=sha512-JuVf8NjEOeF+TKIhEFXa3BfZvk1ulQM8+XN+6QhgDo6kiwwvupyBY34YU4FglBeyFWHbE5mYDmnrcYTWOSKkEA==
STYLESHEET=css/dkfds-virkdk.min.css

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/dkfds"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "dkfds@$VERSION" >/dev/null)
tarball="$work/dkfds-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "dkfds@$VERSION does not match its pinned integrity: $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
dist="$work/package/dist"

rm -rf "$out"
mkdir -p "$out/css"
cp "$dist/$STYLESHEET" "$out/$STYLESHEET"
cp "$work/package/LICENSE.md" "$out/LICENSE.md"
# Every url(../...) in the stylesheet, with the folder layout kept so the relative links hold.
grep -o 'url(\.\./[^)]*)' "$dist/$STYLESHEET" | sed 's/^url(\.\.\///; s/)$//; s/[?#].*$//' | sort -u |
  while read -r file; do
    mkdir -p "$out/$(dirname "$file")"
    cp "$dist/$file" "$out/$file"
  done
# The font's own license (SIL OFL 1.1) beside each font folder taken.
find "$out/fonts" -mindepth 3 -maxdepth 3 -type d | while read -r dir; do
  cp "$dist/${dir#"$out"/}/license.txt" "$dir/license.txt"
done
printf 'dkfds %s (%s), from the npm registry by fetch-dkfds.sh\n' "$VERSION" "$INTEGRITY" >"$out/VERSION"
echo "dkfds $VERSION: $(find "$out" -type f | wc -l) files in $out"
