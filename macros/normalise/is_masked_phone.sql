{#- True for a platform-masked mobile number such as 138****1234: its first three and last
    four digits survive, so it can be kept for display but never joined on. is_candidate:
    expr already is phone_candidate() of the raw text. -#}
{% macro is_masked_phone(expr, is_candidate=false) -%}
    {%- set candidate = expr if is_candidate else datong.phone_candidate(expr) -%}
    coalesce(
        {{ datong.regex_matches(candidate, "'^1[3-9][0-9][*]{4}[0-9]{4}$'") }},
        false
    )
{%- endmacro %}
