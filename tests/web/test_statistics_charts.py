"""The charts of the statistics page (portal/statistics/charts.py): the page carries a
chart's description for each charted table that has rows, and the raw number of every
plotted cell; the vendored Chart.js is the file, version and hash its README names.
The charts themselves are drawn in a browser: tests/browser/test_statistics_axe.py."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT
from portal.statistics.charts import CHARTS, Chart
from portal.timeutil import local_today, utcnow

PAGE = "/medewerkers/statistiek/"
VENDOR = PROJECT_ROOT / "static" / "vendor" / "chartjs"
TEMPLATE = PROJECT_ROOT / "templates" / "staff" / "statistics" / "index.html"


class _Sections(HTMLParser):
    """Per table section (by name): the chart figure's attributes, and each body row's
    cells as (tag, attributes, text)."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict] = {}
        self.current: dict | None = None
        self.cell: list | None = None
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "h2" and (attributes.get("id") or "").startswith("table-"):
            self.current = {"figure": None, "canvas": None, "rows": []}
            self.sections[attributes["id"].removeprefix("table-")] = self.current
        elif self.current is None:
            return
        elif tag == "figure":
            self.current["figure"] = attributes
        elif tag == "canvas":
            self.current["canvas"] = attributes
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.current["rows"].append([])
        elif tag in {"th", "td"} and self.in_body:
            self.cell = [tag, attributes, ""]
            self.current["rows"][-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in {"th", "td"}:
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def _sections(html: str) -> dict[str, dict]:
    parser = _Sections()
    parser.feed(html)
    return parser.sections


def test_each_charted_table_with_rows_carries_its_chart(staff_client):
    today = local_today(utcnow())
    query = {
        "from": (today - timedelta(days=56)).isoformat(),
        "to": (today + timedelta(days=28)).isoformat(),
        "team": "all",
    }
    html = staff_client("admin").get(PAGE, query_string=query).get_data(as_text=True)
    sections = _sections(html)
    # Every chart names a table of the page (a renamed table would lose its chart).
    assert set(CHARTS) <= set(sections), set(CHARTS) - set(sections)
    assert sections["periods"]["rows"], "the demo city has visits in the period"
    for name, section in sections.items():
        chart = CHARTS.get(name)
        if chart is None or not section["rows"]:
            assert section["figure"] is None, name
            continue
        figure = section["figure"]
        assert figure is not None, name
        # Hidden until the script has drawn it: without scripts the page is its tables.
        assert "hidden" in figure
        assert figure["data-chart"] == chart.kind
        assert figure["data-columns"] == " ".join(map(str, chart.columns))
        assert ("data-stacked" in figure) == chart.stacked
        assert ("data-horizontal" in figure) == chart.horizontal
        assert section["canvas"]["role"] == "img"
        assert "tabel eronder" in section["canvas"]["aria-label"]
        for row in section["rows"]:
            assert row[0][0] == "th"
            for column, (tag, attributes, text) in enumerate(row[1:], start=1):
                assert tag == "td"
                if chart.plots(column):
                    assert attributes["data-value"] == Chart.value_of(text.strip()), (name, row)
                else:
                    assert "data-value" not in attributes, (name, column)
    periods = sections["periods"]["rows"][0]
    # Booked (column 1) is not plotted; attended, not come and cancelled are, as numbers.
    assert "data-value" not in periods[1][1]
    assert periods[2][1]["data-value"] == periods[2][2].strip()
    for script in ("vendor/chartjs/chart-4.6.2.umd.min.js", "js/statistics-charts.js"):
        assert re.search(rf'<script src="/static/{re.escape(script)}" nonce="[^"]+" defer>', html)


def test_a_refused_filter_draws_no_chart(staff_client):
    html = staff_client("admin").get(PAGE, query_string={"per": "year"}).get_data(as_text=True)
    assert "stats-chart" not in html and "chartjs" not in html


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (12, "12"),
        (0, "0"),
        (3.5, "3.5"),
        (15.0, "15"),
        ("15.0", "15"),
        ("83%", "83"),
        (float("nan"), ""),
        ("—", ""),
        ("", ""),
        ("2026-12-07", ""),
        ("Identiteitskaart", ""),
        (True, ""),
    ],
)
def test_the_number_a_cell_holds(cell, value):
    assert Chart.value_of(cell) == value


def test_a_chart_is_described_completely():
    with pytest.raises(ValueError):
        Chart("pie", (1,))
    with pytest.raises(ValueError):
        Chart("bar", (0, 1))
    with pytest.raises(ValueError):
        Chart("line", (1,), second_axis=(2,))
    with pytest.raises(ValueError):
        Chart("bar", (1, 2), horizontal=True, second_axis=(2,))
    with pytest.raises(ValueError):
        Chart("bar", (1, 2, 3, 4, 5))


def _readme_files() -> dict[str, str]:
    """file name → sha256, from the README's table."""
    readme = (VENDOR / "README.md").read_text()
    return dict(re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([0-9a-f]{64})` \|$", readme, re.M))


def test_the_vendored_chart_js_is_the_one_its_readme_names():
    readme = (VENDOR / "README.md").read_text()
    version = re.search(r"\[`chart\.js`\]\([^)]*\) \*\*(4\.\d+\.\d+)\*\*", readme).group(1)
    bundle = f"chart-{version}.umd.min.js"
    files = _readme_files()
    assert bundle in files and "LICENSE.md" in files
    for name, digest in files.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert f"chart.js-{version}.tgz" in readme
    assert (VENDOR / bundle).read_text()[:40].count(f"Chart.js v{version}") == 1
    assert "MIT License" in (VENDOR / "LICENSE.md").read_text()
    # Only this version is here, and it is the one the page loads.
    assert sorted(path.name for path in Path(VENDOR).glob("chart-*.js")) == [bundle]
    assert f"vendor/chartjs/{bundle}" in TEMPLATE.read_text()
