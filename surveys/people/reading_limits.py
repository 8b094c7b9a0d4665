"""What a file may weigh before the import reads it, and the error it raises when it cannot."""

from __future__ import annotations

from surveys.i18n import TranslatableError

MAX_FILE_BYTES = 10 * 1024 * 1024  # the file as uploaded (CSV, or XLSX compressed)
MAX_ROWS = 150_000  # data rows (the 10 MB CSV limit allows about 100,000 real ones)
MAX_XLSX_UNCOMPRESSED_BYTES = 150 * 1024 * 1024  # every member of the XLSX archive, unpacked
MAX_COLUMNS = 64


class ImportFileError(TranslatableError):
    """The file as a whole cannot be read (the message says why, in the reader's language)."""
