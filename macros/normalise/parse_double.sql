{#- A decimal number, optionally in exponent notation, as a double (coordinates and other
    measurements); null when it is not a finite number. The text is computed once:
    regex_extract returns it only when it is such a number. -#}
{% macro parse_double(expr) -%}
    {%- set text = datong.clean_text(datong.to_halfwidth(expr)) -%}
    try_cast(
        nullif(
            {{ datong.regex_extract(
                text, "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'", 0
            ) }},
            ''
        ) as double
    )
{%- endmacro %}
