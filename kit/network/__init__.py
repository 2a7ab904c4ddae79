"""Social network analysis for partnerships: build networks from survey ties, measure, compare waves, draw.

Thin wrappers over networkx (Hagberg, Schult & Swart 2008) that check survey data for the usual
mistakes and return tidy tables:

* :func:`from_edges`, :func:`two_mode`: build a network (or a schools x programmes network);
* :func:`node_measures`, :func:`brokerage`, :func:`summary`, :func:`centralisation`: measure it;
* :func:`compare_waves`, :func:`tie_changes`, :func:`communities`: change over waves and groups;
* :func:`layout`, :func:`draw`, :func:`to_graphml`: pictures, and export to Gephi.

>>> import pandas as pd, kit.network
>>> ties = pd.DataFrame({"source": ["NLC01", "NLC02", "NLC03"], "target": ["NLC02", "NLC01", "NLC01"]})
>>> G = kit.network.from_edges(ties, "source", "target")
>>> kit.network.summary(G)[["nodes", "ties", "reciprocity"]].round(2)
   nodes  ties  reciprocity
0      3     3         0.67

References: Hagberg, A. A., Schult, D. A., & Swart, P. J. (2008). Exploring network structure,
dynamics, and function using NetworkX. *Proceedings of the 7th Python in Science Conference*, 11-15.
"""

from kit.network.build import TwoMode, from_edges, two_mode
from kit.network.draw import draw, layout, to_graphml
from kit.network.measures import ROLES, brokerage, centralisation, node_measures, summary
from kit.network.waves import communities, compare_waves, tie_changes

__all__ = [
    "from_edges", "two_mode", "TwoMode",
    "node_measures", "brokerage", "summary", "centralisation", "ROLES",
    "compare_waves", "tie_changes", "communities",
    "layout", "draw", "to_graphml",
]
