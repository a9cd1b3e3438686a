{#- The phone text reduced to what the phone rules test (docs/data_quality.md "Phone
    normalisation"): half-width, no spaces, dashes, dots or parentheses, and without a
    +86 / 0086 / 86 country prefix in front of 11 digits (or of a masked 11-character
    number). Not yet validated: normalize_phone and the flags below decide. -#}
{% macro phone_candidate(expr) -%}
    {%- set compact = datong.regex_replace_all(
        datong.to_halfwidth(datong.clean_text(expr)), "'[-. ()]'", "''"
    ) -%}
    case
        when {{ datong.regex_matches(compact, "'^([+]|00)?86[0-9*]{11}$'") }}
            then right({{ compact }}, 11)
        else {{ compact }}
    end
{%- endmacro %}
