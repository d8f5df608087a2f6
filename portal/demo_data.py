"""The city's demo data as plain tables: teams, counters, hours, services, people.

Facts from the city's own documents (shared/CITY.md): the four teams and their sizes, the
opening hours, what each team handles. Names of people are invented.
"""

from __future__ import annotations

from datetime import time

# code, names, size, counters, counter staff needed per block: (day, Monday evening, Saturday)
TEAMS = [
    ("bevolking", {"nl": "Bevolking", "en": "Population"}, 15, (1, 2, 3, 4, 5), (4, 3, 2)),
    ("burgerlijke_stand", {"nl": "Burgerlijke Stand", "en": "Civil status"}, 9, (6, 7), (2, 1, 1)),
    (
        "andere_nationaliteiten",
        {"nl": "Andere Nationaliteiten", "en": "Other nationalities"},
        8,
        (8, 9, 10),
        (3, 2, 1),
    ),
    (
        "centraal_onthaal",
        {"nl": "Centraal Onthaal", "en": "Central reception"},
        10,
        (11, 12),
        (2, 1, 1),
    ),
]

# Monday 09:00–12:30 and 16:00–19:00; Tuesday, Thursday, Friday, Saturday 09:00–12:30;
# Wednesday 09:00–16:00; closed on Sunday.
MORNING = (time(9), time(12, 30))
OPENING_HOURS = [
    (0, *MORNING),
    (0, time(16), time(19)),
    (1, *MORNING),
    (2, time(9), time(16)),
    (3, *MORNING),
    (4, *MORNING),
    (5, *MORNING),
]

# The city's own closing days besides the public holidays: (month, day, nl, en).
CITY_DAYS = [
    (7, 11, "Feest van de Vlaamse Gemeenschap", "Day of the Flemish Community"),
    (11, 2, "Allerzielen", "All Souls' Day"),
    (11, 15, "Koningsdag", "King's Day"),
    (12, 26, "Tweede kerstdag", "Boxing Day"),
]

