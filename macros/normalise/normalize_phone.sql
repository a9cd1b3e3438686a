{#- An 11-digit mainland mobile number (1[3-9] and nine digits), or null for anything else:
    empty, masked, landline, too short or not a number. -#}
{% macro normalize_phone(expr) -%}
    {%- set candidate = datong.phone_candidate(expr) -%}
    case
        when {{ datong.regex_matches(candidate, "'^1[3-9][0-9]{9}$'") }}
            then {{ candidate }}
    end
{%- endmacro %}
