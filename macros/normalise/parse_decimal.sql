{#- A plain decimal number (optional sign, optional fraction; thousands separators, spaces
    and the yuan sign are dropped) as decimal(18, scale), rounded half away from zero; null
    when it is not such a number or does not fit. The pattern check keeps both engines
    agreeing on what a number is (no exponents, NaN or infinity). -#}
{% macro parse_decimal(expr, scale=2) -%}
    {%- set text = datong.regex_replace_all(
        datong.to_halfwidth(datong.clean_text(expr)), "'[, ¥￥]'", "''"
    ) -%}
    case
        when {{ datong.regex_matches(text, "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'") }}
            then try_cast({{ text }} as decimal(18, {{ scale }}))
    end
{%- endmacro %}
