"""What a user's set-up needs: the doctor's report, system-library checks, the sample photo.

The top room of core: it may look at every room below it, and nothing in core looks at it.
"""
