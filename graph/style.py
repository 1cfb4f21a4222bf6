"""One palette for every output, so a type has the same colour in the page and in Gephi."""

from __future__ import annotations

TYPE_COLOURS = {
    "PER": "#4e79a7",  # blue
    "ORG": "#f28e2b",  # orange
    "LOC": "#59a14f",  # green
    "MISC": "#b07aa1",  # purple
}
OTHER_COLOUR = "#9c9c9c"
TYPE_NAMES = {"PER": "Person", "ORG": "Organisation", "LOC": "Place", "MISC": "Other"}


def type_colour(entity_type: str) -> str:
    """Hex colour of an entity type.

    >>> type_colour("PER")
    '#4e79a7'
    """
    return TYPE_COLOURS.get(entity_type, OTHER_COLOUR)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """(r, g, b) integers of "#rrggbb".

    >>> rgb("#4e79a7")
    (78, 121, 167)
    """
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def node_size(mentions: int, *, smallest: float = 8.0, largest: float = 48.0,
              most: int = 1) -> float:
    """Node size growing with the square root of mentions, between smallest and largest.

    >>> node_size(1, most=100), node_size(100, most=100)
    (12.0, 48.0)
    """
    share = (max(mentions, 0) / max(most, 1)) ** 0.5
    return round(smallest + (largest - smallest) * share, 2)


# Communities, biggest first: Tableau's 10 colours and two more of the "20" set, distinct
# from the grey given to every smaller community.
COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                     "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295"]
SMALL_COMMUNITY_COLOUR = "#d0d0d0"
