"""Headers of mail (SPEC §6): what a mail expert checks in them.

- `--mail-from` takes a display name (`Acme Releases <releases@acme.example>`), which the From
  header carries (RFC 2047 encoded words when it is not plain ASCII); the envelope sender is the
  address alone.

- Each mail's Message-ID is valid RFC 5322 (`id-left "@" id-right`), also when `--public-url`
  names an IPv6 address (the domain literal `[::1]`).
- Message-IDs stay unique after `shiplog prune` removed sent mail (SQLite may then give a removed
  mail's row id to a new one; a receiver that drops duplicates by Message-ID would drop the news).
- A subject with a word too long for a line of 998 characters (a page title without spaces) goes
  out as encoded words, rather than the mail failing for good.
- Links in the HTML part are absolute: the notes' relative links and images are resolved against
  the release's page, as the site resolves them (a mail client has no page to resolve them on).
- An address that no envelope can carry (a store written by hand or by an older version may
  hold one) fails for good with why, and holds up no other mail.
- A `--public-url` that cannot go into a header (non-ASCII host, spaces) is a usage error at
  start, rather than every mail failing for good later.

    python3 -m pytest -q Tests/mail/test_mail_headers.py
"""
import json
import re
import subprocess
import time

import pytest

from test_mail import BINARY, DATA, MAIL_FROM, Server, cli, confirm, parts, free_port, server, servers, sink, store  # noqa: F401  (fixtures)

# RFC 5322 §3.6.4, without obsolete forms: dot-atom-text "@" (dot-atom-text / "[" dtext "]").
ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]"
DOT_ATOM = rf"{ATEXT}+(?:\.{ATEXT}+)*"
MESSAGE_ID = re.compile(rf"<{DOT_ATOM}@(?:{DOT_ATOM}|\[[!-Z^-~]*\])>")


def message_id(mail):
    """The raw Message-ID header of a recorded mail (raw: the parser may choke on a bad one)."""
    (value,) = re.findall(rb"^Message-ID: (.*?)\r$", mail["raw"], flags=re.MULTILINE | re.IGNORECASE)
    return value.decode("ascii")


