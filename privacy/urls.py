from django.urls import path

from .views import deletion, exports, notices

urlpatterns = [
    path("notice/", notices.notice_parents, name="privacy_notice_parents"),
    path("notice/children/", notices.notice_pupils, name="privacy_notice_pupils"),
    path("export/", exports.export_page, name="privacy_export"),
    path("export/<uuid:key>/", exports.export_status, name="privacy_export_status"),
    path("export/<uuid:key>/download/", exports.export_file, name="privacy_export_download"),
    path("delete/", deletion.account_delete, name="privacy_account_delete"),
]
