"""The translation catalogues: complete, not fuzzy, same placeholders as the Dutch source,
in step with the code, and actually found by the running portal."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from portal.i18n import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TRANSLATED = sorted(set(LANGUAGES) - {DEFAULT_LANGUAGE})
GETTEXT_NAMES = {"_", "_l", "gettext", "lazy_gettext", "ngettext"}


def _catalogue(language: str):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"no catalogue for {language}"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory) -> set:
    """The message ids in the code today, extracted as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_and_in_step_with_the_code(language, source_ids):
    catalogue = _catalogue(language)
    ids = {message.id for message in catalogue if message.id}
    assert source_ids - ids == set(), f"{language}: run `make update-messages` and translate"
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        expected = sorted(PLACEHOLDER.findall(source))
        assert len(strings) == catalogue.num_plurals or not message.pluralizable
        for text in strings:
            assert text, f"{language}: untranslated {message.id!r}"
            assert sorted(PLACEHOLDER.findall(text)) == expected, (
                f"{language}: placeholders of {text!r} differ from {source!r}"
            )


def _formatted_message_calls(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
            and node.args
            and not isinstance(node.args[0], ast.Constant)
        ):
            yield f"{path.relative_to(ROOT)}:{node.lineno}"


def test_no_formatted_string_is_passed_to_gettext():
    offenders = [
        place
        for path in sorted((ROOT / "portal").rglob("*.py"))
        for place in _formatted_message_calls(path)
    ]
    assert offenders == [], "pass a literal to _() and format with keyword arguments"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_portal_speaks_each_language(demo_client, language):
    response = demo_client.get(f"/api/v1/services/1/slots?lang={language}")
    dutch = demo_client.get("/api/v1/services/1/slots?lang=nl")
    assert response.status_code == dutch.status_code == 400
    assert response.json["error"]["message"] != dutch.json["error"]["message"]
    page = demo_client.get(f"/?lang={language}").get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert "Afspraak in het stadhuis" not in page
