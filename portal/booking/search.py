"""Finding services by the words people use: "paspoort", "verhuizen", "id kaart".

Pure functions, no Flask and no database. A query matches a service when every word of the
query matches a word of the service's texts (its name and search keywords): the same word,
or — for a query word of at least :data:`MIN_PREFIX` letters — the start of one ("pasp"
finds "paspoort"). Never the middle of a word: "eid" does not find "volledigheid".

Words are compared without accents and case (Unicode NFKD, combining marks dropped,
casefold), with Arabic letters that people write either way made one (alef forms, alef
maqsura and yeh, teh marbuta and heh, tatweel, Arabic-Indic digits) and the Arabic
article "ال" optional; an apostrophe inside a Ukrainian word ("ім'я") is part of it. A
few short function words ("de", "la", "für", "для") are left out of a query, so "een
paspoort" or "carte de séjour" still finds the service, unless the query holds nothing
else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A query word this long or longer also matches the words it starts.
MIN_PREFIX = 3

# Letters written more than one way, made one after accents are dropped (NFKD already
# splits hamza forms such as أ إ آ ؤ ئ into a letter and a mark).
_FOLD = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maqsura, often written for yeh and back
        "ی": "ي",  # Persian yeh
        "ة": "ه",  # teh marbuta, often written as heh
        "ک": "ك",  # keheh
        "ـ": None,  # tatweel: stretches a word, means nothing
        "ı": "i",  # Turkish dotless i, typed as i on other keyboards
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)

# Letters and digits; anything else (spaces, hyphens, apostrophes, brackets) separates words.
_WORD = re.compile(r"[^\W_]+")
# Except an apostrophe inside a Cyrillic word, which is part of it (Ukrainian "ім'я").
_CYRILLIC_APOSTROPHE = re.compile(r"(?<=[\u0400-\u04FF])['’ʼ](?=[\u0400-\u04FF])")

# The Arabic article, and the one-letter words written onto it (و ب ف ك ل).
_ARTICLE = "ال"
_CLITICS = "وبفكل"

# Short function words of the site languages (compared after :func:`normalise`).
_STOP_WORDS = (
    "de het een van voor in op met en of mijn",  # Dutch
    "le la les l un une des du d pour à au aux et ou mon ma mes",  # French
    "der die das den dem ein eine einen einem einer für von vom zum zur und oder mein meine",
    "the a an of for to my and or on",  # English
    "ve veya bir için ile",  # Turkish
    "и или в у на для мой моя мои о об по с",  # Russian
    "і й та або мій моя мої про з із",  # Ukrainian
    "في من على عن إلى و",  # Arabic
)


def normalise(text: str) -> str:
    """``text`` the way words are compared: case folded, accents and other combining
    marks dropped, Arabic letter variants and tatweel made one."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("M"))
    return plain.translate(_FOLD)


STOP_WORDS = frozenset(normalise(word) for line in _STOP_WORDS for word in line.split())


def words(text: str) -> list[str]:
    """The words of ``text``, normalised, in order (repeats kept)."""
    return _WORD.findall(_CYRILLIC_APOSTROPHE.sub("", normalise(text)))


def _forms(word: str) -> set[str]:
    """A normalised word and, for an Arabic word with the article, the word without it
    ("الهويه" → "هويه", "والزواج" → "زواج", "للزواج" → "زواج")."""
    forms = {word}
    if word.startswith(_ARTICLE):
        stem = word[len(_ARTICLE) :]
    elif word[:1] in _CLITICS and word[1:3] == _ARTICLE:
        stem = word[3:]
    elif word.startswith("لل"):
        stem = word[2:]
    else:
        stem = ""
    if len(stem) >= 2:
        forms.add(stem)
    return forms


def tokenise(texts: Iterable[str]) -> set[str]:
    """Every word of ``texts`` in each of its forms: what a query word is matched against."""
    found: set[str] = set()
    for text in texts:
        for word in words(text):
            found |= _forms(word)
    return found


def query_words(query: str) -> list[str]:
    """The words of ``query`` that must match, each once, in order: without the
    function words of :data:`STOP_WORDS`, unless the query holds only those."""
    unique = list(dict.fromkeys(words(query)))
    meaningful = [word for word in unique if word not in STOP_WORDS]
    return meaningful or unique


def _word_matches(query_word: str, vocabulary: set[str]) -> bool:
    """Whether one query word is a word of ``vocabulary``, or (long enough) starts one."""
    for form in _forms(query_word):
        if form in vocabulary:
            return True
        if len(form) >= MIN_PREFIX and any(word.startswith(form) for word in vocabulary):
            return True
    return False


def matches(query: str, texts: Iterable[str]) -> bool:
    """Whether every word of ``query`` matches a word of ``texts`` (by word, prefix of at
    least :data:`MIN_PREFIX` letters, accent- and case-insensitive). A query without any
    word (only punctuation) matches everything: there is nothing to search by."""
    wanted = query_words(query)
    if not wanted:
        return True
    vocabulary = tokenise(texts)
    return all(_word_matches(word, vocabulary) for word in wanted)


def searchable_texts(service, language: str) -> list[str]:
    """The texts ``service`` is found by for a reader of ``language``: its name and
    keywords in that language and in Dutch (the source every resident may know)."""
    found = []
    for code in dict.fromkeys((language, "nl")):
        text = service.texts.get(code)
        if text is not None:
            found += [text.name, text.keywords or ""]
    return found
