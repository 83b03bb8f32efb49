"""Outbound HTTP calls: the facts (library, timeout, literal host) and the integrations table built on them."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect import integrations
from archaudit.detect.outbound import find_outbound_calls, host_of
from tests.conftest import FIXTURES, repo_of, write_tree


def test_host_of_literal_and_fstring_origins() -> None:
    assert host_of("https://API.example.com:8443/v1") == "api.example.com"
    assert host_of({"$": "f'https://geo.example.org/search/{}'"}) == "geo.example.org"
    assert host_of({"$": "f'{}/search'"}) == ""  # the origin comes from a variable
    assert host_of({"$": "f'https://{}.example.org/x'"}) == ""
    assert host_of({"$": "settings.API_URL"}) == ""
    assert host_of("/relative/path") == ""


def test_timeout_facts(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": (
        "import requests\nimport httpx\nfrom urllib.request import urlopen\n\n"
        "def f(opts):\n"
        "    requests.get('https://a.example', timeout=3)\n"
        "    requests.get('https://b.example', **opts)\n"
        "    httpx.post('https://c.example')\n"
        "    urlopen('https://d.example', None, 10)\n"
        "    urlopen(url='https://e.example')\n")})
    calls = {c.host: (c.timeout, c.default_timeout) for c in find_outbound_calls(repo_of(tmp_path))}
    assert calls == {"a.example": ("given", ""), "b.example": ("unknown", ""), "c.example": ("", "5 s"),
                     "d.example": ("given", ""), "e.example": ("", "")}


def test_integrations_lists_hosts_of_production_code_only() -> None:
    section = integrations.section(repo_of(FIXTURES / "rules" / "PERF101" / "bad"))
    table = next(t for t in section.tables if t.key == "outbound_hosts")
    hosts = {r["host"]: (r["client"], r["file"], r["line"]) for r in table.rows}
    assert hosts["api.weather.example"] == ("requests", "app/routes.py", 12)  # also called by scripts/ and tests/
    assert hosts["quotes.example.com"] == ("httpx", "app/routes.py", 27)
    assert "localhost" not in hosts  # only the test calls it
    assert any("api.weather.example" in f.text for f in section.facts)
