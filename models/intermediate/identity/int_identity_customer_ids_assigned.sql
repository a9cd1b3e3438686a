{#- One row per final component (customer) with its customer_id: `c_` and 20 hex of the hash
    of its founding identifier, the one seen first (then the smallest id). The id depends only
    on that identifier, so it survives new data; when two customers merge the older founder,
    and so the older id, survives; when a customer splits, the part that keeps the founder
    keeps the id and the other part is named after its own founder. -#}
with

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

components as (
    select * from {{ ref('int_identity_components_resolved') }}
),

members as (
    select
        components.component_node_id,
        components.component_size,
        identifiers.identifier_id,
        identifiers.first_seen_at
    from components
    inner join identifiers
        on components.node_id = identifiers.identifier_id
),

founders as (
    select
        component_node_id,
        component_size,
        identifier_id as founder_identifier_id,
        first_seen_at as founded_at
    from members
    qualify row_number() over (
        partition by component_node_id
        order by first_seen_at asc nulls last, identifier_id asc
    ) = 1
),

assigned as (
    select
        {{ dbt.concat(["'c_'", "substr(" ~ dbt.hash("founder_identifier_id") ~ ", 1, 20)"]) }}
            as customer_id,
        component_node_id,
        founder_identifier_id,
        component_size as identifier_count,
        founded_at
    from founders
)

select * from assigned
