"""SPARQL: a read-only query box with examples, a time limit, results as a table with downloads."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer as ex
import pandas as pd
import streamlit as st

from mrkg.catalog import DEFAULT_QUERY_SECONDS
from mrkg.errors import MrkgError, UsageError

ex.setup("SPARQL")
st.markdown("Read-only SPARQL 1.1 over the ontology and data. Prefixes `mrkg:`, `id:`, `rdfs:`, `skos:`, "
            "`dcterms:`, `schema:`, `owl:`, `xsd:` are predeclared; `?a a mrkg:Agreement` finds every kind of "
            "agreement. Updates are refused.")

EXAMPLES = {
    "Singapore's implementation agreements": """SELECT ?agreement ?label WHERE {
  ?agreement a mrkg:ImplementationAgreement ; mrkg:party <https://w3id.org/mrkg/id/jurisdiction/SG> ;
             rdfs:label ?label .
} ORDER BY ?label""",
    "Mutual recognition agreements and what they recognise": """SELECT ?agreement ?programme ?recognisedAs WHERE {
  ?agreement a mrkg:MutualRecognitionAgreement ; mrkg:recognisedProgramme ?programme ; mrkg:recognisedAs ?recognisedAs .
}""",
    "Agreements signed since 2025": """SELECT ?agreement ?date WHERE {
  ?agreement mrkg:hasEvent ?e . ?e mrkg:stage mrkg:stageSigned ; mrkg:date ?date .
  FILTER (?date >= "2025-01-01"^^xsd:date)
} ORDER BY DESC(?date)""",
    "Members of ASEAN": """SELECT ?member ?name WHERE {
  ?m a mrkg:Membership ; mrkg:bloc <https://w3id.org/mrkg/id/jurisdiction/ASEAN> ; mrkg:member ?member .
  ?member rdfs:label ?name .
} ORDER BY ?name""",
    "Schemes that accept no offset credits": """SELECT ?scheme ?rule WHERE {
  ?rule a mrkg:EligibilityRule ; mrkg:ruleOf ?scheme ; mrkg:acceptsNoCredits true .
}""",
    "Count of entities per class": """SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n)""",
}

runner = ex.query_runner()
runner.start()  # the worker loads its copy of the graph once; later queries are fast

example = st.selectbox("Example queries", list(EXAMPLES), key="example")
if st.session_state.get("_last_example") != example:
    st.session_state["query"] = EXAMPLES[example]
    st.session_state["_last_example"] = example
if ex.param("q") and "_from_link" not in st.session_state:
    st.session_state["query"] = ex.param("q")
    st.session_state["_from_link"] = True
query = st.text_area("Query", key="query", height=200)
limit = st.number_input("Time limit (seconds)", min_value=1.0, max_value=60.0, value=DEFAULT_QUERY_SECONDS,
                        step=1.0, key="time_limit")
if st.button("Run query", key="run", type="primary") or "answer" not in st.session_state:
    try:
        st.session_state["answer"] = runner.run(query, timeout=limit)
        st.session_state.pop("query_error", None)
    except UsageError as err:
        st.session_state["query_error"] = f"Refused: {err}"
        st.session_state.pop("answer", None)
    except MrkgError as err:
        st.session_state["query_error"] = str(err)
        st.session_state.pop("answer", None)

if st.session_state.get("query_error"):
    st.error(st.session_state["query_error"], icon="⚠️")
answer = st.session_state.get("answer")
if answer is not None:
    st.write(f"**{len(answer.rows)} row{'s' if len(answer.rows) != 1 else ''}** in {answer.seconds * 1000:.0f} ms")
    st.dataframe(pd.DataFrame(answer.rows, columns=answer.headers), hide_index=True, width="stretch",
                 key="results")
    c1, c2 = st.columns(2)
    c1.download_button("Download CSV", answer.csv, file_name="query.csv", mime="text/csv", key="dl_csv")
    c2.download_button("Download JSON", answer.json, file_name="query.json", mime="application/json", key="dl_json")
ex.footer()
