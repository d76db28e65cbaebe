"""Input documents built from shared per-tenant-period fragments are the bytes canonical_json gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from billing_dagster.domain.canonical import canonical_json
from billing_dagster.domain.facts import visible_facts
from billing_dagster.runtime.documents import TenantPeriodDocuments

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=12)
FACTS = st.fixed_dictionaries({
    "usage": st.dictionaries(st.text(min_size=1, max_size=8),
                             st.fixed_dictionaries({"sum": st.text(max_size=6), "count": st.integers()}), max_size=4),
    "tax": st.fixed_dictionaries({"rate": st.text(max_size=5), "exempt": st.booleans(), "region": st.text(max_size=3)}),
})
READS = st.sampled_from([{"usage": ["sum"]}, {"tax": ["exempt", "rate"]}, {"usage": ["sum", "count"], "tax": ["rate"]},
                         {"subscription": ["active_days"]}, {}])


@settings(max_examples=150, deadline=None)
@given(context=st.dictionaries(st.text(max_size=6), JSON, max_size=4), facts=FACTS, reads=READS,
       config=st.dictionaries(st.text(max_size=6), JSON, max_size=4), charges=st.lists(JSON, max_size=3))
def test_encode_is_canonical_json_of_the_whole_document(context, facts, reads, config, charges):
    documents = TenantPeriodDocuments(context, facts)
    expected = canonical_json({"abi": 1, "charges": charges, "config": config, "context": context,
                               "facts": visible_facts(facts, reads)}).encode()
    assert documents.encode(reads, config, charges) == expected
    assert documents.encode(reads, config, charges) == expected  # and again, from the shared fragments


def test_visible_facts_are_computed_once_per_distinct_reads():
    facts = {"usage": {"api": {"sum": "1", "count": 2}}, "tax": {"rate": "0.2"}}
    documents = TenantPeriodDocuments({"tenant": "t1"}, facts)
    first = documents.visible({"usage": ["sum"]})
    assert first == {"usage": {"api": {"sum": "1"}}}
    assert documents.visible({"usage": ["sum"]}) is first
    assert documents.visible({"tax": ["rate"]}) == {"tax": {"rate": "0.2"}}
