from geo.models import PostalCode


def postal_code_get(*, code: str) -> PostalCode | None:
    return PostalCode.objects.filter(code=code).first()
