{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=(none if var('datong_identity_restart_history') else false),
) }}
{#- The register of founding identifiers: the identifiers that name customers. A build
    registers a founder only for a component that holds no current founder (its
    identifier seen first, then the smallest id), so an id, once given, stays attached to its
    identifier even when older records arrive later. One row per registration (a founder
    superseded and later back in the graph is registered again).

    A founder that left the graph (excluded, erased) hands its customer id on: the component
    without a founder that holds most of that customer's identifiers of the previous build
    registers its founder as the successor, under the old id (`predecessor_identifier_id`
    names the founder it replaces, which is then no longer current). -#}

{#- A register built before successions existed has no predecessor column yet (the build adds
    it: on_schema_change append_new_columns); its registrations are all first ones. -#}
{%- set built = none -%}
{%- if execute and is_incremental() and this is not string -%}
    {%- set built = load_relation(this) -%}
{%- endif -%}
{%- set built_columns = adapter.get_columns_in_relation(built) | map(attribute='name')
    | map('lower') | list if built is not none else [] %}
with

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

components as {{ not_materialized() }} (
    select * from {{ ref('int_identity_components_resolved') }}
),

registered as (
    {% if is_incremental() %}
        select
            customer_id,
            founder_identifier_id,
            {% if built is none or 'predecessor_identifier_id' in built_columns -%}
                predecessor_identifier_id,
            {%- else -%}
                cast(null as {{ dbt.type_string() }}) as predecessor_identifier_id,
            {%- endif %}
            registered_at
        from {{ this }}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as {{ dbt.type_string() }}) as founder_identifier_id,
            cast(null as {{ dbt.type_string() }}) as predecessor_identifier_id,
            cast(null as timestamp) as registered_at
        from identifiers
        where 1 = 0
    {% endif %}
),

previous_mapping as (
    {% if is_incremental() %}
        select * from {{ previous_identity_mapping() }} as previous_mapping
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as identifier_id,
            cast(null as {{ dbt.type_string() }}) as customer_id
        from identifiers
        where 1 = 0
    {% endif %}
),

current_founders as (
    {{ current_founder_registrations('registered') }}
),

members as (
    select
        components.component_node_id,
        identifiers.identifier_id,
        identifiers.first_seen_at,
        current_founders.founder_identifier_id is not null as is_founder
    from components
    inner join identifiers
        on components.node_id = identifiers.identifier_id
    left join current_founders
        on identifiers.identifier_id = current_founders.founder_identifier_id
),

unfounded_components as (
    select component_node_id
    from members
    group by 1
    having max(case when is_founder then 1 else 0 end) = 0
),

elected as (
    select
        members.component_node_id,
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

{# Customers whose current founder is in no component any more. #}
lost_customers as (
    select
        current_founders.customer_id,
        current_founders.founder_identifier_id
    from current_founders
    left join components
        on current_founders.founder_identifier_id = components.node_id
    where components.node_id is null
),

{# How many of a lost customer's previous identifiers each founderless component holds. #}
claims as (
    select
        lost_customers.customer_id,
        lost_customers.founder_identifier_id as predecessor_identifier_id,
        elected.component_node_id,
        count(*) as shared_identifier_count
    from lost_customers
    inner join previous_mapping
        on lost_customers.customer_id = previous_mapping.customer_id
    inner join components
        on previous_mapping.identifier_id = components.node_id
    inner join elected
        on components.component_node_id = elected.component_node_id
    group by 1, 2, 3
),

customer_ages as (
    select
        customer_id,
        min(registered_at) as customer_registered_at
    from registered
    group by 1
),

ranked_claims as (
    select
        claims.customer_id,
        claims.predecessor_identifier_id,
        claims.component_node_id,
        row_number() over (
            partition by claims.customer_id
            order by claims.shared_identifier_count desc, claims.component_node_id asc
        ) as component_rank,
        row_number() over (
            partition by claims.component_node_id
            order by
                claims.shared_identifier_count desc,
                customer_ages.customer_registered_at asc,
                claims.customer_id asc
        ) as customer_rank
    from claims
    inner join customer_ages
        on claims.customer_id = customer_ages.customer_id
),

{# Each lost customer goes to the component holding most of it, unless that component holds
   more of another lost customer (or as much of an older one): one id per component. #}
handovers as (
    select
        customer_id,
        predecessor_identifier_id,
        component_node_id
    from ranked_claims
    where component_rank = 1 and customer_rank = 1
),

{# A new customer's id is derived from its founder; when that id is taken (a superseded
   founder back in the graph), from the founder and the build instead. #}
new_founders as (
    select
        elected.founder_identifier_id,
        elected.first_seen_at,
        handovers.customer_id as inherited_customer_id,
        handovers.predecessor_identifier_id,
        {{ dbt.concat([
            "'c_'", "substr(" ~ dbt.hash("elected.founder_identifier_id") ~ ", 1, 20)",
        ]) }} as derived_customer_id,
        {{ dbt.concat([
            "'c_'",
            "substr(" ~ dbt.hash(dbt.concat([
                "elected.founder_identifier_id",
                "'@" ~ run_started_at.strftime('%Y%m%dT%H%M%S') ~ "'",
            ])) ~ ", 1, 20)",
        ]) }} as rederived_customer_id
    from elected
    left join handovers
        on elected.component_node_id = handovers.component_node_id
),

final as (
    select
        coalesce(
            new_founders.inherited_customer_id,
            case
                when customer_ages.customer_id is null then new_founders.derived_customer_id
                else new_founders.rederived_customer_id
            end
        ) as customer_id,
        new_founders.founder_identifier_id,
        new_founders.first_seen_at as founded_at,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
            as registered_at,
        new_founders.predecessor_identifier_id
    from new_founders
    left join customer_ages
        on new_founders.derived_customer_id = customer_ages.customer_id
)

select * from final
