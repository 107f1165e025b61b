#!/usr/bin/env python3
"""A local SMTP server for the tests: records every accepted message as one JSON line, answers scripted replies.

Needs Debian's python3-aiosmtpd (`apt-get install -y python3-aiosmtpd`, listed in scripts/lib.sh).

  smtp_recorder.py --port P --out FILE [--starttls CERT KEY] [--implicit-tls CERT KEY] [--auth USER:PASSWORD]
                   [--rules JSON] [--delay SECONDS]

--rules is a list of {"stage": "mail"|"rcpt"|"data", "match": "substring of the recipient (or sender)",
"code": 451, "text": "...", "times": N}: the first N commands that match get that reply instead of the normal one.
Each recorded line: {"mail_from", "rcpt_tos", "tls", "auth", "headers": [[name, value], ...],
"parts": [{"type", "text"}], "raw"}. Prints READY when it listens.
"""
import argparse
import asyncio
import email
import email.policy
import json
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Rules:
    def __init__(self, rules):
        self.rules = rules
        self.lock = threading.Lock()

    def reply(self, stage, address):
        with self.lock:
            for rule in self.rules:
                if rule["stage"] == stage and rule.get("match", "") in address and rule.get("times", 1) > 0:
                    rule["times"] = rule.get("times", 1) - 1
                    return "%d %s" % (rule["code"], rule.get("text", "scripted reply"))
        return None


class Recorder:
    def __init__(self, out, rules, delay):
        self.out = out
        self.rules = rules
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        scripted = self.rules.reply("mail", address)
        if scripted:
            return scripted
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        scripted = self.rules.reply("rcpt", address)
        if scripted:
            return scripted
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        scripted = self.rules.reply("data", ",".join(envelope.rcpt_tos))
        if scripted:
            return scripted
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.get_content_maintype() == "multipart":
                continue
            parts.append({"type": part.get_content_type(), "text": part.get_content()})
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "headers": [[name, str(value)] for name, value in message.items()],
            "parts": parts,
            "raw": raw.decode("utf-8", "replace"),
        }
        with self.lock:
            with open(self.out, "a") as file:
                file.write(json.dumps(record) + "\n")
                file.flush()
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth")
    parser.add_argument("--rules", default="[]")
    parser.add_argument("--delay", type=float, default=0, help="seconds before each message is accepted")
    args = parser.parse_args()

    handler = Recorder(args.out, Rules(json.loads(args.rules)), args.delay)
    options = {"hostname": "127.0.0.1", "port": args.port}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.starttls or args.implicit_tls))
    if args.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.starttls)
        options.update(tls_context=context, require_starttls=True)
    if args.implicit_tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.implicit_tls)
        options.update(ssl_context=context)
    controller = Controller(handler, **options)
    controller.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
