"""How collected static files are stored in production."""

from collections.abc import Iterator
from typing import Any

from django.contrib.staticfiles.utils import matches_patterns
from whitenoise.storage import CompressedManifestStaticFilesStorage

#: The GC Design System's fonts package ships sample stylesheets whose font URLs are placeholders
#: (``path/to/file/...``). Comptoir declares the fonts itself (``comptoir/fonts.css``), so these
#: samples are copied but never post-processed (hashing would fail on their placeholder URLs).
UNPROCESSED = ["gcds/fonts/*/gcds-*.css"]


class ComptoirStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise has no type hints
    """WhiteNoise's compressed, hashed-names storage, minus the GC font samples."""

    def post_process(
        self,
        paths: dict[str, Any],
        dry_run: bool = False,  # noqa: FBT001, FBT002 - Django's signature
        **options: Any,
    ) -> Iterator[Any]:
        kept = {
            path: value for path, value in paths.items() if not matches_patterns(path, UNPROCESSED)
        }
        yield from super().post_process(kept, dry_run=dry_run, **options)
