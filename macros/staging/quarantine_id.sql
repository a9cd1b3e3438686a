{#- Primary key of a quarantined raw row: `<source>.<table>:<_row_number>`, e.g.
    `ecommerce.orders:118`. Every quarantine model keys its rows this way. -#}
{% macro quarantine_id(source_table='source_table', row_number='_row_number') -%}
    {{ dbt.concat([
        source_table, "':'", "cast(" ~ row_number ~ " as " ~ dbt.type_string() ~ ")"
    ]) }}
{%- endmacro %}
