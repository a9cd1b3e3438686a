{#- The final pass converged: no kept piece of evidence joins two different customers or
    reaches an identifier without one, and every linkable identifier has a customer. -#}
with

edges as {{ not_materialized() }} (
    select * from {{ ref('int_identity_edges_linked') }}
),

cut_edges as (
    select * from {{ ref('int_identity_edges_cut') }}
),

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_resolved') }}
),

identifiers_without_customer as (
    select identifier_id from identifiers
    where customer_id is null
),

{# Every piece of evidence is checked, and the cut ones are set aside last, among the few that
   fail: the cut removed first, DuckDB underestimated the kept evidence (7.2M rows) and
   built its joins' hash tables on it instead of on the identifiers, and spilled
   (docs/scale.md, "The night's spill"). Customers are compared where both identifiers have
   one; an identifier without one fails on its own. #}
edges_failing as {{ materialized() }} (
    select
        {{ datong.identity_edge_key('edges') }},
        'edge joins two customers' as failure
    from edges
    inner join identifiers as identifier_a
        on edges.identifier_a_id = identifier_a.identifier_id
    inner join identifiers as identifier_b
        on edges.identifier_b_id = identifier_b.identifier_id
    where
        identifier_a.customer_id is not null
        and identifier_b.customer_id is not null
        and identifier_a.customer_id <> identifier_b.customer_id
    union all
    select
        {{ datong.identity_edge_key('edges') }},
        'edge reaches an identifier without customer' as failure
    from edges
    where
        edges.identifier_a_id in (
            select identifiers_without_customer.identifier_id
            from identifiers_without_customer
        )
        or edges.identifier_b_id in (
            select identifiers_without_customer.identifier_id
            from identifiers_without_customer
        )
),

kept_edges_failing as (
    select
        {{ datong.identity_edge_id('edges_failing') }} as failing_id,
        edges_failing.failure
    from edges_failing
    left join cut_edges
        on {{ datong.identity_edges_match('edges_failing', 'cut_edges') }}
    where cut_edges.edge_id is null
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
    select * from kept_edges_failing
    union all
    select * from linkable_without_customer
)

select * from failures
