{#- One row per identifier with its customer. A linkable identifier takes the customer of its
    final component; a weak one (a masked phone) the single customer of every record that
    carries it, and none when those records disagree; an excluded one none.

    Kept up to date by identifier on DuckDB (docs/incremental.md, "Identity by record"): an
    incremental run still finds every identifier's customer (narrow columns), but writes
    again only the identifiers whose customer differs from the stored one, those screened
    again since this model's newest `_built_at`, and removes those that left the screening.
    A row keeps the `_built_at` of the build that last changed it, which is what the resolved
    records read to follow a customer that changed. -#}
{{ config(**incremental_by_key('identifier_id', removed_unless='identifier_type')) }}
with

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_screened') }}
),

components as (
    select * from {{ ref('int_identity_components_resolved') }}
),

customer_ids as (
    select * from {{ ref('int_identity_customer_ids_assigned') }}
),

sightings as (
    select * from {{ ref('int_identity_sightings_extracted') }}
),

anchors as (
    select * from {{ ref('int_identity_records_anchored') }}
),

linked as (
    select
        components.node_id as identifier_id,
        customer_ids.customer_id
    from components
    inner join customer_ids
        on components.component_node_id = customer_ids.component_node_id
),

{# The sightings of weak identifiers first (about a ninth of all sightings): joined to every
    record's anchor before this narrowing, they cost twice the time and spilled. #}
weak_sightings as {{ materialized() }} (
    select
        sightings.identifier_id,
        sightings.source_model,
        sightings.source_record_id
    from sightings
    inner join identifiers
        on sightings.identifier_id = identifiers.identifier_id
    where identifiers.strength = 'weak'
),

weak_identifier_customers as (
    select
        weak_sightings.identifier_id,
        min(linked.customer_id) as customer_id
    from weak_sightings
    inner join anchors
        on
            weak_sightings.source_model = anchors.source_model
            and weak_sightings.source_record_id = anchors.source_record_id
    inner join linked
        on anchors.anchor_identifier_id = linked.identifier_id
    group by 1
    having count(distinct linked.customer_id) = 1
),

{% if is_incremental() %}
    customers_found as (
        select
            identifier_id,
            customer_id
        from linked
        union all
        select
            identifier_id,
            customer_id
        from weak_identifier_customers
    ),

    stored as (
        select
            identifier_id,
            customer_id
        from {{ this }}
    ),

    {# A linkable identifier is a node of the components and never weak, so the two lists
        of customers found are disjoint. An identifier whose customer is not the stored one
        (found, moved or lost), one screened again, and one that left the screening. #}
    identifiers_to_resolve as {{ materialized() }} (
        select coalesce(customers_found.identifier_id, stored.identifier_id) as identifier_id
        from customers_found
        full outer join stored
            on customers_found.identifier_id = stored.identifier_id
        where
            coalesce(customers_found.customer_id, '') <> coalesce(stored.customer_id, '')
        union
        select identifier_id
        from identifiers
        where {{ written_since_this() }}
        union
        select stored.identifier_id
        from stored
        left join identifiers
            on stored.identifier_id = identifiers.identifier_id
        where identifiers.identifier_id is null
    ),

    identifiers_written as (
        select identifiers.*
        from identifiers_to_resolve
        inner join identifiers
            on identifiers_to_resolve.identifier_id = identifiers.identifier_id
    ),
{% else %}
    identifiers_written as (
        select * from identifiers
    ),
{% endif %}

resolved as (
    select
        identifiers_written.identifier_id,
        identifiers_written.identifier_type,
        identifiers_written.identifier_scope,
        identifiers_written.identifier_value,
        identifiers_written.strength,
        coalesce(linked.customer_id, weak_identifier_customers.customer_id) as customer_id,
        identifiers_written.exclusion_reason,
        identifiers_written.exclusion_detail,
        identifiers_written.sighting_count,
        identifiers_written.is_linkable,
        identifiers_written.first_seen_at,
        identifiers_written.last_seen_at,
        {{ built_at() }} as _built_at
    from identifiers_written
    left join linked
        on identifiers_written.identifier_id = linked.identifier_id
    left join weak_identifier_customers
        on identifiers_written.identifier_id = weak_identifier_customers.identifier_id
),

{% if is_incremental() %}
    {# An identifier that left the screening keeps only its key: dbt deletes its stored row
        (`removed_unless='identifier_type'`). #}
    final as (
        select
            identifiers_to_resolve.identifier_id,
            resolved.identifier_type,
            resolved.identifier_scope,
            resolved.identifier_value,
            resolved.strength,
            resolved.customer_id,
            resolved.exclusion_reason,
            resolved.exclusion_detail,
            resolved.sighting_count,
            resolved.is_linkable,
            resolved.first_seen_at,
            resolved.last_seen_at,
            resolved._built_at
        from identifiers_to_resolve
        left join resolved
            on identifiers_to_resolve.identifier_id = resolved.identifier_id
    )
{% else %}
    final as (
        select * from resolved
    )
{% endif %}

select * from final
