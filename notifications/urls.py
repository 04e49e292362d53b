from django.urls import path

from . import views, views_push

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/open", views.notification_open, name="notification_open"),
    path("<int:pk>/read", views.notification_read, name="notification_read"),
    path("read-all", views.notifications_read_all, name="notifications_read_all"),
    path("settings", views.notification_settings, name="notification_settings"),
    path("unsubscribe/<str:token>", views.unsubscribe, name="notifications_unsubscribe"),
    path("push/subscribe", views_push.push_subscribe_view, name="push_subscribe"),
    path("push/unsubscribe", views_push.push_unsubscribe_view, name="push_unsubscribe"),
]
