"""The demo city's dossiers as plain data: the kinds of dossier each team follows up (with
their names in the eight site languages and the usual wait before the next visit), and
the cases loaded by :mod:`portal.demo.dossiers`, with the staff's notes (in Dutch, the
language the city's staff write in).

Facts behind the windows: an eID's PIN/PUK letter arrives about three weeks after the
application and a card not collected within three months is destroyed; a passport and a
driving licence card are ready after about a week; a marriage can take place from
fourteen days after the declaration; a residence registration waits for the police's
address check (about three weeks) before the file is completed and the card is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...models import AppointmentStatus, DossierStatus

# team code → rows of (subject code, wait in days, window in days, names by language).
SUBJECTS: dict[str, list[tuple[str, int, int, dict[str, str]]]] = {
    "bevolking": [
        (
            "eid",
            21,
            90,
            {
                "nl": "Aanvraag identiteitskaart (eID)",
                "en": "Identity card (eID) application",
                "fr": "Demande de carte d'identité (eID)",
                "de": "Antrag auf einen Personalausweis (eID)",
                "ar": "طلب بطاقة الهوية الإلكترونية (eID)",
                "ru": "Заявление на удостоверение личности (eID)",
                "uk": "Заява на посвідчення особи (eID)",
                "tr": "Kimlik kartı (eID) başvurusu",
            },
        ),
        (
            "paspoort",
            7,
            60,
            {
                "nl": "Aanvraag reispas",
                "en": "Passport application",
                "fr": "Demande de passeport",
                "de": "Antrag auf einen Reisepass",
                "ar": "طلب جواز سفر",
                "ru": "Заявление на паспорт",
                "uk": "Заява на паспорт",
                "tr": "Pasaport başvurusu",
            },
        ),
        (
            "rijbewijs",
            7,
            60,
            {
                "nl": "Aanvraag rijbewijs",
                "en": "Driving licence application",
                "fr": "Demande de permis de conduire",
                "de": "Antrag auf einen Führerschein",
                "ar": "طلب رخصة القيادة",
                "ru": "Заявление на водительское удостоверение",
                "uk": "Заява на посвідчення водія",
                "tr": "Sürücü belgesi başvurusu",
            },
        ),
    ],
    "burgerlijke_stand": [
        (
            "huwelijk",
            14,
            60,
            {
                "nl": "Huwelijksaangifte",
                "en": "Declaration of marriage",
                "fr": "Déclaration de mariage",
                "de": "Eheschließungserklärung",
                "ar": "التصريح بالزواج",
                "ru": "Заявление о заключении брака",
                "uk": "Заява про реєстрацію шлюбу",
                "tr": "Evlilik beyanı",
            },
        ),
        (
            "nationaliteit",
            0,
            30,
            {
                "nl": "Nationaliteitsverklaring",
                "en": "Declaration of Belgian nationality",
                "fr": "Déclaration de nationalité belge",
                "de": "Erklärung zur belgischen Staatsangehörigkeit",
                "ar": "التصريح بالجنسية البلجيكية",
                "ru": "Заявление о бельгийском гражданстве",
                "uk": "Заява про бельгійське громадянство",
                "tr": "Belçika vatandaşlığı beyanı",
            },
        ),
    ],
    "andere_nationaliteiten": [
        (
            "verblijf",
            21,
            30,
            {
                "nl": "Inschrijving en verblijfsaanvraag",
                "en": "Registration and residence application",
                "fr": "Inscription et demande de séjour",
                "de": "Anmeldung und Aufenthaltsantrag",
                "ar": "التسجيل وطلب الإقامة",
                "ru": "Регистрация и заявление на пребывание",
                "uk": "Реєстрація та заява на перебування",
                "tr": "Kayıt ve oturum başvurusu",
            },
        ),
        (
            "verblijfskaart",
            21,
            30,
            {
                "nl": "Verblijfskaart afhalen",
                "en": "Collecting a residence card",
                "fr": "Retrait de la carte de séjour",
                "de": "Abholung der Aufenthaltskarte",
                "ar": "استلام بطاقة الإقامة",
                "ru": "Получение карты пребывания",
                "uk": "Отримання посвідки на проживання",
                "tr": "Oturum kartını teslim alma",
            },
        ),
        (
            "ontbrekende-documenten",
            0,
            14,
            {
                "nl": "Ontbrekende documenten",
                "en": "Missing documents",
                "fr": "Documents manquants",
                "de": "Fehlende Unterlagen",
                "ar": "وثائق ناقصة",
                "ru": "Недостающие документы",
                "uk": "Відсутні документи",
                "tr": "Eksik belgeler",
            },
        ),
    ],
    "centraal_onthaal": [
        (
            "attest",
            2,
            14,
            {
                "nl": "Attest of getuigschrift",
                "en": "Attestation or certificate",
                "fr": "Attestation ou certificat",
                "de": "Bescheinigung oder Zeugnis",
                "ar": "إفادة أو شهادة",
                "ru": "Справка или свидетельство",
                "uk": "Довідка або свідоцтво",
                "tr": "Belge veya tasdikname",
            },
        ),
    ],
}

OPEN, WAITING, OTHER, CLOSED = (
    DossierStatus.OPEN,
    DossierStatus.WAITING_RESIDENT,
    DossierStatus.WAITING_OTHER,
    DossierStatus.CLOSED,
)
DONE, MISSED = AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW


@dataclass(frozen=True)
class Follow:
    """A follow-up of a case: ``kind`` open, used, expired, revoked or booked (by the
    clerk); planned ``planned`` days ago, its window ``first``..``last`` days after that.
    ``done`` is when it was used or revoked (days ago); ``reminded`` marks a reminder."""

    kind: str
    services: tuple[str, ...]
    planned: int
    first: int
    last: int
    persons: int = 1
    any_colleague: bool = False
    back_office: bool = False
    done: int = 0
    reminded: bool = False


@dataclass(frozen=True)
class Case:
    """One demo dossier: team, owner (index in the team), subject, the resident (or the
    service of an upcoming demo visit it is opened from), its state and its history."""

    team: str
    owner: int
    subject: str
    resident: tuple[str, str, str] | None  # name, mail language, spoken language
    opened: int  # days ago
    status: DossierStatus = OPEN
    waiting_for: str = ""
    outcome: str = ""
    closed: int = 0  # days ago
    due: int | None = None  # days from today
    notes: tuple[tuple[int, str], ...] = ()
    past: tuple[tuple[str, int, AppointmentStatus], ...] = ()  # service, days ago, status
    follow: Follow | None = None
    link: str | None = None  # service code of an upcoming visit the dossier starts from


# fmt: off
_PIN = "eID aangevraagd; de brief met pin- en pukcode volgt over ongeveer drie weken."
_DESTROYED = "Kaarten die niet binnen drie maanden worden afgehaald, worden vernietigd."
CASES = [
    # Bevolking: eID, passport and driving licence.
    Case(
        "bevolking", 0, "eid", ("Laura Verbeke", "nl", "nl"), 10, OTHER,
        waiting_for="FOD Binnenlandse Zaken – kaart in aanmaak", due=11,
        notes=((10, _PIN + " Uitnodiging om af te halen verstuurd."),),
        past=(("eid-aanvragen", 10, DONE),),
        follow=Follow("open", ("eid-afhalen",), 10, 21, 90),
    ),
    Case(
        "bevolking", 0, "eid", ("Mehmet Ozturk", "tr", "tr"), 88, WAITING, due=2,
        notes=((88, _PIN), (1, "Herinnering verstuurd. " + _DESTROYED)),
        past=(("eid-aanvragen", 88, DONE),),
        follow=Follow("open", ("eid-afhalen",), 88, 21, 90, reminded=True),
    ),
    Case(
        "bevolking", 0, "eid", ("Sofia Rossi", "en", "it"), 30,
        notes=((30, _PIN),),
        past=(("eid-aanvragen", 30, DONE),),
        follow=Follow("used", ("eid-afhalen",), 30, 21, 90, done=2),
    ),
    Case(
        "bevolking", 2, "eid", ("Jeroen De Wilde", "nl", "nl"), 100, WAITING, due=-10,
        notes=((100, _PIN), (9, "Uitnodiging verlopen zonder afspraak. Bewoner opbellen. "
                                + _DESTROYED)),
        past=(("eid-aanvragen", 100, DONE),),
        follow=Follow("expired", ("eid-afhalen",), 100, 21, 90),
    ),
    Case(
        "bevolking", 0, "paspoort", ("Nina Kowalska", "en", "pl"), 6,
        notes=((6, "Spoedprocedure niet nodig; afhaalmoment meteen vastgelegd."),),
        past=(("paspoort-aanvragen", 6, DONE),),
        follow=Follow("booked", ("paspoort-afhalen",), 6, 7, 30),
    ),
    Case(
        "bevolking", 3, "paspoort", ("Tariq Mahmoud", "ar", "ar"), 12, CLOSED,
        outcome="Reispas zonder afspraak aan de balie afgehaald", closed=2,
        notes=((2, "Bewoner kwam langs zonder afspraak; uitnodiging ingetrokken."),),
        past=(("paspoort-aanvragen", 12, DONE),),
        follow=Follow("revoked", ("paspoort-afhalen",), 12, 7, 60, done=2),
    ),
    Case(
        "bevolking", 5, "rijbewijs", None, 0, WAITING, due=14, link="rijbewijs",
        notes=((0, "Verlenging groep 2: het medisch attest ontbreekt nog."),),
    ),
    Case(
        "bevolking", 2, "eid", ("Bart Vandamme", "nl", "nl"), 430, CLOSED,
        outcome="Identiteitskaart afgehaald", closed=400,
        notes=((430, _PIN),),
    ),
    # Burgerlijke Stand: a marriage in two or three visits, a nationality declaration.
    Case(
        "burgerlijke_stand", 0, "huwelijk", None, 0, link="huwelijksdossier", due=14,
        notes=((0, "Beide partners brengen hun geboorteakte mee."),),
        follow=Follow("booked", ("huwelijksdossier",), 0, 14, 60, persons=2),
    ),
    Case(
        "burgerlijke_stand", 1, "huwelijk", ("Hamza Ouali", "fr", "fr"), 20, WAITING, due=30,
        notes=((20, "Aangifte ontvangen; het parket heeft geen bezwaar."),
               (5, "De partners kiezen zelf een moment om de akte te ondertekenen.")),
        past=(("huwelijksdossier", 20, DONE),),
        follow=Follow("open", ("huwelijksdossier",), 5, 0, 40, persons=2, any_colleague=True),
    ),
    Case(
        "burgerlijke_stand", 2, "nationaliteit", ("Youssef Amrani", "ar", "ary"), 45, OTHER,
        waiting_for="Parket – advies van de procureur des Konings", due=75,
        notes=((45, "Verklaring ondertekend; het parket heeft vier maanden voor zijn advies."),),
        past=(("nationaliteit", 45, DONE),),
    ),
    Case(
        "burgerlijke_stand", 0, "nationaliteit", ("Mariam Sarkisian", "en", "hy"), 150, CLOSED,
        outcome="Belgische nationaliteit verkregen; akte opgemaakt", closed=20,
        past=(("nationaliteit", 150, DONE), ("nationaliteit", 20, DONE)),
    ),
    # Andere Nationaliteiten: registration → police check → complete the file → card.
    Case(
        "andere_nationaliteiten", 0, "verblijf", ("Oksana Bondarenko", "uk", "uk"), 28,
        notes=((28, "Inschrijving gedaan (bijlage 19)."),
               (7, "Adrescontrole door de wijkagent positief.")),
        past=(("inschrijving-nieuwkomer", 28, DONE),),
        follow=Follow("used", ("dossiercontrole",), 7, 0, 21, done=3),
    ),
    Case(
        "andere_nationaliteiten", 0, "verblijf", None, 0, link="inschrijving-nieuwkomer",
        notes=((0, "Na de inschrijving volgt de adrescontrole door de wijkagent."),),
        follow=Follow("booked", ("verblijfsaanvraag",), 0, 1, 10, back_office=True),
    ),
    Case(
        "andere_nationaliteiten", 1, "verblijf", ("Dmitri Volkov", "ru", "ru"), 18, OTHER,
        waiting_for="Politie – adrescontrole door de wijkagent", due=5,
        past=(("inschrijving-nieuwkomer", 18, DONE),),
    ),
    Case(
        "andere_nationaliteiten", 0, "verblijfskaart", ("Ruslan Magomedov", "ru", "ce"), 5,
        OTHER, waiting_for="DVZ – beslissing en aanmaak van de kaart", due=16,
        notes=((5, "Dossier volledig; de kaart is over ongeveer drie weken klaar."),),
        past=(("dossiercontrole", 5, DONE),),
        follow=Follow("open", ("verblijfskaart-afhalen",), 5, 21, 51, any_colleague=True),
    ),
    Case(
        "andere_nationaliteiten", 2, "verblijfskaart", ("Hiba Khalil", "ar", "ar"), 40,
        WAITING, due=1,
        notes=((9, "Niet gekomen op de afhaalafspraak; opnieuw uitgenodigd."),),
        past=(("dossiercontrole", 40, DONE), ("verblijfskaart-afhalen", 9, MISSED)),
        follow=Follow("open", ("verblijfskaart-afhalen",), 9, 0, 10, reminded=True),
    ),
    Case(
        "andere_nationaliteiten", 3, "ontbrekende-documenten", ("Kofi Mensah", "en", "en"), 4,
        WAITING, due=10,
        notes=((4, "Geboorteakte ontbreekt (gelegaliseerd en beëdigd vertaald)."),),
        past=(("verblijfsaanvraag", 4, DONE),),
        follow=Follow("open", ("dossiercontrole",), 4, 0, 14),
    ),
    Case(
        "andere_nationaliteiten", 0, "verblijf", ("Ana Popescu", "en", "ro"), 90, CLOSED,
        outcome="Verblijfskaart (E+) afgegeven", closed=10,
        past=(("inschrijving-nieuwkomer", 90, DONE), ("dossiercontrole", 60, DONE),
              ("verblijfskaart-afhalen", 10, DONE)),
    ),
    Case(
        "andere_nationaliteiten", 4, "verblijfskaart", ("Arman Hakobyan", "ru", "hy"), 35, CLOSED,
        outcome="Verhuisd naar een andere gemeente; dossier doorgestuurd", closed=3,
        past=(("dossiercontrole", 35, DONE),),
        follow=Follow("revoked", ("verblijfskaart-afhalen",), 14, 7, 37, done=3),
    ),
    # Centraal Onthaal: certificates prepared and collected.
    Case(
        "centraal_onthaal", 2, "attest", ("Elke Van Damme", "nl", "nl"), 3, OTHER,
        waiting_for="Burgerlijke Stand – akte opzoeken", due=2,
        follow=Follow("open", ("afhalen-document",), 3, 2, 16),
    ),
    Case(
        "centraal_onthaal", 3, "attest", ("Ahmet Kaplan", "tr", "tr"), 2,
        notes=((2, "Uittreksel voor een vergunning: wordt voorbereid."),),
        past=(("uittreksel-strafregister", 2, DONE),),
        follow=Follow("booked", ("afhalen-document",), 2, 2, 14),
    ),
    Case(
        "centraal_onthaal", 2, "attest", ("Greta Lemmens", "nl", "nl"), 30, CLOSED,
        outcome="Attest afgehaald", closed=25,
        past=(("afhalen-document", 25, DONE),),
    ),
    Case(
        "centraal_onthaal", 4, "attest", ("Irina Sokolova", "ru", "ru"), 1, OTHER,
        waiting_for="FOD Justitie", due=7,
        notes=((1, "Terugbellen zodra het attest er is."),),
        follow=Follow("booked", ("terugbelafspraak",), 1, 1, 7, back_office=True),
    ),
]
# fmt: on
