"""The five launch communities, drawn from the source texts in shared/seeds/.

Counts here are the real ones from those texts (16 Con i Bambini groups, ten REBUILD
coordination teams, three Con i Bambini facilitators); each community's groups are listed in
the order given here, which seed_demo keeps as their position in the console. Where a text gives a total but
not its breakdown (Con i Bambini's "Tab 21" table is not in the seed), the split below
is our assumption and is marked as such.
"""

COMMUNITIES = [
    {
        "slug": "rebuild",
        "themes": [
            "local development",
            "basic services",
            "capacity building",
            "pilot projects",
            "international cooperation",
            "peer-to-peer learning",
        ],
        "countries": ["LY", "IT", "TN"],
        "region": "",
        "name": "REBUILD",
        "tagline": "Libyan municipalities and universities learning with EU and MENA partners.",
        "description": (
            "Within the REBUILD project, the community of practice is a networking tool connecting all "
            "activities: the space where partner municipalities and universities exchange the skills acquired "
            "during capacity building and the exercise of those skills in their daily work, including the two "
            "pilot projects.\n\n"
            "Partners meet among peers to share ideas, lessons learnt, opportunities, information, studies and "
            "research on public policies for basic services and local development. Steering Committees, "
            "Technical Boards, Training of Trainers and Summer Schools meet face to face; virtual partnership "
            "meetings are held monthly."
        ),
        "languages": ["en", "ar"],
        "default_language": "en",
        "accent_color": "#1f5f8b",
        "visibility": "public",
        "join_policy": "approval",
        "eligible": [],
        "groups": [
            # The ten coordination teams of municipalities' and universities' officials. The seed gives
            # their number, not their subjects: they are numbered, and listed 1..10 in that order.
            (f"coordination-team-{n}", f"Coordination team {n}", "coordination", "approval", [])
            for n in range(1, 11)
        ],
    },
    {
        "slug": "capitale-naturale",
        "themes": [
            "biodiversità",
            "capitale naturale",
            "reti ecologiche",
            "partenariati",
            "apprendimenti",
            "partecipazione",
        ],
        "countries": ["IT"],
        "region": "Lombardia",
        "name": "Capitale naturale",
        "tagline": "Comunità di pratica dei partenariati finanziati dal bando Capitale naturale di Fondazione Cariplo.",
        "description": (
            "Le comunità di pratica dei partenariati finanziati dal bando Capitale naturale raccordano le "
            "esperienze in corso e potenziano l'azione dei progetti: condividono realizzazioni, punti di forza "
            "e criticità, soluzioni praticabili e apprendimenti sulla tutela della biodiversità.\n\n"
            "Alternando incontri in plenaria e webinar di lavoro, ogni comunità identifica temi comuni. Gli "
            "articoli, firmati a più mani, sono raccolti nel Quaderno dell'osservatorio dedicato a ciascuna "
            "edizione del bando."
        ),
        "languages": ["it"],
        "default_language": "it",
        "accent_color": "#2e6b30",
        "visibility": "public",
        "join_policy": "approval",
        "eligible": [],
        "groups": [
            ("edizione-2019", "Comunità di pratica – bando 2019", "cohort", "approval", []),
            ("edizione-2020", "Comunità di pratica – bando 2020", "cohort", "approval", []),
            ("edizione-2021", "Comunità di pratica – bando 2021", "cohort", "approval", []),
        ],
    },
    {
        "slug": "con-i-bambini",
        "themes": [
            "povertà educativa minorile",
            "prima infanzia",
            "adolescenza",
            "reti educative",
            "patti educativi di comunità",
            "co-progettazione",
        ],
        "countries": ["IT"],
        "region": "",
        "name": "Con i Bambini – Comunità di pratiche",
        "tagline": "Accompagnare i progetti contro la povertà educativa minorile, per bando e macro-area.",
        "description": (
            'L\'iniziativa "Comunità di pratiche", avviata da Con i Bambini nel 2020, sostiene e accompagna le '
            "progettualità finanziate, rafforza la conoscenza reciproca degli enti coinvolti e favorisce "
            "l'emersione di modelli e buone pratiche.\n\n"
            "I 3 facilitatori conducono gli incontri con i coordinatori dei progetti, raggruppati per bando "
            "(Prima Infanzia 2016: 80 progetti; Adolescenza 2016: 86; Nuove generazioni 2017: 83) e per "
            "macro-area (Nord, Centro, Sud e Isole, progetti multi-regionali)."
        ),
        "languages": ["it"],
        "default_language": "it",
        "accent_color": "#9c2f2f",
        "visibility": "members",
        "join_policy": "invitation",
        "eligible": [],
        "groups": "con-i-bambini",  # filled in below from CON_I_BAMBINI_CALLS
    },
    {
        "slug": "er-step",
        "themes": [
            "partecipazione",
            "governance collaborativa",
            "beni comuni",
            "co-progettazione",
            "welfare di comunità",
        ],
        "countries": ["IT"],
        "region": "Emilia-Romagna",
        "name": "Emilia-Romagna STEP",
        "tagline": "Strategie Territoriali di Partecipazione: le Comunità di Pratiche della Regione Emilia-Romagna.",
        "description": (
            "Le Comunità di Pratiche sono spazi di confronto e collaborazione dove persone, organizzazioni ed "
            "enti che svolgono attività simili possono incontrarsi, scambiarsi esperienze e costruire nuove "
            "soluzioni.\n\n"
            "Alcune comunità sono aperte a chiunque; altre sono riservate agli amministratori e agli enti "
            "locali. STEP collega le comunità con incontri tematici, workshop, momenti informali e attività di "
            "co-progettazione."
        ),
        "languages": ["it"],
        "default_language": "it",
        "accent_color": "#6a3d8f",
        "visibility": "public",
        "join_policy": "open",
        "eligible": [],
        "groups": [
            ("partecipazione-civica", "Partecipazione civica e beni comuni", "thematic", "open", []),
            ("welfare-di-comunita", "Welfare di comunità", "thematic", "open", []),
            ("transizione-ecologica", "Transizione ecologica e clima", "thematic", "open", []),
            ("rigenerazione-urbana", "Rigenerazione urbana e spazi pubblici", "thematic", "open", []),
            ("giovani-e-partecipazione", "Giovani e partecipazione", "thematic", "open", []),
            (
                "amministratori-locali",
                "Rete degli amministratori locali",
                "thematic",
                "approval",
                ["municipality", "region", "public_body"],
            ),
            (
                "governance-enti-locali",
                "Governance collaborativa degli enti locali",
                "thematic",
                "approval",
                ["municipality", "region", "public_body"],
            ),
        ],
    },
    {
        "slug": "multiply",
        "themes": [
            "energy transition",
            "urban planning",
            "peer-to-peer learning",
            "energy plans",
            "political leadership",
        ],
        "countries": ["IT", "DE", "FR", "GR"],
        "region": "",
        "name": "MULTIPLY",
        "tagline": "Peer-to-peer learning between cities on integrated energy and urban planning.",
        "description": (
            "Cities taking part in MULTIPLY learn from other cities through direct exchanges: meetings, study "
            "visits and trainings. Each Multiply City hosts two exchanges for the other cities of its country, "
            "the Special Prize City hosts a training for all cities of its country, and an On the Road City "
            "hosts a meeting for the other On the Road Cities.\n\n"
            "Trainings address policy makers (political leadership), technical staff (energy efficiency, "
            "monitoring, peer review of energy plans) and communication staff (communication strategies, "
            "participatory methods). The Great European Conference brings all cities together."
        ),
        "languages": ["en", "it"],
        "default_language": "en",
        "accent_color": "#8a4b08",
        "visibility": "public",
        "join_policy": "approval",
        "eligible": ["municipality", "region", "public_body"],
        "groups": [
            ("policy-makers", "Policy makers", "cohort", "approval", []),
            ("technical-staff", "Technical staff", "cohort", "approval", []),
            ("communication-staff", "Communication staff", "cohort", "approval", []),
            ("on-the-road-cities", "On the Road Cities", "cohort", "approval", []),
        ],
    },
]

