{#- true/false, 1/0, yes/no (any case, also t/f and y/n) as a boolean; anything else null. -#}
{% macro parse_boolean(expr) -%}
    case
        when {{ datong.clean_enum(expr) }} in ('true', 't', '1', 'yes', 'y') then true
        when {{ datong.clean_enum(expr) }} in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}
