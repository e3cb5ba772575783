"""The JSON API: documented shapes, and a clear 4xx JSON error for every bad parameter."""

import networkx as nx
import pytest

pytestmark = pytest.mark.django_db


def test_concept_shape_and_ranking(client, library):
    body = client.get("/api/concepts/mla").json()
    assert {"slug", "name", "aliases", "summary", "relations", "sections", "notes", "questions"} <= set(body)
    assert body["slug"] == "mla" and "Multi-Head Latent Attention" in body["aliases"]
    assert {"type": "improves-on", "target": "mha", "direction": "out"} in body["relations"]
    first = body["sections"][0]
    assert set(first) >= {"paper", "number", "title", "page", "defines", "score"}
    assert set(first["paper"]) >= {"title", "filename"}
    assert [s["defines"] for s in body["sections"]] == sorted((s["defines"] for s in body["sections"]), reverse=True)
    assert first["number"] == "2.1" and first["paper"]["filename"] == "deepseek-v2.pdf"
    assert body["notes"][0]["slug"] == "mla-note"
    assert body["questions"][0]["text"] == "MLA 如何减少 KV cache？"


def test_concept_unknown(client, db):
    response = client.get("/api/concepts/nope")
    assert response.status_code == 404 and response.json() == {"error": "unknown concept: nope"}


def test_graph_concept_layer_without_center(client, library):
    body = client.get("/api/graph").json()
    assert {n["kind"] for n in body["nodes"]} == {"concept"}
    mla = next(n for n in body["nodes"] if n["id"] == "concept:mla")
    assert mla["url"] == "/concepts/mla/" and mla["label"] == "MLA" and "community" in mla
    assert {"source": "concept:mla", "target": "concept:mha", "type": "improves-on", "weight": 1.0} in body["edges"]


def test_graph_neighbourhood_readable_by_networkx(client, library):
    body = client.get("/api/graph?center=concept:mla&depth=2&kinds=concept,section").json()
    g = nx.MultiDiGraph()
    g.add_nodes_from((n["id"], n) for n in body["nodes"])
    g.add_edges_from((e["source"], e["target"], e) for e in body["edges"])
    assert "section:deepseek-v3:2.1.1" in g and {d["kind"] for _, d in g.nodes(data=True)} == {"concept", "section"}
    assert g.has_edge("section:deepseek-v3:2.1.1", "concept:mla")


def test_graph_center_by_bare_slug(client, library):
    body = client.get("/api/graph?center=grpo&depth=1").json()
    assert body["center"] == "concept:grpo" and any(n["id"] == "concept:ppo" for n in body["nodes"])


@pytest.mark.parametrize("query, status, message", [
    ("center=concept:nope", 404, "unknown node: concept:nope"),
    ("center=concept:mla&depth=4", 400, "depth must be from 1 to 3, not 4"),
    ("center=concept:mla&depth=two", 400, "depth must be a whole number"),
    ("center=concept:mla&kinds=planet", 400, "unknown kinds: planet"),
    ("center=" + "x" * 400, 400, "center is too long"),
])
def test_graph_bad_parameters(client, library, query, status, message):
    response = client.get(f"/api/graph?{query}")
    assert response.status_code == status
    assert message in response.json()["error"]


def test_path(client, library):
    body = client.get("/api/path?from=mha&to=kv-cache").json()
    assert body["found"] is True
    assert [s["type"] for s in body["steps"]] == ["improves-on", "related-to"]
    assert body["steps"][0]["sections"][0]["url"].startswith("/papers/")


def test_path_none_and_errors(client, library):
    assert client.get("/api/path?from=mla&to=grpo").json() == {"from": "mla", "to": "grpo", "found": False,
                                                                 "steps": []}
    missing = client.get("/api/path?from=mla")
    assert missing.status_code == 400 and "required" in missing.json()["error"]
    unknown = client.get("/api/path?from=mla&to=nope")
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown concept: nope"


def test_search(client, library):
    body = client.get("/api/search?q=多头潜在注意力").json()
    assert body["results"][0]["id"] == "concept:mla"
    assert body["results"][0]["url"] == "/concepts/mla/"


@pytest.mark.parametrize("query, message", [("", "empty"), ("q=", "empty"), ("q=" + "a" * 201, "longer than 200"),
                                            ("q=mla&kinds=planet", "unknown kinds")])
def test_search_bad_parameters(client, db, query, message):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and message in response.json()["error"]


def test_api_is_read_only(client, library):
    assert client.post("/api/graph").status_code == 405


def test_no_parameter_makes_a_500(client, library):
    from urllib.parse import urlencode

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(center=text, depth=text, kinds=text, q=text, source=text, target=text)
    def check(center, depth, kinds, q, source, target):
        for path, params in [("/api/graph", {"center": center, "depth": depth, "kinds": kinds}),
                             ("/api/search", {"q": q}), ("/api/path", {"from": source, "to": target}),
                             ("/graph/", {"center": center, "depth": depth}), ("/search/", {"q": q})]:
            response = client.get(f"{path}?{urlencode(params)}")
            assert response.status_code < 500, (path, params)

    check()


def test_graph_neighbourhood_is_served_again_until_the_content_changes(client, library, monkeypatch):
    from kg.graph import analysis
    from kg.tests import factories as f

    calls = []
    real = analysis.neighbourhood
    monkeypatch.setattr(analysis, "neighbourhood", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    url = "/api/graph?center=concept:mla&depth=1&kinds=concept,section"
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200 and first["Content-Type"] == "application/json"
    assert again.json() == first.json() and len(calls) == 1
    assert client.get("/api/graph?center=concept:mla&depth=2").json()["depth"] == 2 and len(calls) == 2
    f.relation(f.concept("brand-new"), library["mla"])
    changed = client.get(url).json()
    assert len(calls) == 3 and changed["version"] != first.json()["version"]
    assert "concept:brand-new" in {n["id"] for n in changed["nodes"]}
