"""The events of every row of a generation batch so far, primer included.

Generation appends one event per row per step and reads only the newest few
(the event ``d`` steps back, for lookback features and repeat labels), so the
events live in one preallocated buffer that doubles when full: appending and
reading cost O(batch), never O(length). Rows may differ in length (polyphony's
primer injection adds events to some rows only).

``steps_of``, when given, maps events to how many musical steps each one
closes (a polyphonic STEP_END closes one, a note none), and ``steps`` keeps
every row's running total.
"""

import numpy as np


class EventHistory:
    """Events ``[rows, length, *event_shape]`` with per-row lengths.

    Parameters
    ----------
    event_shape : tuple of int
    event_dtype : numpy dtype
    rows : int
    steps_of : callable, optional
        ``steps_of(events [n, *event_shape]) -> int [n]``.
    """

    def __init__(self, event_shape, event_dtype, rows=1, steps_of=None, capacity=64):
        self._events = np.zeros((rows, capacity, *event_shape), dtype=event_dtype)
        self.lengths = np.zeros(rows, dtype=np.int64)
        self._steps_of = steps_of
        self.steps = np.zeros(rows, dtype=np.int64)

    @property
    def num_rows(self):
        return len(self.lengths)

    def _rows(self, rows):
        return np.arange(self.num_rows) if rows is None else np.asarray(rows, dtype=np.int64)

    def append(self, events, rows=None):
        """Appends one event to each of ``rows`` (all rows when None): ``events [len(rows), *event_shape]``."""
        rows = self._rows(rows)
        if len(rows) and self.lengths[rows].max() >= self._events.shape[1]:
            grown = np.zeros_like(self._events, shape=(self.num_rows, 2 * self._events.shape[1],
                                                       *self._events.shape[2:]))
            grown[:, :self._events.shape[1]] = self._events
            self._events = grown
        self._events[rows, self.lengths[rows]] = events
        self.lengths[rows] += 1
        if self._steps_of is not None:
            self.steps[rows] += self._steps_of(np.asarray(events))

    def back(self, distance, rows=None):
        """The event ``distance`` places before the newest of each row (0: the newest), and whether it exists.

        Returns
        -------
        events : numpy.ndarray, shape [len(rows), *event_shape]
            Where there is no such event, the row's first event slot (meaningless).
        exists : numpy.ndarray of bool, shape [len(rows)]
        """
        rows = self._rows(rows)
        index = self.lengths[rows] - 1 - distance
        return self._events[rows, np.maximum(index, 0)], index >= 0

    def recent(self, count):
        """The last ``min(count, length)`` events of every row, ``[rows, n, *event_shape]``.

        Rows must be equally long (only injection makes them differ, and it is
        used with codecs whose labels never look back).
        """
        length = int(self.lengths[0]) if self.num_rows else 0
        if (self.lengths != length).any():
            raise ValueError("rows of different lengths have no common recent window")
        return self._events[:, max(length - count, 0):length]

    def row(self, index):
        """A copy of one row's events ``[length, *event_shape]``."""
        return self._events[index, :self.lengths[index]].copy()

    def take(self, rows):
        """Keeps the rows at the indices ``rows`` (repeats allowed), in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        self._events = self._events[rows]
        self.lengths = self.lengths[rows]
        self.steps = self.steps[rows]
