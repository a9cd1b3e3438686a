{#- Final pass of identity resolution: the first pass's components that no cut touched, as
    they were, and the touched ones as int_identity_components_resplit solved them again.
    The same partition as a connected-components pass over the whole final graph
    (int_identity_edges_kept), which tests/python/test_identity_components.py checks. -#}
with

proposed as (
    select * from {{ ref('int_identity_components_proposed') }}
),

resplit as {{ not_materialized() }} (
    select * from {{ ref('int_identity_components_resplit') }}
),

untouched as (
    select
        proposed.node_id,
        proposed.component_node_id,
        proposed.component_size,
        proposed.contraction_rounds
    from proposed
    left join resplit
        on proposed.node_id = resplit.node_id
    where resplit.node_id is null
),

resolved as (
    select * from untouched
    union all
    select
        node_id,
        component_node_id,
        component_size,
        contraction_rounds
    from resplit
)

select * from resolved
