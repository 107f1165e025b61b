#!/usr/bin/env bash
# Writes the broker's accounts and what each may do, from the alerting configuration:
#
#   broker/make-accounts.sh [CONFIG] [OUT_DIR]
#
# CONFIG defaults to config/alerting.yaml, OUT_DIR to broker/generated. Writes
# - OUT_DIR/acl: the services' ACL (broker/acl with the topic root applied), for the services listener;
# - OUT_DIR/dynamic-security-roles.json: the operator, device and person accounts and their roles, for the
#   dynamic-security plugin of the clients listeners (make-passwords.sh adds the password hashes);
# - OUT_DIR/accounts: one `kind name` line per account, read by make-passwords.sh.
# Needs python3 with PyYAML (apt-get install python3-yaml).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
config="${1:-$root/config/alerting.yaml}"
out="${2:-$here/generated}"

if [[ ! -f "$config" ]]; then
    echo "make-accounts: no configuration at $config (copy config/alerting.example.yaml and edit it)" >&2
    exit 1
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "make-accounts: python3 with PyYAML is needed (apt-get install python3-yaml)" >&2
    exit 1
fi

mkdir -p "$out"
python3 - "$config" "$here/acl" "$out" <<'PY'
import json
import re
import sys

import yaml

config_path, static_acl, out = sys.argv[1:4]
with open(config_path, encoding="utf-8") as f:
    config = yaml.safe_load(f) or {}

root = ((config.get("broker") or {}).get("topic_root") or "alerting").strip("/")
services = ["ingest", "router", "escalator", "slack-gateway", "webhook-gateway",
            "sms-whatsapp-gateway", "email-gateway", "integration-health-notifier"]

# Same rule as Topics.isValidSegment, plus no dots in tenant ids: `.` joins tenant and user in people accounts.
def valid_segment(text):
    return bool(text) and not re.search(r"[/+#\x00]", text) and len(text.encode()) <= 200

problems = []
# Services log in on the services listener; `operator`, `device` and `person` accounts on the clients listener, where
# the client id is the account name (make-passwords.sh writes one password file per listener).
accounts = [("service", name) for name in services] + [("operator", "ops")]


def role(name, reads=(), writes=(), subscribes=None):
    """A dynamic-security role: `reads` may be subscribed to and received, `writes` published; `subscribes`, when
    given, widens what may be subscribed to (what is received stays `reads`)."""
    acls = [{"acltype": "subscribePattern", "topic": t, "allow": True} for t in (subscribes or reads)]
    acls += [{"acltype": "publishClientReceive", "topic": t, "allow": True} for t in reads]
    acls += [{"acltype": "publishClientSend", "topic": t, "allow": True} for t in writes]
    return {"rolename": name, "acls": acls}


# The operator reads every kind of topic but dispatches (recipients' addresses and action tokens) and analytics
# (requests and answers between the router and whoever asked), and writes nothing. It may subscribe to `alerting/#`
# (what it may not read is not delivered), but never to a shared subscription: subscribing is checked against these
# patterns, and `$share/{group}/...` matches none of them, so no client account can join a gateway's group and take
# or drop its turn of the dispatches.
ops_kinds = ["in", "rejected", "events", "alerts", "ack", "escalations", "receipts", "inbox", "status", "consumers"]
roles = [role("ops", reads=[f"{root}/{kind}/#" for kind in ops_kinds] + ["integrations/#", "$SYS/#"],
              subscribes=[f"{root}/#", "integrations/#", "$SYS/#"])]
clients = [{"username": "ops", "textname": "operator (read only)", "roles": [{"rolename": "ops"}]}]
for t_index, tenant in enumerate(config.get("tenants") or []):
    tid = str(tenant.get("id", ""))
    where = f"tenants[{t_index}].id"
    if not valid_segment(tid) or "." in tid or ":" in tid:
        problems.append(f"{where}: {tid!r} cannot be a broker account (empty, or has / + # . : or NUL)")
        continue
    if tid in services or tid == "ops":
        problems.append(f"{where}: tenant {tid!r} has the name of a service or operator account; its devices would share that account")
        continue
    # A device's client id is its account name; services' client ids start with `alerting-` (alerting-ingest-0-of-1).
    if tid.startswith("alerting-"):
        problems.append(f"{where}: tenant {tid!r} starts with `alerting-`, which is reserved for the services' client ids")
        continue
    # A disabled tenant keeps its account, so re-enabling it needs no new password; ingest rejects its intake.
    accounts.append(("device", tid))
    # Devices and integration monitors of the tenant: its intake and integration health, its alert states.
    roles.append(role(f"device:{tid}", reads=[f"{root}/alerts/{tid}/#"],
                      writes=[f"{root}/in/{tid}/#", f"integrations/health/{tid}/#"]))
    clients.append({"username": tid, "textname": f"devices of tenant {tid}", "roles": [{"rolename": f"device:{tid}"}]})
    for u_index, user in enumerate(tenant.get("users") or []):
        uid = str(user.get("id", ""))
        if not valid_segment(uid) or ":" in uid:
            problems.append(f"tenants[{t_index}].users[{u_index}].id: {uid!r} cannot be used in a topic or account name")
            continue
        name = f"{tid}.{uid}"
        accounts.append(("person", name))
        # Acknowledgements only as themselves (ingest trusts the `/by/{user}` suffix), their own inbox, and their own
        # integration notification preferences: changed here, read back retained.
        roles.append(role(f"person:{name}",
                          reads=[f"{root}/alerts/{tid}/#", f"{root}/inbox/{tid}/{uid}",
                                 f"integrations/preferences/{tid}/{uid}/effective"],
                          writes=[f"{root}/ack/{tid}/+/by/{uid}", f"integrations/preferences/{tid}/{uid}"]))
        clients.append({"username": name, "textname": f"user {uid} of tenant {tid}", "roles": [{"rolename": f"person:{name}"}]})

seen = {}
for kind, name in accounts:
    if name in seen:
        problems.append(f"account {name!r} would be both a {seen[name]} and a {kind} account")
    seen[name] = kind

if problems:
    for p in problems:
        print(f"make-accounts: {p}", file=sys.stderr)
    sys.exit(1)

with open(static_acl, encoding="utf-8") as f:
    fixed = f.read()
if root != "alerting":
    fixed = re.sub(r"^(topic|pattern|#\s*topic)(\s+\w+\s+)alerting/", lambda m: f"{m.group(1)}{m.group(2)}{root}/", fixed, flags=re.M)

with open(f"{out}/acl", "w", encoding="utf-8") as f:
    f.write(f"# Generated by broker/make-accounts.sh from {config_path}: do not edit, edit broker/acl.\n\n")
    f.write(fixed.rstrip("\n") + "\n")
# Everything not granted is denied, subscribing included; no client may administer the plugin ($CONTROL).
security = {
    "defaultACLAccess": {"publishClientSend": False, "publishClientReceive": False, "subscribe": False, "unsubscribe": True},
    "clients": clients,
    "groups": [],
    "roles": roles,
}
with open(f"{out}/dynamic-security-roles.json", "w", encoding="utf-8") as f:
    json.dump(security, f, indent=1)
    f.write("\n")
with open(f"{out}/accounts", "w", encoding="utf-8") as f:
    for kind, name in accounts:
        f.write(f"{kind} {name}\n")

counts = {k: sum(1 for kind, _ in accounts if kind == k) for k in ("service", "operator", "device", "person")}
print(f"make-accounts: wrote {out}/acl, {out}/dynamic-security-roles.json and {out}/accounts "
      f"({counts['service']} services, {counts['device']} device accounts, {counts['person']} people)")
PY
