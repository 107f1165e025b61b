#!/usr/bin/env bash
# Writes a private CA and a server certificate signed by it, for the broker's TLS listener (8883).
#
#   broker/make-certs.sh HOSTNAME [OUT_DIR]
#
# HOSTNAME is the name clients connect to (it goes into the certificate's subjectAltName, which clients verify;
# an IP address works too). OUT_DIR defaults to broker/certs: ca.crt (give it to clients: --mqtt-ca-file),
# ca.key (keep it offline), server.crt and server.key (mounted into the broker). A certificate from a public CA
# works as well: put it and its key in OUT_DIR as server.crt and server.key, and the CA bundle as ca.crt.
set -euo pipefail

host="${1:?usage: make-certs.sh HOSTNAME [OUT_DIR]}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${2:-$here/certs}"
days="${CERT_DAYS:-825}"

if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then san="IP:$host"; else san="DNS:$host"; fi

umask 077
mkdir -p "$out"
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=alerting broker CA" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$host" -keyout "$out/server.key" -out "$out/server.csr" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" > "$out/server.ext"
openssl x509 -req -in "$out/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days "$days" \
    -extfile "$out/server.ext" -out "$out/server.crt" 2>/dev/null
rm -f "$out/server.csr" "$out/server.ext" "$out/ca.srl"
# The broker reads its key after dropping privileges (uid 1883 in the eclipse-mosquitto image).
chmod 0644 "$out/ca.crt" "$out/server.crt"
chmod 0640 "$out/server.key"
echo "make-certs: wrote $out/ca.crt, $out/server.crt and $out/server.key for $host ($san)"
