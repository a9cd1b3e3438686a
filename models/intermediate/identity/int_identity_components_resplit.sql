{{ config(materialized='connected_components') }}
{#- Final pass, the part that can change: the components of the first pass that hold an
    end of a cut piece of evidence, solved again over their kept evidence. Cutting evidence
    can only split a component, and every kept piece of evidence was in the first pass's
    graph, so a component no cut touches is final as the first pass found it
    (int_identity_components_resolved); the rest are a few thousand identifiers even at a
    million persons, not the whole graph. -#}
with

graph as (
    select * from {{ ref('int_identity_edges_kept') }}
),

proposed as {{ not_materialized() }} (
    select * from {{ ref('int_identity_components_proposed') }}
),

cut_edges as {{ not_materialized() }} (
    select * from {{ ref('int_identity_edges_cut') }}
),

cut_ends as (
    select identifier_a_id as identifier_id from cut_edges
    union
    select identifier_b_id as identifier_id from cut_edges
),

touched_components as (
    select distinct proposed.component_node_id
    from proposed
    inner join cut_ends
        on proposed.node_id = cut_ends.identifier_id
),

touched_nodes as (
    select proposed.node_id
    from proposed
    inner join touched_components
        on proposed.component_node_id = touched_components.component_node_id
),

{# Both ends of a kept edge lie in one first-pass component, so selecting by its first end
    takes every kept edge of the touched components. #}
touched_graph as (
    select
        graph.node_a,
        graph.node_b
    from graph
    inner join touched_nodes
        on graph.node_a = touched_nodes.node_id
)

select * from touched_graph
