"""Workshop platform: the live answer store, shared Voila components and the ``kit workshop`` server.

Import the parts you need (``kit.workshop.store``, ``kit.workshop.components``,
``kit.workshop.server``); importing this package loads nothing heavy.
"""

from kit.workshop.config import check_key, data_dir, facilitator_key, key_problem, test_mode, try_key

__all__ = ["data_dir", "facilitator_key", "check_key", "key_problem", "try_key", "test_mode"]
