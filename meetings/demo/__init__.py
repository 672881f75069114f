"""Demo meetings of the five launch communities, drawn from the source texts in shared/seeds/.

Call seed_meetings() after the communities, groups, organisations and demo accounts exist
(cop_portal's seed_demo command). It is idempotent: each meeting is keyed by a stable UID
("demo-...@cop-portal") and each series by its title, so running it again creates nothing.
Communities, groups, organisations or people that are missing are skipped, never invented.

What comes from the texts and what is assumed:

- REBUILD: Steering Committees, Technical Boards, a Training of Trainers and the Summer
  School in Trentino meet face to face; the next Summer School takes applications (its
  questions, criteria, quotas by country and reviewers are illustrative); partnership
  meetings are virtual and monthly (a series: every month on the first Tuesday at 11:00
  Europe/Rome). Dates and places are illustrative.
- Capitale naturale: plenary meetings alternating with working webinars (dates illustrative).
- Con i Bambini: 35 online meetings from November 2020 to 31/12/2021 across its 16 groups.
  "Ciascun gruppo ha svolto due incontri" on the two themes "le sfide educative ai tempi
  del COVID-19" and "le reti nelle prassi progettuali"; the multi-regional groups covered
  only the first theme. That gives 13 x 2 + 3 x 1 = 29 group meetings. ASSUMPTION: the
  other 6 meetings (to reach exactly 35) are the facilitator-led meetings on the "patti
  educativi di comunità" held from September 2021, two per funding call, open to all the
  projects of that call (no single group). Exact dates are illustrative.
- MULTIPLY: peer exchanges hosted by cities (a Multiply City for policy makers, an On the
  Road City for technical staff and the peer review of energy plans, the Special Prize
  City for communication staff) and the Great European Conference (2020). Which city
  hosted which exchange is illustrative: the text names the kinds of city, not the cities.
"""

from .italian import CON_I_BAMBINI_PATTI, CON_I_BAMBINI_THEME_1, CON_I_BAMBINI_THEME_2
from .seeding import all_demos, seed_meetings

__all__ = ["CON_I_BAMBINI_PATTI", "CON_I_BAMBINI_THEME_1", "CON_I_BAMBINI_THEME_2", "all_demos", "seed_meetings"]
