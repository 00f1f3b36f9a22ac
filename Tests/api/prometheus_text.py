"""The Prometheus text exposition format as `GET /metrics` answers it, parsed for the tests of
`test_metrics.py`: every line must be a comment, a blank or a sample, and no series may appear twice."""
import re

from test_api import wait_for

TOKEN = "metrics-0123456789abcdef0123456789"

SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')


def parse(text):
    """Samples of a Prometheus text exposition: {(name, frozenset of (label, value))): value}, and
    the declared types {name: type}. Fails on any line that is not a comment, a blank or a sample."""
    samples, types = {}, {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in types, f"two TYPE lines for {name}"
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        match = SAMPLE.fullmatch(line)
        assert match, f"not a sample line: {line!r}"
        name, block, value = match.groups()
        labels = {}
        position = 0
        while block and position < len(block):
            label = LABEL.match(block, position)
            assert label, f"bad labels in {line!r}"
            labels[label.group(1)] = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), label.group(2))
            position = label.end()
        key = (name, frozenset(labels.items()))
        assert key not in samples, f"a series twice: {line!r}"
        samples[key] = float(value)
    return samples, types


class Metrics:
    """One scrape, parsed."""

    def __init__(self, text):
        self.text = text
        self.samples, self.types = parse(text)

    def value(self, name, **labels):
        """The sample of `name` with exactly these labels (0 when absent, as for a counter not yet counted)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def series(self, name):
        return [(dict(labels), value) for (sample, labels), value in self.samples.items() if sample == name]

    def requests(self, route, method, status):
        return self.value("shiplog_http_requests_total", route=route, method=method, status=str(status))


def scrape(server, token=TOKEN):
    response = server.get("/metrics", token)
    assert response.status_code == 200, response.text
    return Metrics(response.text)


def eventually(server, check, timeout=5.0):
    """Scrapes until `check(metrics)` holds (a request is counted once its answer was written whole,
    which can be just after the client read it); returns that scrape."""
    seen = []

    def holds():
        seen[:] = [scrape(server)]
        return check(seen[0])

    try:
        wait_for(holds, timeout=timeout)
    except AssertionError:
        raise AssertionError(f"the metrics never matched; last scrape:\n{seen[0].text}") from None
    return seen[0]
