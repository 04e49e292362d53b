"""The installable app's URLs, at the site's root: a service worker's scope is the folder it is
served from, and the manifest's scope is the whole site."""

from django.urls import path

from . import catalogue, views

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="pwa_manifest"),
    path("sw.js", views.service_worker, name="pwa_service_worker"),
    path("offline/", views.offline, name="pwa_offline"),
    path("pwa/icon-<int:size>.png", views.icon, name="pwa_icon"),
    path(
        "pwa/icon-maskable-<int:size>.png",
        views.icon,
        {"maskable": True},
        name="pwa_icon_maskable",
    ),
    path("jsi18n/", catalogue.javascript_catalogue, name="javascript_catalogue"),
]
