from django.urls import path

from matching.requests import easy, link_views, views

app_name = "matching"

urlpatterns = [
    path("", views.request_new, name="new"),
    path("aemter/", views.office_search, name="office_search"),
    path("geloescht/", views.request_erased, name="erased"),
    path("wiederfinden/", link_views.request_find, name="find"),
    path("einfach/", easy.request_easy, name="easy"),
    path("<str:token>/", views.request_status, name="status"),
    path("<str:token>/absagen/", views.request_cancel, name="cancel"),
    path("<str:token>/termin.ics", views.request_calendar, name="calendar"),
    path("<str:token>/hinweis-fuer-das-amt/", views.request_office_notice, name="notice"),
    path("<str:token>/aendern/", views.request_reschedule, name="reschedule"),
    path("<str:token>/loeschen/", views.request_erase, name="erase"),
    path("<str:token>/link-senden/", link_views.request_link_mail, name="link_mail"),
    path("<str:token>/drucken/", link_views.request_print, name="print"),
]
