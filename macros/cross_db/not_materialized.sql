{#- `not materialized` on DuckDB, nothing elsewhere: written between `as` and the body of an
    import CTE (`orders as {{ not_materialized() }} (select * from {{ ref('fct_orders') }})`)
    that the model reads more than once. DuckDB materialises a CTE read more than once, which
    for an import copies every column of the whole table into memory, spilled to disk beyond
    the memory limit, before each reference scans the copy in full; inlined, each reference
    reads only its columns and rows from the stored table (docs/scale.md, "Import CTEs read
    more than once"). Spark inlines every CTE and has no such clause. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'datong')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}{%- endmacro %}

{% macro duckdb__not_materialized() -%}not materialized{%- endmacro %}
