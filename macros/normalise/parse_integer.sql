{#- A whole number as bigint; '3.0' style values written by spreadsheet exports are
    accepted, any other fraction or text is null. The pattern's first group is the number
    without its '.0' tail, so one regex_extract tests and strips it. -#}
{% macro parse_integer(expr) -%}
    {%- set text = datong.clean_text(datong.to_halfwidth(expr)) -%}
    try_cast(
        nullif({{ datong.regex_extract(text, "'^([+-]?[0-9]+)([.]0*)?$'", 1) }}, '') as bigint
    )
{%- endmacro %}
