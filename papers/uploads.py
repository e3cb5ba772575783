"""A cap on upload size, enforced while the request body streams in.

Django alone would accept a file of any size into a temporary file before a view could
look at it. This handler, first in FILE_UPLOAD_HANDLERS, stops storing as soon as the
declared length or the received bytes pass PDF_MAX_BYTES and marks the request, so the
view answers 413 and nothing past the cap is ever kept.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Room for the multipart boundaries and the other form fields around the file.
ENVELOPE = 64 * 1024


class CappedUploadHandler(FileUploadHandler):
    declared_too_large = False
    refused = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Refused at the first file byte, not here: the fields before the file (the CSRF
        # token) are still read, so the client gets a 413 rather than a CSRF failure.
        self.declared_too_large = content_length > settings.PDF_MAX_BYTES + ENVELOPE

    def receive_data_chunk(self, raw_data, start):
        if self.declared_too_large or start + len(raw_data) > settings.PDF_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        self.refused = True
        raise StopUpload(connection_reset=False)


def upload_too_large(request) -> bool:
    """Whether the capped handler refused this request's upload (call after reading FILES)."""
    request.FILES  # noqa: B018 - parse the body (once) so the handlers have run
    return any(getattr(handler, "refused", False) for handler in request.upload_handlers)
