"""Routes of the note pages, included under /notes/ by kg/urls.py."""

from django.urls import path

from kg.views import notes

urlpatterns = [
    path("new/", notes.note_new, name="note_new"),
    path("preview/", notes.note_preview, name="note_preview"),
    path("complete/", notes.note_complete, name="note_complete"),
    path("<str:slug>/", notes.note_detail, name="note"),
    path("<str:slug>/edit/", notes.note_edit, name="note_edit"),
    path("<str:slug>/link/", notes.note_link_it, name="note_link_it"),
    path("<str:slug>/attachments/<int:pk>/", notes.note_attachment, name="note_attachment"),
]
