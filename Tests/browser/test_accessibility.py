"""Accessibility of every kind of page the build writes, in a real browser (issue 15).

axe-core (shipped by the axe-selenium-python package, no network) runs on one page of each kind
of the example site (Tests/browser/sitekinds.py finds the kinds in the built folder, so pages that
new templates add are checked too) in light mode, dark mode and on a 390 px phone, and must
report no violation at all. Then the keyboard: Tab walks through every focusable element of a
page of each path shape, and each one must show a focus indicator that it does not have unfocused.

    python3 -m pip install --ignore-requires-python 'axe-selenium-python==3.0.0'  # axe-core 4
    python3 -m pytest -q Tests/browser/test_accessibility.py
"""
import pytest
import sitekinds

# The form is drawn, never sent: nothing listens there.
FORM_SERVER = "http://127.0.0.1:9/"
FIXED_SHAPES = {"index.html", "404.html", "components/*/index.html", "components/*/*/index.html", "groups/*/index.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = sitekinds.build(tmp_path_factory.mktemp("a11y"), server_url=FORM_SERVER)
    server = sitekinds.StaticServer(out)
    yield {"url": server.url, "out": out, "kinds": sitekinds.page_kinds(out)}
    server.stop()


@pytest.fixture(scope="module")
def browser():
    driver = sitekinds.chrome()
    yield driver
    driver.quit()


@pytest.fixture
def clean(browser):
    yield browser
    sitekinds.reset_mode(browser)


def test_the_kinds_cover_every_fixed_page_and_are_found_in_the_build(site):
    kinds = site["kinds"]
    assert FIXED_SHAPES <= {name.split("#")[0] for name in kinds}, f"kinds found: {sorted(kinds)}"
    for path in kinds.values():
        assert (site["out"] / path / "index.html").is_file() or (site["out"] / path).is_file(), path
    # Pages that differ only in their text are one kind: the 320 releases of the long component
    # are a handful of kinds, not 320.
    assert sum(path.startswith("components/sdk/") for path in kinds.values()) < 10


def test_a_page_that_a_new_template_adds_is_a_kind_of_its_own(tmp_path):
    pages = {"index.html": '<main class="home">', "components/a/index.html": '<ol class="rows">',
             "components/b/index.html": '<ol class="rows">', "components/b/page/2/index.html": '<ol class="rows">',
             "components/a/v1/index.html": "<article>", "components/a/v2/index.html": '<article class="is-yanked">',
             "search/index.html": "<form>"}
    for path, body in pages.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(body, encoding="utf-8")
    assert sitekinds.page_kinds(tmp_path) == {
        "components/*/*/*/index.html": "components/b/page/2/", "components/*/*/index.html": "components/a/v1/",
        "components/*/*/index.html#2": "components/a/v2/", "components/*/index.html": "components/a/",
        "index.html": "", "search/index.html": "search/"}


@pytest.mark.parametrize("mode", sitekinds.MODES, ids=[mode[0] for mode in sitekinds.MODES])
def test_axe_finds_no_violation(site, clean, mode):
    name, scheme, width = mode
    sitekinds.set_mode(clean, scheme, width)
    failures = []
    for kind, path in site["kinds"].items():
        clean.get(site["url"] + path)
        assert clean.execute_script("return matchMedia(arguments[0]).matches",
                                    f"(prefers-color-scheme: {scheme})"), f"{name}: the colour scheme is not emulated"
        if width:
            assert clean.execute_script("return window.innerWidth") == width
        violations = sitekinds.axe_violations(clean)
        if violations:
            failures.append(sitekinds.report(f"{name} /{path} ({kind})", violations))
    assert not failures, "axe-core found accessibility violations:\n" + "\n\n".join(failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible(site, clean, scheme):
    sitekinds.set_mode(clean, scheme, None)
    problems = []
    pages = {}
    for kind, path in site["kinds"].items():
        pages.setdefault(kind.split("#")[0], path)
    for path in pages.values():
        clean.get(site["url"] + path)
        stops, found = sitekinds.focus_problems(clean, f"/{path}")
        assert len(stops) >= 2, f"/{path}: Tab reaches {len(stops)} elements"
        assert "skip-link" in stops[0]["what"], f"/{path}: the first Tab stop is {stops[0]['what']}"
        problems += found
    assert not problems, f"{scheme}: focus is not visible on:\n" + "\n".join(problems)
