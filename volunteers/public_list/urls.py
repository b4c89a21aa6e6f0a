from django.urls import path

from volunteers.public_list import views

app_name = "public_list"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:slug>/", views.region_detail, name="region"),
    path("<slug:slug>/schreiben/<int:volunteer_id>/", views.relay, name="relay"),
]
