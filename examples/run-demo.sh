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

ENSURE_TAG=run-demo
# shellcheck source=../tests/ensure-packages.sh
. "$ROOT/tests/ensure-packages.sh"

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
