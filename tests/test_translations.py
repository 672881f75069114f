"""The shipped translation catalogues are complete, well-formed, compiled and used by the pages.

The .po files are read with a small parser (no gettext binary needed), so these checks run
everywhere. The catalogues must also cover the code, checked three ways: gettext's own extraction
(like `make messages`; it skips where gettext is missing and fails in CI), every literal passed to a
translation function in Python (found with `ast`, so calls hidden from xgettext show up), and every
msgid the templates look up when they render (which differs from the extracted one in a few cases).
"""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, engines
from django.template.loader import render_to_string
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.urls import reverse
from django.utils import translation

from tests.conftest import require_service
from tests.factories import CommunityFactory, UserFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ("it", "ar")
NPLURALS = {"it": 2, "ar": 6}
# What makemessages reads: the same folders `make messages` leaves out, plus the tests.
EXTRACT_IGNORE = (".venv", "node_modules", "var", "tests", "benchmarks", "static/vendor")


# --- a small .po reader -------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def where(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"line {self.line}: {self.msgid[:70]!r}{context}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str, path: Path, number: int) -> str:
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise AssertionError(f"{path}:{number}: not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1])


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Return the header fields and the live (not obsolete) entries of a .po file."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None
    pending: dict = {}

    def finish():
        nonlocal current, pending, flags
        if "msgid" in pending:
            current = Entry(
                msgid=pending["msgid"],
                msgctxt=pending.get("msgctxt"),
                msgid_plural=pending.get("msgid_plural"),
                msgstr=pending.get("msgstr", ""),
                msgstr_plural=pending.get("plural", {}),
                flags=flags,
                line=pending["line"],
            )
            entries.append(current)
        pending, flags = {}, set()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not shipped strings
        if line.startswith("#,"):
            if "msgid" in pending:
                finish()
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if "msgid" in pending:
                finish()
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3), path, number)
            if keyword in {"msgctxt", "msgid"} and "msgid" in pending and (keyword == "msgctxt" or "msgstr" in pending):
                finish()
            if keyword == "msgid":
                pending["line"] = number
            if index is not None:
                pending.setdefault("plural", {})[int(index)] = value
                target = ("plural", int(index))
            else:
                pending[keyword] = value
                target = (keyword, None)
            continue
        if line.startswith('"') and target is not None:
            value = _unquote(line, path, number)
            if target[0] == "plural":
                pending["plural"][target[1]] += value
            else:
                pending[target[0]] += value
            continue
        raise AssertionError(f"{path}:{number}: cannot read this line: {raw!r}")
    finish()

    header_entries = [entry for entry in entries if entry.msgid == "" and entry.msgctxt is None]
    assert len(header_entries) == 1, f"{path} has no header entry"
    header = {}
    for header_line in header_entries[0].msgstr.splitlines():
        name, _, value = header_line.partition(":")
        header[name.strip()] = value.strip()
    return header, [entry for entry in entries if entry is not header_entries[0]]


# --- placeholders --------------------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\((?P<name>[^)]+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?(?P<kind>[diouxXeEfFgGcrsa%])")
_BRACE = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_]\w*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")
_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def percent_directives(text: str) -> list[str]:
    """Return the %-directives of a python-format string, in order ('%%' left out)."""
    return [m.group(0) for m in _PERCENT.finditer(text) if m.group("kind") != "%"]


def placeholders(entry: Entry, text: str) -> list[str]:
    found = sorted(set(_NAMED.findall(text)))  # named %(x)s: checked in every entry
    found = [f"%({name})" for name in found]
    if "python-format" in entry.flags:
        found += sorted(d for d in percent_directives(text) if not d.startswith("%("))
    if "python-brace-format" in entry.flags:
        found += sorted("{" + m.group("name") + "}" for m in _BRACE.finditer(text))
    return found


def tags(text: str) -> list[str]:
    return sorted(_TAG.findall(text))


def translations(entry: Entry) -> list[tuple[str, str]]:
    """Return (source, translation) pairs: the singular against msgid, other forms against msgid_plural."""
    if entry.msgid_plural is None:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text) for index, text in sorted(entry.msgstr_plural.items())
    ]


