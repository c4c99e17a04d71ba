"""Continuing one primer into many event sequences with an events RNN, all in one batch.

:class:`EventsRollout` is the events RNN's
:class:`~symphonia.generation.beam_search.Rollout`: every row holds one
candidate continuation, and ``extend(n)`` draws ``n`` events for every row in
one call of the compiled loop
(:mod:`~symphonia.generation.events_rnn.graph_loop`), so Python only runs
between beam-search iterations, never per event. The events come back to
numpy once, at the end (:meth:`EventsRollout.events`).

An optional ``injection`` (polyphony's primer injection) is the tables
``(inject_ids [S, M], inject_counts [S], offset)``: a row opening musical step
``offset + k`` is fed the ``inject_counts[k]`` events ``inject_ids[k]`` before it
samples again.
"""

import dataclasses

import numpy as np
import tensorflow as tf

from symphonia.generation.beam_search import beam_search
from symphonia.generation.events_rnn.graph_loop import take


class GenerationError(RuntimeError):
    """The model cannot produce what was asked (one line, for the user)."""


NO_INJECTION = (np.zeros((1, 1), np.int32), np.zeros(1, np.int32), 0)


class EventsRollout:
    """``rows`` continuations of ``primer`` (events ``[P, *event_shape]``, P >= 1).

    Parameters
    ----------
    loop : symphonia.generation.events_rnn.graph_loop.GenerationLoop
    primer : array_like
    rows : int
    temperature : float
    seed : int
    injection : tuple, optional
        ``(inject_ids, inject_counts, offset)``, event ids per primer step.
    """

    def __init__(self, loop, primer, rows, temperature, seed, injection=None):
        self._ids = loop.graph_codec.event_ids(primer)
        if not len(self._ids.primer):
            raise ValueError("a primer needs at least one event")
        inject_ids, inject_counts, offset = NO_INJECTION if injection is None else injection
        self._loop, self._temperature, self._seed = loop, temperature, seed
        self._tables = {"id_classes": tf.constant(self._ids.classes), "inject_ids": tf.constant(inject_ids, tf.int32),
                        "inject_counts": tf.constant(inject_counts, tf.int32),
                        "inject_offset": tf.constant(offset, tf.int32)}
        self._max_injected = int(np.sum(inject_counts))
        state = loop.prime(self._ids.primer, self._tables, len(self._ids.primer) + self._max_injected)
        self._state = take(state, np.zeros(rows, dtype=np.int64))
        self._draws = 0

    @property
    def num_rows(self):
        return int(self._state["lengths"].shape[0])

    @property
    def steps(self):
        """The musical steps each row has closed so far (polyphony's STEP_ENDs), numpy ``[rows]``."""
        return self._state["steps"].numpy()

    def extend(self, num_steps):
        """Draws ``num_steps`` events for every row; returns each row's summed log-probability of them."""
        self._state, scores, iterations = self._loop.extend(self._state, num_steps, self._temperature, self._seed,
                                                            self._draws, self._tables, self._max_injected)
        self._draws += iterations
        return scores

    def take(self, rows):
        self._state = take(self._state, rows)

    def events(self, rows):
        """The events of ``rows`` so far, primer included: a list of numpy arrays."""
        ids, lengths = self._state["ids"].numpy(), self._state["lengths"].numpy()
        return [self._ids.events[ids[row, :lengths[row]]] for row in rows]


def search(rollout, num_outputs, num_events, options):
    """Beam search of ``num_events`` events for each output; leaves each output's rows copies of its best.

    Returns the best rows' scores (summed log-probabilities), shape [num_outputs].
    """
    best, scores = beam_search(rollout, num_outputs, num_events, options.beam_size, options.branch_factor,
                               options.steps_per_iteration)
    rollout.take(np.repeat(best, options.rows_per_output))
    return scores


@dataclasses.dataclass(frozen=True)
class Continuer:
    """One generation request: continue primers into ``num_outputs`` outputs with a compiled loop.

    Attributes
    ----------
    loop : symphonia.generation.events_rnn.graph_loop.GenerationLoop
    num_outputs : int
    options : symphonia.generation.options.GenerationOptions
    seed : int
    """

    loop: object
    num_outputs: int
    options: object
    seed: int

    @property
    def codec(self):
        return self.loop.graph_codec.codec

    def rollout(self, primer, injection=None):
        """An :class:`EventsRollout` of the primer with a group of candidate rows per output."""
        return EventsRollout(self.loop, primer, self.num_outputs * self.options.rows_per_output,
                             self.options.temperature, self.seed, injection=injection)

    def outputs(self, rollout):
        """Each output's events after :func:`search` (its best row)."""
        return rollout.events(range(0, rollout.num_rows, self.options.rows_per_output))

    def continue_events(self, primer, num_events):
        """``num_outputs`` continuations of ``primer`` by ``num_events`` events each (primer included)."""
        rollout = self.rollout(primer)
        search(rollout, self.num_outputs, num_events, self.options)
        return self.outputs(rollout)
