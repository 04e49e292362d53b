"""The installable app (issue 7): the web app manifest, the service worker, the offline page and
the icons, all drawn from the School row and the same for every visitor; and the scripts' texts
in the visitor's language (the JavaScript catalogue, ``catalogue.py``).

These files hold nothing private, so no gate (sign-in, code of conduct, data-processing consent,
pupil allow-list, suspension) may put its own page in their place: a browser that fetched the
sign-in page as its service worker or manifest would break the app on the home screen. The gates
read ``URL_NAMES`` to let them through.
"""

URL_NAMES = frozenset(
    {
        "pwa_manifest",
        "pwa_service_worker",
        "pwa_offline",
        "pwa_icon",
        "pwa_icon_maskable",
        "javascript_catalogue",
    }
)
