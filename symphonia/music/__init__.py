"""Reading music files into NoteSequences and converting whole directories."""
