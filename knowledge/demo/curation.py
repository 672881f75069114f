"""A Quaderno edition (a collection) and MULTIPLY's peer reviews of energy plans."""

from __future__ import annotations

from ..models import Collection

COLLECTIONS = [
    {
        "community": "capitale-naturale",
        "title": "Quaderno dell'osservatorio – bando Capitale naturale 2019",
        "editor": "coordinator.capitale-naturale@cop.demo",
        "visibility": Collection.Visibility.PUBLIC,
        "introduction": (
            "Frutto tangibile del lavoro delle comunità di pratica sono gli articoli, firmati a più mani, "
            "raccolti nel Quaderno dell'osservatorio dedicato all'edizione 2019 del bando Capitale naturale."
        ),
        "items": [
            "Reti ecologiche e partenariati: cosa abbiamo imparato",
            "Comunità locali e tutela della biodiversità",
            "Connessioni ecologiche: punti di forza e criticità",
        ],
    },
    {
        "community": "con-i-bambini",
        "title": "Documento condiviso di strumenti e strategie contro la povertà educativa",
        "editor": "marco.bianchi@cop.demo",
        "visibility": Collection.Visibility.COMMUNITY,
        "introduction": (
            "Un documento condiviso di strumenti e strategie efficaci di contrasto della povertà educativa, "
            "per le azioni di advocacy presso le istituzioni pubbliche."
        ),
        "items": [
            "Schema di patto educativo di comunità",
            "Patti educativi di comunità: analisi e benchmarking in Italia e in Europa",
            "Le sfide educative ai tempi del COVID-19",
        ],
    },
]

REVIEWS = [
    {
        "item": ("multiply", "Sustainable Energy and Climate Action Plan of Trikala"),
        "reviewers": ["hans.weber@cop.demo", "amal.bensaid@cop.demo"],
        "organizations": [],
        "message": "Please look at the baseline inventory and at how the actions will be monitored.",
        "reviews": {
            "hans.weber@cop.demo": (
                "A complete baseline emission inventory and clear priority on public buildings.",
                "Targets are not set per sector; monitoring indicators are vague.",
                "Add yearly targets per sector and name who monitors each action.",
                "minor",
            ),
            "amal.bensaid@cop.demo": (
                "Actions are concrete and affordable.",
                "Citizens' involvement is not described.",
                "Plan a consultation before adoption.",
                "minor",
            ),
        },
        "response": "Thank you: sector targets and a monitoring table were added; a consultation is planned.",
    },
    {
        "item": ("multiply", "Communication strategy for the energy transition of Grenoble"),
        "reviewers": ["nikos.papadopoulos@cop.demo"],
        "organizations": ["Comune di Padova"],
        "message": "Is the strategy clear for residents who are not energy experts?",
        "reviews": {},
        "response": "",
    },
]
