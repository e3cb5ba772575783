from django.urls import path

from kg.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
