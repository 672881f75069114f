"""Translated content of the demo communities, in each launch community's languages (issue 17).

REBUILD writes in English and is translated into Arabic; the Italian communities write in Italian
and are translated into English; MULTIPLY writes in English and is translated into Italian (its
Italian wording follows the Italian source text on peer-to-peer learning). The English of the
Italian communities renders their own Italian source texts. Some translations are reviewed by the
community's coordinator, others wait for a review, so the console and the pages show both.

seed_translations() writes through communities.services.translations as the coordinator would:
running it again changes nothing (a translation saved with the same text is left as it is).
"""

from __future__ import annotations

from django.db import transaction

# slug -> (language, name, tagline, description, reviewed)
COMMUNITIES = {
    "rebuild": (
        "ar",
        "ريبيلد",
        "بلديات وجامعات ليبية تتعلم مع شركاء من الاتحاد الأوروبي والشرق الأوسط وشمال أفريقيا.",
        "في إطار مشروع ريبيلد، تمثل جماعة الممارسة أداة تشبيك تربط جميع الأنشطة: هي المساحة التي تتبادل فيها "
        "البلديات والجامعات الشريكة المهارات المكتسبة خلال بناء القدرات وممارسة تلك المهارات في عملها اليومي، "
        "بما في ذلك المشروعان التجريبيان.\n\n"
        "يلتقي الشركاء بين أقرانهم لتبادل الأفكار والدروس المستفادة والفرص والمعلومات والدراسات والأبحاث حول "
        "السياسات العامة للخدمات الأساسية والتنمية المحلية. تجتمع اللجان التوجيهية والمجالس الفنية وتدريب "
        "المدربين والمدارس الصيفية وجهاً لوجه، وتُعقد اجتماعات الشراكة الافتراضية شهرياً.",
        True,
    ),
    "capitale-naturale": (
        "en",
        "Natural Capital",
        "Community of practice of the partnerships funded by Fondazione Cariplo's Natural Capital call.",
        "The communities of practice of the partnerships funded by the Natural Capital call connect the "
        "experiences under way and strengthen the projects' action: they share achievements, strengths and "
        "critical issues, workable solutions and learnings on the protection of biodiversity.\n\n"
        "Alternating plenary meetings and working webinars, each community identifies common themes. The "
        "articles, written by several hands, are collected in the Observatory's Notebook (Quaderno "
        "dell'osservatorio) devoted to each edition of the call.",
        True,
    ),
    "con-i-bambini": (
        "en",
        "Con i Bambini – Communities of practices",
        "Supporting projects against child educational poverty, by funding call and macro-area.",
        'The "Communities of practices" initiative, launched by Con i Bambini in 2020, supports and '
        "accompanies the funded projects, strengthens mutual knowledge among the organisations involved and "
        "helps models and good practices emerge.\n\n"
        "The 3 facilitators lead the meetings with the project coordinators, grouped by funding call (Early "
        "Childhood 2016: 80 projects; Adolescence 2016: 86; New Generations 2017: 83) and by macro-area "
        "(North, Centre, South and Islands, multi-regional projects).",
        False,
    ),
    "er-step": (
        "en",
        "Emilia-Romagna STEP",
        "Territorial Strategies for Participation: the Communities of Practices of the Emilia-Romagna Region.",
        "The Communities of Practices are spaces for discussion and collaboration where people, organisations "
        "and bodies doing similar work can meet, exchange experiences and build new solutions.\n\n"
        "Some communities are open to anyone; others are reserved to local administrators and public bodies. "
        "STEP connects the communities with thematic meetings, workshops, informal moments and co-design "
        "activities.",
        True,
    ),
    "multiply": (
        "it",
        "MULTIPLY",
        "Apprendimento peer-to-peer tra città sulla pianificazione integrata di energia e territorio.",
        "Le città che partecipano a MULTIPLY imparano dalle altre città attraverso scambi diretti: incontri, "
        "visite di studio e formazioni. Ogni Multiply City ospita due scambi per le altre città del proprio "
        "paese, la Special Prize City ospita una formazione per tutte le città del proprio paese e una On the "
        "Road City ospita un incontro per le altre On the Road Cities.\n\n"
        "Le formazioni si rivolgono ai decisori politici (leadership politica), al personale tecnico "
        "(efficienza energetica, monitoraggio, revisione tra pari dei piani energetici) e al personale della "
        "comunicazione (strategie di comunicazione, metodi partecipativi). La Great European Conference riunisce "
        "tutte le città.",
        False,
    ),
}

