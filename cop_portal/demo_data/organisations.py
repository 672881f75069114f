"""Partner organisations, partner roles, partnerships, and Con i Bambini's 249 funded projects."""

from .communities import CON_I_BAMBINI_CALLS

# Organisations: (name, kind, country, region, city, communities they take part in).
ORGANIZATIONS = [
    ("Municipality of Tripoli Centre", "municipality", "LY", "Tripoli", "Tripoli", ["rebuild"]),
    ("Municipality of Benghazi", "municipality", "LY", "Benghazi", "Benghazi", ["rebuild"]),
    ("Municipality of Misrata", "municipality", "LY", "Misrata", "Misrata", ["rebuild"]),
    ("University of Tripoli", "university", "LY", "Tripoli", "Tripoli", ["rebuild"]),
    ("University of Benghazi", "university", "LY", "Benghazi", "Benghazi", ["rebuild"]),
    ("Università degli Studi di Trento", "university", "IT", "Trentino-Alto Adige", "Trento", ["rebuild"]),
    ("Municipality of Sfax", "municipality", "TN", "Sfax", "Sfax", ["rebuild"]),
    ("Fondazione Cariplo", "foundation", "IT", "Lombardia", "Milano", ["capitale-naturale"]),
    (
        "Parco Lombardo della Valle del Ticino",
        "public_body",
        "IT",
        "Lombardia",
        "Pontevecchio di Magenta",
        ["capitale-naturale"],
    ),
    ("Legambiente Lombardia", "ngo", "IT", "Lombardia", "Milano", ["capitale-naturale"]),
    ("Impresa sociale Con i Bambini", "foundation", "IT", "Lazio", "Roma", ["con-i-bambini"]),
    ("Cooperativa sociale Il Germoglio", "ngo", "IT", "Campania", "Napoli", ["con-i-bambini"]),
    ("Associazione Crescere Insieme", "ngo", "IT", "Piemonte", "Torino", ["con-i-bambini"]),
    ("Regione Emilia-Romagna", "region", "IT", "Emilia-Romagna", "Bologna", ["er-step"]),
    ("Comune di Bologna", "municipality", "IT", "Emilia-Romagna", "Bologna", ["er-step"]),
    ("Comune di Reggio Emilia", "municipality", "IT", "Emilia-Romagna", "Reggio Emilia", ["er-step"]),
    ("Università di Bologna", "university", "IT", "Emilia-Romagna", "Bologna", ["er-step"]),
    ("Comune di Padova", "municipality", "IT", "Veneto", "Padova", ["multiply"]),
    ("Stadt Heidelberg", "municipality", "DE", "Baden-Württemberg", "Heidelberg", ["multiply"]),
    ("Ville de Grenoble", "municipality", "FR", "Auvergne-Rhône-Alpes", "Grenoble", ["multiply"]),
    ("Municipality of Trikala", "municipality", "GR", "Thessaly", "Trikala", ["multiply"]),
]


# --- Partner roles, in the order each community lists them ---------------------------------------------------
PARTNER_ROLES = {
    "rebuild": ["Partner municipality", "Partner university"],
    "capitale-naturale": ["Ente promotore", "Funded partnership"],
    "con-i-bambini": ["Ente promotore", "Funded project"],
    "er-step": ["Ente aderente"],
    "multiply": ["Multiply City", "On the Road City", "Special Prize City"],
}

# Partnerships of named organisations: (community, organisation name, country, role, [(dimension, value)]).
# Organisations not in ORGANIZATIONS are added from EXTRA_ORGANIZATIONS.
# MULTIPLY's cities are illustrative: the seed names the city types and the exchanges, not the cities.
EXTRA_ORGANIZATIONS = [
    ("Municipality of Zawiya", "municipality", "LY", "Zawiya", "Zawiya"),
    ("Municipality of Sabha", "municipality", "LY", "Fezzan", "Sabha"),
    ("University of Misrata", "university", "LY", "Misrata", "Misrata"),
    ("Parco Regionale Campo dei Fiori", "public_body", "IT", "Lombardia", "Varese"),
    ("Comune di Bergamo", "municipality", "IT", "Lombardia", "Bergamo"),
    ("Consorzio Parco del Monte Barro", "public_body", "IT", "Lombardia", "Galbiate"),
    ("Comune di Modena", "municipality", "IT", "Emilia-Romagna", "Modena"),
    ("Comune di Udine", "municipality", "IT", "Friuli-Venezia Giulia", "Udine"),
    ("Comune di Lecce", "municipality", "IT", "Puglia", "Lecce"),
    ("Comune di Rimini", "municipality", "IT", "Emilia-Romagna", "Rimini"),
    ("Stadt Würzburg", "municipality", "DE", "Bayern", "Würzburg"),
    ("Stadt Lörrach", "municipality", "DE", "Baden-Württemberg", "Lörrach"),
    ("Stadt Marburg", "municipality", "DE", "Hessen", "Marburg"),
    ("Stadt Kassel", "municipality", "DE", "Hessen", "Kassel"),
    ("Ville de Nancy", "municipality", "FR", "Grand Est", "Nancy"),
    ("Ville d'Angers", "municipality", "FR", "Pays de la Loire", "Angers"),
    ("Ville de Brest", "municipality", "FR", "Bretagne", "Brest"),
    ("Ville de Lorient", "municipality", "FR", "Bretagne", "Lorient"),
    ("Municipality of Kozani", "municipality", "GR", "Western Macedonia", "Kozani"),
    ("Municipality of Chania", "municipality", "GR", "Crete", "Chania"),
    ("Municipality of Larissa", "municipality", "GR", "Thessaly", "Larissa"),
    ("Municipality of Karditsa", "municipality", "GR", "Thessaly", "Karditsa"),
]

