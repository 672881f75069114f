"""Demo meetings of the Italian launch communities: Capitale naturale, Con i Bambini, ER STEP."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..models import Meeting
from .base import Demo, F, K, _upcoming


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
