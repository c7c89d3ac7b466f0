# tests/ensure-packages.sh: sourced by tests/run-tests.sh and
# examples/run-demo.sh (the README's two commands).  Set ENSURE_TAG to the
# script's name for the messages.
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
            echo "${ENSURE_TAG:-ensure}: missing ${missing[*]}, and not root: install them" >&2
            return 0
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "${ENSURE_TAG:-ensure}: missing ${missing[*]}, and no apt-get: install them" >&2
        return 0
    fi
    echo "${ENSURE_TAG:-ensure}: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q || echo "${ENSURE_TAG:-ensure}: apt-get update failed" >&2
    if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        # One package that cannot be had must not stop the others.
        for pkg in "${missing[@]}"; do
            $sudo apt-get install -y -q --no-install-recommends "$pkg" ||
                echo "${ENSURE_TAG:-ensure}: could not install $pkg" >&2
        done
    fi
}
