"""Reporting dimensions: the labels communities give their groups and partnerships."""

from .communities import CON_I_BAMBINI_CALLS

# --- Reporting dimensions: community-defined labels of groups and partnerships -----------------------------
# (community slug, dimension slug, dimension name, [(value slug, value name)])
DIMENSIONS = [
    (
        "con-i-bambini",
        "bando",
        "Bando",
        [
            ("prima-infanzia-2016", "Prima Infanzia 2016"),
            ("adolescenza-2016", "Adolescenza 2016"),
            ("nuove-generazioni-2017", "Nuove generazioni 2017"),
        ],
    ),
    (
        "con-i-bambini",
        "macro-area",
        "Macro-area",
        [
            ("nord", "Nord"),
            ("centro", "Centro"),
            ("sud-e-isole", "Sud e Isole"),
            ("multi-regionali", "Progetti multi-regionali"),
        ],
    ),
    (
        "capitale-naturale",
        "edizione",
        "Edizione del bando",
        [("2019", "Bando 2019"), ("2020", "Bando 2020"), ("2021", "Bando 2021")],
    ),
]

# The value of each Con i Bambini macro-area key used in group slugs (see MACRO_AREAS).
MACRO_AREA_VALUE = {
    "nord": "nord",
    "nord-1": "nord",
    "nord-2": "nord",
    "centro": "centro",
    "sud-isole-1": "sud-e-isole",
    "sud-isole-2": "sud-e-isole",
    "multi": "multi-regionali",
}


def group_labels() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Return {(community slug, group slug): [(dimension slug, value slug)]} for the labelled groups."""
    labels: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for call_slug, _call, _projects, areas in CON_I_BAMBINI_CALLS:
        for area in areas:
            labels[("con-i-bambini", f"{call_slug}-{area}")] = [
                ("bando", call_slug),
                ("macro-area", MACRO_AREA_VALUE[area]),
            ]
    for year in ("2019", "2020", "2021"):
        labels[("capitale-naturale", f"edizione-{year}")] = [("edizione", year)]
    return labels
