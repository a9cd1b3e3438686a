{#- True when a parsed timestamp lies further in the future than the build time plus
    var('datong_future_tolerance_hours'): a source clock set years ahead, not a time zone
    slip. False for null. -#}
{% macro is_future_timestamp(ts_expr) -%}
    coalesce(
        {{ ts_expr }} > {{ datong.current_local_timestamp() }}
        + ({{ var('datong_future_tolerance_hours') }} * interval 1 hour),
        false
    )
{%- endmacro %}
