"""Reads of accompaniment requests."""

import re

from django.utils.crypto import constant_time_compare

from matching.models import AccompanimentRequest

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_RE = re.compile(r"\A[A-Za-z0-9_-]{43}\Z")


def request_by_token(*, token: str) -> AccompanimentRequest | None:
    """The request behind a status link, or None: wrong and unknown tokens look the same.

    The lookup goes through the unique index; the final comparison runs in
    constant time, so the answer's timing says nothing about how close a guess was.
    """
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    request = AccompanimentRequest.objects.select_related("office").filter(token=token).first()
    if request is None or not constant_time_compare(request.token, token):
        return None
    return request
