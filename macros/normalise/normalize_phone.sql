{#- An 11-digit mainland mobile number (1[3-9] and nine digits), or null for anything else:
    empty, masked, landline, too short or not a number. One regexp_extract tests and returns
    the candidate, so it is computed once. -#}
{% macro normalize_phone(expr) -%}
    nullif(
        {{ datong.regex_extract(datong.phone_candidate(expr), "'^1[3-9][0-9]{9}$'", 0) }},
        ''
    )
{%- endmacro %}
