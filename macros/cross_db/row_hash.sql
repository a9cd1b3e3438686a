{#- A 64-bit hash of one or more columns of a row (DuckDB `hash`, Spark `xxhash64`), for
    grouping rows by a short integer before comparing their values. Different values can share
    a hash, so a hash only narrows the rows to compare, never decides alone. Elsewhere: the md5
    text of the values. -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'datong')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{#- The rows of `model` (those matching `where`, when given) whose `row_hash` of `columns`
    occurs more than once: every row whose value of `columns` repeats, and the rare rows that
    merely share a hash with another. A query selecting `columns`; the key tests group its
    rows by their values to find the repeated keys among millions of rows cheaply. -#}
{% macro rows_of_repeated_hashes(model, columns, where=none) -%}
    select {{ columns | join(', ') }}
    from {{ model }}
    where
        {% if where is not none %}({{ where }}) and {% endif -%}
        {{ datong.row_hash(columns) }} in (
            select {{ datong.row_hash(columns) }} as row_hash
            from {{ model }}
            {% if where is not none %}where {{ where }}{% endif %}
            group by {{ datong.row_hash(columns) }}
            having count(*) > 1
        )
{%- endmacro %}
