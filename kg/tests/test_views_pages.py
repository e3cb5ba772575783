"""Every page renders with the small library, full and as its htmx partial."""

import pytest

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_home(client, library):
    body = client.get("/").content.decode()
    assert "Most important concepts" in body
    assert 'href="/concepts/mla/"' in body and "/graph/" in body and 'action="/search/"' in body
    assert "DeepSeek-V3 Technical Report" in body and "MLA：多头潜在注意力" in body


def test_concept_page_shows_defining_sections_side_by_side(client, library):
    body = client.get("/concepts/mla/").content.decode()
    assert body.count('class="card def-card"') == 2
    v2, v3 = body.index("§2.1 Multi-Head Latent Attention: Boosting"), body.index("§2.1.1 Multi-Head Latent Attention")
    assert v2 < v3  # papers side by side in title order
    assert "多头潜在注意力" in body and "Multi-Head Latent Attention" in body  # names and aliases
    assert "improves on" in body and 'href="/concepts/mha/"' in body
    assert "MLA 如何减少 KV cache？" in body
    assert "MLA：多头潜在注意力" in body  # note
    assert 'data-graph="/api/graph?center=concept%3Amla' in body


def test_concept_unknown_is_404(client, db):
    assert client.get("/concepts/nope/").status_code == 404


def test_concept_backlinks_full_and_partial(client, library):
    from kg.tests import factories

    factories.mention(library["mla"], note=library["grpo_note"], context="context sentence 6", explicit=True)
    page = client.get("/concepts/mla/").content.decode()
    assert "context sentence 6" not in page and "Show backlinks with context" in page
    assert 'href="?backlinks=all#backlinks"' in page  # works without JS
    full = client.get("/concepts/mla/?backlinks=all").content.decode()
    assert "context sentence 6" in full and "<html" in full
    part = client.get("/concepts/mla/?backlinks=all&part=backlinks", **HTMX).content.decode()
    assert "context sentence 6" in part and "<html" not in part and part.strip().startswith('<section id="backlinks"')
    assert "DeepSeek-V2" in part  # sections that mention it, with context


def test_concept_path_full_and_partial(client, library):
    full = client.get("/concepts/mha/?to=kv-cache").content.decode()
    assert 'class="chain"' in full and "improved by" in full
    part = client.get("/concepts/mha/?to=kv-cache&part=path", **HTMX).content.decode()
    assert part.strip().startswith('<section class="card" id="path"') and "<html" not in part
    assert "DeepSeek-V2" in part or "§2.1" in part
    none = client.get("/concepts/mla/?to=grpo").content.decode()
    assert "No path between these concepts." in none


def test_paper_page_tree_and_heatmap(client, library):
    body = client.get("/papers/deepseek-v3/").content.decode()
    assert "2.1.1" in body and "Multi-Head Latent Attention" in body
    assert 'class="heatmap"' in body and "--heat: 1.00" in body
    assert client.get("/papers/nope/").status_code == 404


def test_section_page_links_concepts_and_neighbours(client, library):
    body = client.get("/papers/deepseek-v2/sections/2.1/").content.decode()
    assert '<a class="mention" href="/concepts/mla/"' in body
    assert 'href="/papers/deepseek-v2/sections/2/"' in body  # parent / previous
    assert "MLA 如何减少 KV cache？" in body
    assert client.get("/papers/deepseek-v2/sections/9.9/").status_code == 404


def test_question_bank_filters_full_and_partial(client, library):
    body = client.get("/questions/").content.decode()
    assert "MLA 如何减少 KV cache？" in body and "Why does GRPO not need a critic?" in body
    zh = client.get("/questions/?lang=zh").content.decode()
    assert "MLA 如何减少 KV cache？" in zh and "Why does GRPO" not in zh
    assert 'value="zh" selected' in zh  # the URL's filters show in the form
    part = client.get("/questions/?concept=grpo", **HTMX).content.decode()
    assert "<html" not in part and "Why does GRPO not need a critic?" in part and "MLA 如何" not in part
    tagged = client.get("/questions/?tag=hot&chapter=rlhf").content.decode()
    assert "Why does GRPO" in tagged and "MLA 如何" not in tagged


def test_question_page(client, library):
    body = client.get(f"/questions/{library['q1'].pk}/").content.decode()
    assert "§2.1 Multi-Head Latent Attention" in body and "MLA：多头潜在注意力" in body
    assert 'id="traced"' in body
    assert client.get("/questions/999999/").status_code == 404


