"""Validation: the SHACL and hygiene report of the bundled data, and of an uploaded file (bundled data untouched)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer as ex
import pandas as pd
import streamlit as st

from mrkg import catalog
from mrkg.errors import MrkgError

ex.setup("Validation")
st.markdown("Every entity is checked against the SHACL shapes (required facts, dates in order, a source on every "
            "fact ...) and hygiene checks. Each problem says which entity, what is wrong, and in which file.")

COLUMNS = {"severity": "Severity", "entity": "Entity", "problem": "What is wrong", "property": "Property",
           "value": "Value found", "file": "File", "check": "Check"}


def show_report(conforms: bool, rows: list[dict[str, str]], summary: str, key: str) -> None:
    if conforms and not rows:
        st.success(f"No problems found: {summary}.", icon="✅")
    elif conforms:
        st.warning(f"Valid, with {len(rows)} warning(s): {summary}.", icon="⚠️")
    else:
        st.error(f"{len(rows)} problem(s) found: {summary}.", icon="⛔")
    if rows:
        st.dataframe(pd.DataFrame(rows).rename(columns=COLUMNS).drop(columns=["id"]), hide_index=True,
                     width="stretch", key=key)


st.subheader("The bundled data")
with st.spinner("Validating the bundled data ..."):
    conforms, rows, summary = ex.bundled_validation()
show_report(conforms, rows, summary, "bundled_report")

st.subheader("Check your own file")
st.markdown("Upload a Turtle (or N-Triples, JSON-LD, RDF/XML) file with new or changed facts. It is checked "
            "against the bundled graph in a separate copy; the bundled data is not changed.")
upload = st.file_uploader("RDF file", type=["ttl", "nt", "jsonld", "rdf", "trig", "nq"], key="upload")
if upload is not None:
    try:
        with st.spinner("Validating your file ..."):
            kg, report = catalog.validate_upload(upload.getvalue(), upload.name)
        show_report(report.conforms, catalog.readable_violations(kg, report),
                    f"checked {report.nodes_checked} nodes of {upload.name}", "upload_report")
    except MrkgError as err:
        st.error(f"This file could not be read as RDF: {err}", icon="⚠️")
ex.footer()
