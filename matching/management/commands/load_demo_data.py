"""Load a small demo data set for ``make run``: offices, volunteers and a coordinator.

Idempotent: running it again changes nothing that is already there. Never run
it against production data; it refuses when DEBUG is off.
"""

import random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.bitmask import to_mask
from directory.choices import Language, OfficeKind
from directory.demo import initiatives_load_demo
from directory.models import Office
from geo.distances import Point, points_within
from geo.models import PostalCode
from geo.regions import regions_load_default
from volunteers import services as volunteer_services
from volunteers.choices import Gender, availability_position
from volunteers.models import Volunteer
from volunteers.public_list.selectors import list_overview_forget
from volunteers.public_list.services import volunteer_listing_set

COORDINATOR_EMAIL = "koordination@mitlaeufer.example"
COORDINATOR_PASSWORD = "mitlaeufer-demo"  # noqa: S105  (demo only; the command refuses to run in production)

# Real offices in a few cities and one rural district, so the demo feels real.
DEMO_OFFICES = [
    ("Jobcenter Duisburg Mitte", OfficeKind.JOBCENTER, "Wuhanstraße 6", "47051", "Duisburg"),
    ("Amt für Soziales und Wohnen Duisburg", OfficeKind.SOCIAL_WELFARE, "Schwanenstraße 5–7", "47051", "Duisburg"),
    ("Jobcenter Duisburg Hamborn", OfficeKind.JOBCENTER, "Duisburger Straße 213", "47166", "Duisburg"),
    ("Jobcenter Berlin Neukölln", OfficeKind.JOBCENTER, "Mainzer Straße 27", "12053", "Berlin"),
    ("Landesamt für Einwanderung Berlin", OfficeKind.IMMIGRATION, "Friedrich-Krause-Ufer 24", "13353", "Berlin"),
    ("Jobcenter Berlin Mitte", OfficeKind.JOBCENTER, "Seydelstraße 2–5", "10117", "Berlin"),
    (
        "Kreisverwaltungsreferat München, Ausländerbehörde",
        OfficeKind.IMMIGRATION,
        "Ruppertstraße 19",
        "80337",
        "München",
    ),
    ("Jobcenter München, Standort Giesing", OfficeKind.JOBCENTER, "Balanstraße 55", "81541", "München"),
    ("Jobcenter Uckermark", OfficeKind.JOBCENTER, "Stettiner Straße 19", "17291", "Prenzlau"),
    ("Landkreis Uckermark, Sozialamt", OfficeKind.SOCIAL_WELFARE, "Karl-Marx-Straße 1", "17291", "Prenzlau"),
]

# Volunteers are spread around these centres.
DEMO_CENTRES = {"47051": 12, "12053": 12, "80337": 10, "17291": 6}
DEMO_NAMES = [
    "Anna", "Ben", "Canan", "David", "Elif", "Frieda", "Georg", "Hatice", "Ilse", "Jonas", "Karin", "Leon",
    "Mehmet", "Nina", "Olga", "Paul", "Quynh", "Rana", "Sven", "Tamara", "Uwe", "Vera", "Wiebke", "Yusuf", "Zeynep",
]  # fmt: skip


class Command(BaseCommand):
    help = "Loads demo offices, volunteers and a demo coordinator (idempotent, DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for local development only (DJANGO_DEBUG is off).")
        with transaction.atomic():
            offices = self._offices()
            volunteers = self._volunteers()
            self._coordinator()
            self._requests()
            initiatives_load_demo()
            regions_load_default()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {offices} offices, {volunteers} volunteers."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Coordinator login: {COORDINATOR_EMAIL} / {COORDINATOR_PASSWORD}  →  /admin/ on the running site"
            )
        )

    def _offices(self) -> int:
        for name, kind, street, code, city in DEMO_OFFICES:
            Office.objects.get_or_create(
                name=name,
                postal_code_id=code,
                defaults={"kind": kind, "street": street, "city": city, "verified": True},
            )
        return Office.objects.count()

    def _volunteers(self) -> int:
        rng = random.Random(2026)  # noqa: S311  (not crypto: the same demo on every machine)
        User = get_user_model()
        points = [Point(p.code, p.latitude, p.longitude) for p in PostalCode.objects.all()]
        number = 0
        for centre, count in DEMO_CENTRES.items():
            origin = PostalCode.objects.get(code=centre)
            nearby = [p.code for p, _ in points_within((origin.latitude, origin.longitude), points, 20)]
            for _ in range(count):
                number += 1
                email = f"demo{number:02d}@mitlaeufer.example"
                if User.objects.filter(email=email).exists():
                    continue
                user = User.objects.create_user(username=f"demo{number:02d}", email=email, password=None)
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                cells = rng.sample(range(18), rng.randint(2, 8))
                languages = {Language.GERMAN, *rng.sample(list(Language), rng.randint(0, 2))}
                volunteer = volunteer_services.volunteer_create(
                    user=user,
                    policy_version=settings.PRIVACY_POLICY_VERSION,
                    display_name=DEMO_NAMES[number % len(DEMO_NAMES)],
                    postal_code=rng.choice(nearby),
                    radius_km=rng.choice([5, 10, 15, 15, 20, 30]),
                    availability=to_mask(cells) or to_mask([availability_position(0, 0)]),
                    languages=to_mask(languages),
                    office_kinds=to_mask(OfficeKind.values),
                    phone="",
                    gender=rng.choice(["", Gender.FEMALE, Gender.MALE]),
                    knows_social_law=rng.random() < 0.2,
                )
                # Demo volunteers have read the briefing, so the demo matches right away.
                volunteer_services.volunteer_confirm_briefing(volunteer=volunteer)
                if number % 3 == 0:
                    # Some show themselves on the public Mitläuferliste, so its region pages have people to write to.
                    volunteer_listing_set(volunteer=volunteer, listed=True)
        list_overview_forget()  # the list's cached counts include the demo at once
        return Volunteer.objects.count()

    def _coordinator(self) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username="koordination", defaults={"email": COORDINATOR_EMAIL, "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(COORDINATOR_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=COORDINATOR_EMAIL, defaults={"verified": True, "primary": True}
        )

    def _requests(self) -> None:
        """A few open requests, so the coordinators' list is not empty (appointments relative to today)."""
        import datetime

        from django.utils import timezone

        from matching.models import AccompanimentRequest
        from matching.requests import services as matching_services

        demo = [
            ("Jobcenter Duisburg Mitte", "Ayşe", 3, 9, "registration"),
            ("Landesamt für Einwanderung Berlin", "Dmytro", 6, 11, "application"),
            ("Jobcenter Uckermark", "Sabine", 10, 14, "hearing"),
        ]
        for number, (office_name, first_name, days, hour, purpose) in enumerate(demo, start=1):
            email = f"demo-anfrage-{number}@mitlaeufer.example"
            if AccompanimentRequest.objects.filter(email=email).exists():
                continue
            day = timezone.localdate() + datetime.timedelta(days=days)
            matching_services.request_create(
                office=Office.objects.get(name=office_name),
                first_name=first_name,
                email=email,
                starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
                purpose=purpose,
                languages=to_mask([Language.GERMAN]),
            )