# (community slug, group slug) -> (language, name, description)
GROUPS = {
    **{("rebuild", f"coordination-team-{n}"): ("ar", f"فريق التنسيق {n}", "") for n in range(1, 11)},
    ("capitale-naturale", "edizione-2019"): ("en", "Community of practice – 2019 call", ""),
    ("capitale-naturale", "edizione-2020"): ("en", "Community of practice – 2020 call", ""),
    ("capitale-naturale", "edizione-2021"): ("en", "Community of practice – 2021 call", ""),
    ("multiply", "policy-makers"): ("it", "Decisori politici", ""),
    ("multiply", "technical-staff"): ("it", "Personale tecnico", ""),
    ("multiply", "communication-staff"): ("it", "Personale della comunicazione", ""),
}

# demo meeting UID key -> (language, title, description, {agenda title: translated title})
MEETINGS = {
    "rebuild-sc-next": (
        "ar",
        "اللجنة التوجيهية",
        "تقدم المشروعين التجريبيين وخطط العام المقبل. انضموا إلينا في طرابلس أو عبر الإنترنت.",
        {
            "Welcome by the host municipality": "كلمة ترحيب من البلدية المضيفة",
            "Pilot projects": "المشروعان التجريبيان",
            "Next year": "العام المقبل",
        },
    ),
    "rebuild-tb-next": ("ar", "المجلس الفني", "مجلس فني عبر الإنترنت لفرق التنسيق.", {}),
    "rebuild-summer-school-applications": (
        "ar",
        "المدرسة الصيفية لريبيلد – دعوة لتقديم الطلبات",
        "",
        {
            "Opening of the summer school": "افتتاح المدرسة الصيفية",
            "Local public services in Trentino": "الخدمات العامة المحلية في ترينتينو",
        },
    ),
    "capitale-naturale-webinar-next": (
        "en",
        "Working webinar – solutions for ecological connectivity",
        "Exchange of workable solutions among the partnerships of the 2020 call.",
        {},
    ),
    "capitale-naturale-plenaria-quaderno": (
        "en",
        "Plenary – presentation of the Observatory's Notebook",
        "Presentation of the articles written by several hands and collected in the Observatory's Notebook.",
        {},
    ),
    "er-step-workshop-coprogettazione": (
        "en",
        "Co-design workshop – urban commons",
        "An afternoon of co-design on collaboration pacts for the commons.",
        {},
    ),
    "er-step-informale-aperitivo": (
        "en",
        "Informal meeting of the communities of practices",
        "An hour to get to know each other, ask questions and share good practices.",
        {},
    ),
    "multiply-kozani-peer-review-next": (
        "it",
        "Scambio tra pari – revisione tra pari dei piani energetici",
        "Il Comune di Kozani ospita una revisione tra pari dei piani energetici delle città greche.",
        {},
    ),
    "multiply-padova-leadership": (
        "it",
        "Scambio tra pari – leadership politica per la transizione energetica",
        "Il Comune di Padova ospita le città del proprio paese per una giornata di apprendimento peer-to-peer.",
        {},
    ),
}

# community slug -> (language, title, body) of its demo announcement
ANNOUNCEMENTS = {
    "rebuild": (
        "ar",
        "مرحباً بكم في نقاشات ريبيلد",
        "أصبح لفرق التنسيق الآن نقاشاتها الخاصة هنا. ردّوا عبر البريد الإلكتروني أو على البوابة؛ "
        "وسيُنشر جدول أعمال اجتماع الشراكة الشهري في فريق التنسيق 1.",
    ),
    "capitale-naturale": (
        "en",
        "The discussions of the communities of practice are open",
        "From today you can compare strengths, critical issues and solutions here between one meeting and the next.",
    ),
    "con-i-bambini": (
        "en",
        "Calendar of the group meetings",
        "The facilitators have published the calendar of the next meetings: you will find the details on each "
        "group's page.",
    ),
    "er-step": (
        "en",
        "A new space for questions and good practices",
        "Ask questions and share good practices in the community's discussions: colleagues from the whole region "
        "answer.",
    ),
    "multiply": (
        "it",
        "Scambi tra città: il programma 2026",
        "Ogni Multiply City ospita scambi per le altre città del proprio paese. Organizzate il vostro nelle "
        "discussioni e avvisate la comunità quando le date sono fissate.",
    ),
}


