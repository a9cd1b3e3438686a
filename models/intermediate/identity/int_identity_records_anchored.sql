{#- One row per staged record that carries at least one linkable identifier: its anchor, the
    identifier of the highest priority (then the smallest id) among them. Evidence is a star
    from the anchor, never every pair.

    Kept up to date by record on DuckDB (docs/incremental.md, "Identity by record"): an
    incremental run anchors again the records whose sightings were logged since this model's
    newest `_built_at` and the records carrying an identifier screened again since; a record
    left without a linkable identifier leaves. -#}
{{ config(**incremental_by_key(
    ['source_model', 'source_record_id'], removed_unless='anchor_identifier_id'
)) }}
-- depends_on: {{ ref('int_identity_sightings_logged') }}
with

sightings as {{ not_materialized() }} (
    select * from {{ ref('int_identity_sightings_extracted') }}
),

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_screened') }}
),

{% if is_incremental() %}
    records_to_anchor as (
        {{ identity_records_touched('sightings', 'identifiers') }}
    ),

    {# Materialized: DuckDB otherwise joins every sighting to its identifier before this
        narrowing (14M rows at 1M persons instead of 1M), and the run takes 0.6 s more. #}
    anchored_sightings as {{ materialized() }} (
        select sightings.*
        from sightings
        inner join records_to_anchor
            on
                sightings.source_model = records_to_anchor.source_model
                and sightings.source_record_id = records_to_anchor.source_record_id
    ),
{% else %}
    anchored_sightings as (
        select * from sightings
    ),
{% endif %}

linkable_sightings as (
    select
        anchored_sightings.source_model,
        anchored_sightings.source_record_id,
        anchored_sightings.identifier_id,
        identifiers.priority,
        anchored_sightings.seen_at
    from anchored_sightings
    inner join identifiers
        on anchored_sightings.identifier_id = identifiers.identifier_id
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
        seen_at,
        {{ built_at() }} as _built_at
    from first_linkable
),

{% if is_incremental() %}
    {# A record anchored again without a linkable identifier keeps only its key: dbt deletes
        its stored anchor (`removed_unless='anchor_identifier_id'`). #}
    final as (
        select
            records_to_anchor.source_model,
            records_to_anchor.source_record_id,
            anchored.anchor_identifier_id,
            anchored.linkable_identifier_count,
            anchored.seen_at,
            anchored._built_at
        from records_to_anchor
        left join anchored
            on
                records_to_anchor.source_model = anchored.source_model
                and records_to_anchor.source_record_id = anchored.source_record_id
    )
{% else %}
    final as (
        select * from anchored
    )
{% endif %}

select * from final
