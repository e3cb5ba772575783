from django.urls import path

from papers import views

urlpatterns = [
    path("", views.paper_list, name="paper_list"),
    path("<slug:slug>/", views.paper_detail, name="paper"),
    path("<slug:slug>/sections/<str:key>/", views.section_detail, name="section"),
]
