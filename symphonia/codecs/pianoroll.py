"""Pianoroll codec (``pianoroll``, the RNN-NADE's): one 88-key boolean frame per step.

A frame's key k is MIDI pitch ``21 + k`` (A0..C8); a sequence is a ``[T, 88]``
boolean array.

Magenta's label is the frame read as the integer ``sum(2**k)``, which needs 88
bits and cannot be stored in an int64. Here the label of a step is the next
frame as 88 zeros and ones instead (the RNN-NADE learns every key of the frame
anyway), and the compact row is the frame packed little-endian into 11 bytes,
whose integer value is exactly Magenta's label.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.base import EventCodec
from symphonia.codecs.features import pack_bits, unpack_bits

MIN_PITCH = 21
MAX_PITCH = 108
NUM_KEYS = MAX_PITCH - MIN_PITCH + 1
BYTES_PER_FRAME = NUM_KEYS // 8


class PianorollCodec(EventCodec):
    """Input = the frame itself (88 floats); label = the next frame (88 ints)."""

    name = "pianoroll"
    input_size = NUM_KEYS
    num_classes = 2**NUM_KEYS  # Magenta's count of possible frames; a frame is never one class here.
    default_event_label = 0
    index_size = BYTES_PER_FRAME
    event_shape = (NUM_KEYS,)
    event_dtype = np.bool_

    def encode_indices(self, events: ArrayLike) -> NDArray[np.int64]:
        frames = self.as_events(events)
        return pack_bits(frames.reshape(len(frames), BYTES_PER_FRAME, 8))

    def inputs_from_indices(self, indices: ArrayLike) -> NDArray[np.float32]:
        indices = np.asarray(indices, dtype=np.int64)
        bits = unpack_bits(indices, 8)
        return bits.reshape(*indices.shape[:-1], NUM_KEYS).astype(np.float32)

    def labels(self, events: ArrayLike) -> NDArray[np.int64]:
        """The next frame of every step as int64 ``[T-1, 88]``."""
        return self.as_events(events)[1:].astype(np.int64)

    def decode(self, labels: ArrayLike, history: ArrayLike | None = None) -> NDArray[np.bool_]:
        """Frames for sampled 0/1 frames ``[B, T, 88]``; a frame never depends on the history."""
        labels = np.asarray(labels)
        if labels.shape[-1:] != (NUM_KEYS,):
            raise ValueError(f"pianoroll labels end in an axis of {NUM_KEYS} keys, got shape {labels.shape}")
        return labels != 0

    def label_steps(self, labels: ArrayLike) -> NDArray[np.int64]:
        return np.ones(np.shape(labels)[:-1], dtype=np.int64)


def pianoroll() -> PianorollCodec:
    """The 88-key frame codec of both RNN-NADE configs."""
    return PianorollCodec()


def frames_from_notes(
    pitches: ArrayLike,
    start_steps: ArrayLike,
    end_steps: ArrayLike,
    total_steps: int,
    start_step: int = 0,
    split_repeats: bool = True,
) -> NDArray[np.bool_]:
    """Frames ``[total_steps - start_step, 88]`` for quantized notes.

    Notes outside the piano range or starting before ``start_step`` are left
    out. With ``split_repeats`` the frame just before every onset is cleared
    for that pitch, so a note struck again right after itself (or while still
    held) is seen as two notes, at the cost of one step of its predecessor.

    Magenta writes notes one by one, so its result can depend on their order;
    this matches it for notes written in start order, ties by end. In other
    orders Magenta's bug shows: a note starting at step 0 clears the *last*
    frame (index -1 wraps around), erasing the tail of a same-pitch note
    written before it. That wrap is not reproduced.
    """
    pitches, starts, ends = (np.asarray(a, dtype=np.int64) for a in (pitches, start_steps, end_steps))
    num_steps = max(total_steps - start_step, 0)
    starts, ends = starts - start_step, ends - start_step
    kept = (starts >= 0) & (starts <= num_steps) & (pitches >= MIN_PITCH) & (pitches <= MAX_PITCH)
    keys, starts, ends = pitches[kept] - MIN_PITCH, starts[kept], np.clip(ends[kept], starts[kept], num_steps)
    changes = np.zeros((num_steps + 1, NUM_KEYS), dtype=np.int64)
    np.add.at(changes, (starts, keys), 1)
    np.add.at(changes, (ends, keys), -1)
    frames = np.cumsum(changes, axis=0)[:num_steps] > 0
    if split_repeats:
        onsets = np.zeros((num_steps + 1, NUM_KEYS), dtype=bool)
        onsets[starts, keys] = True
        frames &= ~onsets[1:]
    return frames


def notes_from_frames(frames: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Notes ``(MIDI pitches, start_steps, end_steps)``: a key on in consecutive frames is one note.

    Sorted by start step, then pitch. A note still on in the last frame ends after it.
    """
    frames = np.asarray(frames, dtype=np.int8).reshape(-1, NUM_KEYS)
    silence = np.zeros((1, NUM_KEYS), dtype=np.int8)
    edges = np.diff(np.concatenate([silence, frames, silence]), axis=0)
    start_keys, starts = np.nonzero(edges.T == 1)
    end_keys, ends = np.nonzero(edges.T == -1)
    order = np.lexsort((start_keys, starts))
    return start_keys[order] + MIN_PITCH, starts[order], ends[order]