PARTNERSHIPS = [
    # REBUILD
    ("rebuild", "Municipality of Tripoli Centre", "LY", "Partner municipality", []),
    ("rebuild", "Municipality of Benghazi", "LY", "Partner municipality", []),
    ("rebuild", "Municipality of Misrata", "LY", "Partner municipality", []),
    ("rebuild", "Municipality of Zawiya", "LY", "Partner municipality", []),
    ("rebuild", "Municipality of Sabha", "LY", "Partner municipality", []),
    ("rebuild", "Municipality of Sfax", "TN", "Partner municipality", []),
    ("rebuild", "University of Tripoli", "LY", "Partner university", []),
    ("rebuild", "University of Benghazi", "LY", "Partner university", []),
    ("rebuild", "University of Misrata", "LY", "Partner university", []),
    ("rebuild", "Università degli Studi di Trento", "IT", "Partner university", []),
    # Capitale naturale
    ("capitale-naturale", "Fondazione Cariplo", "IT", "Ente promotore", []),
    ("capitale-naturale", "Parco Lombardo della Valle del Ticino", "IT", "Funded partnership", [("edizione", "2019")]),
    ("capitale-naturale", "Legambiente Lombardia", "IT", "Funded partnership", [("edizione", "2019")]),
    ("capitale-naturale", "Parco Regionale Campo dei Fiori", "IT", "Funded partnership", [("edizione", "2020")]),
    ("capitale-naturale", "Comune di Bergamo", "IT", "Funded partnership", [("edizione", "2020")]),
    ("capitale-naturale", "Consorzio Parco del Monte Barro", "IT", "Funded partnership", [("edizione", "2021")]),
    # Con i Bambini (its 249 funded projects are generated by funded_projects())
    ("con-i-bambini", "Impresa sociale Con i Bambini", "IT", "Ente promotore", []),
    # Emilia-Romagna STEP
    ("er-step", "Regione Emilia-Romagna", "IT", "Ente aderente", []),
    ("er-step", "Comune di Bologna", "IT", "Ente aderente", []),
    ("er-step", "Comune di Reggio Emilia", "IT", "Ente aderente", []),
    ("er-step", "Università di Bologna", "IT", "Ente aderente", []),
    # MULTIPLY: in each country two Multiply Cities, two On the Road Cities and one Special Prize City.
    ("multiply", "Comune di Padova", "IT", "Multiply City", []),
    ("multiply", "Comune di Modena", "IT", "Multiply City", []),
    ("multiply", "Comune di Udine", "IT", "On the Road City", []),
    ("multiply", "Comune di Lecce", "IT", "On the Road City", []),
    ("multiply", "Comune di Rimini", "IT", "Special Prize City", []),
    ("multiply", "Stadt Heidelberg", "DE", "Multiply City", []),
    ("multiply", "Stadt Würzburg", "DE", "Multiply City", []),
    ("multiply", "Stadt Lörrach", "DE", "On the Road City", []),
    ("multiply", "Stadt Marburg", "DE", "On the Road City", []),
    ("multiply", "Stadt Kassel", "DE", "Special Prize City", []),
    ("multiply", "Ville de Grenoble", "FR", "Multiply City", []),
    ("multiply", "Ville de Nancy", "FR", "Multiply City", []),
    ("multiply", "Ville d'Angers", "FR", "On the Road City", []),
    ("multiply", "Ville de Brest", "FR", "On the Road City", []),
    ("multiply", "Ville de Lorient", "FR", "Special Prize City", []),
    ("multiply", "Municipality of Trikala", "GR", "Multiply City", []),
    ("multiply", "Municipality of Kozani", "GR", "Multiply City", []),
    ("multiply", "Municipality of Chania", "GR", "On the Road City", []),
    ("multiply", "Municipality of Larissa", "GR", "On the Road City", []),
    ("multiply", "Municipality of Karditsa", "GR", "Special Prize City", []),
]

