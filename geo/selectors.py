from django.core.cache import caches

from geo.models import PostalCode

# Reference data (loaded by the migration geo 0002), the same for every request: a known code's row is kept in
# the process ("local" cache) for a day. That saves the directory's postal-code search and every form with a
# postal code a round trip to the database.
KEPT_SECONDS = 24 * 60 * 60


def postal_code_get(*, code: str) -> PostalCode | None:
    if not (len(code) == 5 and code.isascii() and code.isdigit()):
        return PostalCode.objects.filter(code=code).first()  # never a key in the cache, whatever it holds
    key = f"geo.postal-code.{code}"
    kept = caches["local"].get(key)
    if kept is not None:
        return kept
    postal_code = PostalCode.objects.filter(code=code).first()
    if postal_code is not None:
        caches["local"].set(key, postal_code, KEPT_SECONDS)
    return postal_code
