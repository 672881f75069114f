"""The words the scale seed writes with: names, titles and themes, chosen by the seed's random generator."""

FIRST_NAMES = (
    "Amal Ahmed Alessandro Anna Aya Chiara Daniele Elena Fatma Francesca Giorgio Giulia Hana Ibrahim Karim "
    "Laura Leila Luca Marco Maria Mohamed Nadia Omar Paola Rania Salma Sara Sofia Tarek Youssef Zeineb"
).split()
LAST_NAMES = (
    "Ali Bianchi Ben Salem Bouazizi Colombo Conti Costa De Luca El Amri Esposito Ferrari Gallo Greco Hamdi "
    "Jaziri Lombardi Mansour Marino Moretti Rinaldi Ricci Romano Russo Trabelsi Villa Zaied"
).split()
ORG_WORDS = (
    "Municipality Cooperative Foundation Association Institute Agency Network Centre Consortium University "
    "Council School Union Observatory Lab"
).split()
PLACES = (
    "Bologna Tunis Tripoli Sfax Napoli Palermo Roma Milano Sousse Misrata Bari Torino Genova Firenze "
    "Bizerte Benghazi Catania Parma Modena Kairouan"
).split()
COUNTRIES = ("IT", "IT", "IT", "TN", "TN", "LY", "FR", "ES", "GR", "MT")
TIME_ZONES = ("Europe/Rome", "Africa/Tunis", "Africa/Tripoli", "Europe/Paris")
LANGUAGES = ("en", "it", "ar")

# Themes carried by the seeded objects (taggit tags, shared with the demo's where the names match).
THEMES = (
    "capacity building",
    "circular economy",
    "climate adaptation",
    "early childhood",
    "digital skills",
    "energy transition",
    "local development",
    "migration",
    "water management",
    "youth employment",
    "adult learning",
    "public procurement",
    "urban regeneration",
    "social inclusion",
    "biodiversity",
    "numeracy",
    "school dropout",
    "renewable energy",
    "cultural heritage",
    "waste management",
    "tourism",
    "agriculture",
    "health services",
    "gender equality",
    "open data",
    "participatory budgeting",
    "coastal areas",
    "mobility",
    "housing",
    "evaluation",
)

# Common words appear in many titles (a search for "community" matches a large share of the items);
# rare words in few (RARE_WORDS: about one item in RARE_EVERY carries one): the benchmark's two searches.
COMMON_WORDS = (
    "community practice network school energy water city training project lesson experience method "
    "pilot plan guide report tool partnership service learning"
).split()
RARE_WORDS = ("quinoa", "aquifer", "tramway", "beekeeping", "cartography", "microgrid", "olive", "saffron")
RARE_EVERY = 1000
ADJECTIVES = (
    "Practical Shared Local Regional Participatory Open Green Inclusive Digital Rural Urban Coastal Young "
    "Sustainable Collaborative"
).split()

SENTENCES = (
    "The partners met every month to compare what worked and what did not.",
    "Municipal staff and civil society organisations shared the work from the first week.",
    "We kept a simple log of decisions, so newcomers could follow the reasons behind them.",
    "The pilot reached three neighbourhoods and two schools before the summer.",
    "Funding came from a regional call, with a small contribution from each partner.",
    "The hardest part was keeping volunteers involved after the launch event.",
    "Short online sessions worked better than long workshops for busy officials.",
    "Data collected by the teachers showed a clear change after six months.",
    "A shared calendar and one contact person per organisation avoided most delays.",
    "We would start the evaluation earlier next time, with a baseline survey.",
    "Local radio and the municipality's newsletter brought most of the participants.",
    "The guide is available in English, Italian and Arabic for other communities.",
)
