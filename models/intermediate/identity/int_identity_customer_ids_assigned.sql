{#- One row per final component (customer) with its customer_id, the id of the current
    founding identifier it holds (int_identity_founders_registered). A component holding
    several founders is a merge: the customer registered first (then its founder seen first)
    keeps its id, the others are retired. A split keeps the id on the part that holds the
    founder; the other part was given a founder of its own by the register in the same build.
    A customer whose founder left the graph keeps its id through the successor the register
    named. -#}
with

registered as {{ not_materialized() }} (
    select * from {{ ref('int_identity_founders_registered') }}
),

components as (
    select * from {{ ref('int_identity_components_resolved') }}
),

current_founders as (
    {{ current_founder_registrations('registered') }}
),

{# An id is as old as its first registration, whichever founder holds it now. #}
customer_ages as (
    select
        customer_id,
        min(registered_at) as customer_registered_at
    from registered
    group by 1
),

founders_held as (
    select
        components.component_node_id,
        components.component_size,
        current_founders.customer_id,
        current_founders.founder_identifier_id,
        current_founders.founded_at,
        customer_ages.customer_registered_at as registered_at
    from components
    inner join current_founders
        on components.node_id = current_founders.founder_identifier_id
    inner join customer_ages
        on current_founders.customer_id = customer_ages.customer_id
),

assigned as (
    select
        customer_id,
        component_node_id,
        founder_identifier_id,
        component_size as identifier_count,
        founded_at,
        registered_at
    from founders_held
    qualify row_number() over (
        partition by component_node_id
        order by registered_at asc, founded_at asc nulls last, founder_identifier_id asc
    ) = 1
)

select * from assigned
