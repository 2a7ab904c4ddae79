"""One look for every chart: readable on a projector, colour-blind-safe.

Use :func:`figure` instead of ``plt.subplots`` and :data:`PALETTE` for colours. Nothing here
changes matplotlib's global settings: the style applies inside :func:`figure` only.

>>> fig, ax = figure()
>>> ax.plot([2019, 2020], [50, 52], color=PALETTE[0])  # doctest: +ELLIPSIS
[...]
>>> label(ax, x="Year", y="Mean attainment (points)", title="Attainment over time")
>>> import matplotlib.pyplot as plt; plt.close(fig)
"""

from __future__ import annotations

__all__ = ["PALETTE", "STYLE", "figure", "label"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

STYLE = {
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
}


def figure(nrows: int = 1, ncols: int = 1, width: float = 9, height: float = 5.5, **kwargs):
    """``plt.subplots`` with the kit's projector style and colour-blind-safe colour cycle.

    The style is applied to the new axes themselves (never through ``rc_context``, which, when it
    is the first to touch pyplot, leaves the inline backend unset and hides later figures).
    """
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        ax.set_prop_cycle(color=PALETTE)
        ax.tick_params(labelsize=STYLE["xtick.labelsize"])
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, alpha=STYLE["grid.alpha"])
        ax.xaxis.label.set_size(STYLE["axes.labelsize"])
        ax.yaxis.label.set_size(STYLE["axes.labelsize"])
        ax.title.set_size(STYLE["axes.titlesize"])
    fig.set_layout_engine("constrained")
    return fig, axes


def label(ax, x: str, y: str, title: str | None = None) -> None:
    """Label both axes (say the unit in brackets, e.g. 'Attainment (points)') and the title."""
    ax.set_xlabel(x, fontsize=STYLE["axes.labelsize"])
    ax.set_ylabel(y, fontsize=STYLE["axes.labelsize"])
    if title:
        ax.set_title(title, fontsize=STYLE["axes.titlesize"])
