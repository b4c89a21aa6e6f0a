"""Demo partner initiatives for ``make run`` (called from ``load_demo_data``).

Made-up but plausible entries in the demo regions (Duisburg, Berlin, München,
the Uckermark) and one online service for all of Germany. Addresses are real
postal codes; names, mail addresses and phone numbers are invented.
"""

import datetime

from django.utils import timezone
from django.utils.text import slugify

from core.bitmask import to_mask
from directory import initiative_services
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language
from directory.models import Initiative

S = InitiativeService
L = Language

DEMO_INITIATIVES = [
    {
        "name": "Erwerbslosentreff Duisburg-Mitte",
        "description": "Wir sind Erwerbslose und helfen uns gegenseitig: Bescheide lesen, Anträge ausfüllen, "
        "gemeinsam zum Jobcenter gehen. Offenes Frühstück jeden Dienstag.",
        "services": [S.UNEMPLOYED_SELF_HELP, S.SOCIAL_COUNSELLING, S.ESCORT],
        "languages": [L.GERMAN, L.TURKISH, L.ARABIC],
        "street": "Musterstraße 12",
        "postal_code": "47051",
        "city": "Duisburg",
        "radius_km": 15,
        "phone": "0203 000 1201",
        "opening_hours": "Di 9–13 Uhr, Do 14–18 Uhr",
        "accessibility": "Erdgeschoss, stufenlos",
    },
    {
        "name": "Sozialrechtsberatung Rhein-Ruhr",
        "description": "Kostenlose Rechtsberatung im Sozialrecht: Bürgergeld, Sozialhilfe, Widerspruch und Klage. "
        "Bitte bringen Sie Ihre Bescheide mit.",
        "services": [S.SOCIAL_LAW_ADVICE],
        "languages": [L.GERMAN, L.ENGLISH],
        "street": "Beispielweg 3",
        "postal_code": "47053",
        "city": "Duisburg",
        "radius_km": 30,
        "email": "beratung@rhein-ruhr.example",
        "opening_hours": "Mo und Mi 10–16 Uhr, nach Termin",
    },
    {
        "name": "Schuldnerberatung Hamborn",
        "description": "Wir helfen bei Schulden, Pfändung und Mietrückständen. Vertraulich und kostenlos.",
        "services": [S.DEBT, S.HOUSING_EMERGENCY],
        "languages": [L.GERMAN, L.POLISH, L.ROMANIAN],
        "street": "Am Markt 5",
        "postal_code": "47166",
        "city": "Duisburg",
        "radius_km": 10,
        "phone": "0203 000 1666",
    },
    {
        "name": "Beratung für Erwerbslose Neukölln",
        "description": "Unabhängige Beratung zu Bürgergeld und Jobcenter. Wir erklären Bescheide und helfen beim "
        "Widerspruch.",
        "services": [S.SOCIAL_LAW_ADVICE, S.SOCIAL_COUNSELLING],
        "languages": [L.GERMAN, L.ARABIC, L.TURKISH, L.ENGLISH],
        "street": "Beispielstraße 40",
        "postal_code": "12053",
        "city": "Berlin",
        "radius_km": 10,
        "website": "https://neukoelln-beratung.example",
        "opening_hours": "Mo–Do 10–15 Uhr",
    },
    {
        "name": "Migrationsberatung Wedding",
        "description": "Beratung zu Aufenthalt, Arbeit und Familiennachzug. Wir begleiten auch zum Landesamt für "
        "Einwanderung.",
        "services": [S.MIGRATION, S.ESCORT],
        "languages": [L.GERMAN, L.ARABIC, L.FARSI, L.KURDISH, L.UKRAINIAN, L.RUSSIAN],
        "street": "Hofweg 7",
        "postal_code": "13353",
        "city": "Berlin",
        "radius_km": 20,
        "email": "kontakt@wedding-migration.example",
    },
    {
        "name": "Kiezküche Kreuzberg",
        "description": "Warmes Mittagessen und Lebensmittelausgabe, ohne Nachweis. Sozialberatung donnerstags.",
        "services": [S.FOOD, S.SOCIAL_COUNSELLING],
        "languages": [L.GERMAN, L.ENGLISH, L.SPANISH],
        "street": "Ufergasse 2",
        "postal_code": "10965",
        "city": "Berlin",
        "radius_km": 5,
        "opening_hours": "Mo–Fr 12–14 Uhr",
        "accessibility": "Rampe am Seiteneingang",
    },
    {
        "name": "Sozialberatung Giesing",
        "description": "Hilfe bei Anträgen, Wohngeld und Jobcenter. Kurze Fragen auch am Telefon.",
        "services": [S.SOCIAL_COUNSELLING, S.HOUSING_EMERGENCY],
        "languages": [L.GERMAN, L.SERBO_CROATIAN, L.ITALIAN],
        "street": "Beispielplatz 1",
        "postal_code": "81541",
        "city": "München",
        "radius_km": 15,
        "phone": "089 000 8154",
    },
    {
        "name": "Psychosoziale Beratung am Glockenbach",
        "description": "Gespräche bei Krisen, Angst vor dem Amt und Überforderung. Auf Wunsch begleiten wir Sie.",
        "services": [S.PSYCHOSOCIAL, S.ESCORT],
        "languages": [L.GERMAN, L.ENGLISH, L.FRENCH],
        "street": "Musterstraße 20",
        "postal_code": "80469",
        "city": "München",
        "radius_km": 25,
        "email": "hallo@glockenbach-beratung.example",
    },
    {
        "name": "Selbsthilfe Uckermark",
        "description": "Erwerbslose helfen Erwerbslosen, im ganzen Landkreis. Wir kommen auch zu Ihnen ins Dorf.",
        "services": [S.UNEMPLOYED_SELF_HELP, S.ESCORT, S.SOCIAL_COUNSELLING],
        "languages": [L.GERMAN, L.POLISH],
        "street": "Marktberg 4",
        "postal_code": "17291",
        "city": "Prenzlau",
        "radius_km": 50,
        "phone": "03984 000 172",
        # Not confirmed for a long time: shows the 18-month flag in the admin.
        "confirmed_months_ago": 20,
    },
    {
        "name": "Wohnungsnotfallhilfe Angermünde",
        "description": "Beratung bei drohendem Wohnungsverlust, Räumung und Mietschulden.",
        "services": [S.HOUSING_EMERGENCY, S.DEBT],
        "languages": [L.GERMAN],
        "street": "Bahnhofstraße 9",
        "postal_code": "16278",
        "city": "Angermünde",
        "radius_km": 35,
    },
    {
        "name": "Sozialrecht online",
        "description": "Beratung zum Sozialrecht per Video, Chat und Telefon, für ganz Deutschland. "
        "Termine in mehreren Sprachen.",
        "services": [S.SOCIAL_LAW_ADVICE, S.SOCIAL_COUNSELLING],
        "languages": [L.GERMAN, L.ENGLISH, L.ARABIC, L.RUSSIAN, L.UKRAINIAN],
        "reach": InitiativeReach.ONLINE,
        "website": "https://sozialrecht-online.example",
        "email": "termin@sozialrecht-online.example",
        "opening_hours": "Mo–Fr 9–18 Uhr",
    },
]


def initiatives_load_demo() -> int:
    """Create the demo initiatives that are missing, published and confirmed; returns how many there are.

    Idempotent by name. Sends no mails.
    """
    now = timezone.now()
    for entry in DEMO_INITIATIVES:
        entry = dict(entry)
        if Initiative.objects.filter(name=entry["name"]).exists():
            continue
        months = entry.pop("confirmed_months_ago", 0)
        confirmed = now - datetime.timedelta(days=round(months * 30.5))
        initiative = Initiative(
            state=InitiativeState.PUBLISHED,
            published_at=confirmed,
            last_confirmed_at=confirmed,
            contact_email=f"kontakt@{slugify(entry['name'])}.example",
            reach=entry.pop("reach", InitiativeReach.LOCAL),
            postal_code_id=entry.pop("postal_code", None),
            services=to_mask(entry.pop("services")),
            languages=to_mask(entry.pop("languages")),
            **entry,
        )
        initiative_services.initiative_save(initiative=initiative)
    return Initiative.objects.filter(name__in=[entry["name"] for entry in DEMO_INITIATIVES]).count()
