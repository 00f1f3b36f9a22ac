#!/usr/bin/env python3
"""A loopback SMTP server for the ShiplogMail tests, on aiosmtpd.

Appends each accepted message to DIR/messages.jsonl, a JSON line with the envelope and the
bytes after DATA (dot-unstuffed, in base64), before it answers 250. Writes the port it listens
on to DIR/ready once it listens.

    python3 smtp_sink.py --dir DIR [--port N] [--starttls | --tls] [--auth USER:PASS]
        [--mechanisms PLAIN,LOGIN] [--reject ADDRESS] [--tempfail ADDRESS] [--no-ehlo] [--silent] [--size N]
        [--no-data] [--lifetime SECONDS]

--starttls offers STARTTLS and --tls speaks TLS from the start, both with a self-signed
certificate for localhost and 127.0.0.1 made at start (DIR/cert.pem, usable as a CA file).
--auth requires AUTH with these credentials (offered without TLS too, as a careless server does;
each attempt is logged to DIR/auth.jsonl); --mechanisms limits what is offered.
--reject answers 550 and --tempfail 451 to RCPT TO for that address (repeatable).
--no-ehlo answers 502 to EHLO so that clients fall back to HELO.
--silent accepts connections and never answers (for timeouts).
--size N advertises SIZE N and refuses larger messages.
--no-data records only envelopes (for benchmarks); --lifetime S exits after S seconds (600).
The sink also exits when the process that started it does.
"""

import argparse
import asyncio
import base64
import datetime
import ipaddress
import json
import logging
import os
import signal
import ssl
import subprocess
import sys
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    sys.stderr.write("aiosmtpd is not installed: run `python3 -m pip install aiosmtpd`\n")
    sys.exit(3)


def write_atomically(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def make_certificate(directory):
    """A self-signed certificate for localhost and 127.0.0.1: cryptography, else the openssl CLI."""
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key_path, "-out", cert_path, "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            check=True, capture_output=True)
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    write_atomically(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    write_atomically(key_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


class Handler:
    def __init__(self, directory, reject, tempfail, keep_data):
        self.keep_data = keep_data
        self.log = open(os.path.join(directory, "messages.jsonl"), "a", encoding="utf-8")
        self.reject = set(reject)
        self.tempfail = set(tempfail)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address in self.tempfail:
            return f"451 4.3.0 <{address}>: Temporary lookup failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        transport = server.transport
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "tls": bool(transport is not None and transport.get_extra_info("ssl_object") is not None),
            "mechanism": getattr(session, "shiplog_mechanism", None),
            "login": getattr(session, "shiplog_login", None),
        }
        if self.keep_data:
            record["data"] = base64.b64encode(envelope.original_content).decode("ascii")
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()
        return "250 2.0.0 Ok: queued"


class NoEHLO(SMTP):
    async def smtp_EHLO(self, hostname):
        await self.push("502 5.5.2 Error: command not recognized")


def authenticator(directory, user, password):
    attempts = os.path.join(directory, "auth.jsonl")

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        transport = server.transport
        tls = bool(transport is not None and transport.get_extra_info("ssl_object") is not None)
        with open(attempts, "a", encoding="utf-8") as log:
            log.write(json.dumps({"mechanism": mechanism, "login": auth_data.login.decode(), "tls": tls}) + "\n")
        if ok:
            session.shiplog_mechanism = mechanism
            session.shiplog_login = user
        return AuthResult(success=ok, handled=False)
    return check


async def main():
    parser = argparse.ArgumentParser(description="SMTP sink for the ShiplogMail tests")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--mechanisms")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--tempfail", action="append", default=[])
    parser.add_argument("--no-ehlo", action="store_true")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--size", type=int)
    parser.add_argument("--no-data", action="store_true")
    parser.add_argument("--lifetime", type=float, default=600)
    options = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    # The test process may have SIGTERM blocked or ignored, and children inherit both.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    context = None
    if options.starttls or options.tls:
        cert_path, key_path = make_certificate(options.dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
    handler = Handler(options.dir, options.reject, options.tempfail, not options.no_data)
    keywords = {"hostname": "sink.test", "auth_require_tls": False}
    if options.starttls:
        keywords["tls_context"] = context
    if options.size:
        keywords["data_size_limit"] = options.size
    if options.auth:
        user, password = options.auth.split(":", 1)
        keywords["authenticator"] = authenticator(options.dir, user, password)
        keywords["auth_required"] = True
    if options.mechanisms:
        offered = set(options.mechanisms.upper().split(","))
        keywords["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN") if m not in offered]
    protocol = NoEHLO if options.no_ehlo else SMTP
    factory = asyncio.Protocol if options.silent else (lambda: protocol(handler, **keywords))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        factory, "127.0.0.1", options.port,
        ssl=context if options.tls else None, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    write_atomically(os.path.join(options.dir, "ready"), str(port).encode())
    parent = os.getppid()
    async with server:
        # Exit with the test process, even when it crashed, and after the lifetime in any case.
        for _ in range(int(options.lifetime * 10)):
            if os.getppid() != parent:
                break
            await asyncio.sleep(0.1)


if __name__ == "__main__":
    asyncio.run(main())
