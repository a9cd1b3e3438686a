{#- The records whose star of evidence may differ from what a model kept by record stored at
    its last build (docs/incremental.md, "Identity by record"): those whose sightings were
    logged since the model's newest `_built_at` (removed sightings included), and those that
    carry an identifier screened since. A select of (`source_model`, `source_record_id`);
    `sightings` and `identifiers` name the model's CTEs of the current sightings and the
    screened identifiers. Only on an incremental run. -#}
{% macro identity_records_touched(sightings, identifiers) -%}
    select
        sightings_log.source_model,
        sightings_log.source_record_id
    from {{ ref('int_identity_sightings_logged') }} as sightings_log
    where {{ written_since_this('sightings_log') }}
    union
    select
        {{ sightings }}.source_model,
        {{ sightings }}.source_record_id
    from {{ sightings }}
    inner join {{ identifiers }}
        on {{ sightings }}.identifier_id = {{ identifiers }}.identifier_id
    where {{ written_since_this(identifiers) }}
{%- endmacro %}
