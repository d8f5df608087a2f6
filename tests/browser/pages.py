"""What the browser tests share: axe-core, keyboard moves, the outbox, screenshots."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, Hold, OutboxMail
from portal.timeutil import local_today, utcnow

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["nl", "fr", "de", "en", "ar", "ru", "uk", "tr"]
MANAGE_LINK = re.compile(r"https?://[^\s\"'<>]+/afspraak/beheer/[A-Za-z0-9_-]+(?:\?lang=[a-z]+)?")

# --- axe-core ------------------------------------------------------------------------------

# One run: what fails, and what axe could not decide ("needs review"), which counts as a
# failure too unless a person has looked at it and listed it in REVIEWED below.
_RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(
    (result) => [result.violations, result.incomplete].map((found) => found.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.map(String).join(" ")),
    }))))"""
# Ids present more than once (axe 4.8+ no longer reports duplicate ids under WCAG tags, but
# a label, an aria-describedby or an error link that points at a twin id misleads).
_DUPLICATE_IDS = """() => {
    const seen = new Map();
    for (const el of document.querySelectorAll("[id]")) {
        seen.set(el.id, (seen.get(el.id) || 0) + 1);
    }
    return [...seen].filter(([, count]) => count > 1).map(([id]) => "#" + id);
}"""
# Rule ids whose "needs review" results a person checked and found fine, with why.
REVIEWED: dict[str, str] = {}


def axe_results(page) -> tuple[list[dict], list[dict]]:
    """(violations, needs review) of WCAG 2.1 A/AA that axe-core finds on the page now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated, not added as an inline <script>: the portal's Content-Security-Policy
        # blocks inline scripts, but not what the test runner evaluates.
        page.evaluate(AXE_JS.read_text())
    violations, incomplete = page.evaluate(_RUN_AXE, WCAG_TAGS)
    duplicates = page.evaluate(_DUPLICATE_IDS)
    if duplicates:
        violations.append(
            {
                "id": "duplicate-id",
                "impact": "serious",
                "help": "ids must be unique",
                "nodes": duplicates,
            }
        )
    violations.extend(reflow_problems(page))
    return violations, [found for found in incomplete if found["id"] not in REVIEWED]


_WIDER_THAN_VIEWPORT = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    if (root.scrollWidth <= width) { return []; }
    // Boxes that stick out, and boxes whose own content (a long word, say) sticks out.
    const wide = [...document.querySelectorAll("body *")].filter((el) => {
        const box = el.getBoundingClientRect();
        const spills = el.scrollWidth > el.clientWidth + 1
            && getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0;
        return box.width > 0 && (box.right > width + 1 || box.left < -1 || spills);
    });
    // The innermost culprits: not every ancestor of an overflowing box.
    const culprits = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
    if (!culprits.length) { return [`html (${root.scrollWidth}px wide)`]; }
    return culprits.slice(0, 8).map((el) =>
        el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && typeof el.className === "string"
           ? "." + el.className.trim().split(/\\s+/).join(".") : "")
        + ` (${el.scrollWidth}px)`);
}"""


