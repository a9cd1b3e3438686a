{#- Every node of the fixture graph (chain, hub, cycle, pair, loop, lone node, star with a
    tail) is in the component its edge row expects, and no node is missing. -#}
with

fixture_edges as {{ not_materialized() }} (
    select * from {{ ref('identity_component_fixture_edges') }}
),

fixture_components as (
    select * from {{ ref('int_identity_fixture_components_resolved') }}
),

expected_nodes as (
    select
        node_a as node_id,
        expected_component_node_id
    from fixture_edges
    union
    select
        node_b as node_id,
        expected_component_node_id
    from fixture_edges
    where node_b is not null
),

mismatches as (
    select
        expected_nodes.node_id,
        expected_nodes.expected_component_node_id,
        fixture_components.component_node_id
    from expected_nodes
    left join fixture_components
        on expected_nodes.node_id = fixture_components.node_id
    where
        fixture_components.component_node_id is null
        or fixture_components.component_node_id <> expected_nodes.expected_component_node_id
)

select * from mismatches
