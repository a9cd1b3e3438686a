{#- An 11-digit mainland mobile number (1[3-9] and nine digits), or null for anything else:
    empty, masked, landline, too short or not a number. One regexp_extract tests and returns
    the candidate, so it is computed once. is_candidate: expr already is phone_candidate() of
    the raw text, which a model computes once per column when several rules test it. -#}
{% macro normalize_phone(expr, is_candidate=false) -%}
    {%- set candidate = expr if is_candidate else datong.phone_candidate(expr) -%}
    nullif({{ datong.regex_extract(candidate, "'^1[3-9][0-9]{9}$'", 0) }}, '')
{%- endmacro %}
