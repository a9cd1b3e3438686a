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
