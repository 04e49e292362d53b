from django.urls import path

from .views import calendars, pages

urlpatterns = [
    path("", pages.upcoming, name="events_upcoming"),
    path("new/class/<int:class_id>/", pages.new_class_event, name="events_new_class"),
    path("new/school/", pages.new_school_event, name="events_new_school"),
    path("<int:event_id>/", pages.event, name="events_event"),
    path("<int:event_id>/edit/", pages.edit_event, name="events_edit"),
    path("<int:event_id>/reply/", pages.reply, name="events_reply"),
    path("<int:event_id>/remind/", pages.remind, name="events_remind"),
    path("<int:event_id>/event.ics", calendars.event_ics, name="events_ics"),
    path("calendar/", calendars.calendar_page, name="events_calendar"),
    path("calendar/new-address/", calendars.calendar_revoke, name="events_calendar_revoke"),
    path("feed/<str:token>/calendar.ics", calendars.feed, name="events_feed"),
]
