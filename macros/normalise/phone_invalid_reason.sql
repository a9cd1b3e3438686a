{#- Why a phone value was dropped: null when it is empty, a valid mobile number or a masked
    one (those are expected), otherwise 'not_a_mobile_number'. An empty phone has a null
    candidate, for which the test is null and the case falls through to null. is_candidate:
    expr already is phone_candidate() of the raw text. -#}
{% macro phone_invalid_reason(expr, is_candidate=false) -%}
    {%- set candidate = expr if is_candidate else datong.phone_candidate(expr) -%}
    case
        when not {{ datong.regex_matches(
            candidate, "'^1[3-9][0-9]([0-9]{4}|[*]{4})[0-9]{4}$'"
        ) }}
            then 'not_a_mobile_number'
    end
{%- endmacro %}
