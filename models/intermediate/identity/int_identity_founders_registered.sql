{{ config(materialized='incremental', incremental_strategy='append') }}
{#- The register of founding identifiers, one row per identifier that ever named a customer.
    A build registers a founder only for a component that holds no registered founder yet
    (its identifier seen first, then the smallest id), so an id, once given, stays attached
    to its identifier even when older records arrive later. -#}
with

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

components as (
    select * from {{ ref('int_identity_components_resolved') }}
),

registered as (
    {% if is_incremental() %}
        select founder_identifier_id from {{ this }}
    {% else %}
        select cast(null as {{ dbt.type_string() }}) as founder_identifier_id
        from identifiers
        where 1 = 0
    {% endif %}
),

members as (
    select
        components.component_node_id,
        identifiers.identifier_id,
        identifiers.first_seen_at,
        registered.founder_identifier_id is not null as is_registered
    from components
    inner join identifiers
        on components.node_id = identifiers.identifier_id
    left join registered
        on identifiers.identifier_id = registered.founder_identifier_id
),

unfounded_components as (
    select component_node_id
    from members
    group by 1
    having max(case when is_registered then 1 else 0 end) = 0
),

new_founders as (
    select
        members.identifier_id as founder_identifier_id,
        members.first_seen_at
    from members
    inner join unfounded_components
        on members.component_node_id = unfounded_components.component_node_id
    qualify row_number() over (
        partition by members.component_node_id
        order by members.first_seen_at asc nulls last, members.identifier_id asc
    ) = 1
),

final as (
    select
        {{ dbt.concat(["'c_'", "substr(" ~ dbt.hash("founder_identifier_id") ~ ", 1, 20)"]) }}
            as customer_id,
        founder_identifier_id,
        first_seen_at as founded_at,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
            as registered_at
    from new_founders
)

select * from final
