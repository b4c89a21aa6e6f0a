from django.conf import settings
from django.utils.translation import get_language


def active_language() -> str:
    """The active page language as one of settings.LANGUAGES, to store with people we will mail later."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
