"""The five launch communities and their groups (Con i Bambini's 16 by call and macro-area), and group themes."""

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
        "languages": ["it", "en"],  # written in Italian, translated into English too
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
        "languages": ["it", "en"],  # written in Italian, translated into English too
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
        "languages": ["it", "en"],  # written in Italian, translated into English too
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
