"""The five launch communities, drawn from the source texts in shared/seeds/.

Counts here are the real ones from those texts (16 Con i Bambini groups, ten REBUILD
coordination teams, three Con i Bambini facilitators). Where a text gives a total but
not its breakdown (Con i Bambini's "Tab 21" table is not in the seed), the split below
is our assumption and is marked as such.
"""

COMMUNITIES = [
    {
        "slug": "rebuild",
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
            # The ten coordination teams of municipalities' and universities' officials.
            ("coordination-team-%d" % n, "Coordination team %d – %s" % (n, topic), "coordination", "approval", [])
            for n, topic in enumerate(
                [
                    "Project management",
                    "Capacity building",
                    "Training of trainers",
                    "Pilot project 1",
                    "Pilot project 2",
                    "Communication and visibility",
                    "Monitoring and evaluation",
                    "Universities' network",
                    "Summer schools",
                    "Financial reporting",
                ],
                start=1,
            )
        ],
    },
    {
        "slug": "capitale-naturale",
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
        "name": "Con i Bambini – Comunità di pratiche",
        "tagline": "Accompagnare i progetti contro la povertà educativa minorile, per bando e macro-area.",
        "description": (
            "L'iniziativa \"Comunità di pratiche\", avviata da Con i Bambini nel 2020, sostiene e accompagna le "
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
    ("Parco Lombardo della Valle del Ticino", "public_body", "IT", "Lombardia", "Pontevecchio di Magenta",
     ["capitale-naturale"]),
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
    ("amal.bensaid@cop.demo", "Amal Ben Saïd", "Municipality of Tripoli Centre", "Local development officer", "LY",
     "Africa/Tripoli", "ar", ["local development", "basic services"],
     [("rebuild", "facilitator", "coordination-team-1"), ("multiply", "member", None)]),
    ("giulia.rossi@cop.demo", "Giulia Rossi", "Comune di Bologna", "Participation officer", "IT", "Europe/Rome",
     "it", ["civic participation", "co-design"],
     [("er-step", "facilitator", "partecipazione-civica"), ("capitale-naturale", "member", None)]),
    ("marco.bianchi@cop.demo", "Marco Bianchi", "Cooperativa sociale Il Germoglio", "Facilitator", "IT",
     "Europe/Rome", "it", ["educational poverty", "networks"],
     [("con-i-bambini", "facilitator", "prima-infanzia-2016-sud-isole-1")]),
    ("hans.weber@cop.demo", "Hans Weber", "Stadt Heidelberg", "Energy planner", "DE", "Europe/Berlin", "en",
     ["energy planning", "peer review"], [("multiply", "member", "technical-staff")]),
]
