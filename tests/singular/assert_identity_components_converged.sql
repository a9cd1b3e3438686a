{#- The final pass converged: no kept piece of evidence joins two different customers, and
    every linkable identifier has a customer. -#}
with

edges as (
    select * from {{ ref('int_identity_edges_linked') }}
),

cut_edges as (
    select * from {{ ref('int_identity_edges_cut') }}
),

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_resolved') }}
),

kept_edges as (
    select edges.*
    from edges
    left join cut_edges
        on {{ datong.identity_edges_match('edges', 'cut_edges') }}
    where cut_edges.edge_id is null
),

edges_across_customers as (
    select
        {{ datong.identity_edge_id('kept_edges') }} as failing_id,
        'edge joins two customers' as failure
    from kept_edges
    inner join identifiers as identifier_a
        on kept_edges.identifier_a_id = identifier_a.identifier_id
    inner join identifiers as identifier_b
        on kept_edges.identifier_b_id = identifier_b.identifier_id
    where
        identifier_a.customer_id is null
        or identifier_b.customer_id is null
        or identifier_a.customer_id <> identifier_b.customer_id
),

linkable_without_customer as (
    select
        identifier_id as failing_id,
        'linkable identifier without customer' as failure
    from identifiers
    where
        is_linkable
        and customer_id is null
),

failures as (
    select * from edges_across_customers
    union all
    select * from linkable_without_customer
)

select * from failures
