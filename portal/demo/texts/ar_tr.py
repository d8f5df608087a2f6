"""Arabic (Modern Standard) and Turkish texts of the demo services: code → (name,
documents to bring, one per line).

Translated from the Dutch source texts in :mod:`portal.demo.data`; same meaning, same lines.
"""

from __future__ import annotations

_AR_ID = "بطاقة هويتك أو بطاقة إقامتك"
_AR_PHOTO = "صورة شخصية حديثة"
_AR_ICAO = "صورة شخصية حديثة مطابقة لمعايير ICAO"
_AR_PIN = "الرسالة التي تتضمن رمزَي PIN وPUK الخاصين بك"

AR = {
    "eid-aanvragen": (
        "طلب بطاقة الهوية الإلكترونية (eID)",
        f"بطاقة هويتك الحالية\n{_AR_ICAO}",
    ),
    "eid-afhalen": (
        "استلام بطاقة الهوية الإلكترونية (eID)",
        f"{_AR_PIN}\nبطاقة هويتك القديمة",
    ),
    "kids-id": (
        "طلب بطاقة هوية الأطفال (Kids-ID)",
        "يحضر الطفل معك\nصورة شخصية حديثة للطفل",
    ),
    "paspoort-aanvragen": (
        "طلب جواز سفر",
        f"بطاقة هويتك\n{_AR_ICAO}\nجواز سفرك السابق",
    ),
    "paspoort-afhalen": ("استلام جواز السفر", _AR_ID),
    "adreswijziging": (
        "تغيير العنوان",
        "بطاقات هوية جميع الأشخاص الذين ينتقلون\nعقد الإيجار أو سند الملكية",
    ),
    "rijbewijs": (
        "طلب رخصة قيادة أو تجديدها",
        f"بطاقة هويتك\nرخصة قيادتك الحالية\n{_AR_PHOTO}",
    ),
    "voorlopig-rijbewijs": (
        "رخصة القيادة المؤقتة",
        "بطاقة هويتك\nشهادة الامتحان النظري",
    ),
    "internationaal-rijbewijs": (
        "رخصة القيادة الدولية",
        f"رخصة قيادتك البلجيكية\n{_AR_PHOTO}",
    ),
    "pin-puk": ("رمزا PIN وPUK جديدان", _AR_ID),
    "verlies-eid": (
        "فقدان بطاقة هويتك أو سرقتها",
        f"شهادة الشرطة في حالة السرقة\n{_AR_PHOTO}",
    ),
    "geboorteaangifte": (
        "التصريح بولادة",
        "بطاقتا هوية الوالدين\nإشعار الولادة الصادر عن المستشفى",
    ),
    "huwelijksdossier": (
        "التصريح بالزواج (ملف الزواج)",
        "بطاقتا هوية الشريكين\nالوثائق الأجنبية مع ترجمتها",
    ),
    "wettelijke-samenwoning": (
        "التصريح بالمساكنة القانونية",
        "بطاقتا هوية الشريكين",
    ),
    "nationaliteit": (
        "طلب الجنسية البلجيكية",
        "بطاقة إقامتك\nشهادة ميلادك\nإثباتات المعرفة اللغوية والاندماج والعمل",
    ),
    "voornaamswijziging": ("تغيير الاسم الشخصي", _AR_ID),
    "overlijdensaangifte": (
        "التصريح بوفاة",
        "شهادة الوفاة الصادرة عن الطبيب\nبطاقة هوية المتوفى",
    ),
    "erkenning-kind": (
        "الاعتراف بطفل",
        "بطاقتا هوية الوالدين كليهما",
    ),
    "buitenlandse-akte": (
        "طلب تقييم وثيقة أجنبية",
        "الوثيقة الأصلية، مصدَّقةً أو مع شهادة أبوستيل\nترجمة محلَّفة",
    ),
    "wilsverklaring-euthanasie": (
        "تسجيل التصريح المسبق بالإرادة بشأن القتل الرحيم",
        "الاستمارة المعبأة وعليها توقيعا شاهدين",
    ),
    "inschrijving-nieuwkomer": (
        "التسجيل كوافد جديد",
        "جواز سفرك أو وثيقة هويتك\nتأشيرتك أو وثيقة إقامتك\nعقد إيجارك",
    ),
    "verblijfsaanvraag": (
        "تقديم طلب إقامة",
        "جميع الوثائق المذكورة في رسالة البلدية",
    ),
    "dossiercontrole": (
        "التحقق من اكتمال ملفك",
        "جميع وثائق ملفك",
    ),
    "verblijfskaart-afhalen": (
        "استلام بطاقة الإقامة",
        f"{_AR_PIN}\nبطاقة إقامتك القديمة أو الملحق",
    ),
    "vreemdelingenkaart": (
        "تجديد البطاقة الإلكترونية للأجانب",
        f"بطاقتك الحالية\n{_AR_PHOTO}",
    ),
    "adreswijziging-niet-belgen": (
        "تغيير العنوان لغير البلجيكيين",
        "بطاقة إقامتك\nعقد إيجارك",
    ),
    "attest-gezinssamenstelling": ("شهادة تركيبة الأسرة أو شهادة السكن", _AR_ID),
    "uittreksel-strafregister": ("مستخرج من السجل العدلي", _AR_ID),
    "attest-van-leven": ("شهادة حياة", _AR_ID),
    "handtekening-echt": (
        "التصديق على صحة التوقيع",
        "بطاقة هويتك\nالوثيقة، غير موقَّعة بعد",
    ),
    "afhalen-document": ("استلام شهادة أو وثيقة جاهزة", _AR_ID),
    "terugbelafspraak": ("موعد لمعاودة الاتصال بك هاتفيًا", ""),
}

