"""Writes to consent records. ``media`` for media consent and looked-after status (R11, R13,
R14); ``data_processing`` for parents' data-processing consent (R4); ``imports`` for pupils
imported from the school's records."""
