from django.urls import path

from .views import centre, push

urlpatterns = [
    path("", centre.notification_list, name="notifications"),
    path("<int:pk>/open", centre.notification_open, name="notification_open"),
    path("<int:pk>/read", centre.notification_read, name="notification_read"),
    path("read-all", centre.notifications_read_all, name="notifications_read_all"),
    path("settings", centre.notification_settings, name="notification_settings"),
    path("unsubscribe/<str:token>", centre.unsubscribe, name="notifications_unsubscribe"),
    path("push/subscribe", push.push_subscribe_view, name="push_subscribe"),
    path("push/unsubscribe", push.push_unsubscribe_view, name="push_unsubscribe"),
]
