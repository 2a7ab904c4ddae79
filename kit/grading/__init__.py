"""Grading submitted notebooks: ``kit grade`` (see :mod:`kit.grading.grade`); importing this is cheap."""

__all__: list[str] = []
