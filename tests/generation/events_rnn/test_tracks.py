import numpy as np

from symphonia.codecs.polyphony import CONTINUED_NOTE, END, NEW_NOTE, START, STEP_END
from symphonia.generation.events_rnn.melody import melody_notes, set_melody_length, transpose_melody
from symphonia.generation.events_rnn.polyphony import primer_injection, set_num_steps


def test_a_melody_padded_past_a_held_note_turns_it_off_first():
    assert set_melody_length([60, -2], 4).tolist() == [60, -2, -1, -2]
    assert set_melody_length([60, -1], 4).tolist() == [60, -1, -2, -2]
    assert set_melody_length([60, -2, 62], 2).tolist() == [60, -2]
    assert set_melody_length([], 1).tolist() == [-2]


def test_melody_notes_last_to_the_next_change_or_the_end():
    pitches, starts, ends = melody_notes([60, -2, 62, -1, -2, 64, -2])
    assert (pitches.tolist(), starts.tolist(), ends.tolist()) == ([60, 62, 64], [0, 2, 5], [2, 3, 7])


def test_transposing_back_folds_notes_into_midi():
    assert transpose_melody([-2, -1, 0, 60, 127], 3).tolist() == [-2, -1, 3, 63, 118]
    assert transpose_melody([2, 60], -5).tolist() == [9, 55]


def test_set_num_steps_closes_pads_and_cuts_whole_steps_as_magenta():
    chord = [[START, 0], [NEW_NOTE, 60], [STEP_END, 0], [CONTINUED_NOTE, 60], [STEP_END, 0]]
    assert set_num_steps(chord, 3).tolist() == chord + [[STEP_END, 0], [END, 0]]
    assert set_num_steps(chord + [[NEW_NOTE, 64]], 3).tolist() == chord + [[NEW_NOTE, 64], [STEP_END, 0], [END, 0]]
    assert set_num_steps(chord + [[END, 0]], 1).tolist() == chord[:3] + [[END, 0]]


def test_primer_injection_lists_each_primer_steps_notes_as_class_ids():
    primer = np.array([[START, 0], [NEW_NOTE, 67], [NEW_NOTE, 60], [STEP_END, 0], [CONTINUED_NOTE, 60],
                       [STEP_END, 0], [STEP_END, 0]])
    ids, counts, offset = primer_injection(primer, offset=2)
    assert counts.tolist() == [2, 1, 0] and offset == 2
    assert ids[0].tolist() == [3 + 67, 3 + 60] and ids[1, 0] == 3 + 128 + 60  # NEW_NOTE(p) 3 + p, CONTINUED 131 + p
    ids, counts, _ = primer_injection(np.array([[START, 0]]), offset=0)
    assert counts.tolist() == [0] and ids.shape == (1, 1)  # nothing to inject, tables still indexable
