{#- Reads 'YYYY-MM-DD HH:MM:SS', 'YYYY/MM/DD HH:MM:SS' and 'YYYY-MM-DDTHH:MM:SS', optionally
    followed by 'Z' or a +HH:MM / -HH:MM offset, into a timestamp without time zone in China
    time (UTC+8 all year, no daylight saving). Anything else, including impossible dates such
    as 2025-13-45 or 0000-00-00, is null. The offset is applied by hand because the engines
    disagree on how a cast treats one. A value already in the first form, without an offset
    (most exports), is cast as it is: the cleaning would return it unchanged, so only the
    other values pay for it (docs/scale.md, "Canonical values first"). -#}
{% macro parse_timestamp(expr) -%}
    {%- set text = "replace(replace(upper(" ~ datong.clean_text(expr) ~ "), '/', '-'), 'T', ' ')" -%}
    {%- set zone = "substring(" ~ text ~ ", 20)" -%}
    {%- set pattern -%}
        '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:?[0-9]{2})?$'
    {%- endset -%}
    case
        when {{ datong.regex_matches(
            expr, "'^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'"
        ) }}
            then try_cast({{ expr }} as timestamp)
        when {{ datong.regex_matches(text, pattern) }}
            then try_cast(substring({{ text }}, 1, 19) as timestamp) + (
                case
                    when {{ zone }} = '' then 0
                    when {{ zone }} = 'Z' then 480
                    else 480 - (case when substring({{ zone }}, 1, 1) = '-' then -1 else 1 end)
                        * (
                            try_cast(substring({{ zone }}, 2, 2) as int) * 60
                            + try_cast(right({{ zone }}, 2) as int)
                        )
                end * interval 1 minute
            )
    end
{%- endmacro %}
