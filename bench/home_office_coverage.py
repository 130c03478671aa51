"""How much of the Home Office online NRM form's child path reaches a referral, computed from the form.

    .venv/bin/python bench/home_office_coverage.py            # the coverage figure, and any field missed
    .venv/bin/python bench/home_office_coverage.py --table    # the mapping table (docs/home-office-form-mapping.md)

The field list is the catalogue written from the form's own files (childnrm/api/home_office_form.py,
UKHomeOffice/modern-slavery at the commit it records). A submission answering every field on the
child's path is built from it (each radio's first option, each select's first value on its list of
the form, every box ticked, a file with its content for `upload-file`, text for the rest) and run
through the importer's own section builder; a field counts as mapped when its answer lands in a
labelled section of the referral under the form's label, or the importer fills a structured referral
field from it (`STRUCTURED`). The figure is mapped / total over the child's path.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    os.environ.setdefault("CHILDNRM_ENV", "test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='ho-coverage-')}/unused.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childnrm.settings")
    import django

    django.setup()


def full_child_submission() -> dict[str, object]:
    from childnrm.api.home_office_form import CHILD, FIELDS
    from childnrm.api.home_office_lists import allowed

    answers: dict[str, object] = {}
    for spec in FIELDS:
        if spec.path != CHILD:
            continue
        if spec.kind == "radio":
            answers[spec.name] = next(iter(spec.options))
        elif spec.kind == "checkbox":
            answers[spec.name] = "true"
        elif spec.kind == "checkbox-group":
            answers[spec.name] = list(spec.options)
        elif spec.kind == "date":
            answers[spec.name] = "2011-01-01"
        elif spec.option_list:
            answers[spec.name] = next(iter(allowed(spec.option_list, spec.option_list_excludes)))
        elif spec.kind == "file":
            answers[spec.name] = [{"name": "statement.pdf", "content": "JVBERi0xLjQK", "description": "A statement"}]
        else:
            answers[spec.name] = f"Answer to {spec.label}"
    return answers


def coverage() -> tuple[list[str], dict[str, str]]:
    """The child path's fields, and for each mapped one where it lands (missing ones are absent)."""
    from childnrm.api.home_office import STRUCTURED, form_sections
    from childnrm.api.home_office_form import BY_NAME, CHILD_PATH

    sections = form_sections(full_child_submission())
    placed = {
        item["field"]: section["heading"]
        for section in sections
        for item in section["items"]
        if item["label"] == BY_NAME[item["field"]].label
    }
    landed: dict[str, str] = {}
    for name in CHILD_PATH:
        where = []
        if name in STRUCTURED:
            where.append(STRUCTURED[name])
        if name in placed:
            where.append(f"section “{placed[name]}”")
        if where:
            landed[name] = "; ".join(where)
    return list(CHILD_PATH), landed


def list_options(spec) -> str:
    """How a select field's answer is checked: the form's list it must be on, and the wording if not."""
    from childnrm.api.home_office_lists import allowed, form_list

    known = form_list(spec.option_list)
    count = len(allowed(spec.option_list, spec.option_list_excludes))
    less = "".join(f", less “{v}”" for v in spec.option_list_excludes)
    return (
        f"one of the form's {known.noun} (`{known.source['path']}` @ `{known.source['commit'][:8]}`, "
        f"{count} distinct values{less}), shown by its label; any other → refused: “{spec.list_message}”"
    )


def table() -> str:
    from childnrm.api.home_office import STRUCTURED
    from childnrm.api.home_office_form import FIELDS

    lines = [
        "| Form field | The form's label | Asked | Kind | Referral field | Section (heading) | Options (value → label) |",  # noqa: E501
        "|---|---|---|---|---|---|---|",
    ]
    for spec in FIELDS:
        options = "; ".join(f"`{v}` → {label}" for v, label in spec.options.items())
        if spec.kind == "checkbox":
            options = '`"true"` → Yes (shown); `""` → not shown'
        if spec.option_list:
            options = list_options(spec)
        structured = STRUCTURED.get(spec.name, "—")
        lines.append(
            f"| `{spec.name}` | {spec.label} | {spec.path} | {spec.kind} | {structured} | {spec.section} | "
            f"{options or '—'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="store_true", help="print the mapping table in Markdown")
    args = parser.parse_args()
    _setup()
    from childnrm.api.home_office_form import FORM_COMMIT, FORM_REPOSITORY

    if args.table:
        print(table())
        return
    fields, landed = coverage()
    structured_only = sum(1 for name in fields if name in landed and "section" not in landed[name])
    from childnrm.api.home_office import STRUCTURED

    print(f"Form: {FORM_REPOSITORY} @ {FORM_COMMIT}")
    print(f"Fields on the child's path: {len(fields)}")
    print(f"Reaching a structured referral field: {sum(1 for n in fields if n in STRUCTURED)}")
    print(f"Reaching a structured field or a labelled section: {len(landed)} ({len(landed) / len(fields):.1%})")
    if structured_only:
        print(f"  of which only a structured field: {structured_only}")
    missing = [name for name in fields if name not in landed]
    print("Not mapped:", ", ".join(missing) if missing else "none")


if __name__ == "__main__":
    main()
