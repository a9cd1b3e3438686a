{#- on-run-start guard: a target outside var('datong_development_targets') must have
    DATONG_PSEUDONYM_KEY set. DuckDB outputs are guarded by the plugin itself (it refuses to
    start without the key unless `allow_development_key` is set); Spark is asked whether it
    substituted the variable. Only a yes/no leaves the engine, never the key. -#}
{% macro check_pseudonym_key() -%}
    {%- if execute and target.name not in var('datong_development_targets') -%}
        {{ adapter.dispatch('check_pseudonym_key', 'datong')() }}
    {%- endif -%}
{%- endmacro %}

{% macro default__check_pseudonym_key() -%}
{%- endmacro %}

{% macro spark__check_pseudonym_key() -%}
    {%- set result = run_query(
        "select '${env:DATONG_PSEUDONYM_KEY}' = concat('$', '{env:DATONG_PSEUDONYM_KEY}')"
        ~ " as is_missing"
    ) -%}
    {%- if result.columns[0].values()[0] -%}
        {{ exceptions.raise_compiler_error(
            "DATONG_PSEUDONYM_KEY is not set: target '" ~ target.name
            ~ "' needs the production pseudonym key"
        ) }}
    {%- endif -%}
{%- endmacro %}
