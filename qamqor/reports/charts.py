"""Bar charts drawn on the server as inline SVG (no JavaScript, nothing from a CDN): each bar
is a row with its label and its number beside it, so a screen reader and a printout read the
numbers, and the bar only helps the eye."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # percent of the longest bar, 0–100

    @property
    def width_text(self) -> str:
        # The SVG attribute wants a dot as the decimal separator, whatever the page's language.
        return f"{self.width:.1f}%"


def bars(items: list[tuple[str, int]]) -> list[Bar]:
    """Bars scaled to the largest value; all zero draws empty bars (no division by zero)."""
    top = max((value or 0 for _label, value in items), default=0)
    return [Bar(str(label), value or 0, round(100 * (value or 0) / top, 1) if top else 0.0) for label, value in items]
