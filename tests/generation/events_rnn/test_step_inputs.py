import numpy as np
import pytest

from symphonia.codecs import get_codec
from symphonia.codecs.melody import NO_EVENT, NOTE_OFF
from symphonia.generation.events_rnn.history import EventHistory
from symphonia.generation.events_rnn.step_inputs import step_inputs_for


def random_events(name, length, rng):
    """Random but valid events for a codec, with many repeats so that lookback features fire."""
    codec = get_codec(name)
    if name in ("basic_rnn", "lookback_rnn", "attention_rnn", "mono_rnn"):
        low, high = (0, 128) if name == "mono_rnn" else (48, 84)
        pool = np.concatenate([[NO_EVENT] * 4, [NOTE_OFF] * 2, rng.integers(low, high, 5)])
        events = rng.choice(pool, length)
    elif name in ("drum_kit", "one_drum"):
        pool = np.zeros((4, 128), dtype=bool)
        pool[1, [36, 42]] = pool[2, 38] = pool[3, [35, 44]] = True  # 35 and 44 share types with 36 and 42
        events = pool[rng.integers(0, 4, length)]
    else:
        types = rng.integers(0, 5, length)
        events = np.stack([types, np.where(types >= 3, rng.integers(0, 128, length), 0)], axis=1)
    events = codec.as_events(events)
    # Repeat the first stretch later on, as lookback codecs care about repeats one and two bars back.
    events[40:56] = events[8:24]
    return events


@pytest.mark.parametrize("name", ["basic_rnn", "mono_rnn", "lookback_rnn", "attention_rnn", "one_drum",
                                  "drum_kit", "polyphony"])
def test_step_inputs_equal_the_codecs_inputs_of_the_whole_sequence(name):
    rng = np.random.default_rng(0)
    codec = get_codec(name)
    sequences = [random_events(name, 70, rng) for _ in range(3)]
    history = EventHistory(codec.event_shape, codec.event_dtype, rows=3, capacity=4)
    builder = step_inputs_for(codec, rows=3)
    steps = []
    for t in range(70):
        history.append(np.stack([s[t] for s in sequences]))
        steps.append(builder.push(history))
    got = np.stack(steps, axis=1)
    for row, sequence in enumerate(sequences):
        np.testing.assert_array_equal(got[row], codec.inputs(sequence))


def test_rows_can_advance_separately_and_be_reordered():
    codec = get_codec("attention_rnn")
    rng = np.random.default_rng(1)
    sequences = [random_events("attention_rnn", 60, rng) for _ in range(2)]
    expected = [codec.inputs(sequence) for sequence in sequences]
    history = EventHistory((), np.int64, rows=2)
    builder = step_inputs_for(codec, rows=2)

    def advance(row, sequence):
        t = history.lengths[row]
        history.append(sequences[sequence][t:t + 1], rows=[row])
        np.testing.assert_array_equal(builder.push(history, rows=[row])[0], expected[sequence][t])

    for _ in range(25):
        advance(1, 1)
    for _ in range(10):
        advance(0, 0)
    history.take([1, 0])
    builder.take([1, 0])
    for _ in range(35):
        advance(0, 1)
        advance(1, 0)
    np.testing.assert_array_equal(history.row(0), sequences[1])
