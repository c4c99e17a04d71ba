"""Continuing one primer into many event sequences with an events RNN, all in one batch.

:class:`EventsRollout` is the events RNN's
:class:`~symphonia.generation.beam_search.Rollout`: every row holds one
candidate continuation. Each step samples one event per row from the last
logits (numpy), decodes it with the codec (repeat labels resolved against the
last few events), appends it, builds its input with
:mod:`~symphonia.generation.events_rnn.step_inputs`, and feeds all rows to the compiled
model in one call. The model call is made lazily, at the next step, so the
last event of a search costs no model call.

An optional ``inject`` callback adds events of its own after each sampled one
(polyphony's primer injection): ``inject(history) -> [(rows, events), ...]``,
one round per extra event, each round appending ``events`` to ``rows``.
"""

import dataclasses

import numpy as np

from symphonia.generation.beam_search import beam_search
from symphonia.generation.events_rnn.history import EventHistory
from symphonia.generation.events_rnn.step_inputs import step_inputs_for
from symphonia.generation.sampling import sample


class GenerationError(RuntimeError):
    """The model cannot produce what was asked (one line, for the user)."""


class EventsRollout:
    """``rows`` continuations of ``primer`` (events ``[P, *event_shape]``, P >= 1).

    Parameters
    ----------
    steps : symphonia.generation.events_rnn.rnn_steps.RnnSteps
    codec : symphonia.codecs.EventCodec
    primer : array_like
    rows : int
    temperature : float
    rng : numpy.random.Generator
    inject : callable, optional
    steps_of : callable, optional
        Passed to :class:`~symphonia.generation.events_rnn.history.EventHistory` (musical steps per event).
    """

    def __init__(self, steps, codec, primer, rows, temperature, rng, inject=None, steps_of=None):
        primer = codec.as_events(primer)
        if not len(primer):
            raise ValueError("a primer needs at least one event")
        self._steps, self._codec, self._temperature, self._rng, self._inject = steps, codec, temperature, rng, inject
        self._context = max(getattr(codec, "distances", ()), default=0)  # how far back repeat labels reach
        # Without repeat labels a class always stands for the same event: decode each one once.
        self._class_events = None if self._context else codec.decode(np.arange(codec.num_classes)[None])[0]
        self.history = EventHistory(codec.event_shape, codec.event_dtype, steps_of=steps_of,
                                    capacity=2 * len(primer))
        self._inputs = step_inputs_for(codec)
        primer_inputs = []
        for event in primer:
            self.history.append(event[None])
            primer_inputs.append(self._inputs.push(self.history))
        primer_inputs += [inputs for _, inputs in self._injected()]
        logits, state = steps.prime(np.concatenate(primer_inputs))
        copies = np.zeros(rows, dtype=np.int64)
        self.history.take(copies)
        self._inputs.take(copies)
        self._state = steps.take(state, copies)
        self._logits = np.repeat(logits[None], rows, axis=0)
        self._feeds = []  # (inputs [B, input_size], active [B] or None: all) not yet fed to the model

    @property
    def num_rows(self):
        return self.history.num_rows

    def _injected(self):
        """Appends the ``inject`` callback's events; yields ``(rows, inputs)`` per round."""
        if self._inject is None:
            return
        for rows, events in self._inject(self.history):
            self.history.append(events, rows)
            yield rows, self._inputs.push(self.history, rows)

    def extend(self):
        """Samples one event per row; returns the log-probabilities of the events chosen."""
        if self._logits is None:
            self._feed_model()
        classes, log_probs = sample(self._logits, self._temperature, self._rng)
        if self._class_events is None:
            events = self._codec.decode(classes[:, None], self.history.recent(self._context))[:, 0]
        else:
            events = self._class_events[classes]
        self.history.append(events)
        self._feeds = [(self._inputs.push(self.history), None)]
        for rows, inputs in self._injected():
            dense = np.zeros_like(self._feeds[0][0])
            dense[rows] = inputs
            self._feeds.append((dense, np.isin(np.arange(self.num_rows), rows)))
        self._logits = None
        return log_probs

    def _feed_model(self):
        for inputs, active in self._feeds:
            logits, self._state = self._steps.step(inputs, self._state, active)
            self._logits = logits if active is None else np.where(active[:, None], logits, self._logits)
        self._feeds = []

    def take(self, rows):
        rows = np.asarray(rows, dtype=np.int64)
        self.history.take(rows)
        self._inputs.take(rows)
        self._state = self._steps.take(self._state, rows)
        if self._logits is not None:
            self._logits = self._logits[rows]
        self._feeds = [(inputs[rows], None if active is None else active[rows]) for inputs, active in self._feeds]


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
    """One generation request: continue primers into ``num_outputs`` outputs with a model and a codec.

    Attributes
    ----------
    steps : symphonia.generation.events_rnn.rnn_steps.RnnSteps
    codec : symphonia.codecs.EventCodec
    num_outputs : int
    options : symphonia.generation.options.GenerationOptions
    rng : numpy.random.Generator
    """

    steps: object
    codec: object
    num_outputs: int
    options: object
    rng: np.random.Generator

    def rollout(self, primer, inject=None, steps_of=None):
        """An :class:`EventsRollout` of the primer with a group of candidate rows per output."""
        return EventsRollout(self.steps, self.codec, primer, self.num_outputs * self.options.rows_per_output,
                             self.options.temperature, self.rng, inject=inject, steps_of=steps_of)

    def outputs(self, rollout):
        """Each output's events after :func:`search` (its best row)."""
        return [rollout.history.row(row) for row in range(0, rollout.num_rows, self.options.rows_per_output)]

    def continue_events(self, primer, num_events):
        """``num_outputs`` continuations of ``primer`` by ``num_events`` events each (primer included)."""
        rollout = self.rollout(primer)
        search(rollout, self.num_outputs, num_events, self.options)
        return self.outputs(rollout)
