{#- One row per staged record that carries at least one linkable identifier: its anchor, the
    identifier of the highest priority (then the smallest id) among them. Evidence is a star
    from the anchor, never every pair. -#}
with

sightings as (
    select * from {{ ref('int_identity_sightings_extracted') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_screened') }}
),

linkable_sightings as (
    select
        sightings.source_model,
        sightings.source_record_id,
        sightings.identifier_id,
        identifiers.priority,
        sightings.seen_at
    from sightings
    inner join identifiers
        on sightings.identifier_id = identifiers.identifier_id
    where identifiers.is_linkable
),

anchored as (
    select
        {{ dbt.concat(["source_model", "'|'", "source_record_id"]) }} as record_key,
        source_model,
        source_record_id,
        identifier_id as anchor_identifier_id,
        count(*) over (partition by source_model, source_record_id) as linkable_identifier_count,
        seen_at
    from linkable_sightings
    qualify row_number() over (
        partition by source_model, source_record_id
        order by priority asc, identifier_id asc
    ) = 1
)

select * from anchored
