from django.urls import path

from .views import award, live, monster, reports, tablet

urlpatterns = [
    path("class/<int:class_id>/", award.class_screen, name="points_class"),
    path("class/<int:class_id>/award/", award.award, name="points_award"),
    path("undo/<uuid:batch>/", award.undo, name="points_undo"),
    path("class/<int:class_id>/skills/", award.class_skills_page, name="points_class_skills"),
    path(
        "class/<int:class_id>/skills/<int:skill_id>/archive/",
        award.class_skill_archive,
        name="points_class_skill_archive",
    ),
    path("child/<int:pupil_id>/", reports.points_child, name="points_child"),
    path("me/points/", reports.pupil_points, name="pupil_points"),
    path("me/points/live/", live.pupil_points_live, name="pupil_points_live"),
    path("class/<int:class_id>/report/", reports.points_class_report, name="points_class_report"),
    path("class/<int:class_id>/report.csv", reports.points_class_csv, name="points_class_csv"),
    path("tablet/", tablet.tablet_page, name="pupil_tablet"),
    path("me/monster/", monster.pupil_monster, name="pupil_monster"),
    path("me/monster/preview/", monster.pupil_monster_preview, name="pupil_monster_preview"),
    path("me/notice/", monster.pupil_notice, name="pupil_notice"),
    path(
        "pupil/<int:pupil_id>/avatar/reset/",
        monster.points_avatar_reset,
        name="points_avatar_reset",
    ),
]
