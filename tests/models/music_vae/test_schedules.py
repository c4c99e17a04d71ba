import math

import numpy as np
import pytest

from symphonia.models.music_vae import schedules


@pytest.mark.parametrize("step, beta_rate, max_beta, expected", [
    (0, 0.99999, 0.2, 0.0),
    (1, 0.0, 0.2, 0.2),  # beta_rate 0: the full weight from step 1
    # float32 arithmetic, as Magenta's: the rate is float32(0.99999), so about 0.12652 (0.12642 in float64)
    (100000, 0.99999, 0.2, (1.0 - math.exp(100000 * math.log(float(np.float32(0.99999))))) * 0.2),
])
def test_kl_beta_anneals_towards_max_beta(step, beta_rate, max_beta, expected):
    assert float(schedules.kl_beta(step, beta_rate, max_beta)) == pytest.approx(expected, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("step, expected", [(0, 0.001), (10000, 0.00099 * float(np.float32(0.9999)) ** 10000 + 0.00001)])
def test_learning_rate_decays_exponentially_to_its_floor(step, expected):
    assert float(schedules.learning_rate(step, 0.001, 0.9999, 0.00001)) == pytest.approx(expected, rel=1e-4)
    assert float(schedules.DecayingLearningRate(0.001, 0.9999, 0.00001)(step)) == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("schedule, rate, step, expected", [
    ("constant", 0.25, 100, 0.25),
    ("exponential", 0.5, 2, 0.75),
    ("inverse_sigmoid", 1000.0, 0, 1.0 - 1000.0 / 1001.0),
    ("inverse_sigmoid", 1000.0, 6908, 0.5),  # exp(6.908) = 1000
])
def test_sampling_probability_follows_the_schedule_in_training(schedule, rate, step, expected):
    value = float(schedules.sampling_probability(step, schedule, rate, training=True))
    assert value == pytest.approx(expected, rel=1e-3)


def test_out_of_training_a_sampling_schedule_always_samples_and_teacher_forcing_stays():
    assert float(schedules.sampling_probability(5, "inverse_sigmoid", 1000.0, training=False)) == 1.0
    assert float(schedules.sampling_probability(5, "constant", 0.0, training=False)) == 0.0
