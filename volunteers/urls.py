from django.urls import path

from volunteers import views
from volunteers.public_list import views as public_list_views

app_name = "volunteers"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("bearbeiten/", views.profile_edit, name="edit"),
    path("pause/", views.pause, name="pause"),
    path("oeffentlich/", public_list_views.listing_set, name="listing_set"),
    path("einweisung/", views.briefing_confirm, name="briefing_confirm"),
    path("kalender/", views.calendar_feed_renew, name="calendar_feed_renew"),
    path("abwesenheit/", views.absence_add, name="absence_add"),
    path("abwesenheit/<int:absence_id>/loeschen/", views.absence_delete, name="absence_delete"),
    path("meine-daten.json", views.export, name="export"),
    path("meine-daten/", views.export_page, name="export_page"),
    path("einwilligung/", views.consent_give, name="consent_give"),
    path("einwilligung-widerrufen/", views.consent_withdraw, name="consent_withdraw"),
    path("loeschen/", views.delete_account, name="delete"),
]
