"""The services search's matching: by word or word start, without accents and case, in
Latin, Arabic and Cyrillic script, every query word needed (portal.booking.search)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.booking.search import matches, normalise, query_words, searchable_texts, words

EID = ["Identiteitskaart (eID) aanvragen", "id kaart, idkaart, identiteitskaart"]
DOSSIER = ["Dossier laten nakijken op volledigheid", "dossier, nakijken, controle"]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("DÉMÉNAGEMENT", "déménagement"),
        ("demenagement", "Déménagement"),
        ("Ausweis verloren", "ausweis, VERLOREN"),
        ("strasse", "Straße"),
        ("fuhrerschein", "Führerschein"),
        ("kimlik karti", "Kimlik kartı"),
        ("IMZA", "İmza tasdiki"),
        ("çocuk", "COCUK"),
        ("naïve", "naive"),
    ],
)
def test_accents_and_case_do_not_count(query, text):
    assert matches(query, [text])


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("اقامة", "إقامة"),  # alef with hamza below, written without
        ("أقامة", "اقامة"),  # and the other way round
        ("آمنة", "امنة"),  # alef with madda
        ("اقامه", "إقامة"),  # teh marbuta typed as heh
        ("مستشفى", "مستشفي"),  # alef maqsura and yeh
        ("زواج", "زوَاج"),  # a vowel mark (fatha)
        ("الزواج", "زواج"),  # the article in the query only
        ("زواج", "ملف الزواج"),  # the article in the text only
        ("زواج", "والزواج"),  # "and the" written onto the word
        ("زواج", "للزواج"),  # "for the"
        ("بطاقة", "بطـــاقة"),  # tatweel
        ("جواز سفر", "طلب جواز سفر"),
        ("١٢", "12"),  # Arabic-Indic digits
    ],
)
def test_arabic_is_compared_the_way_people_write_it(query, text):
    assert matches(query, [text])


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("ПАСПОРТ", "Получить паспорт"),
        ("ребенка", "Признание ребёнка"),  # ё typed as е
        ("Ребенок", "признание, ребёнок"),
        ("переїзд", "ПЕРЕЇЗД"),
        ("ім'я", "Зміна ім’я"),  # the apostrophe is part of a Ukrainian word
        ("імя", "ім'я"),
        ("вид на жительство", "вид на жительство, ВНЖ"),
    ],
)
def test_cyrillic_words(query, text):
    assert matches(query, [text])


def test_the_ukrainian_apostrophe_joins_but_the_french_one_separates():
    assert words("сім'я") == ["сімя"]
    assert words("carte d'identité") == ["carte", "d", "identite"]


def test_a_word_matches_whole_or_from_its_start_never_in_the_middle():
    assert matches("eid", EID)
    assert matches("EID", EID)
    assert matches("pasp", ["Reispas, paspoort"])
    assert matches("identiteit", EID)
    assert not matches("eid", DOSSIER)  # "volledigheid" ends in "eid"
    assert not matches("heid", DOSSIER)
    assert not matches("kaart", ["Identiteitskaart (eID) aanvragen"])  # only inside a word
    assert not matches("teitskaart", EID)


def test_short_query_words_match_only_whole_words():
    assert matches("id", EID)  # the keyword "id kaart"
    assert not matches("id", ["Identiteitskaart (eID) aanvragen"])
    assert not matches("pa", ["paspoort"])
    assert matches("pas", ["paspoort"])


def test_every_query_word_must_match_in_any_order_and_any_text():
    assert matches("id kaart", EID)
    assert matches("kaart id", EID)
    assert matches("ID-kaart", EID)
    assert matches("aanvragen identiteitskaart", EID)  # one from the name, one a keyword
    assert not matches("id kaart verloren", EID)
    assert not matches("id paspoort", EID)


def test_function_words_are_left_out_unless_nothing_else_is_asked():
    assert query_words("een paspoort voor mijn zoon") == ["paspoort", "zoon"]
    assert matches("een paspoort", ["Reispas, paspoort"])
    assert matches("carte de séjour", ["Titre de séjour, carte séjour"])
    assert matches("نقل الى عنوان جديد", ["عنوان جديد, نقل"])
    assert query_words("de") == ["de"]
    assert matches("de", ["Permis de conduire"])
    assert not matches("de", ["Reispas aanvragen"])


def test_a_query_without_words_leaves_everything():
    assert matches("  !!! -- ", ["Reispas aanvragen"])
    assert matches("", [])


def test_normalise_folds_case_marks_and_letter_variants():
    assert normalise("Déménagement") == "demenagement"
    assert normalise("إقامـة") == "اقامه"
    assert normalise("Ёлка") == "елка"


def _service(**texts):
    """A stand-in for a service: ``texts`` language → (name, keywords)."""
    return SimpleNamespace(
        texts={
            code: SimpleNamespace(name=name, keywords=keywords)
            for code, (name, keywords) in texts.items()
        }
    )


def test_a_service_is_searched_in_the_readers_language_and_in_dutch():
    service = _service(nl=("Reispas aanvragen", "paspoort"), fr=("Passeport", "voyage"))
    texts = searchable_texts(service, "fr")
    assert texts == ["Passeport", "voyage", "Reispas aanvragen", "paspoort"]
    assert matches("voyage", texts) and matches("paspoort", texts)
    # Another language's keywords are not searched; a language without texts reads Dutch.
    assert not matches("voyage", searchable_texts(service, "de"))
    assert searchable_texts(service, "nl") == ["Reispas aanvragen", "paspoort"]


_LETTERS = st.sampled_from(list("abcdeéèëßıİäöüçşğ") + list("اأإآةىيـبجدزَ") + list("абвёйїєґ'"))
_TEXT = st.lists(st.text(_LETTERS, min_size=1, max_size=12), min_size=1, max_size=5).map(" ".join)


@given(_TEXT)
def test_a_text_always_finds_itself(text):
    assert matches(text, [text])


@given(_TEXT, _TEXT)
def test_case_never_matters(query, text):
    assert matches(query, [text]) == matches(query.upper(), [text.lower()])
