{#- The config of a model kept up to date by key (docs/incremental.md, "Rebuilt by key"):
    `config(**incremental_by_key('order_id'))`. On DuckDB it is incremental,
    `delete+insert` on `unique_key`: an incremental run selects the complete new rows of the
    keys its new input touched, and dbt replaces the stored rows of those keys. Spark's
    Parquet tables have no row-level delete (no Delta or Iceberg here), so elsewhere the model
    is a table rebuilt in full, from the same SQL (`is_incremental()` is false). A contract, if
    the model enforces one, makes a changed column list fail the run instead of being
    appended.

    `removed_unless` names a column that is never null in a row the model keeps. With it, an
    incremental run may also select a removal: a row of a key that must leave the model, with
    that column null. Its stored row is deleted and nothing is written in its place (strategy
    `replace_by_key` below). Without it, a key leaves the model only by a full refresh. -#}
{% macro incremental_by_key(unique_key, removed_unless=none) -%}
    {{ return(adapter.dispatch('incremental_by_key', 'datong')(unique_key, removed_unless)) }}
{%- endmacro %}

{% macro default__incremental_by_key(unique_key, removed_unless=none) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__incremental_by_key(unique_key, removed_unless=none) -%}
    {%- set config = {
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
    } -%}
    {%- if removed_unless is not none -%}
        {%- do config.update({
            'incremental_strategy': 'replace_by_key',
            'removed_unless': removed_unless,
        }) -%}
    {%- endif -%}
    {{ return(config) }}
{%- endmacro %}

{#- The incremental strategy `replace_by_key` of `incremental_by_key(..., removed_unless=...)`:
    `delete+insert` on the key (one column or several), where the selected rows whose
    `removed_unless` column is null only delete their key. dbt calls it with the relations of
    the run. -#}
{% macro get_incremental_replace_by_key_sql(arg_dict) -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set removed_unless = config.get('removed_unless') -%}
    {%- if not unique_key or removed_unless is none -%}
        {{ exceptions.raise_compiler_error(
            "replace_by_key needs unique_key and removed_unless, from "
            ~ "incremental_by_key(unique_key, removed_unless=...)") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- if unique_key is string %}
    delete from {{ arg_dict['target_relation'] }}
    where {{ unique_key }} in (
        select {{ unique_key }} from {{ arg_dict['temp_relation'] }}
    );
    {%- else %}
    delete from {{ arg_dict['target_relation'] }} as stored_rows
    using (
        select distinct {{ unique_key | join(', ') }} from {{ arg_dict['temp_relation'] }}
    ) as selected
    where
        {%- for column in unique_key %}
        {{ 'and ' if not loop.first }}stored_rows.{{ column }} = selected.{{ column }}
        {%- endfor %};
    {%- endif %}

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
    where {{ removed_unless }} is not null
{%- endmacro %}

{#- The config of a model rewritten only where its rows changed:
    `config(**rewritten_where_changed('identifier_id'))`. The model's SQL selects every row,
    as a table's would. On DuckDB it is incremental with the strategy `replace_changed`
    below: the run compares the selected rows with the stored ones by key and deletes and
    inserts only the keys whose row differs, appeared or left, so a table of long string
    keys is not written anew each build. Elsewhere a table. A contract, if the model enforces
    one, still holds: every selected row is a complete row. The key's columns are never
    null, as a primary key's. -#}
{% macro rewritten_where_changed(unique_key) -%}
    {{ return(adapter.dispatch('rewritten_where_changed', 'datong')(unique_key)) }}
{%- endmacro %}

{% macro default__rewritten_where_changed(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__rewritten_where_changed(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'replace_changed',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{#- The incremental strategy `replace_changed` of `rewritten_where_changed`: the keys whose
    selected row differs from the stored one in any column (`is distinct from`, so nulls
    compare equal), or that only one side holds, are listed once; their stored rows are
    deleted and their selected rows inserted. Unchanged rows stay as they are. The run logs
    how many rows it wrote again and removed. dbt calls it with the relations of the run. -#}
{% macro get_incremental_replace_changed_sql(arg_dict) -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- if not unique_key -%}
        {{ exceptions.raise_compiler_error(
            "replace_changed needs unique_key, from rewritten_where_changed(unique_key)") }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set names = arg_dict['dest_columns'] | map(attribute='name') | list -%}
    {%- set columns = get_quoted_csv(names) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set selected = arg_dict['temp_relation'] -%}
    {%- set changed = adapter.quote(selected.identifier ~ '_changed') -%}
    {%- set changed_sql -%}
        create or replace temporary table {{ changed }} as
        select
            {%- for key in keys %}
            coalesce(selected_rows.{{ key }}, stored_rows.{{ key }}) as {{ key }},
            {%- endfor %}
            selected_rows.{{ keys[0] }} is null as is_removed
        from {{ selected }} as selected_rows
        full outer join {{ target }} as stored_rows
            on
            {%- for key in keys %}
                {{ 'and ' if not loop.first }}selected_rows.{{ key }} = stored_rows.{{ key }}
            {%- endfor %}
        where
            selected_rows.{{ keys[0] }} is null
            or stored_rows.{{ keys[0] }} is null
            {%- for name in names if name not in keys %}
            or selected_rows.{{ adapter.quote(name) }}
            is distinct from stored_rows.{{ adapter.quote(name) }}
            {%- endfor %}
    {%- endset -%}
    {%- do run_query(changed_sql) -%}
    {%- set counts = run_query(
        "select count(*) filter (where not is_removed), count(*) filter (where is_removed), "
        ~ "(select count(*) from " ~ selected ~ ") from " ~ changed).rows[0] -%}
    {{ log(target.identifier ~ ": " ~ counts[0] ~ " of " ~ counts[2]
        ~ " rows written again, " ~ counts[1] ~ " removed", info=true) }}

    delete from {{ target }} as stored_rows
    using {{ changed }} as changed_keys
    where
        {%- for key in keys %}
        {{ 'and ' if not loop.first }}stored_rows.{{ key }} = changed_keys.{{ key }}
        {%- endfor %};

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ selected }} as selected_rows
    where exists (
        select 1 from {{ changed }} as changed_keys
        where
            {%- for key in keys %}
            {{ 'and ' if not loop.first }}selected_rows.{{ key }} = changed_keys.{{ key }}
            {%- endfor %}
    );

    drop table {{ changed }}
{%- endmacro %}
