"""Magenta's beam search, run for many independent outputs at once.

Magenta's search is stochastic: a beam of ``beam_size`` sequences is kept;
each iteration every kept sequence is copied ``branch_factor`` times and each
copy is extended by ``steps_per_iteration`` *sampled* events; then the
``beam_size`` copies whose summed log-probabilities are highest survive. The
first iteration takes ``(num_steps - 1) % steps_per_iteration + 1`` steps so
that every later one takes exactly ``steps_per_iteration``; at the end the
single best sequence wins. With all three at 1 it is plain sampling.

Here ``num_groups`` outputs are searched together, each in its own group of
``beam_size * branch_factor`` rows of one batch, so a whole ``--num_outputs``
run is one batched computation whatever the beam. The search knows nothing
about models or events: it drives a :class:`Rollout`, asking it for a whole
iteration's steps at once (all of them when nothing is ever pruned), so a
rollout that runs its steps in a compiled loop returns to Python once per
iteration, never per step.
"""

from typing import Protocol

import numpy as np


class Rollout(Protocol):
    """A batch of sequences that grow one step at a time.

    Row ``g * width + j`` is candidate ``j`` of group ``g`` (``width`` =
    ``beam_size * branch_factor``).
    """

    def extend(self, num_steps):
        """Extends every row by ``num_steps`` steps; returns each row's summed log-probability of them, [rows]."""

    def take(self, rows):
        """Keeps the rows at the indices ``rows`` (repeats allowed), in that order."""


def check_search(beam_size, branch_factor, steps_per_iteration):
    """ValueError (one line) unless all three are positive integers."""
    for name, value in (("beam_size", beam_size), ("branch_factor", branch_factor),
                        ("steps_per_iteration", steps_per_iteration)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")


def beam_search(rollout, num_groups, num_steps, beam_size=1, branch_factor=1, steps_per_iteration=1):
    """Extends every group by ``num_steps`` steps; returns the best row of each group and its score.

    ``rollout`` must hold ``num_groups * beam_size * branch_factor`` rows,
    each group's rows alike. Scores are the summed log-probabilities of the
    steps taken here.

    Returns
    -------
    best_rows : numpy.ndarray of int64, shape [num_groups]
        Row indices into the rollout as it is on return.
    scores : numpy.ndarray of float64, shape [num_groups]
    """
    check_search(beam_size, branch_factor, steps_per_iteration)
    width = beam_size * branch_factor
    scores = np.zeros(num_groups * width)
    if num_steps > 0 and branch_factor == 1:  # without branching, pruning would keep every row
        scores += rollout.extend(num_steps)
    elif num_steps > 0:
        scores += rollout.extend((num_steps - 1) % steps_per_iteration + 1)
        for _ in range((num_steps - 1) // steps_per_iteration):
            kept = _best_rows(scores, num_groups, beam_size)
            rows = np.tile(kept, (1, branch_factor)).reshape(-1)
            rollout.take(rows)
            scores = scores[rows] + rollout.extend(steps_per_iteration)
    best = _best_rows(scores, num_groups, 1)[:, 0]
    return best, scores[best]


def _best_rows(scores, num_groups, count):
    """Indices ``[num_groups, count]`` of each group's ``count`` highest scores, best first (ties: lower row)."""
    grouped = scores.reshape(num_groups, -1)
    order = np.argsort(-grouped, axis=1, kind="stable")[:, :count]
    return order + np.arange(num_groups)[:, None] * grouped.shape[1]
