"""MULTIPLY's demo meetings: peer exchanges hosted by cities and the Great European Conference."""

from __future__ import annotations

from datetime import datetime

from ..models import Meeting
from .base import Demo, F, K, _upcoming


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
            # 250 seats: 150 in the Kongresshaus and 100 online, each with its own waitlist.
            capacity=150,
            online_capacity=100,
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
