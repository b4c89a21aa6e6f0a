"""Signals other apps listen to, so that volunteers never imports them.

``volunteer_changed``: sent on commit after a profile, pause or absence changed
  (matching looks at open requests nearby again).
``volunteer_withdrawn``: sent inside the withdrawal transaction: the volunteer may
  no longer be proposed or asked (matching drops proposals and active matches).
``volunteer_erasing``: sent inside the erase transaction, before the rows go,
  so apps holding references can detach or erase them.
"""

from django.dispatch import Signal

volunteer_changed = Signal()
volunteer_erasing = Signal()
volunteer_withdrawn = Signal()
