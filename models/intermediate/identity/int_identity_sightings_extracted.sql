{#- Every identifier carried by every staged record, typed and scoped: the current rows of
    int_identity_sightings_logged, which also keeps on DuckDB the sightings that left a record
    since. A view: the filter costs a consumer nothing beside its scan of the log. -#}
{{ config(materialized='view') }}

with

logged as (
    select * from {{ ref('int_identity_sightings_logged') }}
),

current_sightings as (
    select
        source_model,
        source_record_id,
        identifier_id,
        carrier_column,
        identifier_type,
        identifier_scope,
        store_id,
        seen_at
    from logged
    where not is_removed
)

select * from current_sightings
