"""The volunteer's pages behind the secret link in their mail: /einsatz/<token>/."""

from django.urls import path

from matching.matches import printables
from matching.matches import views as match_views

app_name = "einsatz"

urlpatterns = [
    # A volunteer's private calendar feed: the secret is the volunteer's calendar token, revocable in the profile.
    path("kalender/<str:token>.ics", match_views.calendar_feed, name="calendar_feed"),
    path("<str:token>/", match_views.match_page, name="match"),
    path("<str:token>/rueckmeldung/", match_views.feedback_page, name="feedback"),
    path("<str:token>/termin.ics", match_views.match_calendar, name="calendar"),
    path("<str:token>/hinweis-fuer-das-amt/", printables.match_office_notice, name="notice"),
]
