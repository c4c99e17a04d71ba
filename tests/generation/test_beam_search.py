import numpy as np
import pytest

from symphonia.generation.beam_search import beam_search, check_search

# A hand-made model over 3 symbols: from 0 (the start) the likeliest next symbol is 1, but
# after 1 everything is spread thin, while 2 leads to a sure 0. Greedy takes 0-1-x (0.6 * 0.34);
# the best two steps are 0-2-0 (0.4 * 0.98).
TRANSITIONS = np.log(np.array([
    [0.0001, 0.5999, 0.4],
    [0.33, 0.34, 0.33],
    [0.98, 0.01, 0.01],
]))


class MarkovRollout:
    """Rows of symbol sequences growing by sampling TRANSITIONS (greedy at temperature 0); counts its reorders."""

    def __init__(self, rows, temperature, seed):
        self.sequences = np.zeros((rows, 1), dtype=np.int64)
        self.temperature, self.rng = temperature, np.random.default_rng(seed)
        self.takes = 0

    def extend(self, num_steps):
        total = np.zeros(len(self.sequences))
        for _ in range(num_steps):
            log_probs = TRANSITIONS[self.sequences[:, -1]]
            if self.temperature == 0:
                classes = log_probs.argmax(axis=1)
            else:
                classes = np.array([self.rng.choice(3, p=np.exp(row)) for row in log_probs])
            self.sequences = np.concatenate([self.sequences, classes[:, None]], axis=1)
            total += log_probs[np.arange(len(classes)), classes]
        return total

    def take(self, rows):
        self.sequences = self.sequences[rows]
        self.takes += 1


def likelihood(sequence):
    return np.exp(TRANSITIONS[sequence[:-1], sequence[1:]].sum())


def test_greedy_misses_the_likeliest_continuation_that_beam_search_finds():
    greedy = MarkovRollout(1, 0.0, 0)
    beam_search(greedy, 1, 2)
    assert greedy.sequences[0, 1] == 1 and likelihood(greedy.sequences[0]) < 0.21
    for seed in range(5):
        rollout = MarkovRollout(2 * 8, 1.0, seed)
        best, score = beam_search(rollout, 1, 2, beam_size=2, branch_factor=8, steps_per_iteration=2)
        assert rollout.sequences[best[0]].tolist() == [0, 2, 0]
        np.testing.assert_allclose(np.exp(score[0]), 0.4 * 0.98)


def test_groups_are_searched_independently_in_one_batch():
    rollout = MarkovRollout(4 * 3 * 2, 1.0, 0)
    best, scores = beam_search(rollout, 4, 7, beam_size=3, branch_factor=2, steps_per_iteration=3)
    assert best.tolist() == sorted(best.tolist()) and (best // 6 == np.arange(4)).all()
    for row, score in zip(best, scores):
        np.testing.assert_allclose(np.log(likelihood(rollout.sequences[row])), score)
    assert rollout.sequences.shape == (24, 8)
    assert rollout.takes == 2  # first iteration (7 - 1) % 3 + 1 = 1 step, then two of 3 steps


def test_without_branching_nothing_is_reordered():
    rollout = MarkovRollout(3, 1.0, 0)
    beam_search(rollout, 3, 10, steps_per_iteration=4)
    assert rollout.takes == 0 and rollout.sequences.shape == (3, 11)


@pytest.mark.parametrize("arguments", [(0, 1, 1), (1, 0, 1), (1, 1, 0), (1.5, 1, 1)])
def test_beam_settings_must_be_positive_integers(arguments):
    with pytest.raises(ValueError, match="must be a positive integer"):
        check_search(*arguments)
