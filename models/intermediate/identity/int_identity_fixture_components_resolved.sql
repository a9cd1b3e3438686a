{{ config(materialized='connected_components', tags=['identity_fixture']) }}

with

fixture_edges as (
    select * from {{ ref('identity_component_fixture_edges') }}
),

edges as (
    select
        node_a,
        node_b
    from fixture_edges
)

select * from edges
