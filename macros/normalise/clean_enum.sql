{#- An enumerated code as staging compares it: trimmed, lower case, empty as null. -#}
{% macro clean_enum(expr) -%}
    lower({{ datong.clean_text(expr) }})
{%- endmacro %}
