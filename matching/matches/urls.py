"""The volunteer's pages behind the secret link in their mail: /einsatz/<token>/."""

from django.urls import path

from matching.matches import views as match_views

app_name = "einsatz"

urlpatterns = [
    path("<str:token>/", match_views.match_page, name="match"),
    path("<str:token>/rueckmeldung/", match_views.feedback_page, name="feedback"),
]
