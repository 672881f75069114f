"""Versions of the demo items in their communities' other languages (linked with translation_of)."""

from __future__ import annotations

from .items import DemoItem, K, V

TRANSLATIONS = [
    DemoItem(
        "rebuild",
        "الحفاظ على الشراكة حيّة بين ليبيا وإيطاليا وتونس",
        K.LESSON,
        "ar",
        ["amal.bensaid@cop.demo", "salem.elmabrouk@cop.demo"],
        summary="ما تعلمته فرق التنسيق العشرة عن العمل معًا رغم المسافة وعدم الاستقرار.",
        body=(
            "## ما قمنا به\n\n"
            "لتعزيز التفاعل اليومي حول مشروع REBUILD رغم البعد الجغرافي، استخدم الشركاء منصات مختلفة: "
            "**Viber/WhatsApp** يوميًا، و**البريد الإلكتروني** أسبوعيًا تقريبًا، و**Zoom/Meet** "
            "لاجتماعات الشراكة الافتراضية الشهرية أو كلما دعت الحاجة.\n\n"
            "## الدروس المستفادة\n\n"
            "- أثبتت الزيارات الميدانية في ليبيا وإيطاليا وتونس أن المجتمع يبقى فعالًا حتى عن بُعد.\n"
            "- يُظهر الشركاء الذين يلتقون وجهًا لوجه بعد مدة طويلة القرب والالتزام والمشاركة.\n"
            "- تساعد العلاقات الإنسانية الأقوى على تجاوز الانقسامات التي يفرضها انتقال سياسي صعب.\n"
        ),
        themes=["networking", "remote collaboration", "local development"],
        organizations=["Municipality of Tripoli Centre", "University of Benghazi"],
        published="2022-04-02",
        translation_of="Keeping a partnership alive across Libya, Italy and Tunisia",
    ),
    DemoItem(
        "rebuild",
        "Lessons learnt from the first pilot project",
        K.LESSON,
        "en",
        ["salem.elmabrouk@cop.demo"],
        summary="What we learnt from carrying out the first pilot project in the partner municipalities.",
        body="Partner municipalities and universities shared the skills gained during capacity building and "
        "used them in their daily work, including in carrying out the two pilot projects.",
        themes=["pilot project"],
        visibility=V.COMMUNITY,
        published="2023-02-20",
        translation_of="الدروس المستفادة من المشروع التجريبي الأول",
    ),
    DemoItem(
        "capitale-naturale",
        "Ecological connections: strengths and critical issues",
        K.LESSON,
        "en",
        ["giulia.rossi@cop.demo"],
        summary="What works and what hinders the ecological connection projects funded by the call.",
        body=(
            "## Strengths\n\n- Broad partnerships with parks, municipalities and associations.\n"
            "- Monitoring data shared from the start.\n\n"
            "## Critical issues\n\n- Long permitting times.\n- Difficulty in involving landowners.\n"
        ),
        themes=["connessioni ecologiche", "biodiversità"],
        organizations=["Legambiente Lombardia", "Parco Lombardo della Valle del Ticino"],
        published="2022-04-20",
        translation_of="Connessioni ecologiche: punti di forza e criticità",
    ),
    DemoItem(
        "con-i-bambini",
        "Educational challenges in the time of COVID-19",
        K.LESSON,
        "en",
        ["marco.bianchi@cop.demo"],
        summary="A summary of the group meetings on the first theme of the community of practice.",
        body="All the meetings took place online. The projects reorganised their educational activities at a "
        "distance and strengthened their relationship with families.",
        visibility=V.COMMUNITY,
        themes=["COVID-19", "povertà educativa"],
        published="2021-03-24",
        translation_of="Le sfide educative ai tempi del COVID-19",
    ),
    DemoItem(
        "er-step",
        "Participatory budgeting in the neighbourhoods",
        K.GOOD_PRACTICE,
        "en",
        ["giulia.rossi@cop.demo"],
        summary="How the Municipality of Bologna involves citizens in choosing neighbourhood projects.",
        body="Each neighbourhood proposes and votes on projects; the Municipality carries them out the following year.",
        group="partecipazione-civica",
        visibility=V.PUBLIC,
        themes=["partecipazione civica", "bilancio partecipativo"],
        organizations=["Comune di Bologna"],
        published="2023-05-02",
        translation_of="Il bilancio partecipativo nei quartieri",
    ),
    DemoItem(
        "multiply",
        "Lista di controllo per la revisione tra pari dei piani energetici",
        K.TOOL,
        "it",
        ["marta.ferrari@cop.demo"],
        summary="Le domande a cui rispondono i revisori nella peer-review tecnica di un piano energetico.",
        body="- L'inventario di base delle emissioni è completo?\n- Gli obiettivi sono fissati per settore e "
        "per anno?\n- Come viene monitorato l'impatto?\n- Chi è responsabile di ciascuna azione?",
        themes=["peer review", "energy planning"],
        published="2020-07-15",
        translation_of="Peer review checklist for energy plans",
    ),
    DemoItem(
        "multiply",
        "Pianificazione energetica e urbanistica integrata a Heidelberg",
        K.CASE_STUDY,
        "it",
        ["luca.moretti@cop.demo"],
        summary="Come una Città Multiply mette insieme la pianificazione dell'energia, della mobilità e del suolo.",
        body="I pianificatori di Heidelberg lavorano tra i diversi uffici a un unico piano integrato, con "
        "obiettivi comuni di efficienza energetica, mobilità e uso del suolo.",
        themes=["energy planning", "integrated planning"],
        organizations=["Stadt Heidelberg"],
        published="2020-05-26",
        translation_of="Integrated energy and urban planning in Heidelberg",
    ),
]
