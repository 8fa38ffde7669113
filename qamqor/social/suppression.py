"""Small counts hidden from those who see figures only (issue 6, item 6).

District and region officers, and staff outside the social service, see how many children of
each category an organisation has, never who. A count from 1 to 4 could still point at a
child in a small school, so it is shown as "fewer than 5"; zero stays zero (it names nobody).
The reports app may use the same helper for its own roll-ups.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SMALL_COUNT_LIMIT = 5
FEWER_THAN_FIVE = _("fewer than 5")


def suppress_small(count: int) -> int | Promise:
    """`count` itself when 0 or at least 5; otherwise the text "fewer than 5"."""
    if 0 < count < SMALL_COUNT_LIMIT:
        return FEWER_THAN_FIVE
    return count
