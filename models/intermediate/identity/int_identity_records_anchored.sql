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
    (priority, identifier_id) names one sighting: the first by that order, found by an
    aggregate instead of a window that sorts every partition. #}
first_linkable as (
    select
        source_model,
        source_record_id,
        {{ datong.min_struct([
            ('priority', 'priority'),
            ('identifier_id', 'identifier_id'),
            ('anchor_seen_at', 'seen_at'),
        ]) }} as anchor,
        count(*) as linkable_identifier_count
    from linkable_sightings
    group by 1, 2
),

anchored as (
    select
        first_linkable.source_model,
        first_linkable.source_record_id,
        first_linkable.anchor.identifier_id as anchor_identifier_id,
        first_linkable.linkable_identifier_count,
        first_linkable.anchor.anchor_seen_at as seen_at
    from first_linkable
)

select * from anchored
