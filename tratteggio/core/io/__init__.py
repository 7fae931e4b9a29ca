"""Files in and out: reading and writing photos and masks, PNG chunks, atomic writes and file sets,
the user's state and log folders."""
