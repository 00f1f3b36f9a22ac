"""Release e-mail end to end (issue 4, SPEC §6): the real `shiplog` binary and a real SMTP server.

Each test gets a temporary store with `site/data.json` (page "nimbus"), an admin key, a
`shiplog serve --smtp` on its own port and an aiosmtpd server on loopback inside this process
that records every envelope and message (and answers 451 or 550 to chosen recipients, or
waits before answering DATA). Messages are parsed with Python's `email` package, so
quoted-printable and MIME structure are decoded as a mail client would.

Subscription requests come from rotating loopback source addresses (127.0.x.y), so the
per-client limit of 10 a minute only applies where a test wants it.

The binary and `cli` are those of Tests/support/harness.py: SHIPLOG_BIN, else `.build/debug/shiplog` of
this checkout (run `swift build`).

    python3 -m pytest -q Tests/mail
"""
import asyncio
import csv
import email
import email.policy
import http.client
import io
import itertools
import json
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

try:
    from aiosmtpd.controller import Controller
except ImportError:  # a failure, not a skip: these tests are the proof that mail works
    pytest.exit("aiosmtpd is not installed: run `python3 -m pip install aiosmtpd`", returncode=1)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import harness  # noqa: E402
from harness import API, BINARY, DATA_FILE, PAGE, ROOT, cli, free_port, wait_for  # noqa: E402,F401  (BINARY, ROOT for other modules)
from stores import new_db, sql  # noqa: E402

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
BASE_URL = DATA["page"]["base_url"]
SUBSCRIBERS = f"/v1/pages/{PAGE}/subscribers"
MAIL_FROM = "releases@x.example"
ACCEPTED = "Subscriber request accepted, pending email confirmation"

harness.require_binary()


# MARK: - Helpers


_sources = itertools.count(1)


def next_source():
    """A fresh loopback source address, so each subscription request is its own client."""
    n = next(_sources)
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


# MARK: - The SMTP sink


class Sink:
    """aiosmtpd on 127.0.0.1:`port`, recording each accepted message.

    `reject` (550) and `tempfail` (451, once per address) act at RCPT TO; `delay` seconds pass
    before DATA is answered (the message is recorded after the delay, just before the 250).
    """

    def __init__(self, port=None):
        self.port = port or free_port()
        self.lock = threading.Lock()
        self.messages = []  # dicts: sender, recipients, raw, message
        self.reject = set()
        self.tempfail = set()
        self.tempfailed = []
        self.delay = 0.0
        self.controller = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 no such user here"
        if address in self.tempfail:
            self.tempfail.discard(address)
            self.tempfailed.append(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                {"sender": envelope.mail_from, "recipients": list(envelope.rcpt_tos), "raw": raw, "message": parsed}
            )
            self.recorded(session, parsed)
        return "250 2.0.0 accepted"

    def recorded(self, session, message):
        """Called with the lock held for each message recorded; a subclass notes more of it."""

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def all(self):
        with self.lock:
            return list(self.messages)

    def to(self, address):
        return [m for m in self.all() if address in m["recipients"]]

    def count(self):
        with self.lock:
            return len(self.messages)

    def wait_to(self, address, count=1, timeout=10):
        return wait_for(lambda: (lambda got: got if len(got) >= count else None)(self.to(address)), timeout, f"{count} mail(s) to {address}")


# MARK: - Store and server


class Store:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.db = new_db(self.directory)  # SQLite, or PostgreSQL with SHIPLOG_TEST_STORE=postgres
        cli("import", "--db", self.db, DATA_FILE)
        self.admin = cli("keys", "create", "--db", self.db, "--page", PAGE, "--scope", "admin").stdout.strip()
        self.read_key = cli("keys", "create", "--db", self.db, "--page", PAGE, "--scope", "read").stdout.strip()

    def sql(self, query):
        return sql(self.db, query)

    def outbox(self):
        """{state: count} of the outbox."""
        return dict(self.sql("SELECT state, COUNT(*) FROM outbox GROUP BY state"))

    def queued(self):
        """Mails not done yet: waiting, or being handed to the SMTP server (`sending`)."""
        return self.sql("SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')")[0][0]

    def import_subscribers(self, lines):
        path = self.directory / f"subscribers-{time.monotonic_ns()}.csv"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        cli("subscribers", "import", "--db", self.db, "--page", PAGE, path)


