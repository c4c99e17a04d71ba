import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.codecs import get_codec  # noqa: E402
from symphonia.codecs.melody import NO_EVENT, NOTE_OFF  # noqa: E402
from symphonia.generation.events_rnn.graph_codecs import EventIds, graph_codec_for  # noqa: E402


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
    events[40:56] = events[8:24]  # lookback codecs care about repeats one and two bars back
    return events


@pytest.mark.parametrize("name", ["basic_rnn", "mono_rnn", "lookback_rnn", "attention_rnn", "one_drum",
                                  "drum_kit", "polyphony"])
def test_inputs_built_event_by_event_equal_the_codecs_inputs_of_the_whole_sequence(name):
    rng = np.random.default_rng(0)
    codec = get_codec(name)
    graph_codec = graph_codec_for(codec)
    sequences = [random_events(name, 60, rng) for _ in range(3)]
    tables = [EventIds(graph_codec.vocabulary, sequence) for sequence in sequences]
    for table, sequence in zip(tables, sequences):
        np.testing.assert_array_equal(table.events[table.primer], sequence)  # ids decode to the very events
        row_ids = tf.constant(table.primer[None])
        summary = graph_codec.initial_summary(1)
        got = []
        for t in range(len(sequence)):
            inputs, summary = graph_codec.advance(summary, row_ids, tf.constant([t + 1]), table.classes)
            got.append(inputs[0].numpy())
        np.testing.assert_array_equal(np.stack(got), codec.inputs(sequence))


@pytest.mark.parametrize("name", ["lookback_rnn", "attention_rnn", "drum_kit"])
def test_repeat_labels_copy_the_event_a_lookback_back_or_the_default_before_the_start(name):
    codec = get_codec(name)
    graph_codec = graph_codec_for(codec)
    sequence = random_events(name, 60, np.random.default_rng(1))
    table = EventIds(graph_codec.vocabulary, sequence)
    ids = tf.constant(np.stack([table.primer, table.primer]))
    first_repeat = codec.num_classes - len(codec.distances)
    for j, distance in enumerate(codec.distances):
        lengths = tf.constant([distance + 3, distance - 1])  # the second row is too short to look back
        got = graph_codec.ids_of_labels(tf.constant([first_repeat + j] * 2), ids, lengths).numpy()
        expected = [codec.class_index_to_event(first_repeat + j, sequence[:length]) for length in lengths.numpy()]
        np.testing.assert_array_equal(table.events[got], expected)
    plain = np.arange(first_repeat)
    got = graph_codec.ids_of_labels(tf.constant(plain), tf.zeros([first_repeat, 1], tf.int32),
                                    tf.ones([first_repeat], tf.int32)).numpy()
    np.testing.assert_array_equal(table.events[got], codec.decode(plain[:, None])[:, 0])


def test_primer_events_outside_the_vocabulary_keep_ids_of_their_own():
    codec = get_codec("drum_kit")
    kick_35, kick_36 = np.zeros((2, 128), dtype=bool)
    kick_35[35] = kick_36[36] = True
    table = EventIds(graph_codec_for(codec).vocabulary, np.stack([kick_36, kick_35, kick_35]))
    first, second, third = table.primer
    assert first == 1 and second == third != first  # one kick class, two different events
    assert table.classes[second] == 1 and table.events[second][35]
