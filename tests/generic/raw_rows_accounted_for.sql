{#
    Every raw row of a staged table ends in exactly one place (docs/data_quality.md,
    "Outcomes"): staged, quarantined, or collapsed into a later export of its key. The test
    checks three counts that together prove it:
      - the base view has exactly one row per raw row;
      - the staging model has one row per distinct business key among the usable base rows;
      - the quarantine holds exactly the base rows that carry a reject_reason.
    `base` and `quarantine` arrive as `ref(...)` relations (or their rendered names); the raw
    table is found from `source_table` (`<source>.<table>`), which is also the value the
    quarantine's `source_table` column carries.
#}
{% test raw_rows_accounted_for(model, base, quarantine, source_table, key) %}

{%- set source_parts = source_table.split('.') -%}
{%- set raw_relation = source(source_parts[0], source_parts[1]) -%}

with

raw_rows as (
    select count(*) as row_count from {{ raw_relation }}
),

base_rows as (
    select
        count(*) as row_count,
        sum(case when reject_reason is null then 0 else 1 end) as rejected_count
    from {{ base }}
),

usable_keys as (
    select count(distinct {{ key }}) as key_count
    from {{ base }}
    where reject_reason is null
),

staged_rows as (
    select count(*) as row_count from {{ model }}
),

quarantined_rows as (
    select count(*) as row_count
    from {{ quarantine }}
    where source_table = '{{ source_table }}'
),

compared as (
    select
        raw_rows.row_count as raw_row_count,
        base_rows.row_count as base_row_count,
        usable_keys.key_count as usable_key_count,
        staged_rows.row_count as staged_row_count,
        coalesce(base_rows.rejected_count, 0) as rejected_row_count,
        quarantined_rows.row_count as quarantined_row_count
    from raw_rows
    cross join base_rows
    cross join usable_keys
    cross join staged_rows
    cross join quarantined_rows
)

select *
from compared
where
    raw_row_count != base_row_count
    or staged_row_count != usable_key_count
    or quarantined_row_count != rejected_row_count

{% endtest %}
