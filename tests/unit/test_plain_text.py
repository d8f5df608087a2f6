"""Which characters typed text may hold (portal.plain_text): one definition for the web
forms and the API."""

from __future__ import annotations

import pytest

from portal.plain_text import has_forbidden_characters

REFUSED_IN_ONE_LINE = ["\n", "\r", "\r\n", "\t", "\x00", "\x1b", "\x7f", "\x85", "\x9b"]
REFUSED_EVERYWHERE = ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ud800"]


@pytest.mark.parametrize("char", REFUSED_IN_ONE_LINE + REFUSED_EVERYWHERE)
def test_one_line_refuses_every_control_character(char):
    assert has_forbidden_characters(f"Anna{char}Peeters")


@pytest.mark.parametrize("char", REFUSED_EVERYWHERE)
def test_several_lines_refuse_controls_other_than_line_breaks(char):
    assert has_forbidden_characters(f"eerste regel{char}tweede", multiline=True)


def test_several_lines_keep_line_breaks_and_tabs():
    assert not has_forbidden_characters("eerste\r\ntweede\n\tderde", multiline=True)
    assert not has_forbidden_characters("Ängela O'Brien-Nguyễn, أحمد, Олена")