# Service rows: code, team, topic, minutes, extra per person, max persons, public,
# (nl name, en name), (nl documents, en documents), weight (how often it is booked).
# Channel is the counter unless the code is in BACK_OFFICE_SERVICES.
_EID_DOCS = (
    "Uw huidige identiteitskaart\nEen recente pasfoto volgens de ICAO-normen",
    "Your current identity card\nA recent passport photo to ICAO standards",
)
_ID = ("Uw identiteitskaart of verblijfskaart", "Your identity card or residence card")
SERVICES = [
    ("eid-aanvragen", "bevolking", "identity", 15, 10, 4, True,
     ("Identiteitskaart (eID) aanvragen", "Apply for an identity card (eID)"), _EID_DOCS, 10),
    ("eid-afhalen", "bevolking", "identity", 10, 5, 4, True,
     ("Identiteitskaart (eID) afhalen", "Collect your identity card (eID)"),
     ("De brief met uw pin- en pukcode\nUw oude identiteitskaart",
      "The letter with your PIN and PUK codes\nYour old identity card"), 8),
    ("kids-id", "bevolking", "identity", 15, 10, 4, True,
     ("Kids-ID aanvragen", "Apply for a Kids-ID"),
     ("Het kind komt mee\nEen recente pasfoto van het kind",
      "The child comes along\nA recent passport photo of the child"), 4),
    ("paspoort-aanvragen", "bevolking", "travel", 20, 15, 4, True,
     ("Reispas aanvragen", "Apply for a passport"),
     ("Uw identiteitskaart\nEen recente pasfoto volgens de ICAO-normen\nUw vorige reispas",
      "Your identity card\nA recent passport photo to ICAO standards\nYour previous passport"), 5),
    ("paspoort-afhalen", "bevolking", "travel", 10, 5, 4, True,
     ("Reispas afhalen", "Collect your passport"), _ID, 3),
    ("adreswijziging", "bevolking", "address", 20, 5, 6, True,
     ("Adreswijziging", "Change of address"),
     ("De identiteitskaarten van iedereen die verhuist\nUw huurcontract of eigendomsakte",
      "The identity cards of everyone moving\nYour rental contract or deed of ownership"), 6),
    ("rijbewijs", "bevolking", "driving", 15, 0, 1, True,
     ("Rijbewijs aanvragen of vernieuwen", "Apply for or renew a driving licence"),
     ("Uw identiteitskaart\nUw huidige rijbewijs\nEen recente pasfoto",
      "Your identity card\nYour current driving licence\nA recent passport photo"), 4),
    ("voorlopig-rijbewijs", "bevolking", "driving", 20, 0, 1, True,
     ("Voorlopig rijbewijs", "Provisional driving licence"),
     ("Uw identiteitskaart\nHet attest van het theoretisch examen",
      "Your identity card\nThe certificate of the theory exam"), 2),
    ("internationaal-rijbewijs", "bevolking", "driving", 15, 0, 1, True,
     ("Internationaal rijbewijs", "International driving permit"),
     ("Uw Belgisch rijbewijs\nEen recente pasfoto",
      "Your Belgian driving licence\nA recent passport photo"), 1),
    ("pin-puk", "bevolking", "identity", 10, 0, 1, True,
     ("Nieuwe pin- en pukcode", "New PIN and PUK codes"), _ID, 2),
    ("verlies-eid", "bevolking", "identity", 15, 0, 1, True,
     ("Verlies of diefstal van uw identiteitskaart",
      "Loss or theft of your identity card"),
     ("Het attest van de politie bij diefstal\nEen recente pasfoto",
      "The police certificate in case of theft\nA recent passport photo"), 2),
    ("geboorteaangifte", "burgerlijke_stand", "family", 30, 0, 2, True,
     ("Aangifte van een geboorte", "Registering a birth"),
     ("De identiteitskaarten van de ouders\nHet geboortebericht van het ziekenhuis",
      "The parents' identity cards\nThe birth notice from the hospital"), 4),
    ("huwelijksdossier", "burgerlijke_stand", "family", 45, 0, 2, True,
     ("Huwelijksaangifte (huwelijksdossier)", "Notice of marriage (marriage dossier)"),
     ("De identiteitskaarten van beide partners\nBuitenlandse akten met vertaling",
      "Both partners' identity cards\nForeign certificates with translation"), 2),
    ("wettelijke-samenwoning", "burgerlijke_stand", "family", 30, 0, 2, True,
     ("Verklaring van wettelijke samenwoning", "Declaration of legal cohabitation"),
     ("De identiteitskaarten van beide partners", "Both partners' identity cards"), 2),
    ("nationaliteit", "burgerlijke_stand", "nationality", 45, 0, 1, True,
     ("Belgische nationaliteit aanvragen", "Apply for Belgian nationality"),
     ("Uw verblijfskaart\nUw geboorteakte\nBewijzen van taalkennis, integratie en werk",
      "Your residence card\nYour birth certificate\nProof of language, integration and work"), 2),
    ("voornaamswijziging", "burgerlijke_stand", "family", 30, 0, 1, True,
     ("Voornaam wijzigen", "Change of first name"), _ID, 1),
    ("overlijdensaangifte", "burgerlijke_stand", "family", 30, 0, 2, True,
     ("Aangifte van een overlijden", "Registering a death"),
     ("Het overlijdensattest van de arts\nDe identiteitskaart van de overledene",
      "The doctor's death certificate\nThe identity card of the deceased"), 1),
    ("erkenning-kind", "burgerlijke_stand", "family", 30, 0, 2, True,
     ("Erkenning van een kind", "Recognition of a child"),
     ("De identiteitskaarten van beide ouders", "Both parents' identity cards"), 1),
    ("buitenlandse-akte", "burgerlijke_stand", "nationality", 30, 0, 1, False,
     ("Buitenlandse akte laten beoordelen", "Having a foreign certificate assessed"),
     ("De originele akte, gelegaliseerd of met apostille\nEen beëdigde vertaling",
      "The original certificate, legalised or with an apostille\nA sworn translation"), 1),
    ("wilsverklaring-euthanasie", "burgerlijke_stand", "family", 20, 0, 1, True,
     ("Wilsverklaring euthanasie registreren", "Registering an advance euthanasia directive"),
     ("Het ingevulde formulier met de handtekeningen van twee getuigen",
      "The completed form signed by two witnesses"), 1),
    ("inschrijving-nieuwkomer", "andere_nationaliteiten", "residence", 45, 15, 6, True,
     ("Inschrijving als nieuwkomer", "Registering as a newcomer"),
     ("Uw paspoort of identiteitsbewijs\nUw visum of verblijfsdocument\nUw huurcontract",
      "Your passport or identity document\nYour visa or residence document\n"
      "Your rental contract"), 6),
    ("verblijfsaanvraag", "andere_nationaliteiten", "residence", 45, 15, 6, False,
     ("Verblijfsaanvraag indienen", "Submitting a residence application"),
     ("Alle documenten uit de brief van de stad", "All documents listed in the city's letter"), 3),
    ("dossiercontrole", "andere_nationaliteiten", "residence", 30, 10, 6, True,
     ("Dossier laten nakijken op volledigheid", "Having your dossier checked for completeness"),
     ("Alle documenten van uw dossier", "All documents of your dossier"), 3),
    ("verblijfskaart-afhalen", "andere_nationaliteiten", "residence", 15, 10, 6, False,
     ("Verblijfskaart afhalen", "Collect your residence card"),
     ("De brief met uw pin- en pukcode\nUw oude verblijfskaart of bijlage",
      "The letter with your PIN and PUK codes\nYour old residence card or annex"), 4),
    ("vreemdelingenkaart", "andere_nationaliteiten", "residence", 20, 10, 6, True,
     ("Elektronische vreemdelingenkaart vernieuwen", "Renewing an electronic foreigner's card"),
     ("Uw huidige kaart\nEen recente pasfoto", "Your current card\nA recent passport photo"), 4),
    ("adreswijziging-niet-belgen", "andere_nationaliteiten", "address", 20, 5, 6, True,
     ("Adreswijziging voor niet-Belgen", "Change of address for non-Belgians"),
     ("Uw verblijfskaart\nUw huurcontract", "Your residence card\nYour rental contract"), 3),
    ("attest-gezinssamenstelling", "centraal_onthaal", "certificates", 10, 0, 1, True,
     ("Attest van gezinssamenstelling of woonst", "Certificate of household or residence"),
     _ID, 5),
    ("uittreksel-strafregister", "centraal_onthaal", "certificates", 10, 0, 1, True,
     ("Uittreksel uit het strafregister", "Extract from the criminal record"), _ID, 4),
    ("attest-van-leven", "centraal_onthaal", "certificates", 10, 0, 1, True,
     ("Attest van leven", "Certificate of life"), _ID, 2),
    ("handtekening-echt", "centraal_onthaal", "certificates", 10, 0, 1, True,
     ("Echtverklaring van een handtekening", "Certifying a signature"),
     ("Uw identiteitskaart\nHet document, nog niet ondertekend",
      "Your identity card\nThe document, not yet signed"), 2),
    ("afhalen-document", "centraal_onthaal", "certificates", 10, 5, 4, True,
     ("Een klaargemaakt attest of document afhalen", "Collecting a prepared certificate"),
     _ID, 3),
    ("terugbelafspraak", "centraal_onthaal", "other", 15, 0, 1, True,
     ("Telefonische terugbelafspraak", "A phone call back from the city"),
     ("", ""), 2),
]
BACK_OFFICE_SERVICES = {"terugbelafspraak"}

