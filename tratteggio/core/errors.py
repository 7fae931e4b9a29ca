"""The one family of errors core raises for anything a user can cause.

The CLI and the studio catch `TratteggioError` and show its message; anything else is a bug.
"""

from __future__ import annotations


class TratteggioError(Exception):
    """A problem with the user's input or environment, with a message fit to show them."""


class ImageLoadError(TratteggioError):
    """A photo or mask file could not be read (missing, corrupt, truncated, unsupported, too big)."""


class ImageSaveError(TratteggioError):
    """A result could not be written."""


class MaskError(TratteggioError):
    """A mask does not fit the photo (size mismatch, empty)."""


class RequestError(TratteggioError):
    """A restoration request is invalid (unknown engine, out-of-range parameter)."""


class ModelError(TratteggioError):
    """A model cannot be found, loaded or trusted."""


class RecordError(TratteggioError):
    """A conservation record or project is malformed, foreign, or disagrees with the files it names."""


class ProjectError(TratteggioError):
    """A project file is corrupt, truncated, foreign, or its master cannot be found."""


class MasterMissing(ProjectError):
    """The master is neither where the project says nor embedded: ask the user where it went.
    `path` is where the project recorded it, `sha256` the hash a found file must have."""

    def __init__(self, path: str, sha256: str) -> None:
        super().__init__(f"the master photo {path} is missing; locate it (it is checked by its SHA-256)")
        self.path, self.sha256 = path, sha256


class Cancelled(TratteggioError):
    """The run was cancelled by the user; nothing was written."""

    def __init__(self, message: str = "restoration cancelled") -> None:
        super().__init__(message)
