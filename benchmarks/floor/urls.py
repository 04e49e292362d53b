"""The floor's one page: signed in, a template with the user's name, a CSRF token and the
messages, as the smallest page of any signed-in site."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path


@login_required
def page(request: HttpRequest) -> HttpResponse:
    return render(request, "floor.html")


urlpatterns = [path("", page, name="floor")]
