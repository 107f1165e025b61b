#!/usr/bin/env bash
# Writes the broker's credentials from environment variables, one per account.
#
#   broker/make-passwords.sh [--owner UID:GID] [ACCOUNTS] [OUT]
#
# ACCOUNTS is the list make-accounts.sh wrote (default broker/generated/accounts;
# without it, the service accounts only). OUT defaults to broker/generated/passwords.
# Two files, one per kind of listener (broker/mosquitto.prod.conf): OUT, the password file of the
# service accounts (services listener), and dynamic-security.json next to it, the operator, device
# and person accounts with their roles (make-accounts.sh's dynamic-security-roles.json next to
# ACCOUNTS) for the clients listeners' dynamic-security plugin. So no device or person can log in
# where client ids are free, and no service where they are tied to the account name.
# The password of account NAME comes from MQTT_PASSWORD_<NAME>, upper-cased with
# every character other than A-Z and 0-9 turned into `_`:
#   ingest -> MQTT_PASSWORD_INGEST, webhook-gateway -> MQTT_PASSWORD_WEBHOOK_GATEWAY,
#   acme -> MQTT_PASSWORD_ACME, acme.alice -> MQTT_PASSWORD_ACME_ALICE.
# An account without a variable is left out (it cannot log in) and named in a warning.
# Service passwords are hashed by mosquitto_passwd -U from a private temporary file, the others
# (PBKDF2-SHA512, as the plugin checks them) by python3 reading the environment: they never appear
# on a command line, in the output, or in the result.
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
roles="$(dirname "$accounts")/dynamic-security-roles.json"
security="$(dirname "$out")/dynamic-security.json"

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
    echo "make-passwords: no $accounts, writing the service accounts only (run make-accounts.sh for the operator, devices and people)" >&2
    for name in ingest router escalator slack-gateway webhook-gateway sms-whatsapp-gateway email-gateway integration-health-notifier; do
        kinds+=(service); names+=("$name")
    done
fi
if [[ ! -f "$roles" ]]; then
    echo "make-passwords: no $roles: the clients listeners get no accounts (run make-accounts.sh)" >&2
fi

umask 077
mkdir -p "$(dirname "$out")"
services_plain="$(mktemp "$(dirname "$out")/.passwords.XXXXXX")"
clients_file="$(mktemp "$(dirname "$out")/.dynamic-security.XXXXXX")"
trap 'rm -f "$services_plain" "$clients_file"' EXIT

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
    fi
    written=$((written + 1))
done

if (( written == 0 )); then
    echo "make-passwords: no MQTT_PASSWORD_* variable set for any account; nothing written" >&2
    exit 1
fi
# mosquitto_passwd -U leaves an empty file empty: a listener without accounts accepts nobody.
"$passwd_tool" -U "$services_plain"
# The plugin's file: the roles as make-accounts.sh wrote them, each client with a password given a hash of it
# (PBKDF2-HMAC-SHA512, a 12-byte salt, 101 iterations: what the plugin and mosquitto_passwd use); a client without one
# is left out and cannot log in.
python3 - "$roles" "$clients_file" <<'PY'
import base64
import hashlib
import json
import os
import re
import sys

roles_path, out_path = sys.argv[1:3]
try:
    with open(roles_path, encoding="utf-8") as f:
        security = json.load(f)
except FileNotFoundError:
    security = {"defaultACLAccess": {"publishClientSend": False, "publishClientReceive": False, "subscribe": False,
                                     "unsubscribe": True}, "clients": [], "groups": [], "roles": []}
clients = []
for client in security["clients"]:
    variable = "MQTT_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", client["username"].upper())
    password = os.environ.get(variable, "")
    if not password:
        continue
    salt = os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 101, 64)
    clients.append(dict(client, password=base64.b64encode(digest).decode(), salt=base64.b64encode(salt).decode(),
                        iterations=101))
security["clients"] = clients
with open(out_path, "w", encoding="utf-8") as f:
    json.dump(security, f, indent=1)
    f.write("\n")
PY
mv "$services_plain" "$out"
mv "$clients_file" "$security"
trap - EXIT
chmod 0600 "$out" "$security"
if [[ -n "$owner" ]]; then
    chown "$owner" "$out" "$security"
fi

echo "make-passwords: wrote $out (services) and $security (operator, devices, people): $written accounts"
if (( ${#missing[@]} > 0 )); then
    echo "make-passwords: warning: no password for ${#missing[@]} accounts, which cannot log in:" >&2
    printf '  %s\n' "${missing[@]}" >&2
fi
