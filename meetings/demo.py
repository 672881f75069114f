"""Demo meetings of the five launch communities, drawn from the source texts in shared/seeds/.

Call seed_meetings() after the communities, groups, organisations and demo accounts exist
(cop_portal's seed_demo command). It is idempotent: each meeting is keyed by a stable UID
("demo-...@cop-portal") and each series by its title, so running it again creates nothing.
Communities, groups, organisations or people that are missing are skipped, never invented.

What comes from the texts and what is assumed:

- REBUILD: Steering Committees, Technical Boards, a Training of Trainers and the Summer
  School in Trentino meet face to face; partnership meetings are virtual and monthly (a
  series: every month on the first Tuesday at 11:00 Europe/Rome). Dates and places are
  illustrative.
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

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Group
from members.models import Organization, User

from . import services
from .models import AgendaItem, Meeting, MeetingSeries, Registration
from .recurrence import Frequency, SeriesRule

K = Meeting.Kind
F = Meeting.Format
ZOOM = "https://meet.example.org/{}"


@dataclass
class Demo:
    key: str  # the stable part of the UID
    community: str
    title: str
    kind: str
    format: str
    start: datetime  # local, naive: placed in time_zone
    hours: float
    time_zone: str = "Europe/Rome"
    group: str | None = None
    description: str = ""
    venue: str = ""
    city: str = ""
    country: str = ""
    host: str | None = None  # organisation name
    audience: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    capacity: int | None = None
    policy: str = Meeting.RegistrationPolicy.OPEN
    visibility: str = Meeting.Visibility.MEMBERS
    organiser: str | None = None  # email of the demo account that scheduled it
    minutes: str = ""
    decisions: str = ""
    agenda: list[tuple[str, str]] = field(default_factory=list)  # (HH:MM local, title)
    attendees: list[str] = field(default_factory=list)  # emails of demo accounts who registered (and came)


def _upcoming(days: int, hour: int, minute: int = 0) -> datetime:
    """Return a naive local date-time `days` from today, for demo meetings that must lie ahead."""
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute))


def _first_weekday_of_next_month(weekday: int) -> date:
    today = timezone.localdate()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


REBUILD_PEOPLE = [
    "coordinator.rebuild@cop.demo",
    "member.rebuild@cop.demo",
    "amal.bensaid@cop.demo",
    "salem.elmabrouk@cop.demo",
]


def rebuild() -> list[Demo]:
    return [
        Demo(
            "rebuild-sc-1",
            "rebuild",
            "First Steering Committee",
            K.STEERING_COMMITTEE,
            F.IN_PERSON,
            datetime(2019, 10, 15, 9, 30),
            7,
            time_zone="Africa/Tunis",
            description="Kick-off of the partnership: governance, work plan and the ten coordination teams.",
            venue="Partners' meeting room",
            city="Tunis",
            country="TN",
            audience=["policy_makers", "project_staff"],
            themes=["project management", "local development"],
            organiser="coordinator.rebuild@cop.demo",
            minutes="The partners adopted the work plan and set up the ten coordination teams.",
            decisions="Adopt the work plan\nSet up ten coordination teams of municipalities and universities",
            agenda=[("09:30", "Welcome and introductions"), ("10:30", "Work plan"), ("14:00", "Coordination teams")],
            attendees=REBUILD_PEOPLE,
        ),
        Demo(
            "rebuild-tb-1",
            "rebuild",
            "Technical Board – pilot projects",
            K.TECHNICAL_BOARD,
            F.IN_PERSON,
            datetime(2020, 2, 11, 9, 0),
            6,
            time_zone="Africa/Tunis",
            description="The technical board reviews the design of the two pilot projects.",
            venue="Partners' meeting room",
            city="Tunis",
            country="TN",
            audience=["technical_staff"],
            themes=["pilot projects", "basic services"],
            organiser="coordinator.rebuild@cop.demo",
            minutes="Both pilot projects were reviewed; municipalities will share their baselines.",
            attendees=REBUILD_PEOPLE[:3],
        ),
        Demo(
            "rebuild-tot-1",
            "rebuild",
            "Training of Trainers on local service delivery",
            K.TRAINING_OF_TRAINERS,
            F.IN_PERSON,
            datetime(2020, 1, 20, 9, 0),
            8,
            time_zone="Africa/Tunis",
            group="coordination-team-3",
            description="Municipal and university officials train to become trainers for their colleagues.",
            venue="Training centre",
            city="Sfax",
            country="TN",
            host="Municipality of Sfax",
            audience=["technical_staff", "researchers"],
            themes=["capacity building", "training of trainers"],
            capacity=30,
            organiser="coordinator.rebuild@cop.demo",
            attendees=REBUILD_PEOPLE,
        ),
        Demo(
            "rebuild-tb-2",
            "rebuild",
            "Technical Board – monitoring and evaluation",
            K.TECHNICAL_BOARD,
            F.ONLINE,
            datetime(2021, 3, 9, 11, 0),
            2,
            description="Online board on the monitoring framework, as travel was not possible.",
            audience=["technical_staff"],
            themes=["monitoring and evaluation"],
            organiser="coordinator.rebuild@cop.demo",
            attendees=REBUILD_PEOPLE[1:],
        ),
        Demo(
            "rebuild-summer-school-trentino",
            "rebuild",
            "REBUILD Summer School in Trentino",
            K.SUMMER_SCHOOL,
            F.IN_PERSON,
            datetime(2022, 7, 4, 9, 0),
            24 * 4 + 8,
            group="coordination-team-9",
            description=(
                "A week of lessons, field visits and group work in Trentino on local public services and "
                "territorial cohesion, with the partner universities."
            ),
            venue="Department of Sociology and Social Research",
            city="Trento",
            country="IT",
            host="Università degli Studi di Trento",
            audience=["technical_staff", "researchers"],
            themes=["capacity building", "local development"],
            capacity=40,
            organiser="coordinator.rebuild@cop.demo",
            minutes="Participants visited municipal services in Trentino and presented their group work.",
            agenda=[("09:00", "Opening of the summer school"), ("11:00", "Local public services in Trentino")],
            attendees=REBUILD_PEOPLE,
        ),
        Demo(
            "rebuild-sc-next",
            "rebuild",
            "Steering Committee",
            K.STEERING_COMMITTEE,
            F.HYBRID,
            _upcoming(21, 10),
            4,
            time_zone="Africa/Tripoli",
            description="Progress of the pilot projects and plans for the next year. Join in Tripoli or online.",
            venue="Municipality of Tripoli Centre",
            city="Tripoli",
            country="LY",
            host="Municipality of Tripoli Centre",
            audience=["policy_makers", "project_staff"],
            themes=["project management", "pilot projects"],
            capacity=40,
            policy=Meeting.RegistrationPolicy.APPROVAL,
            organiser="coordinator.rebuild@cop.demo",
            agenda=[("10:00", "Welcome by the host municipality"), ("10:30", "Pilot projects"), ("12:30", "Next year")],
        ),
        Demo(
            "rebuild-tb-next",
            "rebuild",
            "Technical Board",
            K.TECHNICAL_BOARD,
            F.ONLINE,
            _upcoming(35, 11),
            2,
            description="Online technical board of the coordination teams.",
            audience=["technical_staff"],
            themes=["basic services"],
            capacity=25,
            visibility=Meeting.Visibility.PUBLIC,
            organiser="coordinator.rebuild@cop.demo",
        ),
    ]


def capitale_naturale() -> list[Demo]:
    cn = "coordinator.capitale-naturale@cop.demo"
    cariplo = "Fondazione Cariplo"
    plan = [
        (
            "plenaria-2021-1",
            K.PLENARY,
            datetime(2021, 10, 12, 10, 0),
            "Incontro in plenaria – avvio della comunità di pratica",
            "Presentazione dei progetti finanziati e scelta dei temi comuni.",
        ),
        (
            "webinar-2021-1",
            K.WEBINAR,
            datetime(2021, 11, 16, 14, 30),
            "Webinar di lavoro – monitoraggio della biodiversità",
            "Metodi e indicatori di monitoraggio condivisi tra i partenariati.",
        ),
        (
            "plenaria-2022-1",
            K.PLENARY,
            datetime(2022, 2, 15, 10, 0),
            "Incontro in plenaria – punti di forza e criticità",
            "Realizzazioni in corso, criticità incontrate e soluzioni allo studio.",
        ),
        (
            "webinar-2022-1",
            K.WEBINAR,
            datetime(2022, 3, 22, 14, 30),
            "Webinar di lavoro – coinvolgimento dei portatori di interesse",
            "Tecniche di ingaggio per sostenere la collaborazione tra partner e tra progetti.",
        ),
    ]
    demos = []
    for key, kind, start, title, description in plan:
        plenary = kind == K.PLENARY
        demos.append(
            Demo(
                f"capitale-naturale-{key}",
                "capitale-naturale",
                title,
                kind,
                F.IN_PERSON if plenary else F.ONLINE,
                start,
                3 if plenary else 2,
                group="edizione-2019",
                description=description,
                venue="Sede di Fondazione Cariplo" if plenary else "",
                city="Milano" if plenary else "",
                country="IT" if plenary else "",
                host=cariplo,
                audience=["project_staff"],
                themes=["biodiversità", "capitale naturale"],
                organiser=cn,
                minutes="Sintesi dell'incontro condivisa con i partenariati." if plenary else "",
                attendees=[cn, "member.capitale-naturale@cop.demo", "giulia.rossi@cop.demo"],
            )
        )
    demos += [
        Demo(
            "capitale-naturale-webinar-next",
            "capitale-naturale",
            "Webinar di lavoro – soluzioni per la connettività ecologica",
            K.WEBINAR,
            F.ONLINE,
            _upcoming(14, 14, 30),
            2,
            group="edizione-2020",
            description="Scambio di soluzioni praticabili tra i partenariati del bando 2020.",
            host=cariplo,
            audience=["project_staff"],
            themes=["connettività ecologica", "biodiversità"],
            organiser=cn,
        ),
        Demo(
            "capitale-naturale-plenaria-quaderno",
            "capitale-naturale",
            "Plenaria – presentazione del Quaderno dell'osservatorio",
            K.PLENARY,
            F.HYBRID,
            _upcoming(45, 10),
            3,
            description="Presentazione degli articoli firmati a più mani e raccolti nel Quaderno dell'osservatorio.",
            venue="Sede di Fondazione Cariplo",
            city="Milano",
            country="IT",
            host=cariplo,
            audience=["project_staff", "general_public"],
            themes=["quaderno dell'osservatorio"],
            capacity=80,
            visibility=Meeting.Visibility.PUBLIC,
            organiser=cn,
        ),
    ]
    return demos


CON_I_BAMBINI_THEME_1 = "le sfide educative ai tempi del COVID-19"
CON_I_BAMBINI_THEME_2 = "le reti nelle prassi progettuali"
CON_I_BAMBINI_PATTI = "patti educativi di comunità"
# The calls and the macro-areas of their groups (as cop_portal.demo_data.CON_I_BAMBINI_CALLS).
CON_I_BAMBINI_GROUPS = {
    "prima-infanzia-2016": ["nord", "centro", "sud-isole-1", "sud-isole-2", "multi"],
    "adolescenza-2016": ["nord", "centro", "sud-isole-1", "sud-isole-2", "multi"],
    "nuove-generazioni-2017": ["nord-1", "nord-2", "centro", "sud-isole-1", "sud-isole-2", "multi"],
}
CALL_NAMES = {
    "prima-infanzia-2016": "Prima Infanzia 2016",
    "adolescenza-2016": "Adolescenza 2016",
    "nuove-generazioni-2017": "Nuove generazioni 2017",
}
# The three facilitators of the demo data, one per call.
CALL_FACILITATORS = {
    "prima-infanzia-2016": "marco.bianchi@cop.demo",
    "adolescenza-2016": "chiara.lombardi@cop.demo",
    "nuove-generazioni-2017": "davide.russo@cop.demo",
}


def con_i_bambini() -> list[Demo]:
    """Return the 35 meetings held by 31/12/2021 (see the module docstring for the split)."""
    demos = []
    first_round = date(2020, 11, 10)  # the meetings began in November 2020
    second_round = date(2021, 4, 13)
    index = 0
    for call, areas in CON_I_BAMBINI_GROUPS.items():
        for area in areas:
            group = f"{call}-{area}"
            # Two groups a week, on Tuesdays and Thursdays, in the afternoon.
            day_1 = first_round + timedelta(days=7 * (index // 2) + 2 * (index % 2))
            demos.append(_cib_meeting(group, call, 1, CON_I_BAMBINI_THEME_1, day_1))
            if area != "multi":  # the multi-regional groups covered only the first theme by 31/12/2021
                day_2 = second_round + timedelta(days=7 * (index // 2) + 2 * (index % 2))
                demos.append(_cib_meeting(group, call, 2, CON_I_BAMBINI_THEME_2, day_2))
            index += 1
    # ASSUMPTION: 6 facilitator-led meetings on the patti educativi di comunità from September 2021.
    patti_days = [date(2021, 9, 21), date(2021, 10, 19), date(2021, 11, 16)]
    for call_index, call in enumerate(CON_I_BAMBINI_GROUPS):
        for part, title in enumerate(("modelli esistenti", "benchmarking nazionale ed europeo"), start=1):
            day = patti_days[call_index] + timedelta(days=28 * (part - 1) + 2 * call_index)
            demos.append(
                Demo(
                    f"con-i-bambini-patti-{call}-{part}",
                    "con-i-bambini",
                    f"Patti educativi di comunità – {title} ({CALL_NAMES[call]})",
                    K.WORKSHOP,
                    F.ONLINE,
                    datetime.combine(day, time(15, 0)),
                    2,
                    description=(
                        "Riflessione proposta dai facilitatori a partire dai modelli esistenti di patti educativi "
                        "di comunità, con un lavoro di analisi e benchmarking a livello nazionale ed europeo."
                    ),
                    audience=["project_staff"],
                    themes=[CON_I_BAMBINI_PATTI],
                    policy=Meeting.RegistrationPolicy.INVITATION,
                    organiser=CALL_FACILITATORS[call],
                    minutes="Incontro svolto online.",
                )
            )
    return demos


def _cib_meeting(group: str, call: str, number: int, theme: str, day: date) -> Demo:
    return Demo(
        f"con-i-bambini-{group}-{number}",
        "con-i-bambini",
        f"Incontro {number} – {theme}",
        K.WORKSHOP,
        F.ONLINE,
        datetime.combine(day, time(15, 0)),
        2,
        group=group,
        description=(
            "Incontro online della comunità di pratiche con i coordinatori e le figure chiave dei progetti, "
            "condotto dal facilitatore."
        ),
        audience=["project_staff"],
        themes=[theme],
        policy=Meeting.RegistrationPolicy.INVITATION,
        organiser=CALL_FACILITATORS[call],
        minutes="Incontro svolto online.",
    )


def multiply() -> list[Demo]:
    mc = "coordinator.multiply@cop.demo"
    exchanges = [
        # (key, title, host city, city, country, zone, start, audience, group, themes)
        (
            "padova-leadership",
            "Peer exchange – political leadership for the energy transition",
            "Comune di Padova",
            "Padova",
            "IT",
            "Europe/Rome",
            datetime(2019, 5, 16, 9, 30),
            "policy_makers",
            "policy-makers",
            ["cross-sector energy transition", "political communication", "financing the energy transition"],
        ),
        (
            "udine-technical",
            "Peer exchange – technical aspects of energy efficiency projects",
            "Comune di Udine",
            "Udine",
            "IT",
            "Europe/Rome",
            datetime(2019, 9, 24, 9, 30),
            "technical_staff",
            "technical-staff",
            ["energy efficiency", "impact monitoring", "peer review of energy plans"],
        ),
        (
            "rimini-communication",
            "Training – communication strategies and participatory methods",
            "Comune di Rimini",
            "Rimini",
            "IT",
            "Europe/Rome",
            datetime(2019, 11, 7, 9, 30),
            "communication_staff",
            "communication-staff",
            ["communication strategies", "participatory methods"],
        ),
        (
            "lecce-on-the-road",
            "On the Road Cities – review of energy plans",
            "Comune di Lecce",
            "Lecce",
            "IT",
            "Europe/Rome",
            datetime(2020, 2, 20, 10, 0),
            "technical_staff",
            "on-the-road-cities",
            ["peer review of energy plans"],
        ),
        (
            "heidelberg-leadership",
            "Peer exchange – political leadership",
            "Stadt Heidelberg",
            "Heidelberg",
            "DE",
            "Europe/Berlin",
            datetime(2019, 6, 13, 9, 30),
            "policy_makers",
            "policy-makers",
            ["cross-sector energy transition"],
        ),
        (
            "grenoble-technical",
            "Peer exchange – cross-sector integration",
            "Ville de Grenoble",
            "Grenoble",
            "FR",
            "Europe/Paris",
            datetime(2019, 10, 8, 9, 30),
            "technical_staff",
            "technical-staff",
            ["cross-sector integration", "energy efficiency"],
        ),
        (
            "trikala-technical",
            "Peer exchange – monitoring the impact of energy plans",
            "Municipality of Trikala",
            "Trikala",
            "GR",
            "Europe/Athens",
            datetime(2020, 1, 28, 10, 0),
            "technical_staff",
            "technical-staff",
            ["impact monitoring"],
        ),
    ]
    demos = [
        Demo(
            f"multiply-{key}",
            "multiply",
            title,
            K.PEER_EXCHANGE if "Training" not in title else K.WORKSHOP,
            F.IN_PERSON,
            start,
            7,
            time_zone=zone,
            group=group,
            description=f"{host} hosts the cities of its country for a day of peer-to-peer learning.",
            venue="Town hall",
            city=city,
            country=country,
            host=host,
            audience=[audience],
            themes=themes,
            capacity=30,
            visibility=Meeting.Visibility.PUBLIC,
            organiser=mc,
            attendees=[mc, "member.multiply@cop.demo", "hans.weber@cop.demo"],
        )
        for key, title, host, city, country, zone, start, audience, group, themes in exchanges
    ]
    demos += [
        Demo(
            "multiply-great-european-conference-2020",
            "multiply",
            "Great European Conference",
            K.CONFERENCE,
            F.HYBRID,
            datetime(2020, 11, 24, 9, 0),
            24 + 8,
            time_zone="Europe/Berlin",
            description=(
                "The international training of MULTIPLY: cities exchange innovative approaches to "
                "cross-sector planning."
            ),
            venue="Kongresshaus",
            city="Heidelberg",
            country="DE",
            host="Stadt Heidelberg",
            audience=["policy_makers", "technical_staff", "communication_staff"],
            themes=["cross-sector planning", "energy transition"],
            capacity=200,
            visibility=Meeting.Visibility.PUBLIC,
            organiser=mc,
            minutes="Cities from all partner countries presented their integrated energy and urban plans.",
            attendees=[mc, "member.multiply@cop.demo", "hans.weber@cop.demo", "amal.bensaid@cop.demo"],
        ),
        Demo(
            "multiply-kozani-peer-review-next",
            "multiply",
            "Peer exchange – peer review of energy plans",
            K.PEER_EXCHANGE,
            F.HYBRID,
            _upcoming(28, 10),
            6,
            time_zone="Europe/Athens",
            group="technical-staff",
            description="Municipality of Kozani hosts a peer review of the energy plans of the Greek cities.",
            venue="Town hall",
            city="Kozani",
            country="GR",
            host="Municipality of Kozani",
            audience=["technical_staff"],
            themes=["peer review of energy plans"],
            capacity=25,
            visibility=Meeting.Visibility.PUBLIC,
            organiser=mc,
        ),
    ]
    return demos


def er_step() -> list[Demo]:
    coordinator = "coordinator.er-step@cop.demo"
    return [
        Demo(
            "er-step-workshop-coprogettazione",
            "er-step",
            "Workshop di co-progettazione – beni comuni urbani",
            K.WORKSHOP,
            F.IN_PERSON,
            _upcoming(18, 15),
            3,
            group="partecipazione-civica",
            description="Un pomeriggio di co-progettazione sui patti di collaborazione per i beni comuni.",
            venue="Sala riunioni della Regione",
            city="Bologna",
            country="IT",
            host="Regione Emilia-Romagna",
            audience=["policy_makers", "civil_society"],
            themes=["beni comuni", "co-progettazione"],
            capacity=35,
            visibility=Meeting.Visibility.PUBLIC,
            organiser="giulia.rossi@cop.demo",
        ),
        Demo(
            "er-step-informale-aperitivo",
            "er-step",
            "Incontro informale delle comunità di pratiche",
            K.INFORMAL,
            F.ONLINE,
            _upcoming(9, 18),
            1,
            description="Un'ora per conoscerci, fare domande e condividere buone pratiche.",
            audience=["general_public"],
            themes=["buone pratiche"],
            policy=Meeting.RegistrationPolicy.NONE,
            visibility=Meeting.Visibility.PUBLIC,
            organiser=coordinator,
        ),
    ]


def all_demos() -> list[Demo]:
    return rebuild() + capitale_naturale() + con_i_bambini() + multiply() + er_step()


def _uid(key: str) -> str:
    return f"demo-{key}@cop-portal"


class _Lookup:
    """Cache the rows demo meetings refer to; a missing one is None and its meeting is skipped."""

    def __init__(self):
        self.communities = {c.slug: c for c in Community.objects.all()}
        self.groups = {(g.community.slug, g.slug): g for g in Group.objects.select_related("community")}
        self.organisations = {o.name: o for o in Organization.objects.all()}
        self.people = {u.email: u for u in User.objects.filter(email__endswith="@cop.demo")}


@transaction.atomic
def seed_meetings() -> dict[str, int]:
    """Create the demo meetings, series, agendas, registrations and minutes; return how many were created."""
    lookup = _Lookup()
    existing = set(Meeting.objects.filter(uid__startswith="demo-").values_list("uid", flat=True))
    created = 0
    for demo in all_demos():
        if _uid(demo.key) in existing:
            continue
        if _create(demo, lookup):
            created += 1
    series = _rebuild_partnership_series(lookup)
    return {"meetings": created, "series": series}


def _create(demo: Demo, lookup: _Lookup) -> Meeting | None:
    community = lookup.communities.get(demo.community)
    if community is None:
        return None
    group = lookup.groups.get((demo.community, demo.group)) if demo.group else None
    if demo.group and group is None:
        return None
    zone = zoneinfo.ZoneInfo(demo.time_zone)
    start = demo.start.replace(tzinfo=zone)
    organiser = lookup.people.get(demo.organiser) if demo.organiser else None
    meeting = services.meeting_schedule(
        community=community,
        by=organiser,
        uid=_uid(demo.key),
        themes=demo.themes,
        kind=demo.kind,
        format=demo.format,
        title=demo.title,
        description=demo.description,
        start=start,
        end=start + timedelta(hours=demo.hours),
        time_zone=demo.time_zone,
        venue=demo.venue,
        city=demo.city,
        country=demo.country,
        online_url=ZOOM.format(demo.key) if demo.format != F.IN_PERSON else "",
        host_organization=lookup.organisations.get(demo.host) if demo.host else None,
        group=group,
        audience=demo.audience,
        capacity=demo.capacity,
        registration_policy=demo.policy,
        visibility=demo.visibility,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=order,
            title=title,
            starts_at=datetime.combine(demo.start.date(), time.fromisoformat(at), tzinfo=zone),
        )
        for order, (at, title) in enumerate(demo.agenda, start=1)
    )
    past = meeting.end < timezone.now()
    # Demo registrations are written directly: seeding must not email anyone.
    Registration.objects.bulk_create(
        Registration(meeting=meeting, user=lookup.people[email], status=Registration.Status.REGISTERED, attended=past)
        for email in demo.attendees
        if email in lookup.people
    )
    if past:
        services.meeting_close(meeting=meeting, by=organiser, minutes=demo.minutes, decisions=demo.decisions)
    return meeting


def _rebuild_partnership_series(lookup: _Lookup) -> int:
    """Create REBUILD's monthly virtual partnership meetings: first Tuesday of the month, 11:00 Rome, six months."""
    community = lookup.communities.get("rebuild")
    title = "Virtual partnership meeting"
    if community is None or MeetingSeries.objects.filter(community=community, title=title).exists():
        return 0
    starts_on = _first_weekday_of_next_month(1)
    services.series_create(
        community=community,
        by=lookup.people.get("coordinator.rebuild@cop.demo"),
        rule=SeriesRule(
            frequency=Frequency.MONTHLY,
            ordinal=1,
            weekday=1,
            start_time=time(11, 0),
            duration_minutes=90,
            time_zone="Europe/Rome",
            starts_on=starts_on,
            until=starts_on + timedelta(days=183),
        ),
        themes=["project management"],
        title=title,
        kind=K.INFORMAL,
        format=F.ONLINE,
        description="The monthly virtual meeting of all partners (Libya, Italy, Tunisia), on Zoom or Meet.",
        online_url=ZOOM.format("rebuild-partnership"),
        audience=["project_staff"],
        registration_policy=Meeting.RegistrationPolicy.NONE,
        visibility=Meeting.Visibility.MEMBERS,
    )
    return 1
