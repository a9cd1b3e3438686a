{#- Reads 'YYYY-MM-DD', 'YYYY/MM/DD' and 'YYYYMMDD' (a trailing midnight-style time part is
    ignored) into a date; impossible dates and anything else are null. A value already
    'YYYY-MM-DD' is cast as it is (docs/scale.md, "Canonical values first"). -#}
{% macro parse_date(expr) -%}
    {%- set text = "replace(" ~ datong.clean_text(expr) ~ ", '/', '-')" -%}
    case
        when {{ datong.regex_matches(expr, "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'") }}
            then try_cast({{ expr }} as date)
        when {{ datong.regex_matches(text, "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9:.]+)?$'") }}
            then try_cast(substring({{ text }}, 1, 10) as date)
        when {{ datong.regex_matches(text, "'^[0-9]{8}$'") }}
            then try_cast(
                substring({{ text }}, 1, 4) || '-' || substring({{ text }}, 5, 2) || '-'
                || substring({{ text }}, 7, 2) as date
            )
    end
{%- endmacro %}
