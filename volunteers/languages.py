from django.conf import settings
from django.utils.translation import get_language


def get_language_code() -> str:
    """The active page language as one of settings.LANGUAGES (mails to the volunteer speak it)."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
