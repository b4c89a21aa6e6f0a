from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView, TemplateView

from mitlaeufer import views
from volunteers import views as volunteer_views

# Admin logins go through allauth's rate limits for failed logins.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Mitläufer – Koordination")
admin.site.site_title = "Mitläufer"

urlpatterns = [
    path("", TemplateView.as_view(template_name="pages/home.html"), name="home"),
    path("datenschutz/", views.privacy_page, name="privacy"),
    path("flyer/", views.flyer, name="flyer"),
    path("impressum/", TemplateView.as_view(template_name="pages/imprint.html"), name="imprint"),
    path("healthz", views.healthz, name="healthz"),
    # Sign-up counts only accepted sign-ups towards the client's limit (volunteers.views.signup).
    path("mitmachen/", volunteer_views.signup, name="signup"),
    path("konto/signup/", volunteer_views.signup),
    path("mitmachen/einweisung/", volunteer_views.briefing, name="briefing"),
    path("konto/", include("allauth.urls")),
    path("profil/", include("volunteers.urls")),
    path("anfrage/", include("matching.requests.urls")),
    path("einsatz/", include("matching.matches.urls")),
    # The area of partner initiatives' staff (login required); the public directory is /initiativen/.
    path("partner/", include("matching.partners.urls")),
    # The staff area's old prefix, one letter from the public directory's: links in old mails still work.
    re_path(
        r"^initiative/(?P<rest>.*)$", RedirectView.as_view(url="/partner/%(rest)s", permanent=True, query_string=True)
    ),
    path("initiativen/", include("directory.urls")),
    path("mitlaeuferliste/", include("volunteers.public_list.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
