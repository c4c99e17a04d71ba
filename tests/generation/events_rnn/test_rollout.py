import numpy as np
import pytest

pytest.importorskip("tensorflow")

from symphonia.codecs import get_codec  # noqa: E402
from symphonia.generation.events_rnn.rnn_steps import RnnSteps  # noqa: E402
from symphonia.generation.events_rnn.rollout import Continuer, EventsRollout  # noqa: E402
from symphonia.generation.options import GenerationOptions  # noqa: E402
from tests.generation.events_rnn.models import markov_model  # noqa: E402

# basic_rnn classes: 0 no event (-2), 1 note off (-1), 2 + k pitch 48 + k. From a no-event the
# likeliest next event is pitch 48, after which anything goes (the next class up is a little likelier,
# 0.1); pitch 49 is less likely but is surely followed by a no-event. Greedy plays 48, 49 (0.6 * 0.1);
# the best two steps are 49, -2 (0.4 * 0.98).
CODEC = get_codec("basic_rnn")
TRANSITIONS = np.log(np.where(np.eye(38, k=1) + np.eye(38, k=-37), 0.1, 0.9 / 37))
TRANSITIONS[0] = np.log(np.r_[1e-4, 1e-4, 0.6, 0.4 - 36e-4, np.full(34, 1e-4)])
TRANSITIONS[3] = np.log(np.r_[0.98, np.full(37, 0.02 / 37)])


@pytest.fixture(scope="module")
def steps():
    return RnnSteps(markov_model(TRANSITIONS))


def continuations(steps, options, seed=0, num_outputs=3, num_events=2):
    continuer = Continuer(steps, CODEC, num_outputs, options, np.random.default_rng(seed))
    return [events.tolist() for events in continuer.continue_events([-2], num_events)]


def test_greedy_takes_the_likeliest_next_event_and_a_cold_temperature_does_too(steps):
    greedy = continuations(steps, GenerationOptions(temperature=0.0), num_events=4)
    assert greedy == [[-2, 48, 49, -2, 48]] * 3
    assert continuations(steps, GenerationOptions(temperature=0.01), num_events=6) == \
        continuations(steps, GenerationOptions(temperature=0.0), num_events=6)


def test_beam_search_finds_the_likeliest_continuation_that_greedy_misses(steps):
    options = GenerationOptions(beam_size=2, branch_factor=8, steps_per_iteration=2)
    assert continuations(steps, options, num_outputs=4) == [[-2, 49, -2]] * 4


def test_the_same_seed_gives_the_same_events_and_another_seed_others(steps):
    options = GenerationOptions(beam_size=2, branch_factor=2, steps_per_iteration=3)
    first = continuations(steps, options, seed=7, num_events=20)
    assert continuations(steps, options, seed=7, num_events=20) == first
    assert continuations(steps, options, seed=8, num_events=20) != first


def test_scores_are_the_models_log_probabilities(steps):
    rollout = EventsRollout(steps, CODEC, [-2], rows=50, temperature=1.0, rng=np.random.default_rng(0))
    total = rollout.extend() + rollout.extend()
    for row in range(50):
        events = rollout.history.row(row)
        classes = CODEC.vocabulary.to_classes(events)
        np.testing.assert_allclose(total[row], TRANSITIONS[classes[:-1], classes[1:]].sum(), atol=1e-3)


def test_injected_events_are_fed_to_the_rows_that_get_them(steps):
    def inject(history):  # after each event: 48 into rows 0 and 2, then 49 into row 0 only
        rows = np.array([0, 2][:history.num_rows])  # the primer is a single row
        return [(rows, np.full(len(rows), 48)), (rows[:1], np.array([49]))]

    rollout = EventsRollout(steps, CODEC, [50], rows=3, temperature=1.0, rng=np.random.default_rng(1),
                            inject=inject)
    for _ in range(40):
        rollout.extend()
    assert rollout.history.lengths.tolist() == [3 + 3 * 40, 3 + 40, 3 + 2 * 40]
    sampled_after_49 = rollout.history.row(0)[3::3]  # the model read 49 last: a no-event 98% of the time
    sampled_after_48 = rollout.history.row(2)[3::2]  # the model read 48 last: a no-event 2.4% of the time
    assert (sampled_after_49 == -2).mean() > 0.9 and (sampled_after_48 == -2).mean() < 0.2
    assert (rollout.history.row(1)[3:] != 48).mean() > 0.8  # row 1 gets nothing injected
