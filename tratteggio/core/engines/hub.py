"""Models in the Hugging Face hub cache: download (with progress and cancel), list, remove.

One implementation for the CLI (`tratteggio models`) and the studio's model manager. Errors become
one sentence saying what failed and what to do, never a library's raw text.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tratteggio.core.engines.models import cached_snapshot, offline
from tratteggio.core.errors import Cancelled, ModelError

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CachedModel:
    id: str
    size_bytes: int
    path: Path


def download_model(
    model_id: str,
    revision: str | None = None,
    on_progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    patterns: list[str] | None = None,
) -> Path:
    """Download `model_id` into the hub cache; an interrupted download resumes next time.

    `on_progress(bytes_done, bytes_total)` follows the download; `cancel()` is polled as bytes
    arrive and True raises `Cancelled`. `patterns` limits the download to the files they match.
    """
    if offline():
        raise ModelError(
            f"cannot download {model_id}: offline mode is on (HF_HUB_OFFLINE); unset it on a machine "
            "with a network connection"
        )
    from huggingface_hub import snapshot_download

    try:
        folder = snapshot_download(
            model_id, revision=revision, allow_patterns=patterns, tqdm_class=_reporter(on_progress, cancel)
        )
    except Cancelled:
        raise
    except Exception as exc:
        raise ModelError(download_error(model_id, exc)) from None
    return Path(str(folder))


def _reporter(on_progress: Progress | None, cancel: Callable[[], bool] | None) -> Any:
    from tqdm.auto import tqdm

    class Reporter(tqdm):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.bytes = kwargs.get("unit") == "B"
            self.count, self.size = 0.0, kwargs.get("total") or 0
            kwargs["disable"] = True  # we report progress ourselves; keep the library's bars quiet
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if cancel is not None and cancel():
                raise Cancelled("download cancelled; it resumes where it stopped next time")
            self.count += n or 0
            total = getattr(self, "total", None) or self.size
            if on_progress is not None and self.bytes and total:
                on_progress(int(self.count), int(total))
            return None

    return Reporter


def download_error(model_id: str, exc: BaseException) -> str:
    """What failed and what to do, in one sentence."""
    name = type(exc).__name__
    text = str(exc)
    if name == "GatedRepoError" or "gated" in text.lower():
        return (
            f"{model_id} is gated: accept its licence on huggingface.co, then log in with "
            "`hf auth login` and try again"
        )
    if name in ("RepositoryNotFoundError", "RevisionNotFoundError"):
        return f"{model_id}: no such model (or revision) on the hub; check the id"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"not enough disk space to download {model_id}; free space in the model cache and try again"
    if name in (
        "ConnectError",
        "ConnectionError",
        "ConnectTimeout",
        "ReadTimeout",
        "LocalEntryNotFoundError",
    ):
        return (
            f"could not reach the model hub to download {model_id}: check the network connection "
            "(or proxy), then try again; the download resumes where it stopped"
        )
    first = text.splitlines()[0] if text else "no details"
    return f"could not download {model_id} ({name}: {first[:120]}); try again, it resumes where it stopped"


def cached_models() -> list[CachedModel]:
    """Every model repository in the hub cache, with its size on disk."""
    from huggingface_hub import scan_cache_dir

    try:
        info = scan_cache_dir()
    except Exception:  # no cache yet
        return []
    return [
        CachedModel(repo.repo_id, int(repo.size_on_disk), Path(repo.repo_path))
        for repo in sorted(info.repos, key=lambda r: r.repo_id)
        if repo.repo_type == "model"
    ]


def cached_model_ids() -> set[str]:
    """The ids of the model repositories in the hub cache, from its folder names: the ids
    `cached_models` gives, without loading the hub's cache scanner (half a second at start-up)."""
    from huggingface_hub import constants

    try:
        folders = list(Path(constants.HF_HUB_CACHE).iterdir())
    except OSError:  # no cache yet
        return set()
    return {
        folder.name.split("--", 1)[1].replace("--", "/")
        for folder in folders
        if folder.name.startswith("models--") and (folder / "snapshots").is_dir()
    }


def remove_model(model_id: str) -> int:
    """Delete every cached revision of `model_id`; returns the bytes freed."""
    from huggingface_hub import scan_cache_dir

    if cached_snapshot(model_id) is None and not any(m.id == model_id for m in cached_models()):
        raise ModelError(f"{model_id} is not in the local cache")
    info = scan_cache_dir()
    revisions = [rev.commit_hash for repo in info.repos if repo.repo_id == model_id for rev in repo.revisions]
    strategy = info.delete_revisions(*revisions)
    strategy.execute()
    return int(strategy.expected_freed_size)
