#!/usr/bin/env bash
# Replace the vendored idn-area-data files (renaksi/units/data/idn-area-data/) with those of
# another version of the npm package, e.g. scripts/update-units-data.sh 4.0.1
# Copies provinces.csv, regencies.csv, the data licence (data/LICENSE.md) and the package
# licence (LICENSE) unmodified, and sets the version in that folder's README.md. Needs npm and
# the network. Then: review `git diff`, run bin/test, and `python manage.py load_units`.
set -euo pipefail

package=idn-area-data
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/renaksi/units/data/idn-area-data"

die() {
    printf 'update-units-data: %s\n' "$*" >&2
    exit 1
}

case "${1:-}" in
"" | -h | --help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    [ -n "${1:-}" ] && exit 0 || exit 2
    ;;
esac
requested=$1
command -v npm >/dev/null || die "npm not found; install Node.js and npm."
[ -d "$dest" ] || die "$dest not found."

work=$(mktemp -d "${TMPDIR:-/tmp}/units-data.XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball=$(cd "$work" && npm pack --loglevel=error "$package@$requested" | tail -n 1) ||
    die "npm pack $package@$requested failed (see above)."
tar -xzf "$work/$tarball" -C "$work" || die "cannot unpack $tarball."
version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$work/package/package.json" | head -n 1)
[ -n "$version" ] || die "no version in the package's package.json."

# source in the package -> name here
files=(data/provinces.csv:provinces.csv data/regencies.csv:regencies.csv
    data/LICENSE.md:LICENSE.md LICENSE:LICENSE)
for pair in "${files[@]}"; do
    [ -f "$work/package/${pair%%:*}" ] || die "$package@$version has no ${pair%%:*}."
done
for pair in "${files[@]}"; do
    from="$work/package/${pair%%:*}" to="$dest/${pair##*:}"
    case ${pair##*:} in
    LICENSE*)
        cmp -s "$from" "$to" ||
            printf 'WARNING: %s changed in %s@%s: read it before committing.\n' \
                "${pair%%:*}" "$package" "$version" >&2
        ;;
    esac
    cp "$from" "$to"
done
sed -i "s/^- Version: .*/- Version: $version/" "$dest/README.md"
grep -q "^- Version: $version\$" "$dest/README.md" ||
    die "could not set the version in $dest/README.md; edit its '- Version:' line."

printf 'Copied %s@%s into %s:\n' "$package" "$version" "${dest#"$root"/}"
(cd "$dest" && wc -l provinces.csv regencies.csv | sed 's/^/  /')
printf 'Next: git diff %s, bin/test, python manage.py load_units\n' "${dest#"$root"/}"
