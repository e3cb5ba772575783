from django.urls import path

from kg import api
from kg.views import concepts, graph, home, previews, questions, search
from kg.views import trace as trace_views

urlpatterns = [
    path("", home.home, name="home"),
    path("concepts/<slug:slug>/", concepts.concept_detail, name="concept"),
    path("questions/", questions.question_list, name="questions"),
    path("questions/<int:pk>/", questions.question_detail, name="question"),
    path("graph/", graph.graph_page, name="graph"),
    path("graph/export.<str:fmt>", graph.graph_export, name="graph_export"),
    path("search/", search.search_page, name="search"),
    path("trace/", trace_views.trace_page, name="trace"),
    path("api/trace", trace_views.trace_api, name="api_trace"),
    path("questions/<int:pk>/verdicts/", trace_views.trace_verdict, name="trace_verdict"),
    path("preview/<str:node>/", previews.preview, name="preview"),
    path("api/concepts/<str:slug>", api.concept_detail, name="api_concept"),
    path("api/graph", api.graph, name="api_graph"),
    path("api/path", api.path, name="api_path"),
    path("api/search", api.search, name="api_search"),
]
