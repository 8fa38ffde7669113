"""What engagement tells the apps above it, which it does not import (DESIGN.md: apps depend
downward). The notify app listens to tell the family (notify/signals.py)."""

from django.dispatch import Signal

# A registration moved up from the waiting list to a place: sent with `registration=` from
# inside the transaction that gave the place (a listener waits for its commit).
registration_promoted = Signal()
