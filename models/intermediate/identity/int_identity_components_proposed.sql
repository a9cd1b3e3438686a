{{ config(materialized='connected_components') }}
{#- First pass: components of every linkable identifier over all evidence except the pairs a
    reviewer split by hand. Its customers are checked against the per-type caps and the
    remaining force-splits before the final pass. -#}
with

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

edges as (
    select * from {{ ref('int_identity_edges_linked') }}
),

overrides as {{ not_materialized() }} (
    select * from {{ ref('identity_overrides') }}
),

split_pairs as (
    select
        identifier_a_id,
        identifier_b_id
    from overrides
    where override_action = 'force_split'
    union all
    select
        identifier_b_id,
        identifier_a_id
    from overrides
    where override_action = 'force_split'
),

kept_edges as (
    select
        edges.identifier_a_id as node_a,
        edges.identifier_b_id as node_b
    from edges
    left join split_pairs
        on
            edges.identifier_a_id = split_pairs.identifier_a_id
            and edges.identifier_b_id = split_pairs.identifier_b_id
    where split_pairs.identifier_a_id is null
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
