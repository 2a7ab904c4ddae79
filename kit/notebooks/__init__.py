"""The notebook layer: the master format, building exercises, running notebooks, check() for students.

Modules, in the order a master travels through them:

* :mod:`kit.notebooks.text`: a percent-format text draft (``# %%`` cells) becomes a notebook;
* :mod:`kit.notebooks.format`: the one parser of the master format (questions, tests, wrong answers);
* :mod:`kit.notebooks.run`: run a notebook in a fresh kernel, find question regions, capture values;
* :mod:`kit.notebooks.capture`: runs inside the kernel, evaluates test expressions to plain data;
* :mod:`kit.notebooks.values`: plain values, the one comparison of "correct", fingerprints;
* :mod:`kit.notebooks.build`: ``kit build`` writes exercises/ and exercises/checks/;
* :mod:`kit.notebooks.checks`: ``check("q1")`` for students.

It imports only :mod:`kit.errors` below it; :mod:`kit.grading` builds on it. The old names
(``kit.checks``, ``kit.capture``, ``kit.authoring``, ...) stay importable for the exercises.
"""
