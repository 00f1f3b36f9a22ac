"""URLs the API takes (SPEC §1: "Every url … is an absolute http or https URL"; §6 webhook URLs),
through the real `shiplog serve`: a port must be a number up to 65535, an IPv6 literal must
close its bracket and hold an IPv6 address, and brackets stand nowhere else in the authority,
or the URL is refused with a 400 naming its field, so a webhook can never be registered to an
address no delivery could reach. Stores, keys and servers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_url_rules.py
"""
import pytest

from test_api import API, assert_error, unique

BAD = ["https://example.com:99999/", "https://example.com:65536", "https://example.com:http/", "https://example.com:-1/",
       "http://[2001:db8::1/", "http://[2001:db8::1]8080/", "http://[example.com]/",
       # [ and ] only around an IPv6 address: elsewhere Python's urlsplit, for one, refuses the URL.
       "http://a]b/", "http://a[b/", "http://u[@example.com/", "http://[1:2:3]/"]
GOOD = ["https://example.com:65535/", "https://example.com:8443/x?y", "http://[2001:db8::1]:8080/", "https://u:p@example.com:443/"]


@pytest.mark.parametrize("url", BAD)
def test_a_component_url_with_a_bad_port_or_host_is_refused(server, url):
    response = server.admin("PUT", f"{API}/components/url-{unique()}", json={"name": "URL", "url": url})
    assert_error(response, 400, "invalid_request", "url")
    assert "is not an absolute http or https URL (" in response.json()["causes"][0]["error"]


@pytest.mark.parametrize("url", BAD)
def test_a_webhook_url_with_a_bad_port_or_host_is_refused(server, url):
    response = server.admin("POST", f"{API}/webhooks", json={"url": url, "secret": "a-secret-of-enough-length"})
    assert_error(response, 400, "invalid_request", "url")


@pytest.mark.parametrize("url", GOOD)
def test_ports_and_ipv6_literals_that_are_fine_are_taken(server, url):
    response = server.admin("PUT", f"{API}/components/url-{unique()}", json={"name": "URL", "url": url})
    assert response.status_code == 201, response.text
    assert response.json()["url"] == url


@pytest.mark.parametrize("url", ["http://a]b/", "http://[2001:db8::1/"])
def test_a_release_url_with_a_bad_host_is_refused_and_nothing_is_stored(server, url):
    version = f"v9.{unique()}.0"
    body = {"component": "api", "version": version, "published_at": "2026-01-02T03:04:05Z", "url": url}
    response = server.admin("POST", f"{API}/releases", json=body)
    assert_error(response, 400, "invalid_request", "url")
    listed = server.admin("GET", f"{API}/releases", params={"component": "api", "limit": 200})
    assert listed.status_code == 200, listed.text
    versions = [item["version"] for item in listed.json()["items"]]
    assert versions and version not in versions
