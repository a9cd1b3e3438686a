{#- A plain decimal number (optional sign, optional fraction; thousands separators, spaces
    and the yuan sign are dropped) as decimal(18, scale), rounded half away from zero; null
    when it is not such a number or does not fit. The pattern check keeps both engines
    agreeing on what a number is (no exponents, NaN or infinity); regex_extract returns the
    text only when it is such a number, so the text is computed once. Most exports write
    plain digits: those are cast as they are, which is what the cleaning would return for
    them, and only the rest pay for the cleaning (one regular expression instead of four
    steps; docs/scale.md, "Canonical values first"). -#}
{% macro parse_decimal(expr, scale=2) -%}
    {%- set text = datong.regex_replace_all(
        datong.clean_text(datong.to_halfwidth(expr)), "'[, ¥￥]'", "''"
    ) -%}
    case
        when {{ datong.regex_matches(expr, "'^[0-9]+([.][0-9]*)?$'") }}
            then try_cast({{ expr }} as decimal(18, {{ scale }}))
        else try_cast(
            nullif(
                {{ datong.regex_extract(text, "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'", 0) }},
                ''
            ) as decimal(18, {{ scale }})
        )
    end
{%- endmacro %}
