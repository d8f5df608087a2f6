"""French (as used in Belgium) and German (of the German-speaking Community of Belgium)
texts of the demo services: code → (name, documents to bring, one per line).

Translated from the Dutch source texts in :mod:`portal.demo.data`; same meaning, same lines.
"""

from __future__ import annotations

_FR_ID = "Votre carte d'identité ou carte de séjour"
_FR_PHOTO = "Une photo d'identité récente"
_FR_ICAO = "Une photo d'identité récente conforme aux normes ICAO"
_FR_PIN = "La lettre avec vos codes PIN et PUK"

FR = {
    "eid-aanvragen": (
        "Demander une carte d'identité électronique (eID)",
        f"Votre carte d'identité actuelle\n{_FR_ICAO}",
    ),
    "eid-afhalen": (
        "Retirer votre carte d'identité électronique (eID)",
        f"{_FR_PIN}\nVotre ancienne carte d'identité",
    ),
    "kids-id": (
        "Demander une Kids-ID",
        "L'enfant vous accompagne\nUne photo d'identité récente de l'enfant",
    ),
    "paspoort-aanvragen": (
        "Demander un passeport",
        f"Votre carte d'identité\n{_FR_ICAO}\nVotre passeport précédent",
    ),
    "paspoort-afhalen": ("Retirer votre passeport", _FR_ID),
    "adreswijziging": (
        "Changement d'adresse",
        "Les cartes d'identité de toutes les personnes qui déménagent\n"
        "Votre contrat de bail ou votre acte de propriété",
    ),
    "rijbewijs": (
        "Demander ou renouveler un permis de conduire",
        f"Votre carte d'identité\nVotre permis de conduire actuel\n{_FR_PHOTO}",
    ),
    "voorlopig-rijbewijs": (
        "Permis de conduire provisoire",
        "Votre carte d'identité\nL'attestation de l'examen théorique",
    ),
    "internationaal-rijbewijs": (
        "Permis de conduire international",
        f"Votre permis de conduire belge\n{_FR_PHOTO}",
    ),
    "pin-puk": ("Nouveaux codes PIN et PUK", _FR_ID),
    "verlies-eid": (
        "Perte ou vol de votre carte d'identité",
        f"L'attestation de la police en cas de vol\n{_FR_PHOTO}",
    ),
    "geboorteaangifte": (
        "Déclaration de naissance",
        "Les cartes d'identité des parents\nL'avis de naissance délivré par l'hôpital",
    ),
    "huwelijksdossier": (
        "Déclaration de mariage (dossier de mariage)",
        "Les cartes d'identité des deux partenaires\nLes actes étrangers avec leur traduction",
    ),
    "wettelijke-samenwoning": (
        "Déclaration de cohabitation légale",
        "Les cartes d'identité des deux partenaires",
    ),
    "nationaliteit": (
        "Demander la nationalité belge",
        "Votre carte de séjour\nVotre acte de naissance\n"
        "Les preuves de connaissance linguistique, d'intégration et de travail",
    ),
    "voornaamswijziging": ("Changement de prénom", _FR_ID),
    "overlijdensaangifte": (
        "Déclaration de décès",
        "Le certificat de décès établi par le médecin\nLa carte d'identité de la personne décédée",
    ),
    "erkenning-kind": (
        "Reconnaissance d'un enfant",
        "Les cartes d'identité des deux parents",
    ),
    "buitenlandse-akte": (
        "Faire examiner un acte étranger",
        "L'acte original, légalisé ou muni d'une apostille\nUne traduction jurée",
    ),
    "wilsverklaring-euthanasie": (
        "Enregistrer une déclaration anticipée relative à l'euthanasie",
        "Le formulaire complété, avec les signatures de deux témoins",
    ),
    "inschrijving-nieuwkomer": (
        "Inscription en tant que nouvel arrivant",
        "Votre passeport ou document d'identité\nVotre visa ou document de séjour\n"
        "Votre contrat de bail",
    ),
    "verblijfsaanvraag": (
        "Introduire une demande de séjour",
        "Tous les documents mentionnés dans la lettre de la ville",
    ),
    "dossiercontrole": (
        "Faire vérifier si votre dossier est complet",
        "Tous les documents de votre dossier",
    ),
    "verblijfskaart-afhalen": (
        "Retirer votre carte de séjour",
        f"{_FR_PIN}\nVotre ancienne carte de séjour ou annexe",
    ),
    "vreemdelingenkaart": (
        "Renouveler une carte électronique pour étrangers",
        f"Votre carte actuelle\n{_FR_PHOTO}",
    ),
    "adreswijziging-niet-belgen": (
        "Changement d'adresse pour les non-Belges",
        "Votre carte de séjour\nVotre contrat de bail",
    ),
    "attest-gezinssamenstelling": (
        "Attestation de composition de ménage ou attestation de résidence",
        _FR_ID,
    ),
    "uittreksel-strafregister": ("Extrait de casier judiciaire", _FR_ID),
    "attest-van-leven": ("Certificat de vie", _FR_ID),
    "handtekening-echt": (
        "Légalisation d'une signature",
        "Votre carte d'identité\nLe document, pas encore signé",
    ),
    "afhalen-document": ("Retirer une attestation ou un document préparé", _FR_ID),
    "terugbelafspraak": ("Rendez-vous pour un rappel téléphonique", ""),
}

