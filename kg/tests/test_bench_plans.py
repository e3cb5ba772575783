"""Reading EXPLAIN output (kg.bench.plans): which tables a plan reads whole."""

from kg.bench.plans import PlannedQuery, whole_table_reads

NESTED = """Hash Join  (cost=15.13..546.72 rows=274 width=24)
  Hash Cond: (kg_mention.concept_id = kg_concept.id)
  ->  Nested Loop  (cost=0.71..531.55 rows=274 width=20)
        ->  Index Scan using papers_section_paper_id_a2e6f114 on papers_section  (cost=0.29..18.23 rows=50 width=8)
              Index Cond: (paper_id = 300)
        ->  Index Scan using kg_mention_section_id_021060b0 on kg_mention  (cost=0.42..10.21 rows=6 width=20)
              Index Cond: (section_id = papers_section.id)
  ->  Hash  (cost=12.52..12.52 rows=152 width=20)
        ->  Seq Scan on kg_concept  (cost=0.00..12.52 rows=152 width=20)"""

FULL_INDEX_WALK = """Limit  (cost=0.42..10.00 rows=20 width=8)
  ->  Index Scan Backward using kg_mention_pkey on kg_mention  (cost=0.42..9000.00 rows=260000 width=8)
        Filter: (count > 3)
  ->  Bitmap Heap Scan on kg_notelink  (cost=4.3..20.1 rows=5 width=8)
        Recheck Cond: (target_concept_id = 6)
        ->  Bitmap Index Scan on kg_notelink_target_concept_id  (cost=0.00..4.3 rows=5 width=0)
              Index Cond: (target_concept_id = 6)"""


def test_index_lookups_are_not_whole_reads_but_seq_scans_are():
    assert whole_table_reads(NESTED) == {"kg_concept"}


def test_an_index_walked_without_a_condition_is_a_whole_read():
    assert whole_table_reads(FULL_INDEX_WALK) == {"kg_mention"}


def test_planned_query_names_only_big_tables():
    query = PlannedQuery("page", "SELECT 1", plan=NESTED.replace("Index Scan using kg_mention_section_id_021060b0",
                                                                   "Seq Scan"), indexed_plan=NESTED)
    assert query.big_seq_scans == {"kg_mention"}  # as planned on a small database
    assert query.unindexed == set()  # but an index serves it
    assert PlannedQuery("page", "SELECT 1", plan=FULL_INDEX_WALK).unindexed == {"kg_mention"}
