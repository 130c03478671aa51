"""The Welsh catalogues, one per app (ADR 0023): written from the code and templates, and checked complete.

Each app that is translated has `childnrm/<app>/locale/cy/LC_MESSAGES/django.po`. Its messages come from:

- the app's Python (not its tests or migrations): gettext, gettext_lazy, ngettext, pgettext and friends, read
  by xgettext as Django's makemessages reads them;
- the app's Jinja2 templates, in `childnrm/<app>/jinja2/` and `childnrm/jinja2/<app>/`: `_()`, `gettext()`,
  `ngettext()` and `{% trans %}` blocks, read by Jinja2's own extractor through the service's environment (so a
  block's whitespace is trimmed exactly as when it renders). Django's makemessages cannot read Jinja2.

The core app also takes the templates every app shares: `childnrm/jinja2/*.html`, `errors/` and `includes/`.

`update` rewrites each catalogue with msgmerge: translations are kept, new messages added untranslated, a changed
message kept as fuzzy with its previous English (`#| msgid`), gone ones dropped. `problems` lists what is not
translated yet; a test fails on any. .mo files are compiled by `manage.py compilemessages` (scripts/setup.sh).
The GNU gettext tools (xgettext, msgcat, msgmerge, msgattrib) come from Debian's gettext (scripts/setup.sh).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "childnrm"
SHARED_TEMPLATES = PACKAGE / "jinja2"
LANGUAGE = "cy"
# As Django's own Welsh catalogue counts plurals, so the two agree.
PLURAL_FORMS = "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"
PY_KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
)


def _run(command: list[str], cwd: Path | None = None) -> None:
    """A GNU gettext tool, found on the PATH, with arguments built from our own file names."""
    tool = shutil.which(command[0])
    if tool is None:
        raise RuntimeError(f"{command[0]} is missing: install GNU gettext (scripts/setup.sh does)")
    subprocess.run([tool, *command[1:]], check=True, cwd=cwd)  # noqa: S603


def po_path(app: str) -> Path:
    return PACKAGE / app / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"


def translated_apps() -> list[str]:
    """The apps that have a Welsh catalogue (an app opts in by having one)."""
    found = PACKAGE.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/django.po")
    return sorted(p.relative_to(PACKAGE).parts[0] for p in found)


def python_sources(app: str) -> list[Path]:
    root = PACKAGE / app
    return sorted(
        p for p in root.rglob("*.py") if not {"tests", "migrations", "locale"} & set(p.relative_to(root).parts[:-1])
    )


def template_sources(app: str) -> list[Path]:
    folders = [PACKAGE / app / "jinja2", SHARED_TEMPLATES / app]
    found = [p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.suffix in (".html", ".txt")]
    if app == "core":
        found += list(SHARED_TEMPLATES.glob("*.html"))
        found += [p for sub in ("errors", "includes") for p in (SHARED_TEMPLATES / sub).rglob("*.html")]
    return sorted(found)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@dataclass
class _Entry:
    msgid: str
    plural: str | None = None
    context: str | None = None
    places: list[str] = field(default_factory=list)


def _jinja_pot(app: str) -> str:
    from django.template import engines

    env = engines["jinja2"].env  # type: ignore[attr-defined]
    entries: dict[tuple[str | None, str, str | None], _Entry] = {}
    for path in template_sources(app):
        source = path.read_text(encoding="utf-8")
        for lineno, function, message in env.extract_translations(source):
            parts = list(message) if isinstance(message, tuple) else [message]
            # pgettext("verb", "Record") and {% trans "verb" %}: the context comes first.
            context = parts.pop(0) if function in ("pgettext", "npgettext") else None
            singular, plural = parts[0], parts[1] if len(parts) > 1 else None
            if not singular:
                continue
            key = (context, singular, plural)
            entry = entries.setdefault(key, _Entry(singular, plural, context))
            entry.places.append(f"{path.relative_to(PACKAGE)}:{lineno}")
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for entry in entries.values():
        lines.append("#: " + " ".join(entry.places))
        # newstyle gettext: every template message is %-formatted when it renders
        lines.append("#, python-format")
        if entry.context is not None:
            lines.append(f"msgctxt {_quote(entry.context)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.plural:
            lines += [f"msgid_plural {_quote(entry.plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        lines.append("")
    return "\n".join(lines)


def _python_pot(app: str, work: Path) -> Path | None:
    sources = [p for p in python_sources(app) if _has_gettext(p)]
    if not sources:
        return None
    out = work / "python.pot"
    _run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--add-comments=Translators",
            "--sort-by-file",
            *(f"--keyword={k}" for k in PY_KEYWORDS),
            f"--output={out}",
            *(str(p.relative_to(PACKAGE)) for p in sources),
        ],
        cwd=PACKAGE,
    )
    return out if out.exists() else None


def _has_gettext(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation" for node in ast.walk(tree)
    )


def template_pot(app: str, work: Path) -> Path:
    """Every message of the app, from its Python and its templates, as one .pot file in `work`."""
    jinja = work / "templates.pot"
    jinja.write_text(_jinja_pot(app), encoding="utf-8")
    python = _python_pot(app, work)
    pot = work / f"{app}.pot"
    _run(["msgcat", "--use-first", f"--output-file={pot}", *(str(p) for p in (python, jinja) if p)])
    return pot


def _new_catalogue(app: str, po: Path) -> None:
    header = (
        f"# Welsh translation of the {app} app of Child NRM Panels (ADR 0023; glossary: docs/welsh-glossary.md).\n"
        'msgid ""\nmsgstr ""\n'
        f'"Project-Id-Version: childnrm {app}\\n"\n'
        f'"Language: {LANGUAGE}\\n"\n'
        '"Language-Team: Child NRM Panels\\n"\n'
        '"Last-Translator: Child NRM Panels\\n"\n'
        '"PO-Revision-Date: 2026-12-04 00:00+0000\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"Plural-Forms: {PLURAL_FORMS}\\n"\n\n'
    )
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(header, encoding="utf-8")


def update(app: str) -> Path:
    """Rewrite the app's Welsh catalogue from its sources, keeping every translation that still applies."""
    po = po_path(app)
    with tempfile.TemporaryDirectory() as folder:
        pot = template_pot(app, Path(folder))
        if not po.exists():
            _new_catalogue(app, po)
        _run(["msgmerge", "--quiet", "--update", "--backup=none", "--previous", "--sort-by-file", str(po), str(pot)])
        _run(["msgattrib", "--no-obsolete", f"--output-file={po}", str(po)])
    # The extraction's own timestamp would change every catalogue on every run: only real changes show in a diff.
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    po.write_text("".join(line for line in lines if not line.startswith('"POT-Creation-Date:')), encoding="utf-8")
    return po