# --- Con i Bambini's 249 funded projects ---------------------------------------------------------------------
# The seed gives the number of projects per call (80, 86, 83); their split by macro-area is our
# assumption. Each project is a partnership of its lead organisation ("ente capofila"), named
# after the project's code so that the names stay unique, plausible and the same on every run.
PROJECT_CODES = {"prima-infanzia-2016": "PI16", "adolescenza-2016": "AD16", "nuove-generazioni-2017": "NG17"}
PROJECTS_BY_AREA = {  # assumption: Nord, Centro, Sud e Isole, multi-regional
    "prima-infanzia-2016": {"nord": 22, "centro": 16, "sud-e-isole": 34, "multi-regionali": 8},
    "adolescenza-2016": {"nord": 24, "centro": 17, "sud-e-isole": 36, "multi-regionali": 9},
    "nuove-generazioni-2017": {"nord": 23, "centro": 16, "sud-e-isole": 35, "multi-regionali": 9},
}
_ENTE_KINDS = [
    ("Cooperativa sociale", "ngo"),
    ("Associazione", "ngo"),
    ("Impresa sociale", "ngo"),
    ("Istituto comprensivo", "school"),
    ("Consorzio", "ngo"),
    ("Fondazione", "foundation"),
    ("Associazione di promozione sociale", "ngo"),
]
_ENTE_NAMES = [
    "Il Girasole",
    "Arcobaleno",
    "Piccoli Passi",
    "La Tenda",
    "Il Melograno",
    "Mille Colori",
    "La Bussola",
    "Il Ponte",
    "Sottosopra",
    "L'Aquilone",
    "Terra Mia",
    "Officina Educativa",
    "Il Cortile",
    "Semi di Futuro",
    "Spazio Giovani",
    "La Lanterna",
    "Oltre il Muro",
    "Casa del Sole",
    "Il Faro",
    "Nuovi Orizzonti",
    "La Rete",
    "Il Seme",
    "Passo dopo Passo",
]
_CITIES = {
    "nord": [
        ("Milano", "Lombardia"),
        ("Torino", "Piemonte"),
        ("Genova", "Liguria"),
        ("Bologna", "Emilia-Romagna"),
        ("Venezia", "Veneto"),
        ("Verona", "Veneto"),
        ("Brescia", "Lombardia"),
        ("Trento", "Trentino-Alto Adige"),
        ("Udine", "Friuli-Venezia Giulia"),
        ("Aosta", "Valle d'Aosta"),
    ],
    "centro": [
        ("Roma", "Lazio"),
        ("Firenze", "Toscana"),
        ("Perugia", "Umbria"),
        ("Ancona", "Marche"),
        ("Pisa", "Toscana"),
        ("Latina", "Lazio"),
        ("Terni", "Umbria"),
        ("Arezzo", "Toscana"),
    ],
    "sud-e-isole": [
        ("Napoli", "Campania"),
        ("Bari", "Puglia"),
        ("Palermo", "Sicilia"),
        ("Catania", "Sicilia"),
        ("Reggio Calabria", "Calabria"),
        ("Cagliari", "Sardegna"),
        ("Lecce", "Puglia"),
        ("Salerno", "Campania"),
        ("Cosenza", "Calabria"),
        ("Sassari", "Sardegna"),
        ("Potenza", "Basilicata"),
        ("Campobasso", "Molise"),
        ("L'Aquila", "Abruzzo"),
    ],
    "multi-regionali": [
        ("Roma", "Lazio"),
        ("Milano", "Lombardia"),
        ("Napoli", "Campania"),
        ("Bologna", "Emilia-Romagna"),
    ],
}


def funded_projects() -> list[dict]:
    """Return Con i Bambini's 249 funded projects: organisation fields and the call and macro-area labels."""
    projects = []
    serial = 0
    for call_slug, _call, total, _areas in CON_I_BAMBINI_CALLS:
        counts = PROJECTS_BY_AREA[call_slug]
        assert sum(counts.values()) == total, call_slug
        number = 0
        for area, count in counts.items():
            for index in range(count):
                number += 1
                serial += 1
                prefix, kind = _ENTE_KINDS[serial % len(_ENTE_KINDS)]
                ente = _ENTE_NAMES[(serial * 7) % len(_ENTE_NAMES)]
                city, region = _CITIES[area][index % len(_CITIES[area])]
                projects.append(
                    {
                        "name": f"Progetto {PROJECT_CODES[call_slug]}-{number:03d} – {prefix} {ente} ({city})",
                        "kind": kind,
                        "country": "IT",
                        "region": region,
                        "city": city,
                        "labels": [("bando", call_slug), ("macro-area", area)],
                    }
                )
    return projects