# Con i Bambini: 16 groups by funding call and macro-area. The seed gives the total (16),
# the calls and the four macro-areas; the split of groups per call is our assumption
# (Tab 21's figures are not in the seed): 5 + 5 + 6, one multi-regional group per call.
CON_I_BAMBINI_CALLS = [
    ("prima-infanzia-2016", "Prima Infanzia 2016", 80, ["nord", "centro", "sud-isole-1", "sud-isole-2", "multi"]),
    ("adolescenza-2016", "Adolescenza 2016", 86, ["nord", "centro", "sud-isole-1", "sud-isole-2", "multi"]),
    (
        "nuove-generazioni-2017",
        "Nuove generazioni 2017",
        83,
        ["nord-1", "nord-2", "centro", "sud-isole-1", "sud-isole-2", "multi"],
    ),
]
MACRO_AREAS = {
    "nord": "Nord",
    "nord-1": "Nord",
    "nord-2": "Nord",
    "centro": "Centro",
    "sud-isole-1": "Sud e Isole",
    "sud-isole-2": "Sud e Isole",
    "multi": "Progetti multi-regionali",
}


def _con_i_bambini_groups():
    groups = []
    for call_slug, call, _projects, areas in CON_I_BAMBINI_CALLS:
        for area in areas:
            suffix = area.rsplit("-", 1)[1] if area[-1].isdigit() else ""
            name = f"{call} – {MACRO_AREAS[area]}" + (f" {suffix}" if suffix else "")
            groups.append((f"{call_slug}-{area}", name, "territorial", "invitation", []))
    return groups


