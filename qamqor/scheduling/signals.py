"""What scheduling tells the apps above it, which it does not import (DESIGN.md: apps depend
downward). The notify app listens to tell the family (notify/signals.py)."""

from django.dispatch import Signal

# A participant moved up from a session's waiting list to a place: sent with `participant=` from
# inside the transaction that gave the place (a listener waits for its commit).
participant_promoted = Signal()
