"""PRISMA 2020 flow counts and a flow diagram drawn with matplotlib (no Graphviz, no internet)."""

from __future__ import annotations

import pandas as pd

from kit.errors import InputError

__all__ = ["prisma_counts", "prisma_diagram"]


def _count(value, what: str, column: str | None = None, equals=None) -> int:
    if isinstance(value, pd.DataFrame):
        if column is None:
            return len(value)
        if column not in value:
            raise InputError(f"{what}: the table has no {column!r} column; pass a number instead.")
        return int((value[column] == equals).sum())
    if isinstance(value, dict):
        return sum(_count(v, what) for v in value.values())
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a whole number (or a table to count); got {value!r}.") from None
    if number != value or number < 0:
        raise InputError(f"{what} must be a whole number of records, 0 or more; got {value!r}.")
    return number


def prisma_counts(identified, duplicates_removed=0, excluded_screening=0, *, not_retrieved=0,
                  excluded_full_text=None, removed_other=0, removed_automation=0,
                  studies_included=None) -> pd.DataFrame:
    """The numbers of a PRISMA 2020 flow diagram, checked so that every stage adds up.

    Parameters
    ----------
    identified : int, dict of source -> int, or DataFrame
        Records found (a table is counted per value of its 'source' column).
    duplicates_removed : int or DataFrame
        Duplicates removed before screening (a :func:`find_duplicates` table counts the rows
        whose 'keep' is False).
    excluded_screening : int or DataFrame
        Records excluded by the reviewers at title and abstract screening (a table counts the
        rows whose 'decision' is 'exclude').
    not_retrieved : int
        Reports sought but not obtained.
    excluded_full_text : int or dict of reason -> int
        Reports excluded after reading the full text, with reasons.
    removed_other : int
        Records removed before screening for other reasons (e.g. out of date range).
    removed_automation : int or DataFrame
        Records marked as ineligible by automation tools before people screened them, such as
        the keyword rule of :func:`screen` (a :func:`screen` table counts the rows whose
        'decision' is 'exclude'). PRISMA 2020 reports these in their own row, not as
        screening exclusions.
    studies_included : int, optional
        Studies included in the review. The reports left after full-text exclusions are the
        "reports of included studies"; when several reports describe one study there are fewer
        studies than reports. Defaults to one study per report.

    Returns
    -------
    pandas.DataFrame
        One row per number in the diagram:

        * 'box': identified, removed_duplicates, removed_automation, removed_other, screened,
          excluded_screening, sought, not_retrieved, assessed, excluded_full_text,
          included (studies), included_reports
        * 'item': '' for a box's total, else the source or reason it is broken down by
        * 'n': the count

    Raises
    ------
    InputError
        A count is negative, or more records leave a stage than entered it.

    References
    ----------
    Page, M. J., McKenzie, J. E., Bossuyt, P. M., et al. (2021). The PRISMA 2020 statement:
    an updated guideline for reporting systematic reviews. BMJ, 372, n71.
    https://doi.org/10.1136/bmj.n71

    Examples
    --------
    >>> c = prisma_counts({"ERIC": 20, "BEI": 14}, duplicates_removed=21, excluded_screening=3,
    ...                   excluded_full_text={"not empirical": 2})
    >>> c.set_index("box").loc[["screened", "assessed", "included"], "n"].tolist()
    [13, 10, 8]

    A keyword rule that excluded 5 records before two reviewers screened the rest, and two
    included reports that describe the same study:

    >>> c = prisma_counts(34, duplicates_removed=21, removed_automation=5, excluded_screening=2,
    ...                   studies_included=5)
    >>> c.set_index("box").loc[["screened", "included_reports", "included"], "n"].tolist()
    [8, 6, 5]
    """
    if isinstance(identified, pd.DataFrame):
        sources = identified["source"].value_counts().to_dict() if "source" in identified else {}
        total = len(identified)
    elif isinstance(identified, dict):
        sources = {str(k): _count(v, f"identified[{k!r}]") for k, v in identified.items()}
        total = sum(sources.values())
    else:
        sources, total = {}, _count(identified, "identified")
    dup = _count(duplicates_removed, "duplicates_removed", "keep", False)
    other = _count(removed_other, "removed_other")
    automation = _count(removed_automation, "removed_automation", "decision", "exclude")
    screened = total - dup - automation - other
    if screened < 0:
        raise InputError(f"{dup + automation + other} records removed before screening but only {total} identified: "
                         "check duplicates_removed, removed_automation and removed_other.")
    excluded = _count(excluded_screening, "excluded_screening", "decision", "exclude")
    sought = screened - excluded
    if sought < 0:
        raise InputError(f"{excluded} records excluded at screening but only {screened} were screened "
                         f"({total} identified minus {dup + automation + other} removed). Did you screen before removing "
                         "duplicates, or count the automation tool's exclusions twice?")
    missing = _count(not_retrieved, "not_retrieved")
    assessed = sought - missing
    if assessed < 0:
        raise InputError(f"{missing} reports not retrieved but only {sought} were sought.")
    reasons = dict(excluded_full_text) if isinstance(excluded_full_text, dict) else {}
    full = _count(excluded_full_text or 0, "excluded_full_text")
    reports = assessed - full
    if reports < 0:
        raise InputError(f"{full} reports excluded at full text but only {assessed} were assessed.")
    included = reports if studies_included is None else _count(studies_included, "studies_included")
    if included > reports or (reports > 0 and included == 0):
        raise InputError(f"studies_included is {included} but {reports} reports of included studies remain: each "
                         "included study has at least one report, and a report describes one study, so give a number "
                         f"from 1 to {reports}.")
    rows = [("identified", "", total)] + [("identified", str(k), int(v)) for k, v in sources.items()]
    rows += [("removed_duplicates", "", dup), ("removed_automation", "", automation), ("removed_other", "", other),
             ("screened", "", screened),
             ("excluded_screening", "", excluded), ("sought", "", sought), ("not_retrieved", "", missing),
             ("assessed", "", assessed), ("excluded_full_text", "", full)]
    rows += [("excluded_full_text", str(k), _count(v, f"excluded_full_text[{k!r}]")) for k, v in reasons.items()]
    rows += [("included", "", included), ("included_reports", "", reports)]
    return pd.DataFrame(rows, columns=["box", "item", "n"])


