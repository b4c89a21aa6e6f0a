"""Developer tooling that is not part of the web application (see ``tools/testservices.py``)."""
