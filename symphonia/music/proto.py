"""The NoteSequence protobuf, the very message note-seq and Magenta use.

Records we write are read by Magenta's tools and theirs by ours, because the
message class is note-seq's own generated one (loaded without note-seq's heavy
package import, see :mod:`symphonia.music.note_seq_modules`).
"""

from symphonia.music.note_seq_modules import import_note_seq_module

music_pb2 = import_note_seq_module("protobuf.music_pb2")
NoteSequence = music_pb2.NoteSequence
