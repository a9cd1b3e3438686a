{#- `materialized` on DuckDB, nothing elsewhere: written between `as` and the body of a CTE
    that narrows a large table by a selective join before other joins read it
    (`weak_sightings as {{ materialized() }} (...)`). DuckDB inlines a CTE read once and then
    orders its joins by estimated sizes; a filter on a joined table (`strength = 'weak'`, one
    identifier in seventeen) is estimated far less selective than it is, so the large tables
    were joined to each other first and the filter applied last (docs/scale.md, "Selective
    joins first"). Spark inlines every CTE and, without cost-based join reordering, joins in
    the order written. -#}
{% macro materialized() -%}
    {{ return(adapter.dispatch('materialized', 'datong')()) }}
{%- endmacro %}

{% macro default__materialized() -%}{%- endmacro %}

{% macro duckdb__materialized() -%}materialized{%- endmacro %}
