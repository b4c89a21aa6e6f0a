# The bit-mask form field lives in directory (the lowest app that needs it); re-exported for volunteers' forms.
from directory.fields import BitMaskField  # noqa: F401
