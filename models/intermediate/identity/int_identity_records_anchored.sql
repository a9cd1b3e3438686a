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

{# A record carries each identifier once (one per carrier column, each of its own type), so
    (priority, identifier_id) names one sighting: the first by that order is the smallest
    `anchor_key`, the priority padded to a fixed width (the seed's test bounds it) followed by
    the id. Its `min` is an aggregate over strings, cheaper than a window that sorts every
    partition or a `min` of a struct compared field by field. Every sighting of a record
    carries the record's own time (`int_identity_sightings_extracted`), so the anchor's is
    their `min`. #}
linkable_keyed as (
    select
        source_model,
        source_record_id,
        {{ dbt.concat([
            "lpad(cast(priority as " ~ dbt.type_string() ~ "), 4, '0')",
            "identifier_id",
        ]) }} as anchor_key,
        seen_at
    from linkable_sightings
),

first_linkable as (
    select
        source_model,
        source_record_id,
        min(anchor_key) as anchor_key,
        min(seen_at) as seen_at,
        count(*) as linkable_identifier_count
    from linkable_keyed
    group by 1, 2
),

anchored as (
    select
        source_model,
        source_record_id,
        substring(anchor_key, 5) as anchor_identifier_id,
        linkable_identifier_count,
        seen_at
    from first_linkable
)

select * from anchored