_TR_ID = "Kimlik kartınız veya oturum kartınız"
_TR_PHOTO = "Yakın tarihli bir vesikalık fotoğraf"
_TR_ICAO = "ICAO standartlarına uygun, yakın tarihli bir vesikalık fotoğraf"
_TR_PIN = "PIN ve PUK kodlarınızın bulunduğu mektup"

TR = {
    "eid-aanvragen": (
        "Kimlik kartı (eID) başvurusu",
        f"Mevcut kimlik kartınız\n{_TR_ICAO}",
    ),
    "eid-afhalen": (
        "Kimlik kartını (eID) teslim alma",
        f"{_TR_PIN}\nEski kimlik kartınız",
    ),
    "kids-id": (
        "Kids-ID başvurusu",
        "Çocuk sizinle birlikte gelir\nÇocuğun yakın tarihli bir vesikalık fotoğrafı",
    ),
    "paspoort-aanvragen": (
        "Pasaport başvurusu",
        f"Kimlik kartınız\n{_TR_ICAO}\nÖnceki pasaportunuz",
    ),
    "paspoort-afhalen": ("Pasaportu teslim alma", _TR_ID),
    "adreswijziging": (
        "Adres değişikliği",
        "Taşınan herkesin kimlik kartları\nKira sözleşmeniz veya tapunuz",
    ),
    "rijbewijs": (
        "Sürücü belgesi başvurusu veya yenileme",
        f"Kimlik kartınız\nMevcut sürücü belgeniz\n{_TR_PHOTO}",
    ),
    "voorlopig-rijbewijs": (
        "Geçici sürücü belgesi",
        "Kimlik kartınız\nTeorik sınav belgesi",
    ),
    "internationaal-rijbewijs": (
        "Uluslararası sürücü belgesi",
        f"Belçika sürücü belgeniz\n{_TR_PHOTO}",
    ),
    "pin-puk": ("Yeni PIN ve PUK kodu", _TR_ID),
    "verlies-eid": (
        "Kimlik kartınızın kaybolması veya çalınması",
        f"Hırsızlık durumunda polisten alınan belge\n{_TR_PHOTO}",
    ),
    "geboorteaangifte": (
        "Doğum bildirimi",
        "Anne ve babanın kimlik kartları\nHastanenin düzenlediği doğum bildirgesi",
    ),
    "huwelijksdossier": (
        "Evlilik beyanı (evlilik dosyası)",
        "Her iki partnerin kimlik kartları\nYabancı belgeler ve tercümeleri",
    ),
    "wettelijke-samenwoning": (
        "Yasal birlikte yaşama beyanı",
        "Her iki partnerin kimlik kartları",
    ),
    "nationaliteit": (
        "Belçika vatandaşlığı başvurusu",
        "Oturum kartınız\nDoğum belgeniz\nDil bilgisi, uyum ve çalışma kanıtları",
    ),
    "voornaamswijziging": ("Ad değişikliği", _TR_ID),
    "overlijdensaangifte": (
        "Ölüm bildirimi",
        "Doktorun düzenlediği ölüm belgesi\nÖlen kişinin kimlik kartı",
    ),
    "erkenning-kind": (
        "Bir çocuğun tanınması",
        "Anne ve babanın her ikisinin kimlik kartları",
    ),
    "buitenlandse-akte": (
        "Yabancı bir belgeyi değerlendirtme",
        "Tasdikli veya apostilli orijinal belge\nYeminli tercüme",
    ),
    "wilsverklaring-euthanasie": (
        "Ötanazi ile ilgili önceden irade beyanının kaydı",
        "İki tanığın imzalarını taşıyan doldurulmuş form",
    ),
    "inschrijving-nieuwkomer": (
        "Yeni gelen olarak kayıt",
        "Pasaportunuz veya kimlik belgeniz\nVizeniz veya oturum belgeniz\nKira sözleşmeniz",
    ),
    "verblijfsaanvraag": (
        "Oturum başvurusu yapma",
        "Belediyenin mektubunda belirtilen tüm belgeler",
    ),
    "dossiercontrole": (
        "Dosyanızın eksiksiz olup olmadığını kontrol ettirme",
        "Dosyanızdaki tüm belgeler",
    ),
    "verblijfskaart-afhalen": (
        "Oturum kartını teslim alma",
        f"{_TR_PIN}\nEski oturum kartınız veya ek belgeniz",
    ),
    "vreemdelingenkaart": (
        "Elektronik yabancı kartının yenilenmesi",
        f"Mevcut kartınız\n{_TR_PHOTO}",
    ),
    "adreswijziging-niet-belgen": (
        "Belçika vatandaşı olmayanlar için adres değişikliği",
        "Oturum kartınız\nKira sözleşmeniz",
    ),
    "attest-gezinssamenstelling": ("Hane halkı belgesi veya ikametgâh belgesi", _TR_ID),
    "uittreksel-strafregister": ("Adli sicil kaydı belgesi", _TR_ID),
    "attest-van-leven": ("Hayat belgesi", _TR_ID),
    "handtekening-echt": (
        "İmza tasdiki",
        "Kimlik kartınız\nHenüz imzalanmamış belge",
    ),
    "afhalen-document": ("Hazırlanmış bir tasdikname veya belgeyi teslim alma", _TR_ID),
    "terugbelafspraak": ("Telefonla geri arama randevusu", ""),
}
