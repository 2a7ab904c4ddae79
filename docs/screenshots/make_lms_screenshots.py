"""Make docs/screenshots/lms-*.png: the files kit grade writes for Canvas and Moodle, open in a spreadsheet.

Run from the repository root: ``.venv/bin/python docs/screenshots/make_lms_screenshots.py``. It follows
the README's instructor walkthrough in a temporary folder (the README's draft master, a Canvas zip
and a Moodle zip of three students, marks typed into marking.csv) and has LibreOffice Calc
(Debian's ``libreoffice-calc-nogui``, headless) print each CSV, which ``pdftoppm``
(``poppler-utils``) turns into a PNG.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kit.cli import main  # noqa: E402
from kit.notebook_text import convert  # noqa: E402

NAME = "90-reading-results"
HERE = Path(__file__).resolve().parent


def submission(exercise, code: str, written: str) -> bytes:
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(exercise), as_version=4))
    next(c for c in nb.cells if c.source == "...\ngap = ...\ngap").source = code
    next(c for c in nb.cells if c.source.startswith("_Type your answer")).source = written
    return nbformat.writes(nb).encode("utf-8")


def _fit(fods: Path) -> None:
    """One landscape page, wide columns capped at 3 inches (long answers and reasons are cut, as on screen)."""
    text = fods.read_text(encoding="utf-8")
    text = text.replace('<style:page-layout-properties style:writing-mode="lr-tb"/>',
                        '<style:page-layout-properties fo:page-width="11.69in" fo:page-height="8.27in" '
                        'style:print-orientation="landscape" style:scale-to-X="1" style:scale-to-Y="1" '
                        'style:writing-mode="lr-tb"/>')
    text = re.sub(r'style:column-width="([0-9.]+)in"',
                  lambda m: f'style:column-width="{min(float(m.group(1)), 3.0):.4f}in"', text)
    fods.write_text(text, encoding="utf-8")


def to_png(csv_path: Path, png: Path) -> None:
    """Open the CSV in LibreOffice Calc (comma separated, UTF-8), print it on one page, then make that a PNG."""
    from PIL import Image, ImageChops

    with tempfile.TemporaryDirectory() as tmp:
        soffice = ["soffice", "--headless", "--convert-to"]
        subprocess.run([*soffice[:2], "--infilter=CSV:44,34,76,1", *soffice[2:], "fods", "--outdir", tmp,
                        str(csv_path)], check=True, capture_output=True, timeout=180)
        fods = Path(tmp) / (csv_path.stem + ".fods")
        _fit(fods)
        subprocess.run([*soffice, "pdf", "--outdir", tmp, str(fods)], check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
                        str(Path(tmp) / (csv_path.stem + ".pdf")), str(Path(tmp) / "page")], check=True, timeout=60)
        image = Image.open(Path(tmp) / "page.png").convert("RGB")
        body = image.crop((0, 0, image.width, int(image.height * 0.75)))  # leave out the "Page 1" footer
        box = ImageChops.difference(body, Image.new("RGB", body.size, "white")).getbbox()
        image.crop((max(0, box[0] - 20), max(0, box[1] - 20), box[2] + 20, min(image.height, box[3] + 20))).save(png)
    print("wrote", png.relative_to(ROOT))


def run() -> None:
    base = Path(tempfile.mkdtemp(prefix="kit-lms-shots-"))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    draft = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "# # 90 Reading" in b)
    (base / "solutions").mkdir()
    (base / "draft.py").write_text(draft, encoding="utf-8")
    convert(base / "draft.py", base / "solutions" / f"{NAME}.ipynb")
    main(["build", NAME, "--solutions", str(base / "solutions"), "--exercises", str(base / "exercises")])
    ex = nbformat.read(base / "exercises" / f"{NAME}.ipynb", as_version=4)
    right, wrong = "gap = max(scores.values()) - min(scores.values())\ngap", "gap = 0\ngap"
    ana = submission(ex, right, 'Intakes differ; "raw" averages mix teaching and intake.')
    ben1, ben2 = submission(ex, wrong, "Not sure."), submission(ex, right, "Different pupils, e.g. more on free meals.")
    cara = submission(ex, right, "=HYPERLINK(\"http://example.invalid\",\"see\")")
    zips = {"canvas": [("perezana_101_9001_90.ipynb", ana), ("jonesben_102_9002_90.ipynb", ben1),
                       ("jonesben_LATE_102_9003_90.ipynb", ben2), ("leecara_103_9004_90.ipynb", cara)],
            "moodle": [("Ana Perez_4711_assignsubmission_file_/90.ipynb", ana),
                       ("Ben Jones_4712_assignsubmission_file_/90.ipynb", ben1),
                       ("Ben Jones_4712_assignsubmission_file_/90 (1).ipynb", ben2),
                       ("Cara Lee_4713_assignsubmission_file_/90.ipynb", cara)]}
    for lms, entries in zips.items():
        source = base / f"{lms}.zip"
        with zipfile.ZipFile(source, "w") as archive:
            for day, (name, data) in enumerate(entries, 1):
                archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, min(day, 3), 10, 0, 0)), data)
        out = base / f"marks-{lms}"
        extra = ["--title", "Week 1 (777)"] if lms == "canvas" else []
        main(["grade", str(source), "--assignment", NAME, "--out", str(out), "--solutions", str(base / "solutions"),
              "--quiet", *extra])
        with open(out / "marking.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        marks = {"Ana": ("2", "Names intake; well put."), "Ben": ("1,5", "Say why intake matters."),
                 "Cara": ("0", "A link is not an answer.")}
        for row in rows:
            who = next(k for k in marks if k.lower() in (row["student_name"] + row["submission"]).lower()
                       or {"Ana": "101", "Ben": "102", "Cara": "103"}[k] == row["student_id"])
            row["marks"], row["comment"] = marks[who]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        (out / "marking-filled.csv").write_text(buffer.getvalue(), encoding="utf-8")
        if lms == "canvas":
            to_png(out / "marking.csv", HERE / "lms-marking.png")
        main(["grade", "--merge-marks", str(out / "marking-filled.csv"), "--assignment", NAME, "--out", str(out),
              "--solutions", str(base / "solutions")])
        to_png(out / f"{lms}.csv", HERE / f"lms-{lms}.png")
        if lms == "canvas":
            to_png(out / "gradebook.csv", HERE / "lms-gradebook.png")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    run()
