"""The conservation record: what was done to which master, written beside every result with the
loss map and the mask, read back to verify or rerun it."""
