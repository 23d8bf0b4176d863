"""Reference data: the 8 change areas of the RB road map (PermenPANRB 25/2020)."""

from renaksi.lib.decree.areas import STANDARD_CHANGE_AREAS

__all__ = ["STANDARD_CHANGE_AREAS"]