def test_graph_page_full_and_partial(client, library):
    body = client.get("/graph/").content.decode()
    assert 'id="cy"' in body and "cytoscape.min.js" in body and 'href="/concepts/mla/"' in body
    centred = client.get("/graph/?center=concept:mla&depth=2").content.decode()
    assert 'href="/papers/deepseek-v2/sections/2.1/"' in centred
    part = client.get("/graph/?center=concept:mla&depth=1&kinds=concept", **HTMX).content.decode()
    assert part.strip().startswith('<section id="listing"') and "deepseek-v2/sections" not in part


@pytest.mark.parametrize("query", ["depth=9", "center=concept:nope", "kinds=planet", "community=x"])
def test_graph_page_bad_parameters_are_a_400_with_the_reason(client, library, query):
    response = client.get(f"/graph/?{query}")
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_graph_exports(client, library):
    graphml = client.get("/graph/export.graphml?center=concept:mla&depth=1")
    assert graphml.status_code == 200 and b"<graphml" in graphml.content
    assert "attachment" in graphml["Content-Disposition"]
    whole = client.get("/graph/export.json?all=1").json()
    assert any(n["id"] == f"question:{library['q1'].pk}" for n in whole["nodes"])
    assert client.get("/graph/export.csv").status_code == 404
    assert client.get("/graph/export.json?depth=7").status_code == 400


def test_search_page_full_and_partial(client, library):
    body = client.get("/search/?q=GRPO 为什么不需要 critic").content.decode()
    assert "<html" in body and "<mark>" in body and 'href="/concepts/grpo/"' in body
    part = client.get("/search/?q=多头潜在注意力", **HTMX).content.decode()
    assert "<html" not in part and 'href="/concepts/mla/"' in part
    empty = client.get("/search/").content.decode()
    assert "Type a concept" in empty
    assert client.get("/search/?q=" + "x" * 300).status_code == 400


def test_search_results_html_is_kept_only_for_one_content_version_kind_and_language(client, library):
    from kg.tests import factories

    assert "/concepts/rope/" not in client.get("/search/?q=RoPE").content.decode()
    factories.concept("rope", name="Rotary Position Embedding", acronym="RoPE")  # moves the content version
    assert 'href="/concepts/rope/"' in client.get("/search/?q=RoPE").content.decode()
    assert 'href="/concepts/rope/"' not in client.get("/search/?q=RoPE&kind=note").content.decode()
    chinese = client.get("/search/?q=RoPE", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/search/?q=RoPE", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 result" in english and "1 result" not in chinese  # each language its own fragment


def test_preview_full_and_partial(client, library):
    part = client.get("/preview/concept:mla/", **HTMX).content.decode()
    assert "<html" not in part and "preview-card" in part and "low-rank" in part
    full = client.get("/preview/section:deepseek-v2:2.1/").content.decode()
    assert "<html" in full and "Multi-Head Latent Attention" in full
    assert client.get("/preview/note:mla-note/", **HTMX).status_code == 200
    assert client.get(f"/preview/question:{library['q2'].pk}/", **HTMX).status_code == 200
    assert client.get("/preview/concept:nope/").status_code == 404
    assert client.get("/preview/planet:x/").status_code == 404


def test_paper_list(client, library):
    body = client.get("/papers/").content.decode()
    assert "DeepSeek-V3 Technical Report" in body


def test_question_bank_pages_keep_the_filters(client, library):
    from kg.tests import factories

    for i in range(55):
        factories.question(f"Paged question {i}?", chapter=library["arch"], lang="en", concepts=[library["mla"]])
    first = client.get("/questions/?concept=mla").content.decode()
    assert "56 questions" in first and first.count('class="card question-row"') == 50
    assert 'href="?concept=mla&amp;page=2"' in first
    second = client.get("/questions/?concept=mla&page=2", HTTP_HX_REQUEST="true").content.decode()
    assert second.count('class="card question-row"') == 6 and "<html" not in second


def test_a_signed_out_search_page_is_kept_whole_with_each_readers_own_token(library, django_user_model):
    import re

    from django.test import Client

    from kg.pagecache import CSRF_STAND_IN

    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = Client(), Client()
    a, b = first.get("/search/?q=MLA"), second.get("/search/?q=MLA")  # b is served from the cache
    ta, tb = token.search(a.content.decode()).group(1), token.search(b.content.decode()).group(1)
    assert ta != tb and CSRF_STAND_IN not in b.content.decode()
    second.handler.enforce_csrf_checks = True  # the copy's token is valid for its reader
    assert second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tb}).status_code == 302
    user = django_user_model.objects.create_user("reader", password="pw-12345-long")
    second.force_login(user)
    assert "reader" in second.get("/search/?q=MLA").content.decode()  # rendered for the user, not the copy
