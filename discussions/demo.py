"""Demo discussions of the five launch communities, drawn from the source texts in shared/seeds/.

Call seed_discussions() after the communities, groups and demo accounts exist (cop_portal's
seed_demo command). It is idempotent: a thread is keyed by its title in its community and an
announcement likewise, so a second run adds nothing. People or groups that are missing are
skipped, never invented.

A few demo people receive every post by email (EVERY_POST_PEOPLE, set before the threads are
posted unless they chose a mode already), so the first seed sends the discussion emails through
the normal path: the posting services' outbox rows, the discussions.notify_post task and
send_templated_email with each person's signed Reply-To. `make run` (eager tasks, console email)
prints them. A second seed posts nothing, so it sends nothing (and the ledger's keys would hold
anyway). Announcements are written as rows, history already sent: the seed emails nobody about them.

What comes from the texts and what is assumed:
- REBUILD: ten coordination teams; partners work "on Viber/WhatsApp daily, by email about weekly"
  and meet monthly online across the Libya/Italy/Tunisia time zones; English and Arabic. The
  messages themselves are illustrative.
- ER-STEP: communities to "fare domande" and share practices, workshops and co-design; the
  question of a local administrator and the answers are illustrative.
- Capitale naturale: strengths, critical issues and solutions compared between funded
  partnerships; the nature-based solutions discussed are illustrative.
- MULTIPLY: each Multiply City hosts exchanges for the other cities of its country (here Padova
  for the Italian On the Road Cities, Udine and Lecce); dates and programme are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Group
from knowledge.markup import render_markdown
from members.models import User

from . import services
from .models import Announcement, DeliveryMode, DiscussionPreference, Post, Thread


@dataclass
class DemoThread:
    community: str
    title: str
    language: str
    author: str  # email of a demo account
    body: str
    group: str | None = None
    replies: list[tuple[str, str, str]] = field(default_factory=list)  # (email, language, text)
    days_ago: int = 3  # when the opening post was written; replies follow a few hours apart


THREADS = [
    # ------------------------------------------------------------------ REBUILD (English, Arabic)
    DemoThread(
        "rebuild",
        "Monthly partnership meeting: a time that works in Tripoli, Rome and Tunis",
        "en",
        "coordinator.rebuild@cop.demo",
        (
            "Our monthly virtual partnership meeting keeps slipping because of the time zones. "
            "Tripoli is on UTC+2 all year, Rome moves between UTC+1 and UTC+2, Tunis stays on UTC+1.\n\n"
            "Proposal: **first Tuesday of the month, 10:00 in Tripoli** (09:00 or 10:00 in Rome, 09:00 in Tunis). "
            "Does this work for your team? Reply here rather than on WhatsApp so that everyone sees the answer."
        ),
        group="coordination-team-1",
        replies=[
            (
                "amal.bensaid@cop.demo",
                "ar",
                "الثلاثاء الأول من كل شهر مناسب لبلدية طرابلس المركز. "
                "نقترح إرسال جدول الأعمال قبل أسبوع عبر البريد الإلكتروني، لأن الاتصال بالإنترنت ضعيف أحياناً.",
            ),
            (
                "coordinator.rebuild@cop.demo",
                "en",
                "> نقترح إرسال جدول الأعمال قبل أسبوع\n\n"
                "Agreed: the agenda goes out a week before, by email, with a dial-in number for low bandwidth.",
            ),
        ],
        days_ago=4,
    ),
    DemoThread(
        "rebuild",
        "تنظيم دورة تدريب المدربين في بنغازي",
        "ar",
        "salem.elmabrouk@cop.demo",
        (
            "نحضّر دورة تدريب المدربين لشبكة الجامعات في بنغازي. "
            "من لديه مواد تدريبية عن التخطيط الحضري التشاركي باللغة العربية؟ "
            "سنشاركها في المكتبة بعد الدورة."
        ),
        group="coordination-team-8",
        replies=[
            (
                "coordinator.rebuild@cop.demo",
                "en",
                "The Trento summer school material is in the library in English; we can ask the University of "
                "Trento for the Arabic slides they used in Tunis.",
            ),
        ],
        days_ago=2,
    ),
    DemoThread(
        "rebuild",
        "تبادل الخبرات حول خدمات المياه في البلديات",
        "ar",
        "nour.haddad@cop.demo",
        "في صفاقس نعمل على مشروع تجريبي لعدادات المياه. هل جرّبت بلديات ليبية شيئاً مشابهاً؟",
        replies=[
            (
                "amal.bensaid@cop.demo",
                "ar",
                "في طرابلس المركز بدأنا بحيّين فقط. أهم درس: إشراك السكان منذ البداية.",
            ),
        ],
        days_ago=1,
    ),
    # ------------------------------------------------------------------ ER-STEP (Italian)
    DemoThread(
        "er-step",
        "Come avete organizzato i laboratori di co-progettazione?",
        "it",
        "paolo.galli@cop.demo",
        (
            "Sono amministratore locale a Reggio Emilia. Dobbiamo co-progettare con i cittadini "
            "il riuso di un edificio scolastico dismesso. **Come avete organizzato i laboratori?** "
            "Quanti incontri, con chi, e come avete restituito i risultati?"
        ),
        replies=[
            (
                "giulia.rossi@cop.demo",
                "it",
                "A Bologna abbiamo fatto tre laboratori: una passeggiata di quartiere, un tavolo sulle idee, "
                "una serata di restituzione. Il segreto è dire subito che cosa è già deciso e che cosa no.",
            ),
            (
                "coordinator.er-step@cop.demo",
                "it",
                "Aggiungo: nella libreria della comunità c'è una guida alla co-progettazione con i modelli "
                "di invito e di verbale. Possiamo parlarne al prossimo incontro informale.",
            ),
            ("paolo.galli@cop.demo", "it", "Grazie, molto utile. Proveremo con tre incontri e vi racconto."),
        ],
        days_ago=5,
    ),
    # ------------------------------------------------------------------ Capitale naturale (Italian)
    DemoThread(
        "capitale-naturale",
        "Soluzioni basate sulla natura: punti di forza e criticità a confronto",
        "it",
        "francesca.verdi@cop.demo",
        (
            "Nel nostro partenariato (bando 2019) abbiamo ripristinato una zona umida lungo il Ticino. "
            "**Punti di forza**: costi contenuti, coinvolgimento delle scuole. **Criticità**: la manutenzione "
            "dopo la fine del progetto. Come l'avete affrontata nei vostri partenariati?"
        ),
        replies=[
            (
                "coordinator.capitale-naturale@cop.demo",
                "it",
                "Nel bando 2020 due partenariati hanno firmato convenzioni di manutenzione con i comuni "
                "prima della chiusura del progetto: potrebbe diventare una soluzione da proporre a tutti.",
            ),
            (
                "giulia.rossi@cop.demo",
                "it",
                "Da noi ha funzionato affidare parte della cura a un'associazione di quartiere, con un piccolo "
                "contributo annuo. Lo porto al prossimo webinar di lavoro.",
            ),
        ],
        days_ago=3,
    ),
    # ------------------------------------------------------------------ MULTIPLY (English)
    DemoThread(
        "multiply",
        "Padova hosts the exchange for the Italian On the Road Cities",
        "en",
        "coordinator.multiply@cop.demo",
        (
            "As a Multiply City, Padova hosts a two-day exchange for the Italian On the Road Cities, "
            "Udine and Lecce. Day one: the energy plan and its monitoring; day two: a study visit to "
            "the district heating network.\n\nWhich dates suit you, and who will come from each city?"
        ),
        replies=[
            (
                "hans.weber@cop.demo",
                "en",
                "If useful, Heidelberg can join online for the peer review session on the energy plan.",
            ),
            (
                "nikos.papadopoulos@cop.demo",
                "en",
                "Please keep an hour for the policy makers: how the council approved the plan is what the "
                "On the Road Cities ask about most.",
            ),
        ],
        days_ago=2,
    ),
]

ANNOUNCEMENTS = {
    "rebuild": (
        "en",
        "Welcome to the REBUILD discussions",
        "Coordination teams now have their own discussions here. Reply by email or on the portal; "
        "the monthly partnership meeting agenda will be posted in Coordination team 1.",
    ),
    "capitale-naturale": (
        "it",
        "Aperte le discussioni delle comunità di pratica",
        "Da oggi potete confrontare qui punti di forza, criticità e soluzioni tra un incontro e l'altro.",
    ),
    "con-i-bambini": (
        "it",
        "Calendario degli incontri di gruppo",
        "I facilitatori hanno pubblicato il calendario dei prossimi incontri: trovate i dettagli nella "
        "pagina di ciascun gruppo.",
    ),
    "er-step": (
        "it",
        "Nuovo spazio per domande e buone pratiche",
        "Fate domande e condividete buone pratiche nelle discussioni della comunità: rispondono colleghi "
        "di tutta la regione.",
    ),
    "multiply": (
        "en",
        "Exchanges between cities: the 2026 programme",
        "Each Multiply City hosts exchanges for the other cities of its country. Organise yours in the "
        "discussions and tell the community when the dates are set.",
    ),
}


# (community, email) of the demo people in "every post by email" mode: the REBUILD coordinator and member,
# and the ER-STEP local administrator who asks the question and gets the answers in his inbox (Italian).
EVERY_POST_PEOPLE = [
    ("rebuild", "coordinator.rebuild@cop.demo"),
    ("rebuild", "member.rebuild@cop.demo"),
    ("er-step", "paolo.galli@cop.demo"),
]


def _person(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


def _thread(spec: DemoThread, community: Community) -> Thread | None:
    if Thread.objects.filter(community=community, title=spec.title).exists():
        return None
    group = None
    if spec.group:
        group = Group.objects.filter(community=community, slug=spec.group).first()
        if group is None:
            return None
    author = _person(spec.author)
    if author is None:
        return None
    try:
        thread = services.thread_start(
            community=community, group=group, by=author, title=spec.title, body=spec.body, language=spec.language
        )
        for email, language, text in spec.replies:
            person = _person(email)
            if person is not None:
                services.post_reply(thread=thread, by=person, body=text, language=language)
    except services.DiscussionError:
        return None  # a demo person without the right to write there: leave the rest of the seed alone
    _spread_in_time(thread, days_ago=spec.days_ago)
    return thread


def _spread_in_time(thread: Thread, *, days_ago: int) -> None:
    """Date the thread's posts a few hours apart from days_ago, as a real conversation would be."""
    start = timezone.now() - timedelta(days=days_ago)
    last = None
    for index, post in enumerate(thread.posts.order_by("created_at", "pk")):
        moment = start + timedelta(hours=5 * index)
        Post.objects.filter(pk=post.pk).update(created_at=moment)
        last = moment
    if last is not None:
        Thread.objects.filter(pk=thread.pk).update(created_at=start, last_post_at=last)