def po_path(language: str, domain: str = "django") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def shipped_domains(language: str) -> list[str]:
    return sorted(path.stem for path in (LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


@pytest.fixture(params=LANGUAGES)
def catalogue(request):
    """Return (language, header, entries) of the django domain; a missing catalogue fails."""
    language = request.param
    path = po_path(language)
    assert path.is_file(), f"The {language} catalogue is missing: {path}"
    header, entries = parse_po(path)
    return language, header, entries


# --- the catalogues themselves -------------------------------------------------------------------


def test_catalogue_header_names_the_language_and_its_plural_rule(catalogue):
    language, header, entries = catalogue
    assert entries, "the catalogue has no entries"
    assert header.get("Language") == language
    assert "charset=UTF-8" in header.get("Content-Type", "")
    plural_forms = header.get("Plural-Forms", "")
    assert f"nplurals={NPLURALS[language]};" in plural_forms.replace(" ", "")


def test_every_entry_is_translated(catalogue):
    language, _, entries = catalogue
    missing = [
        entry.where()
        for entry in entries
        if (entry.msgid_plural is None and not entry.msgstr)
        or (
            entry.msgid_plural is not None
            and (
                sorted(entry.msgstr_plural) != list(range(NPLURALS[language])) or not all(entry.msgstr_plural.values())
            )
        )
    ]
    assert not missing, f"{len(missing)} untranslated {language} entries, e.g.:\n" + "\n".join(missing[:20])


def test_no_entry_is_fuzzy(catalogue):
    language, _, entries = catalogue
    fuzzy = [entry.where() for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy {language} entries, e.g.:\n" + "\n".join(fuzzy[:20])


def test_every_entry_is_unique(catalogue):
    language, _, entries = catalogue
    counts = Counter(entry.key for entry in entries)
    repeated = {key for key, count in counts.items() if count > 1}
    assert not repeated, f"repeated {language} entries: {sorted(repeated, key=str)[:10]}"


def test_translations_keep_every_placeholder(catalogue):
    """A lost or invented placeholder shows a raw %(name)s or crashes the page that formats it."""
    language, _, entries = catalogue
    problems = []
    for entry in entries:
        if entry.msgid_plural is not None:
            # Each form must keep what both English forms share (usually the count and the names),
            # and may use nothing that neither English form offers.
            shared = set(placeholders(entry, entry.msgid)) & set(placeholders(entry, entry.msgid_plural))
            offered = set(placeholders(entry, entry.msgid)) | set(placeholders(entry, entry.msgid_plural))
            for index, text in sorted(entry.msgstr_plural.items()):
                found = set(placeholders(entry, text))
                if not shared <= found or not found <= offered:
                    problems.append(f"{entry.where()} form {index}: {sorted(found)} vs {sorted(shared)}")
            continue
        expected = placeholders(entry, entry.msgid)
        found = placeholders(entry, entry.msgstr)
        if entry.msgstr and sorted(set(found)) != sorted(set(expected)):
            problems.append(f"{entry.where()}: {found} vs {expected}")
    assert not problems, f"{language} placeholders differ:\n" + "\n".join(problems[:20])


def test_python_format_translations_have_no_stray_percent_sign(catalogue):
    """A lone '%' in a python-format translation raises when the string is formatted."""
    language, _, entries = catalogue
    problems = []
    for entry in entries:
        if "python-format" not in entry.flags:
            continue
        for _, text in translations(entry):
            if "%" in _PERCENT.sub("", text):
                problems.append(f"{entry.where()}: {text[:80]!r}")
    assert not problems, f"{language} translations with a stray '%':\n" + "\n".join(problems[:20])


def test_translations_keep_the_html_tags(catalogue):
    """Markup inside a string (visually hidden text, links, emphasis) must survive translation."""
    language, _, entries = catalogue
    problems = []
    for entry in entries:
        for source, text in translations(entry):
            if text and tags(source) != tags(text):
                problems.append(f"{entry.where()}: {tags(text)} vs {tags(source)}")
    assert not problems, f"{language} translations change the markup:\n" + "\n".join(problems[:20])


def test_translations_keep_leading_and_trailing_newlines(catalogue):
    language, _, entries = catalogue
    problems = [
        entry.where()
        for entry in entries
        for source, text in translations(entry)
        if text and (source.startswith("\n") != text.startswith("\n") or source.endswith("\n") != text.endswith("\n"))
    ]
    assert not problems, f"{language} translations change the newlines:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo (what `make run` uses without gettext) holds exactly the .po's translations."""
    for domain in shipped_domains(language) or ["django"]:
        po = po_path(language, domain)
        mo = po.with_suffix(".mo")
        assert po.is_file(), f"The {language} catalogue is missing: {po}"
        assert mo.is_file(), f"{mo} is missing: run `make compilemessages` and commit it"
        _, entries = parse_po(po)
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        catalog = compiled._catalog
        stale = []
        for entry in entries:
            if "fuzzy" in entry.flags:
                continue
            msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
            if entry.msgid_plural is None:
                if entry.msgstr and catalog.get(msgid) != entry.msgstr:
                    stale.append(entry.where())
            else:
                for index, text in entry.msgstr_plural.items():
                    if text and catalog.get((msgid, index)) != text:
                        stale.append(f"{entry.where()} form {index}")
        assert not stale, f"{mo} is out of date; run `make compilemessages`. E.g.:\n" + "\n".join(stale[:20])
        compiled_keys = {key if isinstance(key, str) else key[0] for key in catalog if key != ""}
        shipped_keys = {
            f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid for entry in entries
        }
        extra = sorted(compiled_keys - shipped_keys)
        assert not extra, f"{mo} holds strings the .po no longer has; recompile. E.g.: {extra[:5]}"


# --- the catalogues cover the code ---------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Extract every marked string of the code, as `make messages` does, into a scratch copy."""
    require_service(bool(shutil.which("xgettext") and shutil.which("msgmerge")), "gettext (xgettext, msgmerge)")
    copy = tmp_path_factory.mktemp("extract") / "src"
    skip = {".git", ".venv", "node_modules", "var", "tests", "benchmarks", "locale", "__pycache__", "staticfiles"}
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=lambda folder, names: [
            name
            for name in names
            if name in skip or name.startswith(".") or (Path(folder).name == "static" and name == "vendor")
        ],
    )
    (copy / "locale").mkdir()
    ignores = [f"--ignore={pattern}" for pattern in EXTRACT_IGNORE]
    found = {}
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "en", "-d", domain, "--no-obsolete", *ignores],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        path = copy / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        found[domain] = {entry.key for entry in parse_po(path)[1]} if path.is_file() else set()
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_every_string_marked_in_the_code(extracted, language):
    """A string marked for translation but missing from the .po would show in English."""
    for domain, keys in extracted.items():
        if not keys:
            continue
        path = po_path(language, domain)
        assert path.is_file(), f"The code has {len(keys)} {domain} strings but {path} is missing"
        shipped = {entry.key for entry in parse_po(path)[1]}
        missing = sorted(keys - shipped, key=str)
        assert not missing, (
            f"{len(missing)} {domain} strings are not in the {language} catalogue; run `make messages`, "
            f"translate and `make compilemessages`. E.g.:\n" + "\n".join(repr(key[1][:70]) for key in missing[:20])
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_entry_is_still_marked_in_the_code(extracted, language):
    """The next `make messages` (--no-obsolete) keeps only what the code still marks: a sentence moved out
    of xgettext's sight (a template's rows written in Python with the msgid inside an f-string or passed
    through a helper) would lose its translations there, silently."""
    for domain, keys in extracted.items():
        path = po_path(language, domain)
        if not keys or not path.is_file():
            continue
        shipped = {entry.key for entry in parse_po(path)[1]}
        unmarked = sorted(shipped - keys, key=str)
        assert not unmarked, (
            f"{len(unmarked)} {domain} entries of the {language} catalogue are no longer marked in the code, "
            "so `make messages` would drop them. E.g.:\n" + "\n".join(repr(key[1][:70]) for key in unmarked[:20])
        )


# Django's translation functions, by what their string arguments are: (context, singular, plural).
_TRANSLATION_FUNCTIONS = {
    "gettext": ("msgid",),
    "gettext_lazy": ("msgid",),
    "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"),
    "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"),
    "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"),
    "npgettext_lazy": ("context", "msgid", "plural"),
}
_SOURCE_SKIP = {".git", ".venv", "node_modules", "var", "tests", "benchmarks", "migrations", "locale", "static"}