for _community in COMMUNITIES:
    if _community["groups"] == "con-i-bambini":
        _community["groups"] = _con_i_bambini_groups()

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

# Named demo people besides the per-community accounts: one account, several communities.
PEOPLE = [
    # (email, name, organisation, job title, country, time zone, language, expertise, [(community, role, group)])
    (
        "amal.bensaid@cop.demo",
        "Amal Ben Saïd",
        "Municipality of Tripoli Centre",
        "Local development officer",
        "LY",
        "Africa/Tripoli",
        "ar",
        ["local development", "basic services"],
        [("rebuild", "facilitator", "coordination-team-1"), ("multiply", "member", None)],
    ),
    (
        "giulia.rossi@cop.demo",
        "Giulia Rossi",
        "Comune di Bologna",
        "Participation officer",
        "IT",
        "Europe/Rome",
        "it",
        ["civic participation", "co-design"],
        [("er-step", "facilitator", "partecipazione-civica"), ("capitale-naturale", "member", None)],
    ),
    (
        "marco.bianchi@cop.demo",
        "Marco Bianchi",
        "Cooperativa sociale Il Germoglio",
        "Facilitator",
        "IT",
        "Europe/Rome",
        "it",
        ["educational poverty", "networks"],
        [("con-i-bambini", "facilitator", "prima-infanzia-2016-sud-isole-1")],
    ),
    (
        "hans.weber@cop.demo",
        "Hans Weber",
        "Stadt Heidelberg",
        "Energy planner",
        "DE",
        "Europe/Berlin",
        "en",
        ["energy planning", "peer review"],
        [("multiply", "member", "technical-staff")],
    ),
]


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