# Reading a catalogue -----------------------------------------------------------------------------------


@dataclass
class Message:
    msgid: str
    context: str | None = None
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.translations) and all(self.translations)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read(po: Path) -> list[Message]:
    """The messages of a .po or .pot file (obsolete ones left out; the header too)."""
    messages: list[Message] = []
    current: Message | None = None
    target: str | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal current
        if current is not None and current.msgid:
            messages.append(current)
        current = None

    for raw in po.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            flags = set()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        value = _unquote(line) if line.startswith('"') else _unquote(rest)
        if keyword == "msgctxt" or (keyword == "msgid" and current is None):
            finish()
            current = Message(msgid="", fuzzy="fuzzy" in flags)
        if current is None:
            continue
        if keyword == "msgctxt":
            current.context, target = value, "context"
        elif keyword == "msgid":
            current.msgid, target = value, "msgid"
        elif keyword == "msgid_plural":
            current.plural, target = value, "plural"
        elif keyword.startswith("msgstr"):
            current.translations.append(value)
            target = "msgstr"
        elif line.startswith('"'):
            if target == "context":
                current.context = (current.context or "") + value
            elif target == "msgid":
                current.msgid += value
            elif target == "plural":
                current.plural = (current.plural or "") + value
            elif target == "msgstr":
                current.translations[-1] += value
    finish()
    return messages


def _named(message: Message) -> str:
    return f"{message.msgid!r}" + (f" (context {message.context!r})" if message.context else "")


def problems(app: str) -> list[str]:
    """What stops the app's Welsh catalogue being complete: a message of the code that it lacks, or has only
    as fuzzy or empty. An empty list when every message is translated."""
    po = po_path(app)
    if not po.exists():
        return [f"{app}: no Welsh catalogue ({po.relative_to(PACKAGE.parent)})"]
    have = {(m.context, m.msgid): m for m in read(po)}
    with tempfile.TemporaryDirectory() as folder:
        wanted = read(template_pot(app, Path(folder)))
    found = []
    for message in wanted:
        entry = have.get((message.context, message.msgid))
        if entry is None:
            found.append(f"{app}: not in the catalogue (run `manage.py translations update`): {_named(message)}")
        elif not entry.translated:
            found.append(f"{app}: not translated{' (fuzzy)' if entry.fuzzy else ''}: {_named(message)}")
    return found


def clashes(apps: list[str] | None = None) -> list[str]:
    """Messages two catalogues translate differently. Django merges every app's catalogue into one, and the first
    app in INSTALLED_APPS wins, so one of the two translations is never shown: where the English means the same in
    both, they should agree; where it does not ("Record" as a noun and as a verb, "Withdrawn" of a referral and of a
    reconsideration, which Welsh marks for gender), one of them needs its own context (pgettext)."""
    # Keyed as Django's merged catalogue keys them: a plural message by its singular and each form's number, so it
    # never meets the singular message of the same English.
    translated: dict[tuple[str | None, str, bool], dict[str, tuple[str, ...]]] = {}
    for app in apps or translated_apps():
        for message in read(po_path(app)):
            if message.translated:
                key = (message.context, message.msgid, message.plural is not None)
                translated.setdefault(key, {})[app] = tuple(message.translations)
    found = []
    by_english = sorted(translated.items(), key=lambda item: (item[0][1], item[0][0] or "", item[0][2]))
    for (context, msgid, _plural), by_app in by_english:
        if len(set(by_app.values())) > 1:
            versions = "; ".join(f"{app}: {' | '.join(words)!r}" for app, words in sorted(by_app.items()))
            where = f" (context {context!r})" if context else ""
            found.append(f"translated differently{where}: {msgid!r}: {versions}")
    return found