def reflow_problems(page) -> list[dict]:
    """WCAG 1.4.10 (reflow), which axe does not test: at 320 CSS pixels wide the page
    must not scroll sideways. The viewport is put back afterwards."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        wide = page.evaluate(_WIDER_THAN_VIEWPORT)
    finally:
        page.set_viewport_size(size)
    if not wide:
        return []
    return [
        {
            "id": "reflow",
            "impact": "serious",
            "help": "content must fit 320 CSS pixels without scrolling sideways (WCAG 1.4.10)",
            "nodes": wide,
        }
    ]


def describe(violations: list[dict]) -> str:
    """One line per violation: id, impact, help, and the failing nodes' targets."""
    return "\n".join(
        f"  - {v['id']} ({v['impact']}): {v['help']}; nodes: {', '.join(v['nodes'][:8])}"
        + (f" … and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else "")
        for v in violations
    )


class AxeReport:
    """Violations per page, collected over a walk through the site, for one assertion."""

    def __init__(self, language: str, screenshots: Path | None = None, prefix: str = "axe"):
        self.language = language
        self.pages: dict[str, tuple[str, list[dict], list[dict]]] = {}
        self.screenshots = screenshots
        self.prefix = prefix

    def check(self, page, name: str) -> None:
        """Run axe on the page as it is now, under ``name``; its <html lang> must be the
        report's language."""
        page.wait_for_load_state("load")
        lang = page.evaluate("() => document.documentElement.lang")
        assert lang == self.language, f"{name}: <html lang={lang!r}>, not {self.language!r}"
        path = "/" + page.url.split("/", 3)[-1]
        self.pages[name] = (path, *axe_results(page))
        if self.screenshots is not None:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            number = len(self.pages)
            screenshot(page, self.screenshots, f"{self.prefix}-{self.language}-{number:02d}-{slug}")

    def assert_clean(self) -> None:
        """Fail with every violation (and unreviewed "needs review") of every page."""
        lines = []
        for name, (path, violations, review) in self.pages.items():
            if violations:
                lines.append(f"[{self.language}] {name} ({path}):\n{describe(violations)}")
            if review:
                lines.append(
                    f"[{self.language}] {name} ({path}), needs review:\n" + describe(review)
                )
        assert not lines, "axe-core found WCAG 2.1 A/AA problems:\n" + "\n".join(lines)


# --- keyboard ------------------------------------------------------------------------------

_FOCUSED = """([selector, avoid]) => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; }
    if (!el || el === document.body) { return null; }
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
        text: (el.innerText || el.value || "").trim().slice(0, 40),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
        matches: !!selector && el.matches(selector),
        avoided: !!avoid && el.matches(avoid),
    };
}"""


def focused(page, selector: str | None = None, avoid: str | None = None) -> dict | None:
    """What has the keyboard focus: whether its focus indicator (an outline or a box
    shadow) is drawn, and whether it matches ``selector`` or ``avoid``."""
    return page.evaluate(_FOCUSED, [selector, avoid])


def focus_matches(page, selector: str) -> bool:
    """Whether the focused element matches the CSS ``selector``."""
    info = focused(page, selector)
    return bool(info and info["matches"])


def tab_to(
    page, selector: str, *, backwards: bool = False, avoid: str | None = None, limit: int = 250
) -> list[dict]:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus;
    returns every element the focus passed, the last being it. Fails when it cannot be
    reached with the keyboard, or when the focus lands on ``avoid`` on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page, selector, avoid)
        if info is None:
            continue
        passed.append(info)
        if info["avoided"]:
            raise AssertionError(f"{avoid} got the keyboard focus on {page.url}")
        if info["matches"]:
            return passed
    raise AssertionError(f"{selector} cannot be reached with {key} on {page.url}")


def without_focus_indicator(stops: list[dict]) -> list[dict]:
    """The focus stops that showed no focus indicator."""
    return [stop for stop in stops if not (stop["outline"] or stop["shadow"])]


def assert_focus_visible(page, where: str) -> None:
    """The focused element shows a focus indicator: an outline or a box shadow."""
    info = focused(page)
    assert info is not None, f"{where}: nothing has the focus"
    assert info["outline"] or info["shadow"], f"{where}: no visible focus indicator on {info}"


# --- the portal's database -----------------------------------------------------------------


def manage_link(live, address: str, kind: str = "activation") -> str:
    """The manage link in the newest mail of ``kind`` to ``address`` (from the outbox)."""
    with live.app.app_context():
        mail = db.session.scalars(
            select(OutboxMail)
            .where(OutboxMail.recipient == address, OutboxMail.kind == kind)
            .order_by(OutboxMail.id.desc())
        ).first()
        assert mail is not None, f"no {kind} mail to {address}"
        message = email.message_from_string(mail.message, policy=email.policy.default)
        body = message.get_body(("plain",)).get_content()
    found = MANAGE_LINK.search(body)
    assert found, f"no manage link in the {kind} mail:\n{body}"
    return found.group(0)


def appointment_of(live, address: str) -> Appointment:
    """The newest visit booked with ``address``."""
    with live.app.app_context():
        visit = db.session.scalars(
            select(Appointment).where(Appointment.email == address).order_by(Appointment.id.desc())
        ).first()
        assert visit is not None, f"no visit for {address}"
        db.session.expunge(visit)
        return visit


def expire_hold(live, start_iso: str) -> None:
    """Make the resident's hold of the time ``start_iso`` run out (10 minutes are long)."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(start_iso)
    with live.app.app_context():
        hold = db.session.scalars(
            select(Hold).where(Hold.starts_at == start).order_by(Hold.id.desc())
        ).first()
        assert hold is not None, f"no hold of {start_iso}"
        hold.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()


# --- pages ---------------------------------------------------------------------------------

DAY_IN_LINK = re.compile(r"dag=(\d{4}-\d{2}-\d{2})")


def later_day_links(page, selector: str = "td.free a") -> list:
    """The free days of the month calendar after today (a visit today may be too close to
    move or cancel), as locators."""
    today = local_today()
    found = []
    for link in page.locator(selector).all():
        day = DAY_IN_LINK.search(link.get_attribute("href") or "")
        if day and date.fromisoformat(day.group(1)) > today:
            found.append(link)
    return found


def screenshot(page, folder: Path, name: str) -> None:
    """A full-page screenshot, kept as a test artifact."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
