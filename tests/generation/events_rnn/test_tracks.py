import numpy as np

from symphonia.codecs.polyphony import CONTINUED_NOTE, END, NEW_NOTE, START, STEP_END
from symphonia.generation.events_rnn.history import EventHistory
from symphonia.generation.events_rnn.melody import melody_notes, set_melody_length, transpose_melody
from symphonia.generation.events_rnn.polyphony import PrimerInjection, is_step_end, set_num_steps


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


def test_primer_injection_gives_each_row_at_a_step_start_its_primer_step():
    primer = np.array([[START, 0], [NEW_NOTE, 67], [NEW_NOTE, 60], [STEP_END, 0], [CONTINUED_NOTE, 60],
                       [STEP_END, 0], [STEP_END, 0]])
    history = EventHistory((2,), np.int64, rows=4, steps_of=is_step_end)
    history.append(np.array([[START, 0]] * 4))
    history.append(np.array([[STEP_END, 0], [STEP_END, 0], [NEW_NOTE, 50], [STEP_END, 0]]))
    history.append(np.array([[STEP_END, 0]]), rows=[3])
    # Rows 0 and 1 start step 1, row 2 is inside step 0, row 3 starts step 2 (the primer's step 2 is empty).
    rounds = PrimerInjection(primer, offset=0)(history)
    assert [(rows.tolist(), events.tolist()) for rows, events in rounds] == [([0, 1], [[CONTINUED_NOTE, 60]] * 2)]
    start_only = EventHistory((2,), np.int64, rows=1, steps_of=is_step_end)
    start_only.append(np.array([[START, 0]]))
    rounds = PrimerInjection(primer, offset=0)(start_only)
    assert [(rows.tolist(), events.tolist()) for rows, events in rounds] == [([0], [[NEW_NOTE, 67]]),
                                                                            ([0], [[NEW_NOTE, 60]])]
