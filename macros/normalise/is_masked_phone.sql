{#- True for a platform-masked mobile number such as 138****1234: its first three and last
    four digits survive, so it can be kept for display but never joined on. -#}
{% macro is_masked_phone(expr) -%}
    coalesce(
        {{ datong.regex_matches(datong.phone_candidate(expr), "'^1[3-9][0-9][*]{4}[0-9]{4}$'") }},
        false
    )
{%- endmacro %}
