from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.initiative_list, name="initiative_list"),
    path("eintragen/", views.initiative_submit, name="initiative_submit"),
    path("eintragen/danke/", views.initiative_submitted, name="initiative_submitted"),
    path("<slug:slug>/", views.initiative_detail, name="initiative_detail"),
    path("<slug:slug>/bearbeiten/<str:token>/", views.initiative_edit, name="initiative_edit"),
]
