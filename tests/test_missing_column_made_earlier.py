"""A missing column whose name only adds to an existing one is a column an earlier cell makes (teacher-b, 08 q5)."""

import pandas as pd
import pytest

from kit.errors import MissingColumnError, require_columns


def test_a_column_made_by_an_earlier_cell_is_not_confused_with_its_source():
    table = pd.DataFrame({"disadvantaged": [1, 2], "pupils": [10, 20]})
    with pytest.raises(MissingColumnError) as caught:
        require_columns(table, ["random_disadvantaged"])
    message = str(caught.value)
    assert "Did you mean" not in message and caught.value.suggestion is None
    assert message.index("run the cell that makes 'random_disadvantaged' first") < message.index("The table has these columns")


def test_a_misspelt_column_still_gets_its_close_match():
    table = pd.DataFrame({"disadvantaged": [1, 2], "pupils": [10, 20]})
    with pytest.raises(MissingColumnError, match="Did you mean 'disadvantaged'"):
        require_columns(table, ["disadvantage"])
    with pytest.raises(MissingColumnError, match="Did you mean 'pupils'"):
        require_columns(table, ["pupil"])
