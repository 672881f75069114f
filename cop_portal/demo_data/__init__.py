"""The five launch communities, drawn from the source texts in shared/seeds/.

Counts here are the real ones from those texts (16 Con i Bambini groups, ten REBUILD
coordination teams, three Con i Bambini facilitators); each community's groups are listed in
the order given here, which seed_demo keeps as their position in the console. Where a text gives a total but
not its breakdown (Con i Bambini's "Tab 21" table is not in the seed), the split below
is our assumption and is marked as such.

The data lives in one module per area (communities, organisations, people, dimensions); this
package re-exports every name, so `demo_data.COMMUNITIES` and the like read as before.
"""

from .communities import (
    COMMUNITIES,
    CON_I_BAMBINI_CALLS,
    CON_I_BAMBINI_GROUP_THEMES,
    MACRO_AREAS,
    group_themes,
)
from .dimensions import DIMENSIONS, MACRO_AREA_VALUE, group_labels
from .organisations import (
    EXTRA_ORGANIZATIONS,
    ORGANIZATIONS,
    PARTNER_ROLES,
    PARTNERSHIPS,
    PROJECT_CODES,
    PROJECTS_BY_AREA,
    funded_projects,
)
from .people import MORE_PEOPLE, PEOPLE, PEOPLE_FLAGS, PROPOSALS

__all__ = [
    "COMMUNITIES",
    "CON_I_BAMBINI_CALLS",
    "CON_I_BAMBINI_GROUP_THEMES",
    "DIMENSIONS",
    "EXTRA_ORGANIZATIONS",
    "MACRO_AREAS",
    "MACRO_AREA_VALUE",
    "MORE_PEOPLE",
    "ORGANIZATIONS",
    "PARTNERSHIPS",
    "PARTNER_ROLES",
    "PEOPLE",
    "PEOPLE_FLAGS",
    "PROJECTS_BY_AREA",
    "PROJECT_CODES",
    "PROPOSALS",
    "funded_projects",
    "group_labels",
    "group_themes",
]