# --- More demo people, so directories and "who knows what" have something to show ---------------------------
# (email, name, organisation, job title, country, time zone, language, expertise, spoken languages, bio,
#  visibility overrides, [(community, role, group)])
MORE_PEOPLE = [
    (
        "chiara.lombardi@cop.demo",
        "Chiara Lombardi",
        "Associazione Crescere Insieme",
        "Facilitatrice",
        "IT",
        "Europe/Rome",
        "it",
        ["facilitazione", "patti educativi di comunità"],
        ["it", "en"],
        "Facilito le comunità di pratiche del Nord e dei progetti multi-regionali.",
        {"show_email": True},
        [("con-i-bambini", "facilitator", "adolescenza-2016-nord")],
    ),
    (
        "davide.russo@cop.demo",
        "Davide Russo",
        "Cooperativa sociale Il Germoglio",
        "Facilitatore",
        "IT",
        "Europe/Rome",
        "it",
        ["facilitazione", "reti educative", "povertà educativa"],
        ["it"],
        "Accompagno i progetti del Centro e del Sud.",
        {},
        [("con-i-bambini", "facilitator", "nuove-generazioni-2017-centro")],
    ),
    (
        "salem.elmabrouk@cop.demo",
        "Salem El Mabrouk",
        "University of Benghazi",
        "Lecturer in urban planning",
        "LY",
        "Africa/Tripoli",
        "ar",
        ["urban planning", "training of trainers"],
        ["ar", "en"],
        "I teach urban planning and run the universities' network of REBUILD.",
        {},
        [("rebuild", "facilitator", "coordination-team-8")],
    ),
    (
        "nour.haddad@cop.demo",
        "Nour Haddad",
        "Municipality of Sfax",
        "Water services engineer",
        "TN",
        "Africa/Tunis",
        "ar",
        ["water services", "basic services", "pilot projects"],
        ["ar", "fr", "en"],
        "",
        {"show_country": False},
        [("rebuild", "member", "coordination-team-4")],
    ),
    (
        "francesca.verdi@cop.demo",
        "Francesca Verdi",
        "Legambiente Lombardia",
        "Biodiversity project manager",
        "IT",
        "Europe/Rome",
        "it",
        ["biodiversità", "reti ecologiche", "monitoraggio"],
        ["it", "en"],
        "Coordino un partenariato del bando 2019.",
        {},
        [("capitale-naturale", "member", "edizione-2019")],
    ),
    (
        "paolo.galli@cop.demo",
        "Paolo Galli",
        "Comune di Reggio Emilia",
        "Assessore alla partecipazione",
        "IT",
        "Europe/Rome",
        "it",
        ["governance collaborativa", "beni comuni"],
        ["it"],
        "",
        {},
        [("er-step", "member", "amministratori-locali"), ("er-step", "member", "rigenerazione-urbana")],
    ),
    (
        "sofia.conti@cop.demo",
        "Sofia Conti",
        "Università di Bologna",
        "Researcher",
        "IT",
        "Europe/Rome",
        "it",
        ["civic participation", "evaluation"],
        ["it", "en", "es"],
        "",
        {"listed_in_directory": False},
        [("er-step", "member", "giovani-e-partecipazione")],
    ),
    (
        "claire.martin@cop.demo",
        "Claire Martin",
        "Ville de Grenoble",
        "Communication officer",
        "FR",
        "Europe/Paris",
        "en",
        ["communication strategies", "participatory methods"],
        ["fr", "en"],
        "I look after communication and citizen participation for Grenoble's energy plan.",
        {"show_email": True},
        [("multiply", "member", "communication-staff")],
    ),
    (
        "nikos.papadopoulos@cop.demo",
        "Nikos Papadopoulos",
        "Municipality of Trikala",
        "Deputy mayor",
        "GR",
        "Europe/Athens",
        "en",
        ["political leadership", "energy transition"],
        ["el", "en"],
        "",
        {},
        [("multiply", "member", "policy-makers")],
    ),
]


# People who chose to appear on the network map (issue 7): each belongs to two communities.
PEOPLE_FLAGS = {
    "amal.bensaid@cop.demo": {"show_in_network": True},
    "giulia.rossi@cop.demo": {"show_in_network": True},
}

# Con i Bambini: "Ciascun gruppo ha svolto due incontri sui seguenti temi" — every group
# works on the same two themes (the multi-regional groups had covered only the first by 2021).
CON_I_BAMBINI_GROUP_THEMES = [
    "le sfide educative ai tempi del COVID-19",
    "le reti nelle prassi progettuali",
]


def group_themes(community_slug: str, group_slug: str) -> list[str]:
    """Return the themes a demo group works on."""
    if community_slug == "con-i-bambini":
        return list(CON_I_BAMBINI_GROUP_THEMES)
    return []


# An organisation proposed by a newcomer and awaiting verification in a reserved community, so the
# console's Organisations page has something to verify: MULTIPLY is reserved to municipalities,
# regions and public bodies. The seed names no such newcomer: the person and the town are our
# assumption. (community, email, full name, language, organisation, kind, country, city, message)
PROPOSALS = [
    (
        "multiply",
        "energia.treviso@cop.demo",
        "Chiara Zanon",
        "it",
        "Comune di Treviso",
        "municipality",
        "IT",
        "Treviso",
        "Il nostro Comune vorrebbe partecipare agli scambi tra Città On the Road.",
    ),
]
