#!/usr/bin/env bash
# examples/run-demo.sh: build libmtl and the mtl tool, then run `mtl demo`.
#
# On a Debian machine it installs what is missing (apt-get, as root): a C
# compiler, meson, ninja and pkg-config; nothing else (no tests, no
# bindings).  Builds into build-demo/ at the top of the repository.  Safe to
# run again, from any directory.  Extra arguments go to `mtl demo`.
set -u

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd) || exit 2
cd "$ROOT" || exit 2

# "package[:command]": present when the command is on PATH or dpkg has the
# package installed.  apt-get runs (update first) only when one is missing.
ensure_packages() {
    local spec pkg cmd missing=()
    for spec in "$@"; do
        pkg=${spec%%:*}
        cmd=
        [ "$pkg" != "$spec" ] && cmd=${spec#*:}
        if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then
            continue
        fi
        if command -v dpkg-query >/dev/null 2>&1 &&
           dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
               grep -q 'ok installed'; then
            continue
        fi
        missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    local sudo=
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo='sudo -n'
        else
            echo "run-demo: missing ${missing[*]}, and not root: install them" >&2
            return 0
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "run-demo: missing ${missing[*]}, and no apt-get: install them" >&2
        return 0
    fi
    echo "run-demo: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q || echo "run-demo: apt-get update failed" >&2
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        echo "run-demo: apt-get install failed" >&2
}

ensure_packages gcc:gcc libc6-dev meson:meson ninja-build:ninja \
    pkg-config:pkg-config

DIR=build-demo
OPTS=(-Dtests=disabled -Dbindings=false -Dexamples=true)
if [ -f "$DIR/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$DIR" "${OPTS[@]}" ||
        meson setup --wipe "$DIR" "${OPTS[@]}" || exit 1
else
    rm -rf "$DIR"
    meson setup "$DIR" "${OPTS[@]}" || exit 1
fi
meson compile -C "$DIR" || exit 1

MTL="$DIR/examples/mtl/mtl"
if [ ! -x "$MTL" ]; then
    echo "run-demo: $MTL was not built (examples/mtl/meson.build)" >&2
    exit 1
fi
echo "run-demo: $MTL demo $*"
exec "$MTL" demo "$@"
