"""The course's colour-blind-safe palette (Okabe–Ito), used by every widget and figure.

Source: Okabe M, Ito K. *Color Universal Design (CUD): how to make figures and presentations that
are friendly to colorblind people*. J*Fly, 2002 (revised 2008). https://jfly.uni-koeln.de/color/

Colour is never the only carrier of meaning in a course widget: every coloured mark also has a
text label or a table beside it.
"""

from __future__ import annotations

#: The eight Okabe–Ito colours, by name, in their published order.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: Colours for categories (series, modules), in order; black is kept for text and outlines.
CATEGORY_COLOURS: tuple[str, ...] = tuple(v for k, v in OKABE_ITO.items() if k != "black")


def colour(name: str) -> str:
    """Hex code of an Okabe–Ito colour by name, e.g. ``colour("sky blue") == "#56B4E9"``."""
    key = str(name).strip().lower()
    if key not in OKABE_ITO:
        raise ValueError(f"unknown colour {name!r}; choose one of: {', '.join(OKABE_ITO)}")
    return OKABE_ITO[key]


def category_colour(index: int) -> str:
    """The ``index``-th category colour, cycling through :data:`CATEGORY_COLOURS`."""
    return CATEGORY_COLOURS[int(index) % len(CATEGORY_COLOURS)]


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (a ``#RRGGBB`` code).

    Uses the WCAG 2 relative-luminance formula.
    """
    hexcode = background.lstrip("#")
    if len(hexcode) != 6:
        raise ValueError(f"expected a #RRGGBB colour, got {background!r}")
    channels = []
    for i in (0, 2, 4):
        c = int(hexcode[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    # contrast with black is (L + 0.05) / 0.05; with white 1.05 / (L + 0.05)
    return "#000000" if (luminance + 0.05) ** 2 > 0.05 * 1.05 else "#FFFFFF"
