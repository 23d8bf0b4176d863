"""Paper sizes of the exports: A4 (the default) and F4 (215 × 330 mm, Indonesian offices)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    code: str
    width_mm: float  # portrait
    height_mm: float

    @property
    def landscape(self) -> tuple[float, float]:
        return self.height_mm, self.width_mm


PAPERS = {
    "a4": Paper("a4", 210, 297),
    "f4": Paper("f4", 215, 330),
}
DEFAULT_PAPER = "a4"
