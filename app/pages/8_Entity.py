"""One entity's page: its facts, dated events, what refers to it, and its sources (deep link: ?id=...)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer as ex
import pandas as pd
import streamlit as st

from mrkg.errors import MrkgError

ex.setup("Entity")
options = {e["id"]: f"{e['label']} ({e['kind']})" for e in ex.entities()}
ident = ex.param("id")
if not ident:
    ident = st.selectbox("Entity", list(options), key="entity_pick", format_func=options.get)
try:
    entity = ex.graph().entity(ident)
except MrkgError as err:
    ex.show_error(err)
    st.stop()
st.header(entity.label)
st.caption(f"{ex.short_id(entity.iri)} · <{entity.iri}>")
special = ex.page_for(entity.iri)
if special != ex.ENTITY:
    st.markdown(f"[Open its {special.lower()} page]({ex.entity_url(entity.iri)})")
facts = [f for f in entity.facts if f.predicate not in ("rdfs:label", "mrkg:hasEvent")]
st.markdown("**Facts**\n" + "\n".join(
    f"- *{f.predicate}*: {ex.link(f.target, f.value) if f.target else f.value}" for f in facts))
if entity.events:
    st.markdown("**Dated events**")
    st.dataframe(pd.DataFrame([e.__dict__ for e in entity.events]), hide_index=True, width="stretch",
                 key="events_table")
if entity.incoming:
    st.markdown("**Referred to by**\n" + "\n".join(
        f"- {ex.link(f.target, f.value)} ({f.predicate})" for f in entity.incoming))
ex.show_sources(entity.sources)
st.markdown(f"[Show its neighbourhood in the network view](./{ex.NETWORK}?id={ex.short_id(entity.iri)})")
if entity.iri.startswith(f"{ex.ID}jurisdiction/"):
    st.markdown(f"[Where can Gold Standard credits from here go?]({ex.pathway_url('gold-standard', entity.iri)})")
ex.footer()
