#!/usr/bin/env bash
# Writes the broker's password file from environment variables, one per account.
#
#   broker/make-passwords.sh [--owner UID:GID] [ACCOUNTS] [OUT]
#
# ACCOUNTS is the list make-accounts.sh wrote (default broker/generated/accounts;
# without it, the service accounts only). OUT defaults to broker/generated/passwords.
# The password of account NAME comes from MQTT_PASSWORD_<NAME>, upper-cased with
# every character other than A-Z and 0-9 turned into `_`:
#   ingest -> MQTT_PASSWORD_INGEST, webhook-gateway -> MQTT_PASSWORD_WEBHOOK_GATEWAY,
#   acme -> MQTT_PASSWORD_ACME, acme.alice -> MQTT_PASSWORD_ACME_ALICE.
# An account without a variable is left out (it cannot log in) and named in a warning.
# Passwords are hashed by mosquitto_passwd -U from a private temporary file: they never
# appear on a command line, in the output, or in the result.
# --owner chowns the result, e.g. --owner 1883:1883 for the eclipse-mosquitto image,
# whose broker runs as uid 1883 and must be able to read the file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
owner=""
if [[ "${1:-}" == "--owner" ]]; then
    owner="${2:?--owner needs UID:GID}"
    shift 2
fi
accounts="${1:-$here/generated/accounts}"
out="${2:-$here/generated/passwords}"

passwd_tool="$(command -v mosquitto_passwd || true)"
if [[ -z "$passwd_tool" ]]; then
    echo "make-passwords: mosquitto_passwd not found (apt-get install mosquitto)" >&2
    exit 1
fi

services=(ingest router escalator slack-gateway webhook-gateway sms-whatsapp-gateway integration-health-notifier ops)
names=()
if [[ -f "$accounts" ]]; then
    while read -r _kind name; do
        [[ -n "${name:-}" ]] && names+=("$name")
    done < "$accounts"
else
    echo "make-passwords: no $accounts, writing the service accounts only (run make-accounts.sh for devices and people)" >&2
    names=("${services[@]}")
fi

umask 077
mkdir -p "$(dirname "$out")"
plain="$(mktemp "$(dirname "$out")/.passwords.XXXXXX")"
trap 'rm -f "$plain"' EXIT

written=0
missing=()
for name in "${names[@]}"; do
    var="MQTT_PASSWORD_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9' '_')"
    value="${!var:-}"
    if [[ -z "$value" ]]; then
        missing+=("$name ($var)")
        continue
    fi
    printf '%s:%s\n' "$name" "$value" >> "$plain"
    written=$((written + 1))
done

if (( written == 0 )); then
    echo "make-passwords: no MQTT_PASSWORD_* variable set for any account; nothing written" >&2
    exit 1
fi
"$passwd_tool" -U "$plain"
mv "$plain" "$out"
trap - EXIT
chmod 0600 "$out"
if [[ -n "$owner" ]]; then
    chown "$owner" "$out"
fi

echo "make-passwords: wrote $out ($written accounts)"
if (( ${#missing[@]} > 0 )); then
    echo "make-passwords: warning: no password for ${#missing[@]} accounts, which cannot log in:" >&2
    printf '  %s\n' "${missing[@]}" >&2
fi