class Server(harness.Server):
    """`shiplog serve --smtp` on its own port (a free one unless given), mailing through `sink_url`;
    `request` goes through http.client from a chosen loopback source address and answers a `Reply`."""

    def __init__(self, store, sink_url, port=None, extra=(), env=None):
        port = port or free_port()
        super().__init__(store, "--rate-limit", "0", "--smtp", sink_url, "--mail-from", MAIL_FROM,
                         "--public-url", f"http://127.0.0.1:{port}/", *extra, port=port, env=env)

    def log(self):
        return super().log()[-4000:]

    def request(self, method, path, body=None, headers=None, key=None, source=None):
        headers = dict(headers or {})
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15,
                                                source_address=(source, 0) if source else None)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def local(self, url):
        """The path and query of a link in a mail, to ask this server (links name the public URL)."""
        parts = urllib.parse.urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    # Subscriptions

    def subscribe(self, address, preferences=None, source=None):
        data = {"type": "email", "value": address}
        if preferences is not None:
            data["preferences"] = preferences
        return self.request("PATCH", SUBSCRIBERS, {"op": "add", "data": data}, source=source or next_source())

    def form(self, fields, source=None):
        return self.request("POST", SUBSCRIBERS + "/form", urllib.parse.urlencode(fields),
                            headers={"Content-Type": "application/x-www-form-urlencoded"},
                            source=source or next_source())

    def subscribers(self):
        reply = self.get(API + "/subscribers", key=self.store.admin)
        assert reply.status == 200, reply.text
        return {item["email"]: item for item in reply.json()["items"]}

    # Releases

    def create_release(self, component, version, status="published", title=None, notes="", expect=201):
        body = {"component": component, "version": version, "published_at": "2026-11-01T10:00:00Z",
                "author": "tester", "status": status, "notes": notes}
        if title is not None:
            body["title"] = title
        reply = self.request("POST", API + "/releases", body, key=self.store.admin)
        assert reply.status == expect, reply.text
        return reply

    def release_action(self, component, version, action, expect=200):
        reply = self.request("POST", f"{API}/components/{component}/releases/{version}/{action}", b"", key=self.store.admin)
        assert reply.status == expect, reply.text
        return reply

    def drained(self, timeout=10):
        """Waits until the outbox holds nothing queued or sending (every mail sent or failed for good)."""
        wait_for(lambda: self.store.queued() == 0, timeout, f"an empty outbox (log: {self.log()[-600:]})")

@pytest.fixture
def sink():
    sink = Sink().start()
    yield sink
    sink.stop()


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path)


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def server(store, sink, servers):
    server = Server(store, sink.url)
    servers.append(server)
    return server


# MARK: - Mail helpers


