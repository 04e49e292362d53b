from django.urls import URLPattern, URLResolver, include, path

from . import views_delete, views_export, views_notices

urlpatterns: list[URLPattern | URLResolver] = [
    path("notice/", views_notices.notice_parents, name="privacy_notice_parents"),
    path("notice/children/", views_notices.notice_pupils, name="privacy_notice_pupils"),
    path("", include(views_export.urlpatterns)),
    path("delete/", views_delete.account_delete, name="privacy_account_delete"),
]
