{#- One row per identifier with its customer. A linkable identifier takes the customer of its
    final component; a weak one (a masked phone) the single customer of every record that
    carries it, and none when those records disagree; an excluded one none. -#}
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

resolved as (
    select
        identifiers.identifier_id,
        identifiers.identifier_type,
        identifiers.identifier_scope,
        identifiers.identifier_value,
        identifiers.strength,
        coalesce(linked.customer_id, weak_identifier_customers.customer_id) as customer_id,
        identifiers.exclusion_reason,
        identifiers.exclusion_detail,
        identifiers.sighting_count,
        identifiers.is_linkable,
        identifiers.first_seen_at,
        identifiers.last_seen_at
    from identifiers
    left join linked
        on identifiers.identifier_id = linked.identifier_id
    left join weak_identifier_customers
        on identifiers.identifier_id = weak_identifier_customers.identifier_id
)

select * from resolved
