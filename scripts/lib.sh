# Shared by scripts/run and scripts/test: system packages and tool paths. Source it, don't run it.
# shellcheck shell=bash

# The C libraries the package links, the broker the tests start, and its clients;
# python3-yaml for broker/make-accounts.sh, which the broker ACL test runs; openssl for the certificates the TLS tests make;
# python3-aiosmtpd for the SMTP server the e-mail tests start (Tests/TestSupport/smtp_recorder.py).
# shellcheck disable=SC2034 # used by the scripts that source this file
ALERTING_APT_PACKAGES=(mosquitto mosquitto-clients libmosquitto-dev libsqlite3-dev libcurl4-openssl-dev python3-yaml openssl python3-aiosmtpd)

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root for: $* (and sudo is not installed)"
        return 1
    fi
}

# Installs the packages that are missing; `apt-get update` runs once, and only then.
# The mosquitto package would start a system broker on port 1883: a temporary
# policy-rc.d keeps it stopped, since every test starts its own broker and
# scripts/run wants the port for its own.
ensure_apt_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    (( ${#missing[@]} == 0 )) && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        log "missing packages ${missing[*]} and no apt-get to install them: install them yourself"
        return 1
    fi
    log "installing ${missing[*]}"
    local policy=/usr/sbin/policy-rc.d placed_policy=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod 0755 "$policy" && placed_policy=1
    fi
    local rc=0
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
    if (( rc == 0 )); then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
    fi
    if (( placed_policy )); then as_root rm -f "$policy"; fi
    return "$rc"
}

# The broker lives in /usr/sbin, which is not on every user's PATH; Swift may live in /opt/swift.
ensure_tool_paths() {
    if ! command -v mosquitto >/dev/null 2>&1 && [[ -x /usr/sbin/mosquitto ]]; then
        export PATH="$PATH:/usr/sbin"
    fi
    if ! command -v mosquitto >/dev/null 2>&1; then
        log "mosquitto not found (install the mosquitto package)"
        return 1
    fi
    if ! command -v swift >/dev/null 2>&1; then
        local dir
        for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin "$HOME/.swiftly/bin" "$HOME/.local/share/swiftly/bin"; do
            if [[ -x "$dir/swift" ]]; then export PATH="$dir:$PATH"; break; fi
        done
    fi
    if ! command -v swift >/dev/null 2>&1; then
        log "swift not found: install a Swift 6 toolchain (https://www.swift.org/install/linux/)"
        return 1
    fi
}
