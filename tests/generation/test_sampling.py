import numpy as np
import pytest

from symphonia.generation.sampling import check_temperature, log_softmax, sample

LOGITS = np.log(np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]]))


def test_the_same_seed_gives_the_same_choices_and_other_seeds_others():
    def draws(seed):
        rng = np.random.default_rng(seed)
        return np.stack([sample(LOGITS, 1.0, rng)[0] for _ in range(50)])

    np.testing.assert_array_equal(draws(3), draws(3))
    assert not np.array_equal(draws(3), draws(4))


def test_choices_follow_the_softmax_and_report_their_log_probability():
    rng = np.random.default_rng(0)
    classes, log_probs = sample(np.tile(LOGITS, (20000, 1)), 1.0, rng)
    frequencies = np.stack([np.bincount(classes[row::2], minlength=3) / 20000 for row in range(2)])
    np.testing.assert_allclose(frequencies, np.exp(LOGITS), atol=0.015)
    np.testing.assert_allclose(log_probs, np.tile(LOGITS, (20000, 1))[np.arange(40000), classes])


def test_temperature_sharpens_or_flattens_and_zero_is_greedy():
    np.testing.assert_allclose(np.exp(log_softmax(LOGITS, 1e6)), 1 / 3, atol=1e-5)
    rng = np.random.default_rng(0)
    cold = np.stack([sample(LOGITS, 0.01, rng)[0] for _ in range(200)])
    assert (cold == [1, 0]).all()
    classes, log_probs = sample(LOGITS, 0.0, rng)
    np.testing.assert_array_equal(classes, [1, 0])
    np.testing.assert_allclose(log_probs, np.log([0.6, 0.5]))


def test_a_class_of_probability_zero_is_never_drawn():
    logits = np.array([[0.0, -np.inf, 0.0, -np.inf]] * 5000)
    assert set(sample(logits, 1.0, np.random.default_rng(0))[0]) == {0, 2}


@pytest.mark.parametrize("temperature", [-1, float("nan"), float("inf")])
def test_a_bad_temperature_is_refused(temperature):
    with pytest.raises(ValueError, match="temperature must be a finite number >= 0"):
        check_temperature(temperature)
