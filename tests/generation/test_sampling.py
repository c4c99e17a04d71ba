import pytest

from symphonia.generation.sampling import check_temperature


@pytest.mark.parametrize("temperature", [-1, float("nan"), float("inf")])
def test_a_bad_temperature_is_refused(temperature):
    with pytest.raises(ValueError, match="temperature must be a finite number >= 0"):
        check_temperature(temperature)


def test_zero_and_positive_temperatures_are_kept_as_floats():
    assert check_temperature(0) == 0.0 and isinstance(check_temperature(2), float)
