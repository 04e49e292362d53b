"""Building a subject-access export (R28): a ZIP of JSON files, media and a README.

``registry.AREAS`` lists the JSON files and the models each holds; ``archive.archive_write``
writes the ZIP. Nothing here touches the ``DataExport`` row: ``privacy.services.export`` does.
"""