def parts(message):
    """(text, html) bodies of a parsed mail."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None, f"both parts expected: {message.get_content_type()}"
    return text.get_content(), html.get_content()


def confirmation_link(message):
    text, html = parts(message)
    links = re.findall(r"https?://[^\s<>\"]+/subscribers/confirm\?token=[A-Za-z0-9]+", text)
    assert links, text
    assert links[0] in html.replace("&amp;", "&")
    return links[0]


def unsubscribe_url(message):
    header = message["List-Unsubscribe"]
    match = re.fullmatch(r"<(https?://[^>]+)>", str(header).strip())
    assert match, header
    return match.group(1)


def confirm(server, sink, address, preferences=None):
    """Subscribes `address` with double opt-in and follows the link: a confirmed subscriber."""
    before = len(sink.to(address))
    assert server.subscribe(address, preferences).status == 202
    mail = sink.wait_to(address, before + 1)[-1]["message"]
    link = server.local(confirmation_link(mail))
    page = server.get(link)
    assert page.status == 200 and "<form" in page.text, page.text
    reply = server.request("POST", link, b"")
    assert reply.status == 200, reply.text
    return mail


def release_mails(sink, address):
    return [m for m in sink.to(address) if "is out" in str(m["message"]["Subject"])]


def draft_for_a_subscriber(store, sink, server, component, version):
    """dee@example.com takes mail of every release kind, and `component` gets a draft `version`,
    which mails nobody."""
    store.import_subscribers(["dee@example.com,major minor patch prerelease"])
    server.create_release(component, version, status="draft")
    server.drained()
    assert sink.count() == 0


# MARK: - Double opt-in


def test_double_opt_in_through_the_api(store, sink, server):
    reply = server.subscribe("ann@example.com", ["patch"])
    assert reply.status == 202
    assert reply.json() == {"message": ACCEPTED, "pageId": PAGE,
                            "data": {"type": "email", "value": "ann@example.com", "preferences": ["patch"]}}
    mail = sink.wait_to("ann@example.com")[0]
    assert mail["sender"] == MAIL_FROM and mail["recipients"] == ["ann@example.com"]
    message = mail["message"]
    assert "Confirm" in message["Subject"]
    assert message["To"].addresses[0].addr_spec == "ann@example.com"
    assert message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = confirmation_link(message)
    assert link.startswith(server.base + "/v1/pages/nimbus/subscribers/confirm?token=")
    assert server.subscribers()["ann@example.com"]["state"] == "pending"

    # Pending: a patch release brings nothing.
    server.create_release("api", "v1.10.3", notes="Pending people get nothing.")
    server.drained()
    assert len(sink.to("ann@example.com")) == 1

    # Opening the link shows a button and changes nothing (mail link scanners open links).
    opened = server.get(server.local(link))
    assert opened.status == 200 and "ann@example.com" in opened.text and "patch releases" in opened.text
    assert re.search(r'<form method="post" action="\?token=[A-Za-z0-9]+">', opened.text), opened.text
    assert server.subscribers()["ann@example.com"]["state"] == "pending"
    # Its button (a POST to the link) confirms, once.
    first = server.request("POST", server.local(link), b"")
    assert first.status == 200 and "ann@example.com" in first.text
    again = server.request("POST", server.local(link), b"")
    assert again.status == 404 and "not valid" in again.text
    assert server.get(server.local(link)).status == 404
    unknown = server.get(f"/v1/pages/{PAGE}/subscribers/confirm?token=" + "ab" * 24)
    assert unknown.status == 404 and "not valid" in unknown.text
    assert server.get(f"/v1/pages/{PAGE}/subscribers/confirm").status == 404
    entry = server.subscribers()["ann@example.com"]
    assert entry["state"] == "confirmed" and entry["preferences"] == ["patch"] and entry["confirmed_at"]

    # Confirmed: exactly one mail about the next patch release.
    server.create_release("api", "v1.10.4", notes="Now you hear about it.")
    server.drained()
    mails = release_mails(sink, "ann@example.com")
    assert len(mails) == 1 and "v1.10.4" in mails[0]["message"]["Subject"]


def test_an_expired_confirmation_link_is_refused(store, sink, server):
    server.subscribe("late@example.com")
    link = confirmation_link(sink.wait_to("late@example.com")[0]["message"])
    store.sql("UPDATE confirmations SET expires_at = created_at - 1")
    reply = server.get(server.local(link))
    assert reply.status == 404 and "not valid" in reply.text
    reply = server.request("POST", server.local(link), b"")
    assert reply.status == 404 and "not valid" in reply.text
    assert server.subscribers()["late@example.com"]["state"] == "pending"


def test_double_opt_in_through_the_form(store, sink, server):
    reply = server.form([("email", "bo@example.com"), ("preferences", "major"), ("preferences", "minor")])
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html")
    assert "Check your inbox" in reply.text and "bo@example.com" in reply.text
    message = sink.wait_to("bo@example.com")[0]["message"]
    assert server.request("POST", server.local(confirmation_link(message)), b"").status == 200
    entry = server.subscribers()["bo@example.com"]
    assert entry["state"] == "confirmed" and entry["preferences"] == ["major", "minor"]

    bad = server.form([("email", "not an address")])
    assert bad.status == 400 and bad.headers["content-type"].startswith("text/html")
    injected = server.form([("email", "eve@example.com\r\nBcc: evil@x.example")])
    assert injected.status == 400
    time.sleep(1.2)  # a poll of the delivery service
    assert len(sink.all()) == 1 and "eve@example.com" not in server.subscribers()


def test_the_same_answer_for_known_and_unknown_addresses(store, sink, server):
    store.import_subscribers(["known@example.com,major minor patch"])
    answers = {}
    for address in ("known@example.com", "unknown@example.com"):
        reply = server.subscribe(address, ["major", "minor", "patch"])
        body = reply.json()
        body["data"]["value"] = "X"
        answers[address] = (reply.status, sorted(reply.headers.keys()), body)
    assert answers["known@example.com"] == answers["unknown@example.com"]
    assert answers["known@example.com"][0] == 202
    sink.wait_to("unknown@example.com")
    remove = [server.request("PATCH", SUBSCRIBERS, {"op": "remove", "data": {"type": "email", "value": a}}, source=next_source())
              for a in ("known@example.com", "nobody@example.com")]
    assert [r.status for r in remove] == [202, 202]
    assert remove[0].json()["data"]["value"] == "known@example.com"
    assert {**remove[0].json(), "data": None} == {**remove[1].json(), "data": None}
    # Without a mail link's token nothing changes: the subscriber is mailed its unsubscribe link
    # (after the confirmation mail for the preferences asked above).
    assert server.subscribers()["known@example.com"]["state"] == "confirmed"
    mail = sink.wait_to("known@example.com", 2)[-1]["message"]
    assert str(mail["Subject"]) == "Unsubscribe from Nimbus releases?"
    text, _ = parts(mail)
    assert "If it was not you, ignore this mail: your subscription stays as it is." in text
    assert unsubscribe_url(mail) in text
    time.sleep(1.2)  # a poll of the delivery service
    assert not sink.to("nobody@example.com")


def test_a_confirmed_address_changes_only_by_its_owners_confirmation(store, sink, server):
    """Anyone who knows an address could change what it gets (SPEC §6.2): an anonymous `add` for a
    confirmed address and a `remove` without the token only send mail to that address."""
    confirm(server, sink, "cy@example.com", ["major"])
    before = server.subscribers()["cy@example.com"]
    assert server.subscribe("cy@example.com", ["patch", "prerelease"]).status == 202
    change = sink.wait_to("cy@example.com", 2)[-1]["message"]
    assert "Confirm" in str(change["Subject"])
    assert server.subscribers()["cy@example.com"] == before
    remove = {"op": "remove", "data": {"type": "email", "value": "CY@example.com"}}
    assert server.request("PATCH", SUBSCRIBERS, remove, source=next_source()).status == 202
    request = sink.wait_to("cy@example.com", 3)[-1]["message"]
    assert str(request["Subject"]) == "Unsubscribe from Nimbus releases?"
    assert server.subscribers()["cy@example.com"] == before
    # A patch release does not reach the address whose change was not confirmed.
    server.create_release("api", "v1.10.3")
    server.drained()
    assert not release_mails(sink, "cy@example.com")

    # The owner confirms the change from the mail's link (a page, then its button).
    link = server.local(confirmation_link(change))
    assert "patch, prerelease releases" in server.get(link).text
    assert server.subscribers()["cy@example.com"]["preferences"] == ["major"]
    assert server.request("POST", link, b"").status == 200
    entry = server.subscribers()["cy@example.com"]
    assert entry["state"] == "confirmed" and entry["preferences"] == ["patch", "prerelease"]
    assert entry["confirmed_at"] == before["confirmed_at"]

    # A remove with the token of the mail's links unsubscribes at once.
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(unsubscribe_url(request)).query)["token"][0]
    wrong = {"op": "remove", "data": {"type": "email", "value": "cy@example.com", "token": ("1" if token[0] == "0" else "0") + token[1:]}}
    assert server.request("PATCH", SUBSCRIBERS, wrong, source=next_source()).status == 202
    assert server.subscribers()["cy@example.com"]["state"] == "confirmed"
    right = {"op": "remove", "data": {"type": "email", "value": "cy@example.com", "token": token}}
    assert server.request("PATCH", SUBSCRIBERS, right, source=next_source()).status == 202
    assert server.subscribers()["cy@example.com"]["state"] == "unsubscribed"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"op": "add", "data": {"type": "email", "value": "not-an-address"}}, ["data.value"]),
        ({"op": "add", "data": {"type": "email", "value": "a@b"}}, ["data.value"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com\r\nBcc: evil@x.example"}}, ["data.value"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com\nBcc: evil@x.example"}}, ["data.value"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com\r"}}, ["data.value"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com", "preferences": ["weekly"]}}, ["data.preferences[0]"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com", "preferences": []}}, ["data.preferences"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com", "color": "red"}}, ["data.color"]),
        ({"op": "add", "data": {"type": "email", "value": "x@example.com"}, "extra": 1}, ["extra"]),
        ({"op": "add", "data": {"type": "sms", "value": "x@example.com"}}, ["data.type"]),
        ({"op": "subscribe", "data": {"type": "email", "value": "x@example.com"}}, ["op"]),
        ({"op": "add"}, ["data"]),
        ({"op": "add", "data": {"type": "email", "value": "bad\r\n", "preferences": ["x"]}, "y": 1},
         ["data.value", "data.preferences[0]", "y"]),
    ],
)
def test_invalid_subscription_requests_get_400_with_causes(store, sink, server, body, fields):
    reply = server.request("PATCH", SUBSCRIBERS, body, source=next_source())
    assert reply.status == 400, reply.text
    error = reply.json()
    # ReleasePage's error shape on /v1/pages (SPEC §7).
    assert error["error"] == "bad-request" and error["error_description"] and error["error_uri"] == ""
    assert sorted(c["field"] for c in error["error_causes"]) == sorted(fields), error
    assert all(c["error"] for c in error["error_causes"])
    assert store.sql("SELECT COUNT(*) FROM subscribers")[0][0] == 0
    assert store.outbox() == {}


def test_subscription_limits(store, sink, server):
    # The server runs with --rate-limit 0: no request limit, the subscriptions' own one of 10 a
    # minute per address neither (Tests/api/test_subscriptions.py tests it with limits on).
    source = next_source()
    statuses = [server.subscribe(f"n{i}@example.com", source=source).status for i in range(12)]
    assert statuses == [202] * 12
    # At most 3 confirmation mails an hour to one address, whatever it asks.
    for _ in range(5):
        assert server.subscribe("often@example.com").status == 202
    server.drained()
    assert store.sql("SELECT COUNT(*) FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id "
                     "WHERE s.email = 'often@example.com'")[0][0] == 3


# MARK: - Release mail


def test_release_mail_follows_preferences_with_both_parts_links_and_headers(store, sink, server):
    store.import_subscribers([
        "patchy@example.com,patch",
        "minnie@example.com,minor",
        "all@example.com,major minor patch",
        "pre@example.com,major minor patch prerelease",
        "default@example.com",
    ])
    notes = "### Fixed\n- Search *really* works now (#540)\n- Faster `sync`\n"
    server.create_release("api", "v1.10.3", title="Search repair, again", notes=notes)  # patch
    server.create_release("cli", "v1.2.0", title="Plugins")  # minor (v1.1.0 → v1.2.0)
    server.create_release("api", "v1.11.0-beta.1", title="Beta")  # prerelease
    server.create_release("desktop", "2.0.0", title="Big one")  # major
    server.drained()
    subjects = {a: sorted(str(m["message"]["Subject"]) for m in sink.to(a)) for a in
                ("patchy@example.com", "minnie@example.com", "all@example.com", "pre@example.com", "default@example.com")}
    def versions(address):
        return sorted(v for v in ("v1.10.3", "v1.2.0", "v1.11.0-beta.1", "2.0.0")
                      if any(re.search(rf"\b{re.escape(v)}\b", s) for s in subjects[address]))
    assert versions("patchy@example.com") == ["v1.10.3"]
    assert versions("minnie@example.com") == ["v1.2.0"]
    assert versions("all@example.com") == sorted(["v1.10.3", "v1.2.0", "2.0.0"])
    assert versions("default@example.com") == sorted(["v1.10.3", "v1.2.0", "2.0.0"])
    assert versions("pre@example.com") == sorted(["v1.10.3", "v1.2.0", "2.0.0", "v1.11.0-beta.1"])
    assert [len(sink.to(a)) for a in subjects] == [1, 1, 3, 4, 3]
    for mail in sink.all():
        assert len(mail["recipients"]) == 1 and mail["sender"] == MAIL_FROM

    mail = sink.to("patchy@example.com")[0]
    message = mail["message"]
    assert message.get_content_type() == "multipart/alternative"
    assert "Nimbus API" in message["Subject"] and "v1.10.3" in message["Subject"]
    assert message["From"].addresses[0].addr_spec == MAIL_FROM
    assert message["Message-ID"] and message["Date"]
    text, html = parts(message)
    release_url = BASE_URL + "components/api/v1.10.3/"
    assert release_url in text and f'href="{release_url}"' in html
    assert "Search *really* works now" in text or "Search really works now" in text
    assert "<em>really</em>" in html and "<li>" in html and "<code>sync</code>" in html
    assert "#540" in text
    unsubscribe = unsubscribe_url(message)
    assert unsubscribe.startswith(server.base + "/v1/pages/nimbus/unsubscribe?token=")
    assert unsubscribe in text and unsubscribe.replace("&", "&amp;") in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Each subscriber has their own unsubscribe link.
    links = {unsubscribe_url(m["message"]) for m in sink.all()}
    assert len(links) == 5
    (beta,) = [m for m in sink.to("pre@example.com") if "v1.11.0-beta.1" in str(m["message"]["Subject"])]
    assert "pre-release" in str(beta["message"]["Subject"])


def test_every_way_of_publishing_mails_once(store, sink, server):
    # A draft: nothing. Publishing it: one mail. Publishing again, yank + publish: nothing more.
    draft_for_a_subscriber(store, sink, server, "api", "v1.10.3")
    server.release_action("api", "v1.10.3", "publish")
    sink.wait_to("dee@example.com", 1)
    server.release_action("api", "v1.10.3", "publish")
    server.release_action("api", "v1.10.3", "yank")
    server.release_action("api", "v1.10.3", "publish")
    # PATCH a draft to published: one mail.
    server.create_release("web", "3.7.1", status="draft")
    reply = server.request("PATCH", f"{API}/components/web/releases/3.7.1", {"status": "published"}, key=store.admin)
    assert reply.status == 200, reply.text
    reply = server.request("PATCH", f"{API}/components/web/releases/3.7.1", {"title": "Retitled"}, key=store.admin)
    assert reply.status == 200, reply.text
    # POST with status published: one mail.
    server.create_release("cli", "v1.1.1")
    server.drained()
    subjects = sorted(str(m["message"]["Subject"]) for m in sink.to("dee@example.com"))
    assert len(subjects) == 3, subjects
    for version in ("v1.10.3", "3.7.1", "v1.1.1"):
        assert sum(bool(re.search(rf"\b{re.escape(version)} is out", s)) for s in subjects) == 1, (version, subjects)
    # The same Message-ID never repeats.
    assert len({m["message"]["Message-ID"] for m in sink.all()}) == 3

    # `shiplog import` of data with a new published release, while the server runs: one mail.
    data = json.loads(json.dumps(DATA))
    data["releases"].append({"component": "desktop", "version": "1.2.2", "title": "Imported fix",
                             "published_at": "2026-11-02T10:00:00Z", "author": "importer", "notes": "From import."})
    path = store.directory / "more.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    cli("import", "--db", store.db, path)
    got = sink.wait_to("dee@example.com", 4)
    assert "1.2.2" in str(got[-1]["message"]["Subject"]), got[-1]["message"]["Subject"]
    cli("import", "--db", store.db, path)  # again: nothing new
    time.sleep(1.5)
    server.drained()
    assert len(sink.to("dee@example.com")) == 4
    assert store.outbox() == {"sent": 4}


def test_one_click_unsubscribe_stops_mail(store, sink, server):
    store.import_subscribers(["eli@example.com,patch", "fay@example.com,patch"])
    server.create_release("api", "v1.10.3")
    eli = sink.wait_to("eli@example.com")[0]["message"]
    fay = sink.wait_to("fay@example.com")[0]["message"]
    # Opening the link (GET: what link scanners do) only shows a page with a button.
    page = server.get(server.local(unsubscribe_url(fay)))
    assert page.status == 200 and "<form" in page.text and 'method="post"' in page.text
    assert server.subscribers()["fay@example.com"]["state"] == "confirmed"
    # RFC 8058: a POST with List-Unsubscribe=One-Click to the header's URL.
    reply = server.request("POST", server.local(unsubscribe_url(eli)), "List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200, reply.text
    assert server.subscribers()["eli@example.com"]["state"] == "unsubscribed"
    assert server.subscribers()["eli@example.com"]["unsubscribed_at"]
    again = server.request("POST", server.local(unsubscribe_url(eli)), "List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert again.status == 200
    bogus = server.request("POST", f"/v1/pages/{PAGE}/unsubscribe?token=" + "00" * 24, "List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert bogus.status == 404
    server.create_release("api", "v1.10.4")
    server.drained()
    assert len(sink.to("eli@example.com")) == 1
    assert len(sink.to("fay@example.com")) == 2


def test_header_injection_creates_no_header(store, sink, server):
    store.import_subscribers(["gus@example.com,major minor patch"])
    evil = "Evil\r\nBcc: evil@x.example\r\nX-Injected: yes"
    # Names and titles with line breaks are refused at the door (SPEC §6.2), so they never reach a subject.
    reply = server.request("PUT", f"{API}/components/tools", {"name": evil, "description": "d"}, key=store.admin)
    assert reply.status == 400 and '"field":"name"' in reply.text, reply.text
    for title in (evil, "First\nBcc: evil@x.example", "Second\rBcc: evil@x.example"):
        server.create_release("api", "v1.10.3", title=title, expect=400)
    # Notes may hold line breaks: they go into the body, never into a header.
    server.create_release("api", "v1.10.3", title="Fix", notes="Line one\r\nBcc: evil@x.example\r\n\r\nX-Injected: yes\n")
    server.drained()
    mails = sink.all()
    assert len(mails) == 1
    for mail in mails:
        assert mail["recipients"] == ["gus@example.com"]
        message = mail["message"]
        assert message["Bcc"] is None and message["X-Injected"] is None, mail["raw"][:2000]
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
        header_block = mail["raw"].split(b"\r\n\r\n", 1)[0]
        for line in header_block.split(b"\r\n"):
            assert not line.lower().startswith((b"bcc", b"x-injected")), header_block
        # Every top-level header is one the mailer writes.
        names = {name.lower() for name in message.keys()}
        assert names <= {"from", "to", "subject", "date", "message-id", "mime-version", "content-type",
                         "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post"}, names
    assert not sink.to("evil@x.example")


# MARK: - Delivery: outages, crashes, restarts, failures


def test_smtp_server_down_then_back(store, servers):
    sink = Sink()  # not listening yet
    store.import_subscribers([f"h{i}@example.com,patch" for i in range(3)])
    server = Server(store, sink.url)
    servers.append(server)
    try:
        server.create_release("api", "v1.10.3")
        wait_for(lambda: store.sql("SELECT COUNT(*) FROM outbox WHERE attempts > 0")[0][0] >= 1, 5, "a failed attempt")
        errors = store.sql("SELECT last_error FROM outbox WHERE attempts > 0")
        assert errors and all(e[0] for e in errors)
        assert store.outbox() == {"queued": 3}
        # Who unsubscribes meanwhile gets nothing of what was queued for them.
        token = store.sql("SELECT unsubscribe_token FROM subscribers WHERE email = 'h2@example.com'")[0][0]
        remove = {"op": "remove", "data": {"type": "email", "value": "h2@example.com", "token": token}}
        assert server.request("PATCH", SUBSCRIBERS, remove, source=next_source()).status == 202
        assert store.outbox() == {"queued": 2, "failed": 1}
        sink.start()
        server.drained(timeout=30)  # the first retry is 5 s after the failure
        assert store.outbox() == {"sent": 2, "failed": 1}
        time.sleep(1.2)
        assert [len(sink.to(f"h{i}@example.com")) for i in range(3)] == [1, 1, 0]
        assert sink.count() == 2
    finally:
        sink.stop()


def test_a_451_is_retried_and_a_550_fails_only_that_mail(store, sink, server):
    store.import_subscribers(["ok1@example.com,patch", "gone@example.com,patch", "busy@example.com,patch", "ok2@example.com,patch"])
    sink.reject.add("gone@example.com")
    sink.tempfail.add("busy@example.com")
    server.create_release("api", "v1.10.3")
    server.drained(timeout=30)
    states = dict(store.sql("SELECT s.email, o.state FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id"))
    assert states == {"ok1@example.com": "sent", "gone@example.com": "failed", "busy@example.com": "sent", "ok2@example.com": "sent"}
    error = store.sql("SELECT last_error, attempts FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id "
                      "WHERE s.email = 'gone@example.com'")[0]
    assert "550" in error[0] and error[1] == 1
    assert sink.tempfailed == ["busy@example.com"]
    assert [len(sink.to(a)) for a in ("ok1@example.com", "gone@example.com", "busy@example.com", "ok2@example.com")] == [1, 0, 1, 1]
    # The failed mail is not tried again.
    time.sleep(1.2)
    assert sink.count() == 3 and store.outbox() == {"sent": 3, "failed": 1}


def test_kill_9_with_mail_queued_then_restart(store, sink, servers):
    total = 200
    addresses = [f"k{i:03}@example.com" for i in range(total)]
    store.import_subscribers([f"{a},patch" for a in addresses])
    sink.delay = 0.01
    server = Server(store, sink.url)
    servers.append(server)
    server.create_release("api", "v1.10.3")
    wait_for(lambda: sink.count() >= 20, 15, "the first mails")
    server.kill9()
    sent_before = store.outbox().get("sent", 0)
    assert store.queued() > 0, "the kill came too late to leave mail queued"
    assert sent_before >= 19

    restarted = Server(store, sink.url)
    servers.append(restarted)
    restarted.drained(timeout=30)
    time.sleep(0.3)
    # The mail the SMTP server was receiving at the kill was marked `sending` first: the restart
    # gives it up as failed rather than sending it again. A server that keeps a message whose
    # client vanished before the 250 has it; this sink, answering 10 ms late, drops it.
    outbox = store.outbox()
    assert outbox in ({"sent": total}, {"sent": total - 1, "failed": 1}), outbox
    abandoned = store.sql(
        "SELECT s.email, o.last_error FROM outbox o JOIN subscribers s ON s.id = o.subscriber_id WHERE o.state = 'failed'"
    )
    assert all("probably delivered" in error for _, error in abandoned), abandoned
    mails = sink.all()
    by_recipient = {}
    for mail in mails:
        (recipient,) = mail["recipients"]
        by_recipient.setdefault(recipient, set()).add(str(mail["message"]["Message-ID"]))
    missing = sorted(set(addresses) - set(by_recipient))
    assert missing in ([], [email for email, _ in abandoned]), (missing, abandoned)
    assert all(len(ids) == 1 for ids in by_recipient.values()), "one Message-ID per recipient and release"
    assert len({next(iter(ids)) for ids in by_recipient.values()}) == len(by_recipient)
    # Exactly once: no mail reached the sink twice.
    assert len(mails) == len(by_recipient), len(mails) - len(by_recipient)

    # A restart with everything sent sends nothing.
    assert restarted.stop() == 0
    count = sink.count()
    third = Server(store, sink.url)
    servers.append(third)
    time.sleep(2.2)
    assert sink.count() == count and store.outbox() == outbox


def test_a_graceful_stop_keeps_queued_mail(store, sink, servers):
    store.import_subscribers([f"q{i}@example.com,patch" for i in range(50)])
    sink.delay = 0.02
    server = Server(store, sink.url)
    servers.append(server)
    server.create_release("api", "v1.10.3")
    wait_for(lambda: sink.count() >= 5, 10, "the first mails")
    assert server.stop() == 0
    stopped_at = sink.count()
    assert stopped_at < 50 and store.queued() == 50 - store.outbox().get("sent", 0)
    server = Server(store, sink.url)
    servers.append(server)
    server.drained(timeout=20)
    recipients = [m["recipients"][0] for m in sink.all()]
    assert len(set(recipients)) == 50 and len(recipients) == 50


# MARK: - Admin


def test_admin_list_and_csv_export_show_states(store, sink, server):
    store.import_subscribers(["imported@example.com,major minor"])
    server.subscribe("pending@example.com", ["minor"])
    confirm(server, sink, "confirmed@example.com", ["patch", "prerelease"])
    mail = confirm(server, sink, "leaver@example.com")
    assert server.request("POST", server.local(unsubscribe_url(mail)), b"").status == 200
    listed = server.subscribers()
    assert {a: (e["state"], e["preferences"]) for a, e in listed.items()} == {
        "imported@example.com": ("confirmed", ["major", "minor"]),
        "pending@example.com": ("pending", ["minor"]),
        "confirmed@example.com": ("confirmed", ["patch", "prerelease"]),
        "leaver@example.com": ("unsubscribed", ["major", "minor", "patch"]),
    }
    assert listed["leaver@example.com"]["unsubscribed_at"] and listed["pending@example.com"]["confirmed_at"] is None
    assert server.get(API + "/subscribers").status == 401
    assert server.get(API + "/subscribers", key=store.read_key).status == 403

    exported = cli("subscribers", "export", "--db", store.db, "--page", PAGE).stdout
    rows = list(csv.reader(io.StringIO(exported)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["email", "state", "preferences"]
    table = {r[0]: (r[1], r[2]) for r in body}
    assert table["pending@example.com"][0] == "pending"
    assert table["confirmed@example.com"][0] == "confirmed" and set(table["confirmed@example.com"][1].split()) == {"patch", "prerelease"}
    assert table["leaver@example.com"][0] == "unsubscribed"
    assert table["imported@example.com"][0] == "confirmed"
    # An address that unsubscribed here stays unsubscribed when imported again.
    store.import_subscribers(["leaver@example.com,major"])
    assert server.subscribers()["leaver@example.com"]["state"] == "unsubscribed"


def test_mail_and_server_pages_follow_template_overrides(store, sink, servers, tmp_path):
    overrides = tmp_path / "theme"
    (overrides / "mail").mkdir(parents=True)
    (overrides / "server").mkdir()
    (overrides / "mail" / "confirm.subject.mustache").write_text("Please confirm: {{{page_title}}}\n", encoding="utf-8")
    (overrides / "mail" / "confirm.txt.mustache").write_text("Custom text. Link: {{{confirm_url}}}\n", encoding="utf-8")
    (overrides / "server" / "confirmed.mustache").write_text("<p>Custom thanks, {{email}}!</p>\n", encoding="utf-8")
    server = Server(store, sink.url, extra=("--templates", overrides))
    servers.append(server)
    assert server.subscribe("tia@example.com", ["major"]).status == 202
    message = sink.wait_to("tia@example.com")[0]["message"]
    assert message["Subject"] == "Please confirm: Nimbus releases"
    text, html = parts(message)
    assert text.startswith("Custom text. Link: ")
    # The HTML part is still the default theme's: overrides go file by file.
    assert "Confirm my subscription" in html
    link = server.local(confirmation_link(message))
    assert "Confirm my subscription" in server.get(link).text  # the default theme's button page
    page = server.request("POST", link, b"")
    assert page.status == 200 and page.text == "<p>Custom thanks, tia@example.com!</p>\n"


@pytest.mark.parametrize("seconds", ["1", "86401", "soon"])
def test_the_outbox_lease_is_checked(store, seconds):
    result = cli("serve", "--db", store.db, "--port", "0", "--outbox-lease", seconds, check=False)
    assert result.returncode == 64 and "--outbox-lease" in result.stderr, result.stderr
    assert re.search(r"--outbox-lease <s>.*\(default: 120\)", cli("serve", "--help").stdout, re.S)