def _n(counts: pd.DataFrame, box: str) -> int:
    return int(counts.loc[(counts["box"] == box) & (counts["item"] == ""), "n"].iloc[0])


def _items(counts: pd.DataFrame, box: str) -> list[tuple[str, int]]:
    part = counts[(counts["box"] == box) & (counts["item"] != "")]
    return list(zip(part["item"], part["n"].astype(int)))


def prisma_diagram(counts=None, title: str | None = None, **options):
    """Draw the PRISMA 2020 flow diagram (databases and registers) as a matplotlib figure.

    Parameters
    ----------
    counts : DataFrame from :func:`prisma_counts`, optional
        Or leave it out and pass :func:`prisma_counts`'s arguments as keywords.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        The figure (boxes and arrows in the layout of the PRISMA 2020 template, Page et al. 2021,
        figure 1); save it with ``fig.savefig("prisma.png", dpi=200)``.

    Examples
    --------
    >>> fig = prisma_diagram(identified=34, duplicates_removed=21, excluded_screening=3)
    >>> [t.get_text() for t in fig.axes[0].texts][:1]
    ['Identification']
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    from matplotlib.patches import FancyBboxPatch

    from kit.plotting import PALETTE, figure

    if counts is None:
        counts = prisma_counts(**options)
    elif options:
        raise InputError("Pass either a prisma_counts() table or the counts as keywords, not both.")
    if not isinstance(counts, pd.DataFrame) or not {"box", "item", "n"} <= set(counts.columns):
        raise InputError("prisma_diagram needs the table from prisma_counts(...), or the counts as keywords.")

    fig, ax = figure(width=11, height=9.5)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.axis("off")

    def box(x, y, w, h, text, colour="white"):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.4", facecolor=colour,
                                    edgecolor="black", linewidth=1.2))
        ax.text(x + 1.5, y + h / 2, text, ha="left", va="center", fontsize=11, wrap=True)

    def arrow(x0, y0, x1, y1):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.3})

    stages = [("Identification", 80, 98), ("Screening", 20, 76), ("Included", 0, 16)]
    for name, y0, y1 in stages:
        ax.add_patch(FancyBboxPatch((0, y0 + 1), 5, y1 - y0 - 2, boxstyle="round,pad=0.3",
                                    facecolor=PALETTE[4], edgecolor="none"))
        ax.text(2.5, (y0 + y1) / 2, name, rotation=90, ha="center", va="center", fontsize=12, fontweight="bold")

    sources = _items(counts, "identified")
    lines = [f"Records identified from databases (n = {_n(counts, 'identified')})"]
    lines += [f"    {name} (n = {n})" for name, n in sources[:6]]
    if len(sources) > 6:
        lines.append(f"    and {len(sources) - 6} more sources")
    box(9, 82, 40, 14, "\n".join(lines))
    automation = _n(counts, "removed_automation") if "removed_automation" in set(counts["box"]) else 0
    box(57, 82, 41, 14, "Records removed before screening:\n"
        f"    Duplicate records (n = {_n(counts, 'removed_duplicates')})\n"
        f"    Marked as ineligible by automation\n    tools (n = {automation})\n"
        f"    Removed for other reasons (n = {_n(counts, 'removed_other')})")
    arrow(49.6, 89, 56.4, 89)
    box(9, 62, 40, 8, f"Records screened\n(n = {_n(counts, 'screened')})")
    box(57, 62, 41, 8, f"Records excluded\n(n = {_n(counts, 'excluded_screening')})")
    arrow(49.6, 66, 56.4, 66)
    box(9, 45, 40, 8, f"Reports sought for retrieval\n(n = {_n(counts, 'sought')})")
    box(57, 45, 41, 8, f"Reports not retrieved\n(n = {_n(counts, 'not_retrieved')})")
    arrow(49.6, 49, 56.4, 49)
    box(9, 26, 40, 9, f"Reports assessed for eligibility\n(n = {_n(counts, 'assessed')})")
    reasons = _items(counts, "excluded_full_text")
    text = [f"Reports excluded (n = {_n(counts, 'excluded_full_text')})"]
    text += [f"    {name} (n = {n})" for name, n in reasons[:5]]
    box(57, 22, 41, 17, "\n".join(text))
    arrow(49.6, 30.5, 56.4, 30.5)
    box(9, 3, 40, 10, f"Studies included in review (n = {_n(counts, 'included')})\n"
        f"Reports of included studies (n = {_n(counts, 'included_reports')})")
    for y0, y1 in ((81.4, 70.6), (61.4, 53.6), (44.4, 35.6), (25.4, 13.6)):
        arrow(29, y0, 29, y1)
    ax.set_title(title or "PRISMA 2020 flow diagram", fontsize=16)
    return fig