def _python_sources():
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        parts = path.relative_to(settings.BASE_DIR).parts
        if not any(part in _SOURCE_SKIP or part.startswith(".") for part in parts[:-1]):
            yield path


def _marked_strings(path: Path):
    """Yield (line, key) for each call of a django.utils.translation function with literal strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for name in node.names:
                if name.name in _TRANSLATION_FUNCTIONS:
                    aliases[name.asname or name.name] = name.name
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in aliases:
            name = aliases[func.id]
        elif isinstance(func, ast.Attribute) and func.attr in _TRANSLATION_FUNCTIONS:
            if not (isinstance(func.value, ast.Name) and func.value.id == "translation"):
                continue
            name = func.attr
        else:
            continue
        roles = _TRANSLATION_FUNCTIONS[name]
        values = {}
        for role, argument in zip(roles, node.args, strict=False):
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                break
            values[role] = argument.value
        else:
            if "msgid" in values:
                yield node.lineno, (values.get("context"), values["msgid"], values.get("plural"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_passed_to_gettext_in_python_is_in_the_catalogue(language):
    """Catch strings the extraction cannot see, such as _("...") inside an f-string, which stay English."""
    path = po_path(language)
    assert path.is_file(), f"The {language} catalogue is missing: {path}"
    shipped = {entry.key for entry in parse_po(path)[1]}
    missing = [
        f"{source.relative_to(settings.BASE_DIR)}:{line}: {key[1][:70]!r}"
        for source in _python_sources()
        for line, key in _marked_strings(source)
        if key not in shipped
    ]
    assert not missing, (
        f"{len(missing)} strings marked for translation in Python are not in the {language} catalogue. "
        "If `make messages` does not pick them up, the call is hidden from xgettext (for example inside "
        "an f-string): move the translated text out into a variable. E.g.:\n" + "\n".join(missing[:20])
    )


def _template_strings():
    """Yield (template, key) for every translate/blocktranslate, with the msgid Django looks up when rendering."""
    engine = engines["django"].engine
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*")):
            if not path.is_file() or path.suffix not in {".html", ".txt", ".xml", ".svg"}:
                continue
            name = path.relative_to(folder).as_posix()
            nodelist = engine.get_template(name).nodelist
            for node in nodelist.get_nodes_by_type(TranslateNode):
                literal = getattr(node.filter_expression.var, "literal", None)
                if isinstance(literal, str):
                    context = node.message_context.resolve(Context()) if node.message_context else None
                    yield name, (context, str(literal), None)
            for node in nodelist.get_nodes_by_type(BlockTranslateNode):
                singular = node.render_token_list(node.singular)[0]
                plural = node.render_token_list(node.plural)[0] if node.countervar else None
                context = node.message_context.resolve(Context()) if node.message_context else None
                yield name, (context, singular, plural)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_a_template_translates_is_in_the_catalogue(language):
    """Compare with what rendering asks for, not what extraction sees (they differ for escaped quotes)."""
    path = po_path(language)
    assert path.is_file(), f"The {language} catalogue is missing: {path}"
    shipped = {entry.key for entry in parse_po(path)[1]}
    missing = sorted({f"{name}: {key[1][:70]!r}" for name, key in _template_strings() if key not in shipped})
    assert not missing, (
        f"{len(missing)} template strings are looked up under a msgid the {language} catalogue lacks, so they "
        "render in English. Run `make messages`; if they still lack, the tag hides them from extraction "
        '(for example \\" inside {% translate "..." %}: use typographic quotes or blocktranslate). E.g.:\n'
        + "\n".join(missing[:20])
    )


# --- the pages and emails use them ---------------------------------------------------------------


def _translation_of(language: str, msgid: str) -> str:
    _, entries = parse_po(po_path(language))
    text = next((entry.msgstr for entry in entries if entry.msgid == msgid and entry.msgctxt is None), "")
    assert text and text != msgid, f"{msgid!r} has no {language} translation"
    return text


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_directory_page_is_shown_in_the_language_chosen_in_the_cookie(client, language):
    expected = _translation_of(language, "Communities of practice")
    CommunityFactory(name="Rete dei comuni")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("directory"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in page
    assert expected in page
    assert ">Communities of practice<" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_directory_page_follows_the_language_of_the_signed_in_profile(client, language):
    expected = _translation_of(language, "Sign out")
    client.force_login(UserFactory(language=language))
    page = client.get(reverse("directory")).content.decode()
    assert f'<html lang="{language}"' in page
    assert expected in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_email_subject_is_rendered_in_the_recipient_language(language):
    community = CommunityFactory(name="Capitale naturale")
    expected = _translation_of(language, "Welcome to %(place)s") % {"place": community.name}
    with translation.override(language):
        subject = render_to_string(
            "communities/emails/decision_approved.subject.txt",
            {"community": community, "membership": None},
        )
    assert subject.strip() == expected
