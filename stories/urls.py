from django.urls import path

from .views import albums, compose, feed, media, reminders

urlpatterns = [
    path("", feed.feed, name="stories_feed"),
    path("<int:post_id>/", feed.post_detail, name="stories_post"),
    path("<int:post_id>/like/", feed.like, name="stories_like"),
    path("new/class/<int:class_id>/", compose.compose_class, name="stories_new_class"),
    path("new/school/", compose.compose_school, name="stories_new_school"),
    path("<int:post_id>/edit/", compose.edit, name="stories_edit"),
    path("<int:post_id>/delete/", compose.delete, name="stories_delete"),
    path("media/<uuid:key>/", media.media, name="stories_media"),
    path("media/<uuid:key>/thumb/", media.thumbnail, name="stories_thumbnail"),
    path("media/<uuid:key>/download/", media.download, name="stories_download"),
    path("<int:post_id>/photo/<uuid:key>/", albums.photo, name="stories_photo"),
    path("class/<int:class_id>/album/", albums.class_album_page, name="stories_class_album"),
    path("child/<int:pupil_id>/album/", albums.child_album_page, name="stories_child_album"),
    path(
        "class/<int:class_id>/reminders/",
        reminders.class_reminders,
        name="stories_class_reminders",
    ),
    path("school/reminders/", reminders.school_reminders, name="stories_school_reminders"),
    path("reminders/<int:reminder_id>/stop/", reminders.stop, name="stories_reminder_stop"),
    path(
        "reminders/<int:reminder_id>/undo/",
        reminders.restart,
        name="stories_reminder_restart",
    ),
]
