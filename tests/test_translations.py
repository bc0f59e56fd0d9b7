"""Chinese is the default language of every page: no message may be left untranslated."""

from __future__ import annotations

from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation() -> None:
    po = polib.pofile(str(PO))
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert missing == [], f"untranslated: {missing}"
    assert fuzzy == [], f"fuzzy: {fuzzy}"


def test_the_catalogue_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """Every translatable string in the code is in the catalogue (run makemessages)."""
    import shutil
    import subprocess
    import sys

    root = PO.parents[3]
    work = tmp_path / "locale"
    shutil.copytree(root / "locale", work)
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "zh_Hans",
                "--ignore=.venv",
                "--ignore=tests",
                "--ignore=benchmarks",
                "--no-obsolete",
                "-v",
                "0",
            ],
            cwd=root,
            check=True,
            timeout=300,
        )
        fresh = polib.pofile(str(PO))
    finally:
        shutil.copytree(work, root / "locale", dirs_exist_ok=True)  # leave the tree as it was
    old = {e.msgid for e in polib.pofile(str(work / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    new_ids = {e.msgid for e in fresh if not e.obsolete}
    assert new_ids - old == set(), f"run makemessages and translate: {sorted(new_ids - old)}"
