{#- A decimal number, optionally in exponent notation, as a double (coordinates and other
    measurements); null when it is not a finite number. The text is computed once:
    regex_extract returns it only when it is such a number. Unsigned plain decimals are cast as
    they are, which is what the cleaning would return for them (docs/scale.md, "Canonical
    values first"). -#}
{% macro parse_double(expr) -%}
    {%- set text = datong.clean_text(datong.to_halfwidth(expr)) -%}
    case
        when {{ datong.regex_matches(expr, "'^[0-9]+([.][0-9]*)?$'") }}
            then try_cast({{ expr }} as double)
        else try_cast(
            nullif(
                {{ datong.regex_extract(
                    text, "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'", 0
                ) }},
                ''
            ) as double
        )
    end
{%- endmacro %}
