{#- One row per final component (customer) with its customer_id, the id of the founding
    identifier it holds (int_identity_founders_registered). A component holding several
    founders is a merge: the founder registered first (then seen first) keeps its id, the
    others are retired. A split keeps the id on the part that holds the founder; the other
    part was given a founder of its own by the register in the same build. -#}
with

registered_founders as (
    select * from {{ ref('int_identity_founders_registered') }}
),

components as (
    select * from {{ ref('int_identity_components_resolved') }}
),

founders_held as (
    select
        components.component_node_id,
        components.component_size,
        registered_founders.customer_id,
        registered_founders.founder_identifier_id,
        registered_founders.founded_at,
        registered_founders.registered_at
    from components
    inner join registered_founders
        on components.node_id = registered_founders.founder_identifier_id
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
