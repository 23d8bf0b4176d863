# Shared helpers for bin/start, bin/test and .ci/run. Source it; do not run it.
# shellcheck shell=bash

RENAKSI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$RENAKSI_ROOT/.venv"
PG_PORT=5432

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# True when "$1" runs and is Python 3.12 or newer.
python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# Print the path of a working Python >= 3.12. RENAKSI_PYTHON overrides the search.
find_python() {
    local home candidate
    if [ -n "${RENAKSI_PYTHON:-}" ]; then
        python_ok "$RENAKSI_PYTHON" || die "RENAKSI_PYTHON=$RENAKSI_PYTHON is not a working Python >= 3.12."
        command -v "$RENAKSI_PYTHON"
        return
    fi
    home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
    # PATH first (a pyenv shim that is not active fails when run, and is skipped),
    # then pyenv's own builds, newest first, then the system's.
    for candidate in python3.13 python3.12 python3 \
        $(ls -d "$home"/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
        $(ls -d /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] 2>/dev/null | sort -rV); do
        if python_ok "$candidate"; then
            if [[ $candidate == */* ]]; then
                say "$candidate"
            else
                command -v "$candidate"
            fi
            return
        fi
    done
    die "no Python 3.12 or newer found (Django 6.1 needs it).
Tried python3.13, python3.12 and python3 on PATH, ~/.pyenv/versions/3.1[2-9]*/bin/python3
and /usr/bin/python3.1[2-9]. Install one (e.g. 'pyenv install 3.12'), or point
RENAKSI_PYTHON at it."
}

# Make sure .venv exists with a Python >= 3.12 and the project installed.
#   ensure_venv base   -> pip install -e .
#   ensure_venv dev    -> pip install -e '.[dev]'
# pip runs only when pyproject.toml changed since the last successful install
# (a stamp file in .venv holds its checksum), so a second run is fast.
ensure_venv() {
    local kind=$1 python spec hash
    if ! python_ok "$VENV/bin/python"; then
        python=$(find_python) || exit 1
        say "Creating .venv with $python ($("$python" --version 2>&1))"
        rm -rf "$VENV"
        "$python" -m venv "$VENV" || die "could not create $VENV with $python"
    fi
    hash=$(sha256sum "$RENAKSI_ROOT/pyproject.toml" | cut -d' ' -f1)
    if [ "$(cat "$VENV/.renaksi-dev.stamp" 2>/dev/null)" = "$hash" ] ||
        { [ "$kind" = base ] && [ "$(cat "$VENV/.renaksi-base.stamp" 2>/dev/null)" = "$hash" ]; }; then
        say "Dependencies up to date ($("$VENV/bin/python" --version), pyproject.toml unchanged)."
        return
    fi
    spec=.
    [ "$kind" = dev ] && spec=".[dev]"
    say "Installing $spec into .venv (pyproject.toml changed or first run)..."
    (cd "$RENAKSI_ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e "$spec") ||
        die "pip install -e '$spec' failed (see above)."
    say "$hash" >"$VENV/.renaksi-$kind.stamp"
    [ "$kind" = dev ] && say "$hash" >"$VENV/.renaksi-base.stamp"
    return 0
}

# --- PostgreSQL on 127.0.0.1:5432 ---------------------------------------------

pg_admin_url() { say "postgresql://postgres@127.0.0.1:$PG_PORT/postgres"; }

# Run a trivial query as postgres@127.0.0.1:5432 with no password: with psql when it is
# installed, otherwise with psycopg from .venv. Prints the error on failure.
pg_query() {
    if command -v psql >/dev/null 2>&1; then
        PGCONNECT_TIMEOUT=3 psql -X -w -q -A -t "$(pg_admin_url)" -c 'select 1' 2>&1 >/dev/null
    elif [ -x "$VENV/bin/python" ]; then
        "$VENV/bin/python" - "$(pg_admin_url)" 2>&1 >/dev/null <<'PY'
import sys

try:
    import psycopg
except ImportError:
    sys.exit("neither psql nor psycopg is installed")
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except psycopg.Error as exc:
    sys.exit(str(exc).strip())
PY
    else
        say "neither psql nor .venv with psycopg is there to check"
        return 1
    fi
}

# 0 when user postgres can log in to 127.0.0.1:5432 without a password.
pg_reachable() { pg_query >/dev/null 2>&1; }

pg_installed() {
    command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
}

pg_install() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
        die "PostgreSQL is not installed, and this is not root with apt-get to install it.
The PostgreSQL run is part of the suite. Install PostgreSQL (apt-get install postgresql), make it
listen on 127.0.0.1:5432 with trust auth for user postgres, and run bin/test again."
    say "Installing PostgreSQL with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null ||
        die "apt-get install postgresql failed."
}

# Debian's clusters (postgresql-common) set to listen on $PG_PORT: "version name status" lines.
pg_clusters() {
    command -v pg_lsclusters >/dev/null 2>&1 || return 0
    pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2, $4}'
}

pg_start_clusters() {
    local version name status
    while read -r version name status; do
        [ -n "$version" ] && [ "$status" != online ] || continue
        say "Starting PostgreSQL cluster $version/$name..."
        pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start ||
            say "  pg_ctlcluster $version $name start failed (it may need root)."
    done < <(pg_clusters)
}

# Let user postgres in from 127.0.0.1 and ::1 without a password: lines on top of pg_hba.conf
# (the first matching line wins), then reload. Only used as root, on CI or on a fresh install.
pg_trust_local() {
    local version name status hba
    while read -r version name status; do
        hba=/etc/postgresql/$version/$name/pg_hba.conf
        [ -f "$hba" ] || continue
        grep -q '^host all postgres 127.0.0.1/32 trust' "$hba" && continue
        say "Allowing trust auth for postgres@127.0.0.1 in $hba"
        { printf '%s\n' '# added by renaksi (bin/_common.sh) for local test runs' \
            'host all postgres 127.0.0.1/32 trust' 'host all postgres ::1/128 trust'
          cat "$hba"; } >"$hba.renaksi-new" && cat "$hba.renaksi-new" >"$hba"
        rm -f "$hba.renaksi-new"
        pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload ||
            say "  pg_ctlcluster $version $name reload failed."
    done < <(pg_clusters)
}

# Wait up to 15 s for the server; give up at once if it answers but refuses the login.
pg_wait() {
    local i error
    for i in $(seq 1 30); do
        error=$(pg_query) && return 0
        case "$error" in *password* | *authentication*) return 1 ;; esac
        sleep 0.5
    done
    return 1
}

