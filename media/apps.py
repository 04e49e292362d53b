from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    """Processing every upload before it is stored (R8, R9): what a file really is (``uploads``,
    ``formats``), photos re-encoded without metadata with their thumbnails (``photos``), consent
    scans checked the same way (``scans``), files kept under random names and deleted with their
    rows (``storage``), and the form field that takes several files (``forms``).

    It holds no models and imports no domain app: stories, messaging, consent and privacy call
    it, never the other way round.
    """

    name = "media"
    label = "media"
    verbose_name = _("Media")
