{#- A struct of named fields, `struct_of([('priority', 'priority'), ('identifier_id',
    'identifier_id')])`: each pair is a field name and its SQL expression. Structs compare
    field by field in the order given, so one struct can stand for a sort key of several
    columns (`min_struct`, `newest_export_first`). -#}
{% macro struct_of(fields) -%}
    {{ return(adapter.dispatch('struct_of', 'datong')(fields)) }}
{%- endmacro %}

{% macro default__struct_of(fields) -%}
    named_struct(
        {%- for name, expr in fields %}'{{ name }}', {{ expr }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}

{% macro duckdb__struct_of(fields) -%}
    struct_pack(
        {%- for name, expr in fields %}{{ name }} := {{ expr }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}