def _announcement(slug: str, community: Community) -> None:
    language, title, body = ANNOUNCEMENTS[slug]
    if Announcement.objects.filter(community=community, title=title).exists():
        return
    Announcement.objects.create(
        community=community,
        audience=Announcement.Audience.COMMUNITY,
        title=title,
        body=body,
        body_html=render_markdown(body),
        language=language,
        created_by=_person(f"coordinator.{slug}@cop.demo"),
    )


def _every_post_people(communities: dict[str, Community]) -> None:
    """Put the EVERY_POST_PEOPLE in mailing-list mode (which follows the community), unless they chose already."""
    for slug, email in EVERY_POST_PEOPLE:
        community, person = communities.get(slug), _person(email)
        if community is None or person is None:
            continue
        if DiscussionPreference.objects.filter(user=person, community=community).exists():
            continue  # a choice made on the email settings page stays
        try:
            services.discussion_preference_set(user=person, community=community, mode=DeliveryMode.EVERY_POST)
        except services.DiscussionError:
            continue  # no longer a member: leave them out


def seed_discussions() -> dict[str, int]:
    """Create the demo threads and announcements; return how many exist afterwards."""
    communities = {
        c.slug: c for c in Community.objects.filter(slug__in={t.community for t in THREADS} | set(ANNOUNCEMENTS))
    }
    with transaction.atomic():
        _every_post_people(communities)
        # Each new post enqueues its notify_post task (outbox); it runs once this transaction commits.
        for spec in THREADS:
            if spec.community in communities:
                _thread(spec, communities[spec.community])
        for slug in ANNOUNCEMENTS:
            if slug in communities:
                _announcement(slug, communities[slug])
    return {
        "threads": Thread.objects.filter(community__in=communities.values()).count(),
        "posts": Post.objects.filter(community__in=communities.values()).count(),
        "announcements": Announcement.objects.filter(community__in=communities.values()).count(),
    }