def _coordinator(community):
    from communities.models import Membership

    membership = (
        Membership.objects.active()
        .community_level()
        .filter(community=community, role=Membership.Role.COORDINATOR, user__email__endswith="@cop.demo")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _same(obj, language: str, texts: dict[str, str]) -> bool:
    """Return whether obj's (prefetched) translation into language already says texts."""
    model = obj.translations.model
    row = next((row for row in obj.translations.all() if row.language_code == language), None)
    if row is None:
        return False
    return all(
        getattr(row, translated) == (texts.get(name) or "").strip() for translated, name in model.TEXT_FIELDS.items()
    )


class _Writer:
    """Write one community's demo translations as its coordinator, looked up only if something is to write."""

    def __init__(self, community):
        self.community, self._by, self.count = community, None, 0

    @property
    def by(self):
        if self._by is None:
            self._by = _coordinator(self.community)
        return self._by

    def save(self, obj, language: str, texts: dict, agenda: dict | None = None) -> bool:
        from communities.services.translations import translation_save

        self.count += 1
        agenda = agenda or {}
        if _same(obj, language, texts) and all(_same(item, language, values) for item, values in agenda.items()):
            return False
        if self.by is None:
            return False
        lines = {item.pk: values for item, values in agenda.items()}
        translation_save(obj=obj, language=language, by=self.by, texts=texts, agenda=lines)
        return True


@transaction.atomic
def seed_translations() -> int:
    """Write the demo translations (idempotent); return how many objects have one now.

    Every translation is read first, in one query per kind: a second run only compares and
    writes nothing (the seed's own second run stays a bounded number of queries).
    """
    from communities.models import Community, Group
    from communities.services.translations import translation_review
    from discussions.demo import ANNOUNCEMENTS as ORIGINAL_ANNOUNCEMENTS
    from discussions.models import Announcement
    from meetings.models import Meeting

    communities = list(Community.objects.filter(slug__in=COMMUNITIES).prefetch_related("translations"))
    groups = {
        (group.community.slug, group.slug): group
        for group in Group.objects.filter(community__in=communities)
        .select_related("community")
        .prefetch_related("translations")
    }
    meetings = {
        meeting.uid: meeting
        for meeting in Meeting.objects.filter(uid__in=[f"demo-{key}@cop-portal" for key in MEETINGS])
        .select_related("community")
        .prefetch_related("translations", "agenda_items__translations")
    }
    titles = {slug: ORIGINAL_ANNOUNCEMENTS[slug][1] for slug in ANNOUNCEMENTS if slug in ORIGINAL_ANNOUNCEMENTS}
    announcements = {
        announcement.community.slug: announcement
        for announcement in Announcement.objects.filter(community__in=communities, title__in=titles.values())
        .select_related("community")
        .prefetch_related("translations")
        if titles.get(announcement.community.slug) == announcement.title
    }
    count = 0
    for community in communities:
        writer = _Writer(community)
        save = writer.save
        language, name, tagline, description, reviewed = COMMUNITIES[community.slug]
        changed = save(community, language, {"name": name, "tagline": tagline, "description": description})
        if reviewed and changed:
            translation_review(obj=community, language=language, by=writer.by)
        for (slug, group_slug), (language, name, description) in GROUPS.items():
            if slug == community.slug and (slug, group_slug) in groups:
                save(groups[(slug, group_slug)], language, {"name": name, "description": description})
        for key, (language, title, description, agenda) in MEETINGS.items():
            meeting = meetings.get(f"demo-{key}@cop-portal")
            if meeting is None or meeting.community_id != community.pk:
                continue
            items = {item.title: item for item in meeting.agenda_items.all()}
            lines = {items[original]: {"title": text} for original, text in agenda.items() if original in items}
            save(meeting, language, {"title": title, "description": description}, lines)
        if community.slug in announcements:
            language, title, body = ANNOUNCEMENTS[community.slug]
            save(announcements[community.slug], language, {"title": title, "body": body})
        count += writer.count
    return count
