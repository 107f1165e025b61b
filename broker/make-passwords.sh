#!/usr/bin/env bash
# Writes the broker's password file from environment variables, one per account.
#
#   broker/make-passwords.sh [--owner UID:GID] [ACCOUNTS] [OUT]
#
# ACCOUNTS is the list make-accounts.sh wrote (default broker/generated/accounts;
# without it, the service and operator accounts only). OUT defaults to broker/generated/passwords.
# Two files, one per kind of listener (broker/mosquitto.prod.conf): OUT holds the service accounts,
# OUT-clients the operator, device and person accounts, so no device or person can log in where
# client ids are free, and no service where they are tied to the account name.
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

kinds=()
names=()
if [[ -f "$accounts" ]]; then
    while read -r kind name; do
        [[ -n "${name:-}" ]] && { kinds+=("$kind"); names+=("$name"); }
    done < "$accounts"
else
    echo "make-passwords: no $accounts, writing the service and operator accounts only (run make-accounts.sh for devices and people)" >&2
    for name in ingest router escalator slack-gateway webhook-gateway sms-whatsapp-gateway integration-health-notifier; do
        kinds+=(service); names+=("$name")
    done
    kinds+=(operator); names+=(ops)
fi

umask 077
mkdir -p "$(dirname "$out")"
services_plain="$(mktemp "$(dirname "$out")/.passwords.XXXXXX")"
clients_plain="$(mktemp "$(dirname "$out")/.passwords.XXXXXX")"
trap 'rm -f "$services_plain" "$clients_plain"' EXIT

written=0
missing=()
for i in "${!names[@]}"; do
    name="${names[$i]}"
    var="MQTT_PASSWORD_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9' '_')"
    value="${!var:-}"
    if [[ -z "$value" ]]; then
        missing+=("$name ($var)")
        continue
    fi
    if [[ "${kinds[$i]}" == service ]]; then
        printf '%s:%s\n' "$name" "$value" >> "$services_plain"
    else
        printf '%s:%s\n' "$name" "$value" >> "$clients_plain"
    fi
    written=$((written + 1))
done

if (( written == 0 )); then
    echo "make-passwords: no MQTT_PASSWORD_* variable set for any account; nothing written" >&2
    exit 1
fi
# mosquitto_passwd -U leaves an empty file empty: a listener without accounts accepts nobody.
"$passwd_tool" -U "$services_plain"
"$passwd_tool" -U "$clients_plain"
mv "$services_plain" "$out"
mv "$clients_plain" "$out-clients"
trap - EXIT
chmod 0600 "$out" "$out-clients"
if [[ -n "$owner" ]]; then
    chown "$owner" "$out" "$out-clients"
fi

echo "make-passwords: wrote $out (services) and $out-clients (operator, devices, people): $written accounts"
if (( ${#missing[@]} > 0 )); then
    echo "make-passwords: warning: no password for ${#missing[@]} accounts, which cannot log in:" >&2
    printf '  %s\n' "${missing[@]}" >&2
fi
