{#- The config of a model kept up to date by key (docs/incremental.md, "Rebuilt by key"):
    `config(**incremental_by_key('order_id'))`. On DuckDB it is incremental,
    `delete+insert` on `unique_key`: an incremental run selects the complete new rows of the
    keys its new input touched, and dbt replaces the stored rows of those keys. Spark's
    Parquet tables have no row-level delete (no Delta or Iceberg here), so elsewhere the model
    is a table rebuilt in full, from the same SQL (`is_incremental()` is false). A contract, if
    the model enforces one, makes a changed column list fail the run instead of being
    appended. -#}
{% macro incremental_by_key(unique_key) -%}
    {{ return(adapter.dispatch('incremental_by_key', 'datong')(unique_key)) }}
{%- endmacro %}

{% macro default__incremental_by_key(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__incremental_by_key(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}
