"""Mail and the active release (SPEC §3, §6): activating a draft publishes it, so its subscribers
get the one mail publishing sends; activating a release that is published already (a rollback)
sends none. Real binary and a real SMTP sink, as in `test_mail.py` (whose fixtures are used here).

    python3 -m pytest -q Tests/mail/test_active_mail.py
"""
import re
import time

from test_mail import (  # noqa: F401  (fixtures are used by name)
    draft_for_a_subscriber,
    server,
    servers,
    sink,
    store,
)


def test_activating_a_draft_mails_once_and_a_rollback_mails_nothing(store, sink, server):
    draft_for_a_subscriber(store, sink, server, "api", "v1.11.0")

    server.release_action("api", "v1.11.0", "activate")
    got = sink.wait_to("dee@example.com", 1)
    assert re.search(r"\bv1\.11\.0 is out", str(got[0]["message"]["Subject"])), got[0]["message"]["Subject"]

    # Activating it again, rolling back to an older release and forward again: no more mail.
    server.release_action("api", "v1.11.0", "activate")
    server.release_action("api", "v1.9.1", "activate")
    server.release_action("api", "v1.11.0", "activate")
    reply = server.request("DELETE", "/api/v1/pages/nimbus/components/api/active", key=store.admin)
    assert reply.status == 200, reply.text
    time.sleep(1.0)
    server.drained()
    assert len(sink.to("dee@example.com")) == 1
    assert store.outbox() == {"sent": 1}