@pytest.mark.parametrize("name", ["Nimbus Releases", 'Nimbus "Ünïcode" 😀 日本語 עברית, Releases'])
def test_the_from_header_carries_the_display_name_of_mail_from(store, sink, servers, name):
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    server = Server(store, sink.url, extra=("--mail-from", f"{quoted} <{MAIL_FROM}>"))
    servers.append(server)
    assert server.subscribe("named@example.com").status == 202
    (mail,) = sink.wait_to("named@example.com")
    (sender,) = mail["message"]["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, MAIL_FROM)
    assert mail["sender"] == MAIL_FROM
    assert all(byte < 0x80 for byte in mail["raw"]), "a 7-bit message"


def test_a_message_id_under_an_ipv6_public_url_is_a_domain_literal(store, sink, servers):
    port = free_port()
    server = Server(store, sink.url, port=port, extra=("--public-url", f"http://[::1]:{port}/"))
    servers.append(server)
    assert server.subscribe("six@example.com").status == 202
    (mail,) = sink.wait_to("six@example.com")
    value = message_id(mail)
    assert MESSAGE_ID.fullmatch(value), value
    assert value.endswith("@[::1]>"), value
    assert not mail["message"]["Message-ID"].defects
    assert f"http://[::1]:{port}/v1/pages/nimbus/unsubscribe?token=" in str(mail["message"]["List-Unsubscribe"])


def test_message_ids_stay_unique_after_pruning(store, sink, server):
    confirm(server, sink, "once@example.com", ["patch"])
    server.create_release("api", "v1.10.3")
    server.drained()
    time.sleep(2.1)
    pruned = cli("prune", "--db", store.db, "--keep-delivered", "1s").stdout
    assert "Removed 2 sent mails" in pruned, pruned
    assert store.outbox() == {}
    server.create_release("api", "v1.10.4")
    server.drained()
    mails = sink.to("once@example.com")
    assert len(mails) == 3
    ids = [message_id(mail) for mail in mails]
    assert all(MESSAGE_ID.fullmatch(value) for value in ids), ids
    assert len(set(ids)) == 3, ids


def test_a_subject_with_a_word_longer_than_a_line_is_sent_encoded(store, sink, servers):
    data = json.loads(json.dumps(DATA))
    data["page"]["title"] = "Nimbus" + "-x" * 600
    path = store.directory / "long-title.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    cli("import", "--db", store.db, path)
    server = Server(store, sink.url)
    servers.append(server)
    assert server.subscribe("long@example.com").status == 202
    server.drained()
    assert store.outbox() == {"sent": 1}, store.sql("SELECT last_error FROM outbox")
    (mail,) = sink.to("long@example.com")
    assert str(mail["message"]["Subject"]) == "Confirm your subscription to " + data["page"]["title"]
    assert all(len(line) <= 998 for line in mail["raw"].split(b"\r\n"))


def test_links_in_the_html_part_are_absolute(store, sink, server):
    store.import_subscribers(["links@example.com,patch"])
    notes = ("See [the guide](/docs/guide?a=1&b=2), [the last one](../v1.10.2/), [fixed](#fixed), "
             "![a shot](img/shot.png), [elsewhere](https://x.example/a) and [mail](mailto:a@x.example).\n")
    server.create_release("api", "v1.10.3", notes=notes)
    server.drained()
    (mail,) = sink.to("links@example.com")
    _, html = parts(mail["message"])
    page = "https://releases.nimbus.example/components/api/v1.10.3/"
    links = re.findall(r'(?:href|src)="([^"]*)"', html.replace("&amp;", "&"))
    for expected in ("https://releases.nimbus.example/docs/guide?a=1&b=2", "https://releases.nimbus.example/components/api/v1.10.2/",
                     page + "#fixed", page + "img/shot.png", "https://x.example/a", "mailto:a@x.example"):
        assert expected in links, (expected, links)
    assert all(re.match(r"(https?|mailto):", link) for link in links), links


@pytest.mark.parametrize("url, message", [
    ("https://releases.bücher.example/", '--public-url: "https://releases.bücher.example/" is not printable ASCII'),
    ("https://releases.example/a b/", "is not an absolute http or https URL (it contains a space"),
    ("https://releases.example/?x=1", '--public-url: "https://releases.example/?x=1" is not a base URL: the paths of mail links'),
    ("https://:8080/", '--public-url: "https://:8080/" is not an absolute http or https URL'),
    ("ftp://releases.example/", '--public-url: "ftp://releases.example/" is not an absolute http or https URL'),
    ("https://releases.example:99999/", "is not an absolute http or https URL (the port"),
    ("https://[::1/", "is not an absolute http or https URL (its IPv6 address has no closing ])"),
])
def test_a_public_url_mail_cannot_carry_is_a_usage_error(tmp_path, url, message):
    result = subprocess.run(
        [str(BINARY), "serve", "--db", str(tmp_path / "never.db"), "--port", "0", "--smtp", "smtp://127.0.0.1:2525",
         "--mail-from", MAIL_FROM, "--public-url", url],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 64, result.stderr
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "never.db").exists()


def test_an_address_no_envelope_can_carry_fails_for_good_and_holds_up_no_other_mail(store, sink, server):
    # Every way in (the API, the form, `subscribers import`) checks the address; a store written by
    # hand, or by an older version with looser rules, may still hold one.
    store.import_subscribers(["good@example.com,patch"])
    store.sql("INSERT INTO subscribers (page_id, email, email_key, state, preferences, unsubscribe_token, created_at, confirmed_at) "
              "VALUES ('nimbus', 'no at sign', 'no at sign', 'confirmed', ',patch,', 'a-token-no-mail-can-use', 1, 1)")
    server.create_release("api", "v1.10.3", title="Fix")  # a patch release: mail for both
    server.drained()
    assert [mail["recipients"] for mail in sink.all()] == [["good@example.com"]]
    assert store.outbox() == {"sent": 1, "failed": 1}
    ((error,),) = store.sql("SELECT last_error FROM outbox WHERE state = 'failed'")
    assert error == 'invalidMessage: invalid address "no at sign": the address contains a space'
