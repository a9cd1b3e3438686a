{#- A whole number as bigint; '3.0' style values written by spreadsheet exports are
    accepted, any other fraction or text is null. The pattern's first group is the number
    without its '.0' tail, so one regex_extract tests and strips it. Plain digits are cast as
    they are, which is what the cleaning would return for them (docs/scale.md, "Canonical
    values first"). -#}
{% macro parse_integer(expr) -%}
    {%- set text = datong.clean_text(datong.to_halfwidth(expr)) -%}
    case
        when {{ datong.regex_matches(expr, "'^[0-9]+$'") }}
            then try_cast({{ expr }} as bigint)
        else try_cast(
            nullif({{ datong.regex_extract(text, "'^([+-]?[0-9]+)([.]0*)?$'", 1) }}, '') as bigint
        )
    end
{%- endmacro %}
