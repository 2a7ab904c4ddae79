"""Search exports for evidence reviews: the real seed 004 export and a synthetic one with known duplicates."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

SEED_FILE = "seed004_search_export.txt"

STANDARD = [
    Column("record_id", "Record number in the export, 1, 2, ...", "", "1 to n"),
    Column("source", "Where the record came from (file, or database for the synthetic export)", "", ""),
    Column("line", "Line of the export file where the record starts", "line", "1 to n"),
    Column("title", "Title as exported ('' if none)", "", ""),
    Column("abstract", "Abstract as exported; '...' at the end means the database cut it short", "", ""),
    Column("authors", "Authors, separated by '; '", "", ""),
    Column("year", "Publication year (missing if not exported)", "year", ""),
    Column("doi", "Digital Object Identifier, lower case ('' if none)", "", ""),
    Column("journal", "Journal", "", ""),
]


@dataset(
    "review_seed_export",
    description="A real search export for a configurative review of school-to-school collaboration: 34 abstracts, "
                "one per line, with duplicates that differ in Unicode hyphens, quotes and truncation.",
    teaches="Reading a search export; Unicode normalisation; exact, truncated and near duplicates.",
    source="Seed 004 of the course materials (an export of abstracts on school-to-school collaboration in England), "
           "read with kit.review.read_export.",
    columns=STANDARD,
    default_seed=None,
)
def build_seed() -> pd.DataFrame:
    """The seed 004 export read with :func:`kit.review.read_export` (34 records, 13 distinct abstracts).

    >>> build_seed().shape
    (34, 9)
    """
    from kit.review import read_export

    return read_export(files("kit.data") / "files" / SEED_FILE)


# ---------------------------------------------------------------------------------------------
# The synthetic export
# ---------------------------------------------------------------------------------------------
TOPICS = [
    "School-to-school collaboration", "Teacher collaboration", "Collaborative enquiry", "School partnerships",
    "Networked learning communities", "Lesson study", "Multi-academy trusts", "School federations",
    "System leadership", "Peer review between schools", "Joint practice development",
    "Professional learning communities", "School improvement networks", "Cross-school mentoring",
    "Teaching school alliances", "Executive headship", "Middle leadership", "Student voice",
    "Collaborative professional development", "Research-practice partnerships", "Inter-school moderation",
    "Local school clusters", "School-university partnerships", "Distributed leadership", "Data use in school networks",
]
OUTCOMES = [
    "pupil attainment", "educational equity", "teacher learning", "disadvantaged pupils", "school improvement",
    "leadership capacity", "curriculum innovation", "pupil wellbeing", "attendance", "inclusion", "social mobility",
    "teacher retention", "pupil mobility", "middle-attaining pupils", "trust and accountability",
    "knowledge mobilisation", "parental engagement", "early career teachers",
]
CONTEXTS = [
    "in England", "in rural primary schools", "in London secondary schools", "in Scotland", "in Wales",
    "in a multi-academy trust", "in an urban local authority", "across school trios", "in coastal towns",
    "in Ontario", "in Shanghai", "in New Zealand", "in the Netherlands", "in Chile", "in Singapore",
    "in small schools", "in special schools", "in the Greater Manchester Challenge", "in the London Challenge",
    "in Northern Ireland", "in Qu\u00e9bec", "in M\u00e1laga",
]
DESIGNS = [
    "a case study", "a mixed-methods study", "a configurative review", "evidence from a national survey",
    "lessons from practice", "a realist evaluation", "a longitudinal study", "an ethnographic account",
    "a social network analysis", "findings from a randomised trial", "a critical review", "voices of headteachers",
    "the teachers' perspective", "what works and why", "a quasi-experimental evaluation",
    "tensions and possibilities", "a self-improving system?", "an exploratory study", "a comparative analysis",
    "a practitioner enquiry",
]
SWAPS = [("primary", "secondary"), ("secondary", "primary"), ("teachers", "leaders"), ("England", "Wales"),
         ("Scotland", "Ireland"), ("rural", "urban"), ("urban", "rural"), ("pupil", "teacher"),
         ("attainment", "attendance"), ("equity", "quality")]
SURNAMES = [
    "Ainscow", "Armstrong", "Chapman", "Muijs", "Hargreaves", "Fullan", "Stoll", "Harris", "Jones", "Day",
    "Gu", "Hopkins", "Earley", "Greany", "Higham", "Coldron", "Simkins", "Kerr", "Dyson", "West", "Brown",
    "Rodway", "Daly", "Moolenaar", "Katz", "Earl", "Hadfield", "Jopling", "Sammons", "Townsend", "Lindsay",
    "Muller", "M\u00fcller", "\u00c1lvarez", "N\u00fa\u00f1ez", "S\u00f8rensen", "O'Brien", "Wang", "Li",
    "Zhang", "Chen", "Kumar", "Okafor", "Mensah", "Nakamura", "Tanaka", "Kim", "Park", "Nguyen", "Silva",
    "Santos", "Rossi", "Bianchi", "Dubois", "Martin", "Bernard", "Schmidt", "Fischer", "Novak", "Kowalski",
    "Andersen", "Larsen", "Virtanen", "Murphy", "Kelly", "Walsh", "Campbell", "Stewart", "Robertson",
    "Thomson", "Evans", "Davies", "Hughes", "Morgan", "Price", "Patel", "Shah", "Khan", "Ahmed", "Begum",
]
INITIALS = "ABCDEFGHJKLMNPRSTW"
JOURNALS = ["Journal of Educational Change", "School Leadership & Management", "Educational Management Administration "
            "& Leadership", "Oxford Review of Education", "British Educational Research Journal",
            "Improving Schools", "Journal of Professional Capital and Community", "School Effectiveness and "
            "School Improvement", "Educational Review", "Teaching and Teacher Education"]
DATABASES = ["ERIC", "British Education Index", "Scopus", "Web of Science", "ProQuest"]
ROLES = ["teachers", "headteachers", "middle leaders", "pupils", "governors", "support staff"]
FINDINGS = [
    "trust between leaders develops slowly", "competition between schools limits sharing",
    "brokers connect otherwise isolated schools", "joint planning changes classroom practice",
    "benefits are unevenly distributed", "accountability pressures shape what is shared",
    "collaboration depends on a few key individuals", "pupils notice little change at first",
    "structures matter less than relationships", "time for joint work is the main barrier",
    "evidence use grows when teachers co-design enquiries", "gains for disadvantaged pupils are modest",
]
HYPHENS = ["\u2010", "\u2011", "\u2013", "\u2212"]


def _authors(rng) -> list[tuple[str, str]]:
    k = int(rng.choice([1, 2, 3, 4], p=[0.3, 0.35, 0.25, 0.1]))
    names = rng.choice(len(SURNAMES), size=k, replace=False)
    return [(SURNAMES[i], INITIALS[rng.integers(len(INITIALS))]) for i in names]


def _format_authors(people, style: str = "comma") -> str:
    if style == "comma":
        return "; ".join(f"{s}, {i}." for s, i in people)
    return "; ".join(f"{i}. {s}" for s, i in people)


def _abstract(rng, topic: str, outcome: str, context: str, design: str) -> str:
    f1, f2 = rng.choice(len(FINDINGS), 2, replace=False)
    role = ROLES[rng.integers(len(ROLES))]
    k, m, years = int(rng.integers(8, 120)), int(rng.integers(2, 40)), int(rng.integers(1, 6))
    opening = [
        f"{topic} is increasingly promoted as a route to better {outcome} {context}.",
        f"Policy {context} has encouraged {topic.lower()} as a way to improve {outcome}.",
        f"Little is known about how {topic.lower()} affects {outcome} {context}.",
    ][int(rng.integers(3))]
    method = [
        f"This paper, {design}, draws on {k} interviews with {role} in {m} schools.",
        f"We surveyed {k} {role} across {m} schools over {years} years.",
        f"Drawing on {design}, we followed {m} schools and {k} {role} for {years} years.",
    ][int(rng.integers(3))]
    result = f"Findings suggest that {FINDINGS[f1]} and that {FINDINGS[f2]}."
    close = [
        "Implications for school leaders and policy makers are discussed.",
        "The article argues for a more critical view of the \u2018self-improving system\u2019.",
        "We conclude with questions for practitioners who lead collaborative work.",
    ][int(rng.integers(3))]
    return " ".join([opening, method, result, close])


def _typography(rng, text: str) -> str:
    hyphen = HYPHENS[rng.integers(len(HYPHENS))]
    out = text.replace("-", hyphen).replace("'", "\u2019")
    out = out.replace("\u2018", "'").replace("...", "\u2026")
    if rng.random() < 0.5:
        out = out.replace(" ", "  ", 2)
    return out


def _case(rng, title: str) -> str:
    r = rng.random()
    return title.upper() if r < 0.3 else title.title() if r < 0.6 else title.lower() if r < 0.8 else title


def _typo(rng, text: str) -> str:
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    for _ in range(int(rng.integers(1, 3))):
        if not long_words:
            break
        i = long_words[int(rng.integers(len(long_words)))]
        w = words[i]
        pos = int(rng.integers(1, len(w) - 2))
        kind = rng.integers(3)
        if kind == 0:
            w = w[:pos] + w[pos + 1:]  # a letter dropped
        elif kind == 1:
            w = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2:]  # two letters swapped
        else:
            w = w[:pos] + w[pos] + w[pos:]  # a letter doubled
        words[i] = w
    return " ".join(words)


def _truncate(rng, text: str) -> str:
    cut = int(rng.integers(100, 220))
    if len(text) <= cut:
        return text
    return text[:cut].rsplit(" ", 1)[0] + ("..." if rng.random() < 0.6 else "\u2026")


COPY_KINDS = ["exact copy", "typography and case", "truncated abstract", "DOI only", "typing slip"]
TWIN_KINDS = ["part 2 of a series", "same title, other authors and year", "one word different",
              "correction notice", "follow-up study"]


@dataset(
    "review_synthetic_export",
    description="A synthetic database export of 2,000 records (by default) on school collaboration whose true duplicate groups are known "
                "(column true_group): exact copies, typography/case variants, truncated abstracts, DOI-only matches, "
                "typing slips, and look-alike records of different studies that must not be merged.",
    teaches="Measuring deduplication: precision and recall against known duplicates; why blocking makes it fast.",
    source="Synthetic (kit.data.search_exports), modelled on exports from ERIC, BEI, Scopus, Web of Science and ProQuest.",
    columns=STANDARD[:7] + [
        Column("doi", "Digital Object Identifier as the database exported it: some copies give it as a "
                      "https://doi.org/ link or in capitals ('' if none)", "", ""),
        STANDARD[8],
        Column("true_group", "The study the record really is (records with the same value are duplicates)", "",
               "W00001, W00002, ..."),
        Column("variant", "How the record was made: 'original', a kind of copy, or a kind of look-alike study", "",
               "original, " + ", ".join(COPY_KINDS + TWIN_KINDS)),
    ],
)
def build_synthetic(seed: int = 2024, n: int = 2000, twin_share: float = 0.06) -> pd.DataFrame:
    """Build the synthetic export with ``n`` records.

    About 40% of studies appear more than once (up to four times); ``twin_share`` of studies
    have a look-alike different study. ``attrs`` holds the number of true studies and of true
    duplicate pairs.

    >>> export = build_synthetic(n=300)
    >>> len(export), export["true_group"].nunique() < 300
    (300, True)
    """
    if n < 10:
        raise InputError("review_synthetic_export needs n of at least 10 records.")
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    used_titles: set[str] = set()
    work = 0

    def new_work(title, people, year, doi, abstract, journal, variant):
        nonlocal work
        work += 1
        rec = {"title": title, "abstract": abstract, "authors": _format_authors(people), "year": year, "doi": doi,
               "journal": journal, "true_group": f"W{work:05d}", "variant": variant,
               "source": DATABASES[int(rng.integers(len(DATABASES)))]}
        rows.append(rec)
        return rec, people

    while len(rows) < n:
        topic, outcome = TOPICS[rng.integers(len(TOPICS))], OUTCOMES[rng.integers(len(OUTCOMES))]
        context, design = CONTEXTS[rng.integers(len(CONTEXTS))], DESIGNS[rng.integers(len(DESIGNS))]
        form = int(rng.integers(3))
        if form == 0:
            title = f"{topic} and {outcome} {context}: {design}"
        elif form == 1:
            title = f"{design[0].upper() + design[1:]} of {topic.lower()} for {outcome} {context}"
        else:
            title = f"Can {topic.lower()} improve {outcome} {context}? {design[0].upper() + design[1:]}"
        if title in used_titles:
            continue
        used_titles.add(title)
        people = _authors(rng)
        year = int(rng.integers(1995, 2025))
        has_doi = rng.random() < 0.8
        doi = f"10.{int(rng.integers(1000, 9999))}/{work + 1:06d}.{year}" if has_doi else ""
        abstract = _abstract(rng, topic, outcome, context, design) if rng.random() < 0.93 else ""
        journal = JOURNALS[int(rng.integers(len(JOURNALS)))]
        original, _ = new_work(title, people, year, doi, abstract, journal, "original")
        copies = int(rng.choice([0, 1, 2, 3], p=[0.6, 0.26, 0.1, 0.04]))
        for _ in range(copies):
            kinds = [k for k in COPY_KINDS if (k != "DOI only" or doi) and (k != "truncated abstract" or abstract)]
            kind = kinds[int(rng.integers(len(kinds)))]
            rec = dict(original, variant=kind, source=DATABASES[int(rng.integers(len(DATABASES)))])
            if kind == "typography and case":
                rec["title"] = _case(rng, _typography(rng, title))
                rec["abstract"] = _typography(rng, abstract)
                rec["authors"] = _format_authors([(s.encode("ascii", "ignore").decode() or s, i) for s, i in people])
                if doi and rng.random() < 0.5:
                    rec["doi"] = "https://doi.org/" + doi.upper()
            elif kind == "truncated abstract":
                rec["abstract"] = _truncate(rng, abstract)
            elif kind == "DOI only":
                rec["title"] = title.split(":")[0].split("?")[0].upper() + " [" + journal.upper() + "]"
                rec["abstract"] = ""
                rec["authors"] = _format_authors(people, "initials")
                rec["year"] = None
                rec["doi"] = "https://doi.org/" + doi.upper()
            elif kind == "typing slip":
                rec["title"] = _typo(rng, title)
                rec["doi"] = ""
                if rng.random() < 0.3:
                    rec["year"] = year + 1  # online first, then in print
            rows.append(rec)
        if rng.random() < twin_share:
            kind = TWIN_KINDS[int(rng.integers(len(TWIN_KINDS)))]
            other_abstract = _abstract(rng, topic, outcome, context, design) if abstract else ""
            other_doi = f"10.{int(rng.integers(1000, 9999))}/{work + 1:06d}.t" if rng.random() < 0.7 else ""
            if kind == "part 2 of a series":
                new_work(title + " (part 2)", people, year + 1, other_doi, other_abstract, journal, kind)
            elif kind == "same title, other authors and year":
                new_work(title, _authors(rng), year + int(rng.integers(2, 6)), other_doi, other_abstract,
                         journal, kind)
            elif kind == "one word different":
                swaps = [(a, b) for a, b in SWAPS if f" {a} " in f" {title} "]
                if swaps:
                    a, b = swaps[int(rng.integers(len(swaps)))]
                    swapped = f" {title} ".replace(f" {a} ", f" {b} ", 1).strip()
                else:
                    swapped = title + ": a replication"
                if not abstract:
                    other_abstract = _abstract(rng, topic, outcome, context, design)
                new_work(swapped, _authors(rng), year, other_doi, other_abstract, journal, kind)
            elif kind == "correction notice":
                new_work("Correction to: " + title, people, year + 1,
                         f"10.{int(rng.integers(1000, 9999))}/{work + 1:06d}.c", "", journal, kind)
            else:
                new_work(title.split(":")[0].split("?")[0] + ": a follow-up study", people,
                         year + int(rng.integers(2, 5)), other_doi, other_abstract, journal, kind)
    frame = pd.DataFrame(rows[:n])
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame.insert(0, "record_id", range(1, len(frame) + 1))
    frame.insert(2, "line", range(2, len(frame) + 2))  # as if read from a CSV file with a header row
    frame["year"] = pd.array(frame["year"].tolist(), dtype="Int64")
    frame = frame[["record_id", "source", "line", "title", "abstract", "authors", "year", "doi", "journal",
                   "true_group", "variant"]]
    sizes = frame["true_group"].value_counts()
    frame.attrs["true_studies"] = int(len(sizes))
    frame.attrs["true_duplicate_pairs"] = int((sizes * (sizes - 1) // 2).sum())
    return frame
