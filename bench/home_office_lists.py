"""(Re)generate the Home Office form's lists (childnrm/api/home_office_lists/*.json) from the form's own files.

The form, UKHomeOffice/modern-slavery, keeps the answers its select fields allow in `ms-lists/*.js`.
Save those files exactly as they are in the repository at a known commit (e.g. from the repository's
raw view, or a clone: `git -C modern-slavery show <commit>:ms-lists/ms_uk_police_forces.js`), then:

    .venv/bin/python bench/home_office_lists.py --commit <40-hex commit> [--fetched YYYY-MM-DD] FILE.js ...
    .venv/bin/python bench/home_office_lists.py --check --commit <commit> FILE.js ...   # compare, write nothing

Each FILE.js must be named as in the repository (ms_countries.js, ms_uk_cities_and_towns.js,
ms_uk_regions.js, ms_uk_police_forces.js, ms_organisations.js, ms_nationalities.js,
ms_uk_local_authorities.js); files last changed at different commits are generated in separate runs,
one per commit. The values are copied exactly as the form stores them (its `value`, and its `label`
for display); commented-out entries are left out; anything in a list that is not a `{value, label}`
entry stops the run. `--fetched` defaults to today. After regenerating, review the diff and the
importer's own mapping tables (`childnrm/api/home_office.py`, e.g. NATIONALITIES), then run
childnrm/api/tests/test_home_office.py.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from childnrm.api.home_office_lists import HERE, NOUNS, dumps, list_document, parse_js_list  # noqa: E402


def generate(path: Path, *, commit: str, fetched: str) -> tuple[Path, str, int]:
    """The JSON file for one of the form's list files: where it goes, its text, its number of options."""
    name = path.name.removesuffix(".js")
    document = list_document(name, parse_js_list(path.read_text(encoding="utf-8")), commit=commit, fetched=fetched)
    return HERE / f"{name}.json", dumps(document), document["count"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="the form's ms-lists/*.js files, as saved")
    parser.add_argument("--commit", required=True, help="the commit of UKHomeOffice/modern-slavery they are from")
    parser.add_argument("--fetched", default=date.today().isoformat(), help="the date they were fetched")
    parser.add_argument("--check", action="store_true", help="compare with the JSON files; write nothing")
    args = parser.parse_args(argv)
    differ = 0
    for path in args.files:
        if path.name.removesuffix(".js") not in NOUNS:
            parser.error(f"{path.name}: not one of the form's lists this service uses ({', '.join(NOUNS)})")
        target, text, count = generate(path, commit=args.commit, fetched=args.fetched)
        if args.check:
            same = target.exists() and target.read_text(encoding="utf-8") == text
            differ += not same
            print(f"{target.name}: {'the same' if same else 'DIFFERENT'} ({count} options)")
        else:
            target.write_text(text, encoding="utf-8")
            print(f"{target.name}: {count} options from {path.name} @ {args.commit[:12]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