# Make PostgreSQL reachable on 127.0.0.1:5432 as user postgres without a password.
#   ensure_postgres        -> start it if stopped, install it if absent (root + apt-get);
#                             set trust auth only on a server this call installed.
#   ensure_postgres ci     -> also set trust auth on an existing server (CI machines).
ensure_postgres() {
    local mode=${1:-} installed_now=0
    pg_reachable && return 0
    if ! pg_installed; then
        pg_install
        installed_now=1
    fi
    pg_start_clusters
    pg_wait && return 0
    if [ "$(id -u)" = 0 ] && { [ "$installed_now" = 1 ] || [ "$mode" = ci ]; }; then
        pg_trust_local
        pg_wait && return 0
    fi
    die "PostgreSQL is not reachable as postgres@127.0.0.1:$PG_PORT without a password:
  $(pg_query | tail -n 3)
The PostgreSQL run is part of the suite and is not skipped. Start the server
(pg_ctlcluster --skip-systemctl-redirect 15 main start) and allow trust auth for user postgres
from 127.0.0.1 in pg_hba.conf, then run bin/test again."
}

# --- What the test suite needs from the system ----------------------------------

# The Debian packages the suite needs and this machine lacks, one per line:
#   chromium            the browser test (tests/test_browser.py) drives Debian's chromium;
#                       RENAKSI_CHROMIUM names another binary instead
#   libpango-1.0-0 ...  WeasyPrint (pinned) loads Pango, HarfBuzz and fontconfig at import
#   fonts-dejavu-core   with no font at all, generated PDFs have no text
#   gettext             xgettext checks that the decree library's finding messages are
#                       extracted for translation (tests/test_finding_messages.py)
missing_test_packages() {
    if [ -n "${RENAKSI_CHROMIUM:-}" ]; then
        [ -x "$RENAKSI_CHROMIUM" ] || say "RENAKSI_CHROMIUM"
    elif ! command -v chromium >/dev/null 2>&1; then
        say chromium
    fi
    if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import weasyprint' >/dev/null 2>&1; then
        say libpango-1.0-0
        say libpangoft2-1.0-0
        say libharfbuzz-subset0
    fi
    if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list 2>/dev/null | head -n 1)" ]; then
        say fonts-dejavu-core
    fi
    command -v xgettext >/dev/null 2>&1 || say gettext
    # Reading official documents back (reports' PDFs) and a worksheet re-saved by a spreadsheet
    # program (tests/test_worksheet.py).
    command -v pdftotext >/dev/null 2>&1 || say poppler-utils
    command -v soffice >/dev/null 2>&1 || say libreoffice-calc-nogui
}

# Install what missing_test_packages lists, as bin/test does for PostgreSQL: with apt-get when
# this is root, otherwise fail with the command to run. Fails (after the message) if anything
# is still missing, so the summary shows it; the tests then run anyway.
ensure_test_packages() {
    local packages
    mapfile -t packages < <(missing_test_packages)
    if [ "${#packages[@]}" = 0 ]; then
        say "chromium (${RENAKSI_CHROMIUM:-$(command -v chromium)}), WeasyPrint's libraries and fonts are there."
        return 0
    fi
    if [[ " ${packages[*]} " == *" RENAKSI_CHROMIUM "* ]]; then
        say "RENAKSI_CHROMIUM=$RENAKSI_CHROMIUM is not an executable file: point it at a chromium" \
            "binary, or unset it to use Debian's chromium."
        return 1
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing ${packages[*]} with apt-get (the test suite needs them)..."
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -q >/dev/null && apt-get install -y -q "${packages[@]}" >/dev/null; }; then
            say "apt-get install -y ${packages[*]} failed (see above)."
            return 1
        fi
        mapfile -t packages < <(missing_test_packages)
        [ "${#packages[@]}" = 0 ] && return 0
        say "still missing after apt-get: ${packages[*]}"
        return 1
    fi
    say "The test suite needs ${packages[*]}, and this is not root with apt-get to install it."
    say "Install it with: sudo apt-get install -y ${packages[*]}"
    [[ " ${packages[*]} " == *" chromium "* ]] &&
        say "(or set RENAKSI_CHROMIUM to a chromium binary you have). Then run bin/test again."
    return 1
}
