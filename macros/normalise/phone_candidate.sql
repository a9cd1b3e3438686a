{#- The phone text reduced to what the phone rules test (docs/data_quality.md "Phone
    normalisation"): half-width, no spaces, dashes, dots or parentheses, and without a
    +86 / 0086 / 86 country prefix in front of 11 digits (or of a masked 11-character
    number). Not yet validated: normalize_phone and the flags below decide. Trimming after
    the half-width translation is the same as before it (U+3000 becomes a space, and both
    are trimmed), and lets to_halfwidth test the bare column. The compact text is written
    twice, not three times: each copy is a trim and two regular expressions per row. Eleven
    plain digits or masking stars (138****1234) are their own candidate, too short to carry
    a prefix, so only other values pay for the cleaning (docs/scale.md, "Canonical values
    first"). -#}
{% macro phone_candidate(expr) -%}
    {%- set compact = datong.regex_replace_all(
        datong.clean_text(datong.to_halfwidth(expr)), "'[-. ()]'", "''"
    ) -%}
    case
        when {{ datong.regex_matches(expr, "'^[0-9*]{11}$'") }} then {{ expr }}
        else coalesce(
            nullif({{ datong.regex_extract(compact, "'^(?:[+]|00)?86([0-9*]{11})$'", 1) }}, ''),
            {{ compact }}
        )
    end
{%- endmacro %}