FIRST_NAMES = [
    "An", "Bram", "Charlotte", "Dirk", "Els", "Fatima", "Geert", "Hanne", "Ilse", "Jan",
    "Karim", "Lotte", "Mohamed", "Nadia", "Olga", "Pieter", "Rania", "Sofie", "Tom", "Vera",
    "Wim", "Yasmina", "Ahmed", "Lien", "Koen", "Marieke", "Samir", "Tatiana", "Ruben", "Ines",
]
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "El Amrani", "Aydin", "Petrova", "Dubois", "Vermeulen", "Hermans",
    "Benali", "Kovalenko", "Lambrechts", "Van den Broeck", "Haddad", "Yilmaz", "Stevens",
]
RESIDENT_NAMES = [
    "Sara Bouzid", "Ivan Petrov", "Lucas Peeters", "Amina Haddad", "Olena Shevchenko",
    "Noah Janssens", "Armen Sargsyan", "Leila Benali", "Emma Claes", "Yusuf Kaya",
    "Aslan Dudayev", "Marie Dubois", "Omar Al-Khatib", "Elena Ivanova", "Liam Maes",
    "Nour El Idrissi", "Georgi Dimitrov", "Hana Mansour", "Jonas Willems", "Zeynep Demir",
]
# (site language for mails, language spoken at the counter, weight) per team kind.
NEWCOMER_LANGUAGES = [
    ("ar", "ar", 14), ("ar", "ary", 8), ("ru", "ru", 25), ("uk", "uk", 10), ("en", "hy", 8),
    ("ru", "ce", 5), ("fr", "fr", 8), ("en", "en", 8), ("nl", "nl", 10), ("tr", "tr", 4),
]
RESIDENT_LANGUAGES = [("nl", "nl", 80), ("fr", "fr", 6), ("en", "en", 6), ("ar", "ar", 4),
                      ("tr", "tr", 2), ("ru", "ru", 2)]
STAFF_EXTRA_LANGUAGES = {
    "andere_nationaliteiten": ["ar", "ary", "ru", "ce", "inh", "fr", "en", "ar", "ru"],
    "centraal_onthaal": ["fr", "en", "ar", "tr", "ru"],
}
