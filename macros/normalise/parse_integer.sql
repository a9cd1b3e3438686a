{#- A whole number as bigint; '3.0' style values written by spreadsheet exports are
    accepted, any other fraction or text is null. -#}
{% macro parse_integer(expr) -%}
    {%- set text = datong.to_halfwidth(datong.clean_text(expr)) -%}
    case
        when {{ datong.regex_matches(text, "'^[+-]?[0-9]+([.]0*)?$'") }}
            then try_cast({{ datong.regex_replace_all(text, "'[.]0*$'", "''") }} as bigint)
    end
{%- endmacro %}
