from django.urls import path

from papers import views, views_upload

urlpatterns = [
    path("", views.paper_list, name="paper_list"),
    path("upload/", views_upload.paper_upload, name="paper_upload"),
    path("<slug:slug>/", views.paper_detail, name="paper"),
    path("<slug:slug>/sections/<str:key>/", views.section_detail, name="section"),
    path("<slug:slug>/download/", views_upload.paper_download, name="paper_download"),
    path("<slug:slug>/pages/<int:page>.png", views_upload.paper_page_image, name="paper_page_image"),
]
