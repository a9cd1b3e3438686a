{#- Why a phone value was dropped: null when it is empty, a valid mobile number or a masked
    one (those are expected), otherwise 'not_a_mobile_number'. -#}
{% macro phone_invalid_reason(expr) -%}
    {%- set candidate = datong.phone_candidate(expr) -%}
    case
        when {{ candidate }} is null then null
        when {{ datong.regex_matches(candidate, "'^1[3-9][0-9]([0-9]{4}|[*]{4})[0-9]{4}$'") }}
            then null
        else 'not_a_mobile_number'
    end
{%- endmacro %}
