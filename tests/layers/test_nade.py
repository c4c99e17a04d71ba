import itertools

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.layers.nade import Nade

D, H = 6, 4


def _nade(seed=0):
    nade = Nade(D, H)
    nade.build()
    rng = np.random.default_rng(seed)
    for variable in nade.weights:  # larger than the initial weights, so that units depend on each other
        variable.assign(rng.normal(scale=1.5, size=variable.shape).astype(np.float32))
    b_enc = rng.normal(size=(2, H)).astype(np.float32)
    b_dec = rng.normal(size=(2, D)).astype(np.float32)
    return nade, tf.constant(b_enc), tf.constant(b_dec)


def _every_vector():
    return np.array(list(itertools.product([0.0, 1.0], repeat=D)), dtype=np.float32)


def _step_by_step(nade, x, b_enc, b_dec):
    """The recursion written out one unit at a time, in float64."""
    v, w = nade.w_enc.numpy().astype(np.float64), nade.w_dec.numpy().astype(np.float64)
    a, log_prob, probs = b_enc.astype(np.float64), np.zeros(len(x)), []
    for d in range(D):
        p = 1 / (1 + np.exp(-(b_dec[:, d] + (1 / (1 + np.exp(-a))) @ w[:, d])))
        log_prob += np.where(x[:, d] == 1, np.log(p), np.log(1 - p))
        probs.append(p)
        a = a + x[:, d:d + 1] * v[d]
    return log_prob, np.stack(probs, 1)


def test_probabilities_of_every_vector_sum_to_one():
    nade, b_enc, b_dec = _nade()
    vectors = _every_vector()
    for example in range(2):
        log_prob, _ = nade.log_prob(vectors, tf.repeat(b_enc[example:example + 1], len(vectors), axis=0),
                                    tf.repeat(b_dec[example:example + 1], len(vectors), axis=0))
        assert np.exp(log_prob.numpy().astype(np.float64)).sum() == pytest.approx(1.0, abs=1e-5)


def test_the_vectorised_pass_matches_the_step_by_step_recursion():
    nade, b_enc, b_dec = _nade(1)
    x = np.random.default_rng(2).integers(0, 2, size=(2, D)).astype(np.float32)
    log_prob, probs = nade.log_prob(x, b_enc, b_dec)
    expected_log_prob, expected_probs = _step_by_step(nade, x, b_enc.numpy(), b_dec.numpy())
    np.testing.assert_allclose(log_prob.numpy(), expected_log_prob, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(probs.numpy(), expected_probs, atol=1e-6)


def test_sampling_frequencies_match_the_probabilities():
    nade, b_enc, b_dec = _nade(3)
    n = 20000
    samples, log_prob = nade.sample(tf.repeat(b_enc[:1], n, 0), tf.repeat(b_dec[:1], n, 0),
                                    generator=tf.random.Generator.from_seed(4))
    samples = samples.numpy()
    vectors = _every_vector()
    expected = np.exp(nade.log_prob(vectors, tf.repeat(b_enc[:1], len(vectors), 0),
                                    tf.repeat(b_dec[:1], len(vectors), 0))[0].numpy())
    codes = samples @ (2.0 ** np.arange(D)[::-1])  # itertools.product order: first unit is the high bit
    observed = np.bincount(codes.astype(int), minlength=len(vectors)) / n
    # five standard errors of a binomial frequency, for each of the 64 outcomes
    assert np.all(np.abs(observed - expected) <= 5 * np.sqrt(expected * (1 - expected) / n) + 1e-4)
    reported = nade.log_prob(samples, tf.repeat(b_enc[:1], n, 0), tf.repeat(b_dec[:1], n, 0))[0]
    np.testing.assert_allclose(log_prob.numpy(), reported.numpy(), atol=1e-4)


def test_temperature_zero_thresholds_each_conditional_at_one_half():
    nade, b_enc, b_dec = _nade(5)
    samples, _ = nade.sample(b_enc, b_dec, temperature=0.0)
    _, probs = nade.log_prob(samples, b_enc, b_dec)
    np.testing.assert_array_equal(samples.numpy(), (probs.numpy() >= 0.5).astype(np.float32))


def test_a_negative_temperature_is_refused():
    nade, b_enc, b_dec = _nade()
    with pytest.raises(ValueError, match="temperature"):
        nade.sample(b_enc, b_dec, temperature=-1.0)
