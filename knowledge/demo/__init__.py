"""Demo knowledge of the five launch communities, drawn from the source texts in shared/seeds/.

Call seed_knowledge() after the communities, groups, organisations, demo accounts and demo
meetings exist (cop_portal's seed_demo command). It is idempotent: items and collections
are keyed by their slug in the community, and an item that already has answers, comments,
files or review rounds gets none added. People, groups or meetings that are missing are
skipped, never invented; notifications are not sent for seeded content.

What comes from the texts and what is assumed:

- REBUILD: partners share "ideas, lessons learnt, opportunities, information, studies and
  research"; the ten coordination teams, the platforms used (Viber/WhatsApp daily, email
  weekly, Zoom/Meet monthly) and the field visits are from the text, as is the
  "presentation video of the Summer School in Trentino" (its address is illustrative).
- Capitale naturale: strengths and critical issues, practicable solutions and learnings per
  theme; multi-author articles collected in the "Quaderno dell'osservatorio" of an edition
  of the call. The themes and the articles' titles are illustrative.
- Con i Bambini: the two themes of the group meetings, the "patti educativi di comunità"
  benchmarking by the 3 facilitators, and the "documento condiviso di strumenti e strategie
  efficaci di contrasto della povertà educativa" (here a Collection) are from the text.
- STEP: "condividere buone pratiche, fare domande"; the practices and questions are illustrative.
- MULTIPLY: "peer-review tecnico dei piani energetici" and "peer-review delle strategie di
  comunicazione" are from the text; the plans, reviewers and reviews are illustrative.
- Translations (TRANSLATIONS): each launch community has items in its languages linked as
  versions of one another (REBUILD English/Arabic, the Italian communities Italian/English,
  MULTIPLY English/Italian); the translated wording follows the original items.

One module per area: items (the originals), translations, curation (collections and peer
reviews) and seeding (seed_knowledge, which writes them).
"""

from .curation import COLLECTIONS, REVIEWS
from .items import ITEMS, DemoItem
from .seeding import seed_knowledge
from .translations import TRANSLATIONS

__all__ = ["COLLECTIONS", "ITEMS", "REVIEWS", "TRANSLATIONS", "DemoItem", "seed_knowledge"]