_DE_ID = "Ihr Personalausweis oder Ihre Aufenthaltskarte"
_DE_PHOTO = "Ein aktuelles Passfoto"
_DE_ICAO = "Ein aktuelles Passfoto gemäß den ICAO-Normen"
_DE_PIN = "Der Brief mit Ihrem PIN- und PUK-Code"

DE = {
    "eid-aanvragen": (
        "Personalausweis (eID) beantragen",
        f"Ihr aktueller Personalausweis\n{_DE_ICAO}",
    ),
    "eid-afhalen": (
        "Personalausweis (eID) abholen",
        f"{_DE_PIN}\nIhr alter Personalausweis",
    ),
    "kids-id": (
        "Kids-ID beantragen",
        "Das Kind kommt mit\nEin aktuelles Passfoto des Kindes",
    ),
    "paspoort-aanvragen": (
        "Reisepass beantragen",
        f"Ihr Personalausweis\n{_DE_ICAO}\nIhr bisheriger Reisepass",
    ),
    "paspoort-afhalen": ("Reisepass abholen", _DE_ID),
    "adreswijziging": (
        "Adressänderung",
        "Die Personalausweise aller Personen, die umziehen\n"
        "Ihr Mietvertrag oder Ihre Eigentumsurkunde",
    ),
    "rijbewijs": (
        "Führerschein beantragen oder erneuern",
        f"Ihr Personalausweis\nIhr aktueller Führerschein\n{_DE_PHOTO}",
    ),
    "voorlopig-rijbewijs": (
        "Vorläufiger Führerschein",
        "Ihr Personalausweis\nDie Bescheinigung der theoretischen Prüfung",
    ),
    "internationaal-rijbewijs": (
        "Internationaler Führerschein",
        f"Ihr belgischer Führerschein\n{_DE_PHOTO}",
    ),
    "pin-puk": ("Neuer PIN- und PUK-Code", _DE_ID),
    "verlies-eid": (
        "Verlust oder Diebstahl Ihres Personalausweises",
        f"Die Bescheinigung der Polizei bei Diebstahl\n{_DE_PHOTO}",
    ),
    "geboorteaangifte": (
        "Erklärung einer Geburt",
        "Die Personalausweise der Eltern\nDie Geburtsmitteilung des Krankenhauses",
    ),
    "huwelijksdossier": (
        "Heiratserklärung (Heiratsdossier)",
        "Die Personalausweise beider Partner\nAusländische Urkunden mit Übersetzung",
    ),
    "wettelijke-samenwoning": (
        "Erklärung des gesetzlichen Zusammenwohnens",
        "Die Personalausweise beider Partner",
    ),
    "nationaliteit": (
        "Belgische Staatsangehörigkeit beantragen",
        "Ihre Aufenthaltskarte\nIhre Geburtsurkunde\n"
        "Nachweise über Sprachkenntnisse, Integration und Arbeit",
    ),
    "voornaamswijziging": ("Vornamen ändern", _DE_ID),
    "overlijdensaangifte": (
        "Erklärung eines Sterbefalls",
        "Der Totenschein des Arztes\nDer Personalausweis der verstorbenen Person",
    ),
    "erkenning-kind": (
        "Anerkennung eines Kindes",
        "Die Personalausweise beider Elternteile",
    ),
    "buitenlandse-akte": (
        "Ausländische Urkunde prüfen lassen",
        "Die Originalurkunde, legalisiert oder mit Apostille\nEine beeidigte Übersetzung",
    ),
    "wilsverklaring-euthanasie": (
        "Vorgezogene Willenserklärung zur Euthanasie registrieren",
        "Das ausgefüllte Formular mit den Unterschriften von zwei Zeugen",
    ),
    "inschrijving-nieuwkomer": (
        "Eintragung als Neuankömmling",
        "Ihr Reisepass oder Ausweisdokument\nIhr Visum oder Aufenthaltsdokument\nIhr Mietvertrag",
    ),
    "verblijfsaanvraag": (
        "Aufenthaltsantrag einreichen",
        "Alle Dokumente, die im Schreiben der Stadt aufgeführt sind",
    ),
    "dossiercontrole": (
        "Dossier auf Vollständigkeit prüfen lassen",
        "Alle Dokumente Ihres Dossiers",
    ),
    "verblijfskaart-afhalen": (
        "Aufenthaltskarte abholen",
        f"{_DE_PIN}\nIhre alte Aufenthaltskarte oder Anlage",
    ),
    "vreemdelingenkaart": (
        "Elektronische Ausländerkarte erneuern",
        f"Ihre aktuelle Karte\n{_DE_PHOTO}",
    ),
    "adreswijziging-niet-belgen": (
        "Adressänderung für Nicht-Belgier",
        "Ihre Aufenthaltskarte\nIhr Mietvertrag",
    ),
    "attest-gezinssamenstelling": (
        "Bescheinigung der Haushaltszusammensetzung oder Wohnsitzbescheinigung",
        _DE_ID,
    ),
    "uittreksel-strafregister": ("Auszug aus dem Strafregister", _DE_ID),
    "attest-van-leven": ("Lebensbescheinigung", _DE_ID),
    "handtekening-echt": (
        "Beglaubigung einer Unterschrift",
        "Ihr Personalausweis\nDas Dokument, noch nicht unterschrieben",
    ),
    "afhalen-document": ("Eine vorbereitete Bescheinigung oder ein Dokument abholen", _DE_ID),
    "terugbelafspraak": ("Telefonischer Rückruftermin", ""),
}
