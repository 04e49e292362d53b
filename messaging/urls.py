from django.urls import path

from .views import moderation, office, overdue, photos, threads

urlpatterns = [
    path("", threads.inbox_page, name="messaging_inbox"),
    path("new/", threads.start, name="messaging_start"),
    path("<int:thread_id>/", threads.thread_view, name="messaging_thread"),
    path("<int:thread_id>/seen/", threads.mark_seen, name="messaging_mark_seen"),
    path("message/<int:message_id>/withdraw/", threads.withdraw, name="messaging_withdraw"),
    path("message/<int:message_id>/flag/", moderation.flag, name="messaging_flag"),
    path("moderation/", moderation.queue, name="messaging_moderation"),
    path("moderation/<int:flag_id>/", moderation.decide, name="messaging_decide"),
    path("office/", office.office_inbox_page, name="messaging_office"),
    path("office/<int:thread_id>/", office.office_thread, name="messaging_office_thread"),
    path(
        "office/<int:thread_id>/<slug:action>/",
        office.office_thread_action,
        name="messaging_office_action",
    ),
    path("<int:thread_id>/ready-reply/", office.ready_reply, name="messaging_ready_reply"),
    path("class/", office.broadcast, name="messaging_broadcast"),
    path("overdue/", overdue.overdue_page, name="messaging_overdue"),
    path("photo/<uuid:key>/", photos.photo, name="messaging_photo"),
    path("photo/<uuid:key>/thumb/", photos.thumbnail, name="messaging_photo_thumb"),
]
