"""The demo items of the five launch communities, in their original languages."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import KnowledgeItem

K = KnowledgeItem.Kind
V = KnowledgeItem.Visibility


@dataclass
class DemoItem:
    community: str
    title: str
    kind: str
    language: str
    authors: list  # emails of members, or (name, affiliation) of external authors, in order
    summary: str = ""
    body: str = ""
    visibility: str = V.PUBLIC
    group: str | None = None
    themes: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    meeting: str | None = None  # key of a demo meeting (meetings/demo.py)
    licence: str = "cc-by-4.0"
    links: list[dict] = field(default_factory=list)
    published: str | None = "2021-06-01"
    files: list[tuple[str, str]] = field(default_factory=list)  # (name, text) of small text files
    comments: list[tuple[str, str]] = field(default_factory=list)  # (email, text)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (email, text); the first is accepted
    translation_of: str | None = None  # the title of the original (an item of ITEMS before this one)


ITEMS = [
    # ------------------------------------------------------------------ REBUILD (English, Arabic)
    DemoItem(
        "rebuild",
        "Keeping a partnership alive across Libya, Italy and Tunisia",
        K.LESSON,
        "en",
        ["amal.bensaid@cop.demo", "salem.elmabrouk@cop.demo", ("Elena Ferraro", "Università degli Studi di Trento")],
        summary="What ten coordination teams learnt about working together despite distance and instability.",
        body=(
            "## What we did\n\n"
            "To favour daily interaction around REBUILD despite the geographical distance, partners used "
            "different platforms: **Viber/WhatsApp** daily, **email** roughly weekly and **Zoom/Meet** for the "
            "monthly virtual partnership meetings, or whenever a need arose.\n\n"
            "## Lessons learnt\n\n"
            "- Field visits in Libya, Italy and Tunisia proved that the community stays effective even remotely.\n"
            "- Partners who meet in person after a long time show closeness, commitment and engagement.\n"
            "- Stronger human relations help overcome divisions dictated by a difficult political transition.\n"
        ),
        themes=["networking", "remote collaboration", "local development"],
        organizations=["Municipality of Tripoli Centre", "University of Benghazi"],
        published="2022-03-15",
        comments=[("nour.haddad@cop.demo", "In Sfax we use the same rhythm: the monthly call keeps everyone aligned.")],
    ),
    DemoItem(
        "rebuild",
        "Diffused project management through ten coordination teams",
        K.CASE_STUDY,
        "en",
        ["salem.elmabrouk@cop.demo", "amal.bensaid@cop.demo"],
        summary="How municipalities' and universities' officials manage project activities under shared rules.",
        body=(
            "The ten coordination teams made of municipalities' and universities' officials are a challenging "
            "way of diffused, decentralised project management. They give Libyan municipalities and "
            "universities practical tools and experience in managing international projects.\n\n"
            "This case study follows the first team from the set-up of its rules to its first report."
        ),
        visibility=V.GROUP,
        group="coordination-team-1",
        themes=["project management", "capacity building"],
        published="2022-05-02",
    ),
    DemoItem(
        "rebuild",
        "Presentation video of the Summer School in Trentino",
        K.VIDEO,
        "en",
        [("REBUILD communication team", "")],
        summary="Watch the presentation video of the Summer School in Trentino.",
        body="The Summer School gathered partner municipalities and universities for a week of training on "
        "local public services in Trentino.",
        themes=["summer school", "training"],
        meeting="rebuild-summer-school-trentino",
        links=[{"title": "Presentation video", "url": "https://video.example.org/rebuild/summer-school-trentino"}],
        published="2022-09-20",
    ),
    DemoItem(
        "rebuild",
        "Call for trainers: Training of Trainers on basic services delivery",
        K.OPPORTUNITY,
        "en",
        ["coordinator.rebuild@cop.demo"],
        summary="Officials of partner municipalities can apply to become trainers for their colleagues.",
        body="The next Training of Trainers (TOT) will prepare officials to train colleagues on basic services "
        "delivery and local development. Apply through your coordination team.",
        themes=["training", "basic services"],
        visibility=V.COMMUNITY,
        published="2023-01-10",
    ),
    DemoItem(
        "rebuild",
        "الدروس المستفادة من المشروع التجريبي الأول",
        K.LESSON,
        "ar",
        ["amal.bensaid@cop.demo"],
        summary="ما تعلمناه من تنفيذ المشروع التجريبي الأول في البلديات الشريكة.",
        body="شاركت البلديات والجامعات الشريكة المهارات المكتسبة خلال بناء القدرات وممارستها في العمل اليومي، "
        "بما في ذلك تنفيذ المشروعين التجريبيين.",
        themes=["pilot project"],
        visibility=V.COMMUNITY,
        published="2023-02-14",
    ),
    DemoItem(
        "rebuild",
        "How do other municipalities keep waste collection running during instability?",
        K.QUESTION,
        "en",
        ["nour.haddad@cop.demo"],
        body="Our contractor stopped working twice this year. How do other partner municipalities organise "
        "waste collection when contracts are interrupted?",
        themes=["basic services"],
        visibility=V.COMMUNITY,
        published="2023-03-01",
        answers=[
            (
                "amal.bensaid@cop.demo",
                "In Tripoli Centre we keep a small municipal crew and a framework agreement with two contractors.",
            ),
            ("salem.elmabrouk@cop.demo", "The University of Benghazi mapped the collection routes; happy to share."),
        ],
    ),
    # ------------------------------------------------------------------ Capitale naturale (Italian)
    DemoItem(
        "capitale-naturale",
        "Connessioni ecologiche: punti di forza e criticità",
        K.LESSON,
        "it",
        ["francesca.verdi@cop.demo", "giulia.rossi@cop.demo"],
        summary="Cosa funziona e cosa ostacola i progetti di connessione ecologica finanziati dal bando.",
        body=(
            "## Punti di forza\n\n- Partenariati ampi con parchi, comuni e associazioni.\n"
            "- Dati di monitoraggio condivisi fin dall'avvio.\n\n"
            "## Criticità\n\n- Tempi autorizzativi lunghi.\n- Difficoltà a coinvolgere i proprietari dei terreni.\n"
        ),
        themes=["connessioni ecologiche", "biodiversità"],
        organizations=["Legambiente Lombardia", "Parco Lombardo della Valle del Ticino"],
        meeting="plenaria-2022-1",
        published="2022-04-12",
    ),
    DemoItem(
        "capitale-naturale",
        "Coinvolgere gli agricoltori: soluzioni praticabili",
        K.GOOD_PRACTICE,
        "it",
        ["giulia.rossi@cop.demo"],
        summary="Accordi con le aziende agricole per siepi, filari e fasce tampone.",
        body="Il progetto ha proposto accordi volontari con le aziende agricole, con un piccolo contributo per la "
        "manutenzione di siepi e filari. La soluzione è stata ripresa da altri due partenariati.",
        themes=["agricoltura", "biodiversità"],
        published="2022-06-08",
    ),
    DemoItem(
        "capitale-naturale",
        "Apprendimenti sul monitoraggio della biodiversità",
        K.LESSON,
        "it",
        ["francesca.verdi@cop.demo"],
        summary="Protocolli comuni e citizen science: cosa abbiamo imparato in tre anni.",
        body="Protocolli di monitoraggio condivisi tra progetti diversi permettono di confrontare i risultati. "
        "La citizen science amplia i dati raccolti ma richiede formazione dei volontari.",
        themes=["monitoraggio", "biodiversità"],
        visibility=V.COMMUNITY,
        published="2022-10-03",
    ),
    DemoItem(
        "capitale-naturale",
        "Reti ecologiche e partenariati: cosa abbiamo imparato",
        K.ARTICLE,
        "it",
        [
            "francesca.verdi@cop.demo",
            ("Luca Ferrari", "Parco Lombardo della Valle del Ticino"),
            "giulia.rossi@cop.demo",
        ],
        summary="Un articolo a più mani sull'esperienza delle comunità di pratica del bando.",
        body="Le comunità di pratica supportano la realizzazione dei singoli progetti nella prospettiva dell'aiuto "
        "reciproco, consentono di sistematizzare gli apprendimenti e di diffonderli.\n\n"
        "Questo articolo raccoglie le riflessioni di tre partenariati sulle reti ecologiche.",
        themes=["connessioni ecologiche", "partenariati"],
        published="2022-11-20",
    ),
    DemoItem(
        "capitale-naturale",
        "Comunità locali e tutela della biodiversità",
        K.ARTICLE,
        "it",
        ["giulia.rossi@cop.demo", ("Anna Colombo", "Fondazione Cariplo")],
        summary="Tecniche di ingaggio e coinvolgimento per sostenere la collaborazione fra partner e cittadini.",
        body="Sviluppare competenze e tecniche di ingaggio per diffondere la collaborazione fra i partner del "
        "medesimo progetto e tra progetti diversi è uno degli obiettivi delle comunità di pratica.",
        themes=["partecipazione", "biodiversità"],
        published="2022-11-25",
    ),
    # ------------------------------------------------------------------ Con i Bambini (Italian, members only)
    DemoItem(
        "con-i-bambini",
        "Le sfide educative ai tempi del COVID-19",
        K.LESSON,
        "it",
        ["marco.bianchi@cop.demo"],
        summary="Sintesi degli incontri dei gruppi sul primo tema della comunità di pratiche.",
        body="Gli incontri si sono svolti tutti on line. I progetti hanno riorganizzato le attività educative a "
        "distanza e rafforzato il rapporto con le famiglie.",
        visibility=V.COMMUNITY,
        themes=["COVID-19", "povertà educativa"],
        published="2021-03-10",
    ),
    DemoItem(
        "con-i-bambini",
        "Le reti nelle prassi progettuali",
        K.GOOD_PRACTICE,
        "it",
        ["chiara.lombardi@cop.demo"],
        summary="Come i partenariati costruiscono e mantengono le reti educative territoriali.",
        body="Potenziare la messa in rete di attori educativi attraverso dispositivi specifici: patti educativi, "
        "comunità di pratiche interne ai partenariati, local coach per la facilitazione delle relazioni.",
        visibility=V.GROUP,
        group="adolescenza-2016-nord",
        themes=["reti", "co-progettazione"],
        published="2021-06-22",
    ),
    DemoItem(
        "con-i-bambini",
        "Patti educativi di comunità: analisi e benchmarking in Italia e in Europa",
        K.STUDY,
        "it",
        ["marco.bianchi@cop.demo", "chiara.lombardi@cop.demo", "davide.russo@cop.demo"],
        summary="Il lavoro di analisi curato dai 3 facilitatori, a partire dai modelli esistenti.",
        body="Dal settembre 2021 i facilitatori hanno approfondito lo strumento dei patti educativi di comunità "
        "con un'analisi dei modelli esistenti a livello nazionale ed europeo.",
        visibility=V.COMMUNITY,
        themes=["patti educativi di comunità"],
        published="2021-12-01",
        files=[("benchmarking-patti.md", "# Patti educativi di comunità\n\n- Modelli nazionali\n- Modelli europei\n")],
    ),
    DemoItem(
        "con-i-bambini",
        "Schema di patto educativo di comunità",
        K.TOOL,
        "it",
        ["davide.russo@cop.demo"],
        summary="Un modello da adattare: soggetti firmatari, obiettivi, impegni, governance.",
        body="1. Soggetti firmatari\n2. Obiettivi condivisi\n3. Impegni di ciascun soggetto\n4. Governance e "
        "monitoraggio",
        visibility=V.COMMUNITY,
        themes=["patti educativi di comunità", "strumenti"],
        published="2021-12-15",
        files=[("schema-patto.csv", "sezione,contenuto\nfirmatari,\nobiettivi,\nimpegni,\ngovernance,\n")],
    ),
    # ------------------------------------------------------------------ Emilia-Romagna STEP (Italian)
    DemoItem(
        "er-step",
        "Il bilancio partecipativo nei quartieri",
        K.GOOD_PRACTICE,
        "it",
        ["giulia.rossi@cop.demo"],
        summary="Come il Comune di Bologna coinvolge i cittadini nella scelta dei progetti di quartiere.",
        body="Ogni quartiere propone e vota i progetti; il Comune li realizza nell'anno successivo.",
        group="partecipazione-civica",
        visibility=V.PUBLIC,
        themes=["partecipazione civica", "bilancio partecipativo"],
        organizations=["Comune di Bologna"],
        published="2023-04-18",
    ),
    DemoItem(
        "er-step",
        "Patti di collaborazione per i beni comuni urbani",
        K.GOOD_PRACTICE,
        "it",
        ["paolo.galli@cop.demo"],
        summary="Cittadini e amministrazione si prendono cura insieme di spazi e beni comuni.",
        body="Il patto di collaborazione definisce chi fa cosa, per quanto tempo e con quali risorse.",
        themes=["beni comuni", "co-progettazione"],
        organizations=["Comune di Reggio Emilia"],
        meeting="er-step-workshop-coprogettazione",
        published="2023-05-09",
    ),
    DemoItem(
        "er-step",
        "Come coinvolgere i giovani nei processi partecipativi?",
        K.QUESTION,
        "it",
        ["sofia.conti@cop.demo"],
        body="Nei nostri percorsi partecipano soprattutto persone sopra i 50 anni. Quali metodi avete usato per "
        "coinvolgere i giovani?",
        themes=["giovani", "partecipazione civica"],
        published="2023-06-02",
        answers=[
            ("giulia.rossi@cop.demo", "Abbiamo lavorato con le scuole superiori e con i centri giovanili."),
            ("paolo.galli@cop.demo", "Brevi consultazioni on line sui social funzionano meglio delle assemblee."),
        ],
    ),
    DemoItem(
        "er-step",
        "Quali strumenti digitali usate per le consultazioni pubbliche?",
        K.QUESTION,
        "it",
        ["paolo.galli@cop.demo"],
        body="Stiamo scegliendo una piattaforma per le consultazioni: esperienze?",
        themes=["strumenti digitali", "partecipazione civica"],
        published="2023-09-12",
    ),
    # ------------------------------------------------------------------ MULTIPLY (English, Italian)
    DemoItem(
        "multiply",
        "Integrated energy and urban planning in Heidelberg",
        K.CASE_STUDY,
        "en",
        ["hans.weber@cop.demo"],
        summary="How a Multiply City brings energy, mobility and land use planning together.",
        body="Heidelberg's planners work across departments on one integrated plan, with shared targets for "
        "energy efficiency, mobility and land use.",
        themes=["energy planning", "integrated planning"],
        organizations=["Stadt Heidelberg"],
        published="2020-05-12",
    ),
    DemoItem(
        "multiply",
        "Peer review checklist for energy plans",
        K.TOOL,
        "en",
        ["hans.weber@cop.demo", "claire.martin@cop.demo"],
        summary="The questions reviewers answer in a technical peer review of an energy plan.",
        body="- Is the baseline emission inventory complete?\n- Are targets set per sector and year?\n"
        "- How is the impact monitored?\n- Who is responsible for each action?",
        themes=["peer review", "energy planning"],
        published="2020-06-30",
        files=[("peer-review-checklist.md", "# Peer review checklist\n\n1. Baseline\n2. Targets\n3. Monitoring\n")],
    ),
    DemoItem(
        "multiply",
        "Sustainable Energy and Climate Action Plan of Trikala",
        K.STUDY,
        "en",
        ["nikos.papadopoulos@cop.demo"],
        summary="The draft plan submitted for technical peer review by the other cities.",
        body="## Baseline\n\nEmissions inventory for 2019.\n\n## Actions\n\n1. Public buildings retrofit\n"
        "2. Street lighting\n3. Cycling network",
        visibility=V.COMMUNITY,
        themes=["energy planning", "peer review"],
        organizations=["Municipality of Trikala"],
        meeting="multiply-kozani-peer-review-next",
        published="2020-09-01",
    ),
    DemoItem(
        "multiply",
        "Communication strategy for the energy transition of Grenoble",
        K.STUDY,
        "en",
        ["claire.martin@cop.demo"],
        summary="A draft communication strategy submitted for peer review by communication staff.",
        body="Audiences, messages, channels and participatory methods for the energy transition.",
        visibility=V.COMMUNITY,
        themes=["communication", "participatory methods"],
        organizations=["Ville de Grenoble"],
        published=None,
    ),
]

# Versions of items above in the communities' other languages (linked with translation_of).
