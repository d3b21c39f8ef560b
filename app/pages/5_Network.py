"""Network: an interactive view of one entity's neighbourhood (st-link-analysis, Cytoscape.js)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer as ex
import pandas as pd
import streamlit as st
from st_link_analysis import EdgeStyle, NodeStyle, st_link_analysis

from mrkg import catalog
from mrkg.errors import MrkgError

ex.setup("Network")
st.markdown("The entities linked to one country, programme, scheme or agreement. Sources and dated events are "
            "left out (see the entity's page for them). Drag to rearrange; click a node to see its details.")

COLOURS = {"Country": "#4e79a7", "RegionalBloc": "#76b7b2", "ImplementationAgreement": "#59a14f",
           "Article6MOU": "#edc948", "JCMPartnership": "#b07aa1", "MutualRecognitionAgreement": "#f28e2b",
           "EligibilityRule": "#9c755f", "Methodology": "#bab0ac", "Organisation": "#ff9da7"}


@st.cache_data(show_spinner=False)
def neighbourhood(ident: str, depth: int) -> catalog.Subgraph:
    return catalog.neighbourhood(ex.graph(), ident, depth=depth)


def styles(sub: catalog.Subgraph) -> tuple[list[NodeStyle], list[EdgeStyle]]:
    kinds = sorted({n["kind"] for n in sub.nodes})
    nodes = [NodeStyle(k, COLOURS.get(k, "#e15759" if "Programme" in k or "Standard" in k or "Mechanism" in k
                                      else "#79706e"), "name") for k in kinds]
    # labeled=None: st-link-analysis 0.4.0 warns about its deprecated 'labeled' unless it is passed as None.
    edges = [EdgeStyle(lbl, caption="label", labeled=None, directed=True)  # type: ignore[arg-type]
             for lbl in sorted({e["label"] for e in sub.edges})]
    return nodes, edges


options = {e["id"]: f"{e['label']} ({e['kind']})" for e in ex.entities()}
wanted = ex.param("id", "jurisdiction/SG")
if wanted not in options:
    try:
        wanted = ex.short_id(ex.graph().resolve(wanted))
    except MrkgError as err:
        ex.show_error(err)
        wanted = "jurisdiction/SG"
ex.init_state("net_center", wanted if wanted in options else "jurisdiction/SG")
c1, c2 = st.columns([3, 1])
center = c1.selectbox("Centre on", list(options), key="net_center", format_func=options.get)
depth = c2.radio("Steps", [1, 2], key="net_depth", horizontal=True)
st.query_params.from_dict({"id": center})
sub = neighbourhood(center, depth)
st.write(f"**{len(sub.nodes)} entities, {len(sub.edges)} links** around {ex.link(sub.center, options.get(center))}"
         + (" (cut at 150 entities)" if sub.truncated else ""))
node_styles, edge_styles = styles(sub)
st_link_analysis(sub.elements(), layout="cose", node_styles=node_styles, edge_styles=edge_styles, height=520,
                 key=f"network-{center}-{depth}")
with st.expander("The same entities as a list (with links to their pages)"):
    st.dataframe(pd.DataFrame([{"entity": n["label"], "kind": n["kind"], "page": ex.entity_url(n["id"])}
                               for n in sub.nodes]), hide_index=True, width="stretch", key="net_table",
                 column_config={"page": st.column_config.LinkColumn("page", display_text="open")})
ex.footer()
