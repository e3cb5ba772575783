import networkx as nx
import pytest

from kg import graph
from kg.graph import analysis
from kg.graph.build import build_graph, current_graph
from kg.tests import factories
from kg.versioning import content_changed

pytestmark = pytest.mark.django_db


def test_nodes_and_typed_edges(library):
    g = build_graph()
    assert g.nodes["concept:mla"]["kind"] == "concept"
    assert g.nodes["concept:mla"]["url"] == "/concepts/mla/"
    assert g.nodes["section:deepseek-v2:2.1"]["url"] == "/papers/deepseek-v2/sections/2.1/"
    assert g.has_edge("concept:mla", "concept:mha", key="improves-on")
    assert g.has_edge("section:deepseek-v2:2.1", "concept:mla", key="defines")
    assert g.has_edge("section:deepseek-v2:2.1", "concept:kv-cache", key="mentions")
    assert g.has_edge("note:mla-note", "section:deepseek-v2:2.1", key="cites")
    assert g.has_edge("note:grpo-note", "note:mla-note", key="links-to")
    assert g.has_edge(f"question:{library['q1'].pk}", "concept:mla", key="about")
    assert g.has_edge(f"question:{library['q1'].pk}", "note:mla-note", key="answered-by")
    assert g.has_edge("paper:deepseek-v2", "section:deepseek-v2:2", key="contains")
    assert g.has_edge("section:deepseek-v2:2", "section:deepseek-v2:2.1", key="contains")


def test_defining_mention_weighs_more_than_a_passing_one(library):
    g = build_graph()
    defines = g.edges["section:deepseek-v2:2.1", "concept:mla", "defines"]["weight"]
    passing = g.edges["section:deepseek-v2:2.1", "concept:kv-cache", "mentions"]["weight"]
    assert defines > passing


def test_cache_follows_the_content_version(library):
    first = current_graph()
    assert current_graph() is first
    factories.concept("rope", name="RoPE")  # bumps the version, as every content write does
    second = current_graph()
    assert second is not first and "concept:rope" in second
    content_changed()
    assert current_graph() is not second


def test_importance_ranks_the_much_discussed_concept_first(library):
    rank = analysis.importance()
    assert set(rank) == {"concept:mla", "concept:mha", "concept:kv-cache", "concept:grpo", "concept:ppo"}
    assert max(rank, key=rank.get) == "concept:mla"
    assert rank["concept:mla"] > rank["concept:ppo"]


def test_communities_are_stable_and_split_attention_from_rl(library):
    first = analysis.communities()
    analysis_again = graph.build.clear_cache() or analysis.communities()
    assert first == analysis_again
    assert first["concept:mla"] == first["concept:mha"]
    assert first["concept:grpo"] == first["concept:ppo"]
    assert first["concept:mla"] != first["concept:grpo"]


def test_typed_path_prefers_relations_and_lists_supporting_sections(library):
    steps = analysis.typed_path("concept:mha", "concept:kv-cache")
    assert [s["target"] for s in steps] == ["concept:mla", "concept:kv-cache"]
    assert steps[0]["type"] == "improves-on" and steps[0]["forward"] is False
    assert "section:deepseek-v2:2.1" in steps[0]["sections"]


def test_typed_path_between_unrelated_concepts_is_empty(library):
    assert analysis.typed_path("concept:mla", "concept:grpo") == []


def test_typed_path_unknown_concept(library):
    with pytest.raises(analysis.GraphError, match="unknown concept: nope"):
        analysis.typed_path("concept:nope", "concept:mla")


def test_neighbourhood_depth_and_kinds(library):
    one = analysis.neighbourhood("concept:mla", depth=1)
    assert "section:deepseek-v2:2.1" in one and "concept:mha" in one
    assert "paper:deepseek-v2" not in one
    two = analysis.neighbourhood("concept:mla", depth=2)
    assert "section:deepseek-v2:2" in two and two.nodes["section:deepseek-v2:2"]["distance"] == 2
    concepts_only = analysis.neighbourhood("concept:mla", depth=2, kinds={"concept"})
    assert {d["kind"] for _, d in concepts_only.nodes(data=True)} == {"concept"}


def test_neighbourhood_is_capped(library):
    capped = analysis.neighbourhood("concept:mla", depth=3, limit=4)
    assert len(capped) == 4 and "concept:mla" in capped


@pytest.mark.parametrize("depth", [0, 4])
def test_neighbourhood_bad_depth(library, depth):
    with pytest.raises(analysis.GraphError, match="depth"):
        analysis.neighbourhood("concept:mla", depth=depth)


def test_concept_layer_without_center(library):
    layer = analysis.neighbourhood(None)
    assert {d["kind"] for _, d in layer.nodes(data=True)} == {"concept"}
    assert layer.has_edge("concept:grpo", "concept:ppo")


def test_exports_read_back_with_networkx(library, tmp_path):
    sub = analysis.neighbourhood("concept:mla", depth=2)
    path = tmp_path / "g.graphml"
    path.write_bytes(graph.to_graphml(sub))
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(sub.nodes)
    assert back.nodes["concept:mla"]["kind"] == "concept"
    linked = nx.node_link_graph(graph.to_node_link(current_graph()), edges="edges")
    assert set(linked.nodes) == set(current_graph().nodes)
    assert linked.number_of_edges() == current_graph().number_of_edges()


def test_build_uses_a_fixed_number_of_queries(library, django_assert_num_queries):
    with django_assert_num_queries(10):
        build_graph()


def test_pagerank_matches_networkx_reference():
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    g = nx.gnm_random_graph(40, 90, seed=3)
    g.add_node(40)  # dangling
    for u, v in g.edges:
        g.edges[u, v]["weight"] = 1 + (u * v) % 4
    g = nx.relabel_nodes(g, str)
    prior = {n: 1 + int(n) % 3 for n in g}
    ours = analysis.pagerank(g, prior)
    reference = _pagerank_python(g, personalization=prior, weight="weight", dangling=prior, tol=1e-12, max_iter=1000)
    assert all(abs(ours[n] - reference[n]) < 1e-6 for n in g)
