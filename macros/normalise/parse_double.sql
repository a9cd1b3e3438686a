{#- A decimal number, optionally in exponent notation, as a double (coordinates and other
    measurements); null when it is not a finite number. -#}
{% macro parse_double(expr) -%}
    {%- set text = datong.to_halfwidth(datong.clean_text(expr)) -%}
    case
        when {{ datong.regex_matches(
            text, "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'"
        ) }}
            then try_cast({{ text }} as double)
    end
{%- endmacro %}
