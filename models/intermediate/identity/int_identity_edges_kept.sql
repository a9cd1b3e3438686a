{#- The graph of the final pass: every pair of identifiers that a kept piece of evidence
    links (all evidence but the cuts), and every linkable identifier as a node of its own (a
    row whose `node_b` is null), in the `connected_components` input form. A view: the final
    pass reads only the part of it that a cut touched, and the identity bench checks the
    final partition against all of it. -#}
{{ config(materialized='view') }}
with

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

edges as (
    select * from {{ ref('int_identity_edges_linked') }}
),

cut_edges as (
    select * from {{ ref('int_identity_edges_cut') }}
),

kept_edges as (
    select
        edges.identifier_a_id as node_a,
        edges.identifier_b_id as node_b
    from edges
    left join cut_edges
        on {{ datong.identity_edges_match('edges', 'cut_edges') }}
    where cut_edges.edge_id is null
),

linkable_nodes as (
    select
        identifier_id as node_a,
        cast(null as {{ dbt.type_string() }}) as node_b
    from identifiers
    where is_linkable
),

graph as (
    select * from kept_edges
    union all
    select * from linkable_nodes
)

select * from graph
