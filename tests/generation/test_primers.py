import numpy as np
import pytest

from symphonia.generation.primers import PrimerError, parse_drums, parse_melody, parse_pitches


def test_a_melody_primer_is_a_list_of_events():
    np.testing.assert_array_equal(parse_melody("[60, -2, 60, -2, 67, -1]"), [60, -2, 60, -2, 67, -1])
    np.testing.assert_array_equal(parse_melody(" (60,) "), [60])
    assert parse_melody("[]").shape == (0,)


def test_a_drum_primer_is_a_list_of_pitch_tuples():
    steps = parse_drums("[(36, 42), (), (42,), [38]]")
    assert steps.shape == (4, 128) and steps.dtype == bool
    assert [np.flatnonzero(step).tolist() for step in steps] == [[36, 42], [], [42], [38]]


def test_primer_pitches_are_a_chord():
    np.testing.assert_array_equal(parse_pitches("[60, 64, 67]"), [60, 64, 67])


@pytest.mark.parametrize("parse, text, problem", [
    (parse_melody, "[60, -3]", "item 1 is -3"),
    (parse_melody, "[60, 128]", "item 1 is 128"),
    (parse_melody, "[60, 61.0]", "item 1 is 61.0"),
    (parse_melody, "[True]", "item 0 is True"),
    (parse_melody, "60", "(int, not a list)"),
    (parse_melody, "[60, -2", "not a Python literal"),
    (parse_melody, "__import__('os').system('true')", "not a Python literal"),
    (parse_drums, "[(36,), 42]", "step 1 is 42, not a tuple"),
    (parse_drums, "[(36, 300)]", "step 0 holds 300"),
    (parse_drums, "{'a': 1}", "(dict, not a list)"),
    (parse_pitches, "[]", "no pitch"),
    (parse_pitches, "['C4']", "item 0 is 'C4'"),
])
def test_a_bad_primer_is_one_line_saying_what_was_expected(parse, text, problem):
    with pytest.raises(PrimerError) as error:
        parse(text)
    message = str(error.value)
    assert "\n" not in message and problem in message and "e.g." in message
    assert message.startswith(("--primer_melody must be", "--primer_drums must be", "--primer_pitches must be"))
