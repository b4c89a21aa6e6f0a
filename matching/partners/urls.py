from django.urls import path

from matching.partners import views

app_name = "initiative"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("neu/", views.request_new, name="new"),
    path("anfragen/<int:pk>/", views.request_detail, name="detail"),
    path("anfragen/<int:pk>/absagen/", views.request_cancel, name="cancel"),
]
